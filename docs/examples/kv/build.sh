#!/usr/bin/env bash
# build.sh: builds the kv example from its WIT and sources with wasifill
# alone (and the Go toolchain, Debian's rustc for wasm32 — `make fixtures`
# installs it — and jco's preview1 adapter that scripts/install-tools.sh
# puts in .tools):
#
#   gen go --guest          bindings for the app and the store (plain Go)
#   gen rust --fill import  the fill that serves the app's store import over wasifill:rpc (no_std Rust)
#   gen go --fill export    the fill that serves wasifill:rpc with the store
#   gen go --host           host bindings for host/, a Go program whose Go provider serves the store
#   (each fill's world, derived by gen, is written beside its sources in wit/)
#   go build (wasip1), rustc (wasm32-unknown-unknown)
#   componentize            a component of each
#   compose                 build/app.wasm = app + import fill; build/kv.wasm = export fill + store;
#                           build/app-direct.wasm = app + store, no fills (the benchmarks' baseline)
#
# Without a rustc for wasm32, the committed build/import-fill.wasm (the
# componentized Rust fill) stands in for the fill, and the script says so.
#
# Usage: [WASIFILL=path] build.sh [OUT_DIR] (default: build, whose results are committed so
# the example runs without a toolchain). The generated sources are written
# in place; they are deterministic, so a rebuild leaves them unchanged.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
out=$(mkdir -p "${1:-$here/build}" && cd "${1:-$here/build}" && pwd)
root=$(cd "$here/../../.." && pwd)
w=${WASIFILL:-$root/bin/wasifill}
rustc=${WASM_RUSTC:-/usr/bin/rustc}
adapter="$root/.tools/node_modules/@bytecodealliance/jco/lib/wasi_snapshot_preview1.reactor.wasm"
[ -x "$w" ] || (cd "$root" && go build -o bin/wasifill ./cmd/wasifill)
[ -f "$adapter" ] || "$root/scripts/install-tools.sh"
cd "$here"

"$w" gen go --wit wit --world app --guest --package bindings --out app/bindings
"$w" gen go --wit wit --world store-impl --guest --package bindings --out store/bindings
"$w" gen rust --wit wit --world app --fill import --out fills/import-rust
"$w" gen go --wit wit --world store-impl --fill export --out fills/export
"$w" gen go --wit wit --world app --host --package kvhost --out host/kvhost
printf 'module exportfill\n\ngo 1.26\n' > fills/export/go.mod

(
  export GOOS=wasip1 GOARCH=wasm CGO_ENABLED=0 GOFLAGS=-buildvcs=false
  for part in app store fills/export; do
    (cd "$part" && go build -trimpath -ldflags="-s -w" -buildmode=c-shared -o "$out/$(basename "$part").core.wasm" .)
  done
)

# c NAME WIT [WORLD]: componentize NAME.core.wasm. A fill's world is the
# one gen wrote beside its sources (its wit/ holds only that world).
c() { "$w" componentize "$out/$1.core.wasm" --wit "$2" ${3:+--world "$3"} --adapt "wasi_snapshot_preview1=$adapter" -o "$out/$1.wasm"; }
c app wit app
c store wit store-impl
c export fills/export/wit
if libdir=$("$rustc" --print target-libdir --target wasm32-unknown-unknown 2>/dev/null) && [ -d "$libdir" ]; then
  "$rustc" --edition 2021 --crate-type cdylib --target wasm32-unknown-unknown -O -C panic=abort -C strip=debuginfo \
    fills/import-rust/lib.rs -o "$out/import.core.wasm"
  "$w" componentize "$out/import.core.wasm" --wit fills/import-rust/wit -o "$out/import-fill.wasm"
else
  echo "build.sh: no rustc for wasm32 ($rustc; make fixtures installs it): using the committed build/import-fill.wasm"
  [ "$out" = "$here/build" ] || cp "$here/build/import-fill.wasm" "$out/import-fill.wasm"
fi
"$w" compose "$out/app.wasm" --plug "$out/import-fill.wasm" -o "$out/app-composed.wasm"
"$w" compose "$out/export.wasm" --plug "$out/store.wasm" -o "$out/kv.wasm"
"$w" compose "$out/app.wasm" --plug "$out/store.wasm" -o "$out/app-direct.wasm"
mv "$out/app-composed.wasm" "$out/app.wasm"
rm -f "$out"/*.core.wasm "$out/store.wasm" "$out/export.wasm"
