#!/usr/bin/env bash
# Installs the outside tools that benchmarks and fixture builds use, pinned.
# Idempotent. The interop tests (Wasmtime + jco) need jco and preview2-shim;
# the wasm-tools oracle comes with the Go module go.bytecodealliance.org.
# `.ci/run`, `make bench` and `make fixtures` call this.
set -euo pipefail
cd "$(dirname "$0")/.."
JCO_VERSION=1.35.0
SHIM_VERSION=0.26.1
installed() { # package version
  [ -f ".tools/node_modules/$1/package.json" ] && grep -q "\"version\": \"$2\"" ".tools/node_modules/$1/package.json"
}
if installed @bytecodealliance/jco "$JCO_VERSION" && installed @bytecodealliance/preview2-shim "$SHIM_VERSION"; then
  echo "install-tools: jco $JCO_VERSION and preview2-shim $SHIM_VERSION already in .tools"
elif command -v npm >/dev/null; then
  echo "install-tools: npm install jco@$JCO_VERSION preview2-shim@$SHIM_VERSION into .tools"
  npm install --silent --no-audit --no-fund --prefix .tools \
    "@bytecodealliance/jco@$JCO_VERSION" "@bytecodealliance/preview2-shim@$SHIM_VERSION" >/dev/null
else
  echo "install-tools: npm not found; jco-based tests and benchmarks cannot run" >&2
  exit 1
fi

# Debian's rustc 1.63 with the wasm32 standard library (the rustup rustc on
# these machines has no wasm32 target): gen/rust's tests build every
# generated fill with it, and the kv example builds its Rust import fill.
# binaryen's wasm-opt measures the fills' optimized sizes. clang-14 and
# lld-14 build the emitted fills' runtime (fill/rt; its freshness test). `make demo` skips
# this (INSTALL_TOOLS_NO_APT=1): without them it uses the committed fill.
if [ -n "${INSTALL_TOOLS_NO_APT:-}" ]; then
  :
elif [ -x /usr/bin/rustc ] && [ -d /usr/lib/rustlib/wasm32-unknown-unknown ] && command -v wasm-opt >/dev/null &&
  [ -x /usr/lib/llvm-14/bin/wasm-ld ]; then
  echo "install-tools: Debian rustc (wasm32), wasm-opt and clang-14 already installed"
elif command -v apt-get >/dev/null; then
  echo "install-tools: apt-get install rustc libstd-rust-dev-wasm32 binaryen clang-14 lld-14"
  sudo=
  [ "$(id -u)" = 0 ] || sudo=sudo
  $sudo apt-get update -qq >/dev/null
  DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq rustc libstd-rust-dev-wasm32 binaryen clang-14 lld-14 >/dev/null
else
  echo "install-tools: no apt-get; gen/rust's tests need Debian's rustc and libstd-rust-dev-wasm32" >&2
fi
