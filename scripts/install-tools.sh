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
