# wasifill — see README.md. Every target runs on a fresh machine after .ci/run's installs.
GO        ?= go
BIN       := bin/wasifill
FUZZTIME  ?= 15s
# The wasm-tools WIT parser UI corpus, when ../shared is checked out beside the repo.
WASIFILL_WIT_CORPUS ?= $(wildcard $(CURDIR)/../shared/conformance/wit)
export WASIFILL_WIT_CORPUS

.PHONY: build test unit fuzz demo bench fixtures lint clean

build:
	$(GO) build -o $(BIN) ./cmd/wasifill

## test: vet, unit/conformance/differential tests, then every fuzz target for $(FUZZTIME)
test: lint unit fuzz

unit:
	$(GO) test -count=1 ./...

fuzz:
	scripts/fuzz.sh $(FUZZTIME)

## demo: the main job on the bundled example
demo: build
	scripts/demo.sh

## bench: every Go benchmark (numbers go to docs/benchmarks.md with this command)
bench:
	scripts/install-tools.sh
	$(GO) test -run '^$$' -bench . -benchmem ./...

## fixtures: rebuild the committed guest .wasm files from source
fixtures:
	@if [ -x testdata/guests/build.sh ]; then testdata/guests/build.sh; else echo "no fixtures yet"; fi

STATICCHECK := honnef.co/go/tools/cmd/staticcheck@v0.8.2

lint:
	@out=$$(gofmt -l $$(git ls-files '*.go' 2>/dev/null || find . -name '*.go') | grep -v '^testdata/' || true); \
	  if [ -n "$$out" ]; then echo "gofmt needed:"; echo "$$out"; exit 1; fi
	$(GO) vet ./...
	$(GO) run $(STATICCHECK) ./...

clean:
	rm -rf bin
