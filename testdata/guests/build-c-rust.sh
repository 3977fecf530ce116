#!/usr/bin/env bash
# build-c-rust.sh: rebuild the C, Rust and WAT guest fixtures from source.
#
# For each fixture it compiles the core module out/<name>.core.wasm, then
# (except the command) makes the component out/<name>.wasm with the
# wasm-tools oracle (component embed + component new, world <name> of wit/)
# and checks that `component wit` of it prints out/<name>.wit.expected.
# UPDATE=1 rewrites the .wit.expected files instead of checking them.
#
# Installs the Debian packages it needs when a tool is missing. Output is
# byte-for-byte reproducible (see README.md).
set -euo pipefail

here=$(cd "$(dirname "$0")" && pwd)
cd "$here" # every path below is relative: the oracle mounts cwd as /

# ---- toolchains ---------------------------------------------------------
CLANG=clang-14
RUSTC=/usr/bin/rustc # Debian's rustc 1.63, not a rustup one in PATH
need_install=
command -v "$CLANG" >/dev/null || need_install=1
command -v wasm-ld-14 >/dev/null || need_install=1
[ -x "$RUSTC" ] || need_install=1
[ -f /usr/lib/wasm32-wasi/libc.a ] || need_install=1
[ -d /usr/lib/rustlib/wasm32-unknown-unknown ] || need_install=1
[ -n "$($CLANG --target=wasm32-wasi -print-libgcc-file-name 2>/dev/null | xargs -r ls 2>/dev/null)" ] || need_install=1
command -v wasm-validate >/dev/null || need_install=1
command -v wat2wasm >/dev/null || need_install=1
if [ -n "$need_install" ]; then
  sudo=
  [ "$(id -u)" = 0 ] || sudo=sudo
  $sudo apt-get update
  $sudo apt-get install -y clang-14 lld-14 wasi-libc libclang-rt-14-dev-wasm32 wabt binaryen rustc libstd-rust-dev-wasm32
fi

tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
(cd ../.. && go build -o "$tmp/wasm-tools" ./internal/oracle/cmd/wasm-tools) || {
  echo "build-c-rust.sh: cannot build the oracle (try: go mod download)" >&2
  exit 1
}
wasm_tools="$tmp/wasm-tools"

mkdir -p out

# ---- core modules ---------------------------------------------------------
# --strip-debug drops the DWARF that Debian's wasi-libc.a carries.
CFLAGS=(--target=wasm32-wasi -O2 -Wall -Wextra -Werror -Wl,--strip-debug)
"$CLANG" "${CFLAGS[@]}" -mexec-model=reactor c/all-types.c -o out/all-types.core.wasm
"$CLANG" "${CFLAGS[@]}" -mexec-model=reactor c/faults.c -o out/faulty.core.wasm
"$CLANG" "${CFLAGS[@]}" c/c-command.c -o out/c-command.core.wasm
"$RUSTC" --edition 2021 --crate-type cdylib --target wasm32-unknown-unknown -O -C panic=abort \
  -C strip=debuginfo rust/resources.rs -o out/resources.core.wasm
wat2wasm wat/client.wat -o out/client.core.wasm
wat2wasm wat/host-impl.wat -o out/host-impl.core.wasm
wat2wasm wat/compute-loop.wat -o out/compute-loop.core.wasm
wat2wasm wat/hostile.wat -o out/hostile.core.wasm
wat2wasm wat/canon-edge.wat -o out/canon-edge.core.wasm
wat2wasm wat/edge-user.wat -o out/edge-user.core.wasm
wat2wasm wat/edge-relay.wat -o out/edge-relay.core.wasm
for m in out/*.core.wasm; do wasm-validate "$m"; done

# ---- components -----------------------------------------------------------
# component NAME CORE [EMBED-OPTIONS...] makes out/NAME.wasm of the core
# module CORE with world NAME of wit/ and checks its WIT against
# out/NAME.wit.expected (UPDATE=1 rewrites that instead).
component() {
  local name=$1 core=$2
  shift 2
  "$wasm_tools" component embed wit --world "$name" "$@" "$core" -o "out/.$name.embed.wasm"
  "$wasm_tools" component new "out/.$name.embed.wasm" -o "out/$name.wasm"
  rm "out/.$name.embed.wasm"
  "$wasm_tools" component wit "out/$name.wasm" >"$tmp/$name.wit"
  if [ "${UPDATE:-}" = 1 ]; then
    cp "$tmp/$name.wit" "out/$name.wit.expected"
  elif ! diff -u "out/$name.wit.expected" "$tmp/$name.wit"; then
    echo "build-c-rust.sh: out/$name.wasm's WIT differs from out/$name.wit.expected (UPDATE=1 to accept)" >&2
    exit 1
  fi
}

for name in all-types resources faulty client host-impl compute-loop hostile canon-edge edge-user edge-relay; do
  component "$name" "out/$name.core.wasm"
done

# ---- strlog: one core module, componentized with two string encodings ------
wat2wasm wat/strlog.wat -o out/strlog.core.wasm
wasm-validate out/strlog.core.wasm
for pair in strlog-utf16:utf16 strlog-latin1:compact-utf16; do
  component "${pair%%:*}" out/strlog.core.wasm --encoding "${pair##*:}"
done

# ---- wasifill:rpc guests (rpc/: relay, echo, spin, deadline, sender) ----------------
mkdir -p rpc/out
for name in relay echo spin deadline sender; do
  wat2wasm "rpc/wat/$name.wat" -o "rpc/out/$name.core.wasm"
  wasm-validate "rpc/out/$name.core.wasm"
  (cd rpc && "$wasm_tools" component embed wit --world "$name" "out/$name.core.wasm" -o "out/.$name.embed.wasm" &&
    "$wasm_tools" component new "out/.$name.embed.wasm" -o "out/$name.wasm" && rm "out/.$name.embed.wasm")
done
chmod 644 rpc/out/*

chmod 644 out/*
ls -l out/*.wasm
