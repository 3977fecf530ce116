#!/usr/bin/env bash
# The bundled example. Until the full pipeline lands it resolves the example's
# WIT package and prints it, as JSON-free WIT text.
set -euo pipefail
cd "$(dirname "$0")/.."
example=docs/examples/kv
echo "== wasifill wit $example/wit"
bin/wasifill wit "$example/wit"
