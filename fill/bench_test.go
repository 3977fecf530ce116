package fill_test

import (
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"testing"
	"time"

	"github.com/wasifill/wasifill/fill"
	"github.com/wasifill/wasifill/gen/rust"
	"github.com/wasifill/wasifill/internal/filltest"
	"github.com/wasifill/wasifill/runtime/rpc"
)

// BenchmarkCall is one typed call of echo-person through emitted fills and
// through the generated Rust fills side by side: "import" is the import
// fill alone in front of a Go provider that echoes the wire params;
// "roundtrip" is import fill → rpc host → export fill → the C all-types
// component, the served instance pooled.
func BenchmarkCall(b *testing.B) {
	filltest.BenchCall(b, []string{"import", "roundtrip"}, []string{"emitted", "rust"}, benchFill)
}

// benchEcho is echo-person through the import fill of kind, on the path
// ("import" or "roundtrip") that BenchmarkCall describes.
func benchEcho(b *testing.B, path, kind string, cfg rpc.Config) func() error {
	var export []byte
	if path != "import" {
		export = benchFill(b, kind, "export")
	}
	return filltest.EchoPerson(b, cfg, benchFill(b, kind, "import"), export)
}

// benchFill is the emitted or the generated Rust fill of
// wasifill:guests/types.
func benchFill(b testing.TB, kind, side string) []byte {
	if kind == "emitted" {
		return emitted(b, side)
	}
	return generatedFill(b, "rust", side)
}

// BenchmarkProduce is the time `wasifill fill` takes to make the all-types
// import fill (the world client) and export fill, WIT already parsed:
// everything but reading the files.
func BenchmarkProduce(b *testing.B) {
	for _, side := range []string{"import", "export"} {
		b.Run(side, func(b *testing.B) {
			world := "client"
			if side == "export" {
				world = "all-types"
			}
			r, w := filltest.World(b, world)
			for b.Loop() {
				var err error
				if side == "import" {
					_, err = fill.Import(r, w)
				} else {
					_, err = fill.Export(r, w)
				}
				if err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}

// The all-types import fill's size, emitted and generated Rust, core
// module and component, as made and after wasm-opt -Oz: logged for
// docs/benchmarks.md, and the emitted core module is no larger than the
// Rust one.
func TestFillSizes(t *testing.T) {
	r, w := filltest.World(t, "client")
	emittedCore, err := fill.Core(r, w, false)
	if err != nil {
		t.Fatal(err)
	}
	files, err := rust.GenerateImportFill(r, w)
	if err != nil {
		t.Fatal(err)
	}
	rustCore := filltest.BuildRust(t, files)
	wasmOpt, _ := exec.LookPath("wasm-opt")
	for _, c := range []struct {
		name       string
		core, comp []byte
	}{{"emitted", emittedCore, emitted(t, "import")}, {"rust", rustCore, generatedFill(t, "rust", "import")}} {
		msg := ""
		if wasmOpt != "" {
			dir := filltest.WriteFiles(t, map[string][]byte{"fill.wasm": c.core})
			cmd := exec.Command(wasmOpt, "-Oz", "--strip-debug", "--enable-bulk-memory", "--enable-sign-ext",
				"--enable-nontrapping-float-to-int", "--enable-mutable-globals", "fill.wasm", "-o", "opt.wasm")
			cmd.Dir = dir
			if b, err := cmd.CombinedOutput(); err != nil {
				t.Errorf("wasm-opt on the %s fill: %v\n%s", c.name, err, b)
			} else if st, err := os.Stat(filepath.Join(dir, "opt.wasm")); err == nil {
				msg = fmt.Sprintf(", after wasm-opt -Oz --strip-debug %d", st.Size())
			}
		}
		t.Logf("%s all-types import fill: core module %d bytes%s; component %d bytes", c.name, len(c.core), msg, len(c.comp))
	}
	if len(emittedCore) > len(rustCore) {
		t.Errorf("the emitted fill's core module (%d bytes) is larger than the Rust fill's (%d bytes)", len(emittedCore), len(rustCore))
	}
}

// BenchmarkRatio interleaves the emitted and the Rust fills in blocks of
// 50 calls of echo-person, taking turns going first, so that a busy
// machine slows both alike, and
// reports each one's time per call and their ratio: "import" is the
// import fill alone in front of an echoing Go provider, "roundtrip" the
// pooled path import fill → rpc host → export fill + C all-types.
func BenchmarkRatio(b *testing.B) {
	for _, path := range []string{"import", "roundtrip"} {
		b.Run(path, func(b *testing.B) {
			call := map[string]func(){}
			for _, kind := range []string{"emitted", "rust"} {
				echo := benchEcho(b, path, kind, rpc.Config{PoolSize: 2})
				call[kind] = func() {
					if err := echo(); err != nil {
						b.Fatal(err)
					}
				}
			}
			spent := map[string]time.Duration{}
			n := 0
			b.ResetTimer()
			order := []string{"emitted", "rust"}
			for b.Loop() {
				order[0], order[1] = order[1], order[0] // neither always goes first
				for _, kind := range order {
					start := time.Now()
					for range 50 {
						call[kind]()
					}
					spent[kind] += time.Since(start)
				}
				n += 50
			}
			b.ReportMetric(float64(spent["emitted"].Nanoseconds())/float64(n), "emitted-ns/call")
			b.ReportMetric(float64(spent["rust"].Nanoseconds())/float64(n), "rust-ns/call")
			b.ReportMetric(float64(spent["emitted"])/float64(spent["rust"]), "emitted/rust")
		})
	}
}
