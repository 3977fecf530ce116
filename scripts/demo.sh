#!/usr/bin/env bash
# make demo: the bundled example (docs/examples/kv) end to end. A Go app
# imports a custom interface (acme:kv/store); wasifill generates the fills
# that carry it over wasifill:rpc, composes them, and runs the app against
# a store component under deadlines — including a nested call too slow for
# its deadline.
set -euo pipefail
cd "$(dirname "$0")/.."
w=$PWD/bin/wasifill
kv=docs/examples/kv
tmp=$(mktemp -d)
serve_pid=
trap '[ -n "$serve_pid" ] && kill "$serve_pid" 2>/dev/null; rm -rf "$tmp"' EXIT
step() { printf '\n== %s\n' "$*"; }
timed() { local s=$(date +%s%N); "$@" || echo "(exit $?)"; echo "   [$(( ($(date +%s%N) - s) / 1000000 )) ms]"; }

step "the custom interface the app imports ($kv/wit/kv.wit, parsed and resolved by wasifill's WIT front end)"
$w wit "$kv/wit" | sed -n '/^interface store/,/^}/p'

step "build: gen go (guest bindings, export fill, host bindings) + gen rust (import fill) → go build / rustc → componentize → compose"
if [ -f .tools/node_modules/@bytecodealliance/jco/lib/wasi_snapshot_preview1.reactor.wasm ]; then
  timed "$kv/build.sh" "$tmp/build"
  for f in app kv; do
    if cmp -s "$tmp/build/$f.wasm" "$kv/build/$f.wasm"; then
      echo "$f.wasm: rebuilt bytes equal the committed $kv/build/$f.wasm"
    else
      echo "$f.wasm: rebuilt bytes differ from the committed build (toolchain or source change); running the rebuilt one"
    fi
  done
  sed "s|build/|$tmp/build/|" "$kv/wasifill.yaml" > "$tmp/wasifill.yaml"
  config=$tmp/wasifill.yaml
else
  echo "(no preview1 adapter: scripts/install-tools.sh installs jco; running the committed $kv/build instead)"
  config=$kv/wasifill.yaml
fi
echo "the Rust import fill: $(wc -c < "$(dirname "$config")/build/import-fill.wasm") bytes as a component (no WASI, no allocator but a bump arena)"
for f in app kv; do
  echo "$f.wasm — imports and exports besides WASI:"
  $w inspect "$(dirname "$config")/build/$f.wasm" | sed -n '/^imports/,/^wit:/p' | grep -v 'wasi:\|^wit:' | sed 's/^/  /'
done

step "the one-command path: wasifill fill writes the same fills with no compiler, adapter or network"
timed $w fill --wit "$kv/wit" --world app --import -o "$tmp/import-fill.wasm"
timed $w fill --wit "$kv/wit" --world store-impl --export -o "$tmp/export-fill.wasm"
echo "   (the gen path above: gen + rustc/go build + componentize for each fill, seconds and two toolchains)"
adapter=.tools/node_modules/@bytecodealliance/jco/lib/wasi_snapshot_preview1.reactor.wasm
if [ -f "$adapter" ]; then
  echo "   and from the components themselves: compose --fill-imports / --fill-exports derive the fills from"
  echo "   the app's and the store's own component types (no WIT file) and plug them"
  mkdir -p "$tmp/one/build"
  for part in app:app store:store-impl; do
    (cd "$kv/${part%%:*}" && GOOS=wasip1 GOARCH=wasm CGO_ENABLED=0 GOFLAGS=-buildvcs=false \
      go build -trimpath -ldflags="-s -w" -buildmode=c-shared -o "$tmp/${part%%:*}.core.wasm" .)
    $w componentize "$tmp/${part%%:*}.core.wasm" --wit "$kv/wit" --world "${part#*:}" \
      --adapt "wasi_snapshot_preview1=$adapter" -o "$tmp/${part%%:*}.wasm" 2>/dev/null
  done
  timed $w compose "$tmp/app.wasm" --fill-imports -o "$tmp/one/build/app.wasm"
  timed $w compose "$tmp/store.wasm" --fill-exports -o "$tmp/one/build/kv.wasm"
  grep -v '^#' "$kv/wasifill.yaml" > "$tmp/one/wasifill.yaml"
  echo "   the same calls through the derived fills:"
  timed $w call --config "$tmp/one/wasifill.yaml" app 'greet("ann")'
  timed $w call --config "$tmp/one/wasifill.yaml" app 'greet("slow")'
fi

step "the host's configuration ($kv/wasifill.yaml): the app reaches the store only through its link; kv has 300 ms"
grep -v '^#' "$kv/wasifill.yaml"

step "what the import fill sends for get(\"ann\"): the params tuple in the wire encoding"
$w encode --type 'tuple<string>' '("ann")'

step "a normal call: app greet(\"ann\") → import fill → wasifill:rpc host → export fill → store"
timed $w call --config "$config" app 'greet("ann")'
timed $w call --config "$config" app 'greet("carol")'

step "a nested hop too slow for its deadline: the store spins on \"slow\"; at 300 ms the host interrupts it,"
echo "   discards its instance, and the app — whose own 2 s deadline has not passed — gets deadline-exceeded"
timed $w call --config "$config" app 'greet("slow")'

step "when the app's own deadline is the shorter (--timeout 150ms), the error names the chain"
timed $w call --config "$config" --timeout 150ms app 'greet("slow")'

step "the same app binary, its store served by a Go provider (host bindings from gen go --host) in a Go program"
echo "   that embeds wasifill ($kv/host); the provider sees the invocation's deadline on its context"
go run ./$kv/host -app "$(dirname "$config")/build/app.wasm"

step "without a config, a call still has the 2 s host default (here 300 ms): a guest that loops forever is stopped"
timed $w call --timeout 300ms testdata/guests/out/faulty.wasm 'wasifill:guests/faults@0.1.0#spin()'

step "the lattice: the store on its own host — wasifill serve, with an embedded NATS server on a free loopback port"
build=$(dirname "$config")/build
$w serve --component kv="$build/kv.wasm@1s" --nats-listen 127.0.0.1:0 --host-name store-host 2> "$tmp/serve.log" &
serve_pid=$!
for _ in $(seq 100); do grep -q 'serve: ready' "$tmp/serve.log" && break; sleep 0.1; done
cat "$tmp/serve.log"
nats=$(grep -o 'nats=nats://[^ ]*' "$tmp/serve.log" | cut -d= -f2)
lattice=(--nats "$nats" --component app="$build/app.wasm" --link app:acme:kv/store@1.0.0=kv --host-name app-host)
echo "   the app on another host: kv is not one of its components, so its link goes over the lattice"
timed $w call "${lattice[@]}" app 'greet("ann")'
echo "   kv's timeout (1 s here) holds where it runs; the app gets deadline-exceeded and handles it"
timed $w call "${lattice[@]}" app 'greet("slow")'
echo "   the app's own deadline the shorter: it travels with the request, and the chain comes back across hosts"
timed $w call "${lattice[@]}" --timeout 600ms app 'greet("slow")'
echo "   nobody serves kv on another lattice: not-found at once, not at the deadline"
timed $w call "${lattice[@]}" --lattice elsewhere app 'greet("ann")'
echo "   SIGTERM: the host drains and exits 0"
kill -TERM "$serve_pid"; rc=0; wait "$serve_pid" || rc=$?; serve_pid=
echo "   serve exited $rc"
