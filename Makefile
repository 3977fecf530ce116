# wasifill — see README.md. Every target runs on a fresh machine after .ci/run's installs.
GO        ?= go
BIN       := bin/wasifill
FUZZTIME  ?= 15s
# The wasm-tools WIT parser UI corpus, when ../shared is checked out beside the repo.
WASIFILL_WIT_CORPUS ?= $(wildcard $(CURDIR)/../shared/conformance/wit)
export WASIFILL_WIT_CORPUS

.PHONY: build test unit interop fuzz demo bench fixtures tools lint clean

build:
	CGO_ENABLED=0 $(GO) build -o $(BIN) ./cmd/wasifill

## test: vet, unit/conformance/differential tests, interop (Wasmtime 39 + jco), then every fuzz target for $(FUZZTIME)
test: lint unit interop fuzz

# go test ./... skips directories named testdata: the fixture checks are named explicitly.
unit: tools
	$(GO) test -count=1 ./... ./testdata/guests/
	# the Go generators render chunks on worker goroutines: every generator on every test world, with the race detector
	$(GO) test -race -count=1 -run 'GoFile|Golden|Gofmt|CheckImportNames' ./gen/golang/
	# the runtime, the rpc host and the lattice share instances, flags and connections across goroutines
	$(GO) test -race -count=1 ./runtime/ ./runtime/rpc/ ./runtime/lattice/

## interop: run components in Wasmtime 39 (cgo, separate module) and jco (node)
interop: tools
	cd interop && $(GO) test -count=1 ./...

tools:
	scripts/install-tools.sh

fuzz:
	scripts/fuzz.sh $(FUZZTIME)

## demo: the main job on the bundled example
demo: build
	-INSTALL_TOOLS_NO_APT=1 scripts/install-tools.sh
	scripts/demo.sh

## bench: every Go benchmark (numbers go to docs/benchmarks.md with this command)
bench: tools
	$(GO) test -run '^$$' -bench . -benchmem ./...

## fixtures: rebuild the committed guest .wasm files from source
fixtures:
	testdata/guests/build-c-rust.sh
	testdata/guests/build-go.sh
	fill/rt/build.sh

STATICCHECK := honnef.co/go/tools/cmd/staticcheck@v0.8.2

lint:
	@out=$$(gofmt -l $$(git ls-files '*.go' 2>/dev/null || find . -name '*.go') | grep -v '^testdata/' || true); \
	  if [ -n "$$out" ]; then echo "gofmt needed:"; echo "$$out"; exit 1; fi
	$(GO) vet ./...
	cd interop && $(GO) vet ./...
	$(GO) run $(STATICCHECK) ./...

clean:
	rm -rf bin
