#!/usr/bin/env bash
# build-go.sh: rebuild the Go guest fixtures (core modules) from source with
# the Go toolchain in PATH (go.mod of each fixture pins the language version).
#
#   out/go-reactor.core.wasm  go/reactor: GOOS=wasip1 -buildmode=c-shared (a reactor)
#   out/go-command.core.wasm  go/command: GOOS=wasip1 (a command, exports _start)
#
# They stay core modules: `wasifill componentize` turns them into components
# in the tests (with jco's preview1 adapter), which is what they exist to test.
# -trimpath and -ldflags=-s -w keep the output independent of this checkout
# and small; the same Go version gives the same bytes.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
export GOOS=wasip1 GOARCH=wasm CGO_ENABLED=0 GOFLAGS=-buildvcs=false
(cd "$here/go/reactor" && go build -trimpath -ldflags="-s -w" -buildmode=c-shared -o ../../out/go-reactor.core.wasm .)
(cd "$here/go/command" && go build -trimpath -ldflags="-s -w" -o ../../out/go-command.core.wasm .)
chmod 644 "$here"/out/go-*.core.wasm
ls -l "$here"/out/go-*.core.wasm
