#!/usr/bin/env bash
# The bundled example (docs/examples/kv): what crosses wasifill:rpc when the
# example app calls acme:kv/store@1.0.0, then compose, componentize and run
# on the committed guest fixtures. Grows with the pipeline.
set -euo pipefail
cd "$(dirname "$0")/.."
w=bin/wasifill
example=docs/examples/kv
step() { printf '\n== %s\n' "$*"; }

step "wasifill wit $example/wit: the example's custom interface, parsed and resolved"
$w wit "$example/wit"

step "the same, as wasm-tools JSON (first lines)"
$w wit --json "$example/wit" | head -12

step "app calls get(\"user:42\"): the fill encodes the params tuple for invoke(\"acme:kv/store@1.0.0\", \"get\", …)"
params=$($w encode --type 'tuple<string>' '("user:42")')
echo "params = $params"

step "the provider answers ok(some(\"hi\")) as bytes; the fill decodes them"
error='variant { not-found(string), unavailable, other(string) }'
result=$($w encode --type "result<option<list<u8>>, $error>" 'ok(some([104, 105]))')
echo "result = $result"
$w decode --type "result<option<list<u8>>, $error>" "$result"

step "an error travels the same way"
$w decode --type "result<option<list<u8>>, $error>" "$($w encode --type "result<option<list<u8>>, $error>" 'err(not-found("user:42"))')"

step "malformed bytes are refused with the offset"
$w decode --type "result<option<list<u8>>, $error>" 0001ff || echo "(exit $? as expected)"

guests=testdata/guests/out
step "compose: plug all-types (exports wasifill:guests/types) into client (imports it)"
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
$w compose $guests/client.wasm --plug $guests/all-types.wasm -o "$tmp/app.wasm"
$w inspect "$tmp/app.wasm" | sed -n '/^wit:/,$p'

step "call the composition on the embedded runtime: run(41) goes through the plug's echo-u32"
$w call "$tmp/app.wasm" 'run(41)'

step "componentize a C command (wasip1 core module + jco's preview1 adapter) and run it"
if [ -f .tools/node_modules/@bytecodealliance/jco/lib/wasi_snapshot_preview1.command.wasm ]; then
  $w componentize $guests/c-command.core.wasm \
    --adapt wasi_snapshot_preview1=.tools/node_modules/@bytecodealliance/jco/lib/wasi_snapshot_preview1.command.wasm \
    -o "$tmp/cmd.wasm"
  $w run "$tmp/cmd.wasm" -- from the demo
else
  echo "(skipped: the adapter comes from jco; scripts/install-tools.sh installs it)"
fi

step "a guest that loops forever is stopped by the call's deadline (here 300ms)"
$w call --timeout 300ms $guests/faulty.wasm 'wasifill:guests/faults@0.1.0#spin()' || echo "(exit $? as expected)"
