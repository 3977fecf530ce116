#!/usr/bin/env bash
# Rebuilds the committed test components from src/ (WAT + WIT). Needs
# wat2wasm (wabt); componentizes with the repo's wasm-tools oracle.
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
root="$here/../.."
tmp="$(mktemp -d)"
trap 'rm -rf "$tmp"' EXIT
(cd "$root" && go build -o "$tmp/wasm-tools" ./internal/oracle/cmd/wasm-tools)
cp -r "$here/src/wit" "$tmp/wit"
cd "$tmp"
build() { # build NAME WORLD WATFILE [sed-expr]
  sed "${4:-}" "$here/src/$3" > "$1.wat"
  wat2wasm "$1.wat" -o "$1.core.wasm"
  ./wasm-tools component embed wit --world "$2" "$1.core.wasm" -o "$1.embed.wasm"
  ./wasm-tools component new "$1.embed.wasm" -o "$1.wasm"
  install -m 644 "$1.wasm" "$here/$1.wasm"
  echo "built $1.wasm"
}
build kitchen kitchen kitchen.wat
build hello command command.wat 's/STATUS/0/'
build fail command command.wat 's/STATUS/1/'
