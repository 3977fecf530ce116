#!/usr/bin/env bash
# build.sh: rebuild the fill runtime (import.wasm, export.wasm) from
# fillrt.c with clang-14 and wasm-ld-14 (Debian clang-14, lld-14; PATH is
# narrowed so that clang does not run a wasm-opt it finds). The
# output is byte-for-byte reproducible; fill's tests check that the
# committed files are what this script makes.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
out=${1:-$here}
for kind in import export; do
  def=
  [ "$kind" = import ] && def=-DIMPORT_FILL
  PATH=/usr/lib/llvm-14/bin /usr/lib/llvm-14/bin/clang -fuse-ld=/usr/lib/llvm-14/bin/wasm-ld --target=wasm32-unknown-unknown -nostdlib -Os -mbulk-memory -fno-ident -ffile-prefix-map="$here"=. \
    -Wall -Wextra -Werror -Wno-unused-parameter $def \
    -Wl,--no-entry -Wl,--strip-all -Wl,--allow-undefined -Wl,-z,stack-size=16384 \
    -o "$out/$kind.wasm" "$here/fillrt.c"
done
