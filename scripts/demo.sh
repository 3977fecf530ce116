#!/usr/bin/env bash
# The bundled example (docs/examples/kv): what crosses wasifill:rpc when the
# example app calls acme:kv/store@1.0.0. Grows with the pipeline.
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
