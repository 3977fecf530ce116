#!/usr/bin/env bash
# Installs the outside tools that benchmarks and fixture builds use, pinned.
# Idempotent. Tests need none of them (the wasm-tools oracle comes with the Go
# module go.bytecodealliance.org); `make bench` and `make fixtures` call this.
set -euo pipefail
cd "$(dirname "$0")/.."
JCO_VERSION=1.35.0
if [ -f .tools/node_modules/@bytecodealliance/jco/package.json ] &&
   grep -q "\"version\": \"$JCO_VERSION\"" .tools/node_modules/@bytecodealliance/jco/package.json; then
  echo "install-tools: jco $JCO_VERSION already in .tools"
elif command -v npm >/dev/null; then
  echo "install-tools: npm install @bytecodealliance/jco@$JCO_VERSION into .tools"
  npm install --silent --no-audit --no-fund --prefix .tools "@bytecodealliance/jco@$JCO_VERSION" >/dev/null
else
  echo "install-tools: npm not found; jco-based benchmarks will skip" >&2
fi
