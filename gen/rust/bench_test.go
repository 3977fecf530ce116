package rust_test

import (
	"context"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"testing"

	"github.com/wasifill/wasifill/compose"
	"github.com/wasifill/wasifill/internal/filltest"
	"github.com/wasifill/wasifill/runtime/rpc"
	"github.com/wasifill/wasifill/value"
)

// person is echo-person's argument in the benchmarks.
var person = []value.Value{"zoë", uint8(30), []value.Value{"x", "yz"}, value.Some([]value.Value{int32(-1), int32(2)})}

// BenchmarkCall is one typed call through Rust fills and through Go fills
// side by side: "import" is the import fill alone in front of a Go
// provider that echoes the wire params; "roundtrip" is the whole path,
// import fill → rpc host → export fill → the C all-types component, with
// the served instance pooled; "roundtrip-fresh" instantiates the export
// fill composed with all-types for every invocation (the rpc host's
// default), which is mostly instantiation.
func BenchmarkCall(b *testing.B) {
	allTypes, err := os.ReadFile(filltest.Guests(b) + "out/all-types.wasm")
	if err != nil {
		b.Fatal(err)
	}
	for _, path := range []string{"import", "roundtrip", "roundtrip-fresh"} {
		for _, lang := range []string{"rust", "go"} {
			b.Run(path+"/"+lang, func(b *testing.B) {
				ctx := context.Background()
				cfg := rpc.Config{}
				if path == "roundtrip" {
					cfg.PoolSize = 2
				}
				rt, h := filltest.RuntimeConfig(b, cfg)
				if path == "import" {
					h.AddProvider("types", func(_ context.Context, _, _ string, params []byte) ([]byte, error) {
						return params, nil
					}, 0)
				} else {
					served, err := compose.Plug(compose.Part{Name: "export-fill.wasm", Bytes: fill(b, lang, "export")},
						[]compose.Part{{Name: "all-types.wasm", Bytes: allTypes}})
					if err != nil {
						b.Fatal(err)
					}
					sc, err := rt.Compile(ctx, served.Bytes)
					if err != nil {
						b.Fatal(err)
					}
					h.AddComponent("types", sc, 0)
				}
				h.Link("", filltest.Types, "types", 0)
				inst := filltest.Instantiate(ctx, b, rt, fill(b, lang, "import"))
				f, _ := inst.Func(filltest.Types + "#echo-person")
				b.ResetTimer()
				for b.Loop() {
					if _, err := f.Call(ctx, person); err != nil {
						b.Fatal(err)
					}
				}
			})
		}
	}
}

// The all-types import fill's size, Rust and Go, as built and after
// wasm-opt -Oz (when wasm-opt is installed): the Rust fill is far smaller.
func TestFillSizes(t *testing.T) {
	fill(t, "rust", "import")
	fill(t, "go", "import")
	wasmOpt, _ := exec.LookPath("wasm-opt")
	size := map[string]int{}
	for _, lang := range []string{"rust", "go"} {
		core := cores[lang+"import"]
		size[lang] = len(core)
		msg := ""
		if wasmOpt != "" {
			dir := filltest.WriteFiles(t, map[string][]byte{"fill.wasm": core})
			out := filepath.Join(dir, "opt.wasm")
			cmd := exec.Command(wasmOpt, "-Oz", "--strip-debug", "--enable-bulk-memory", "--enable-sign-ext",
				"--enable-nontrapping-float-to-int", "--enable-mutable-globals", "fill.wasm", "-o", out)
			cmd.Dir = dir
			if b, err := cmd.CombinedOutput(); err != nil {
				t.Errorf("wasm-opt on the %s fill: %v\n%s", lang, err, b)
			} else if st, err := os.Stat(out); err == nil {
				msg = ", wasm-opt -Oz --strip-debug: " + strconv.FormatInt(st.Size(), 10)
			}
		}
		t.Logf("%s all-types import fill: core module %d bytes%s", lang, len(core), msg)
	}
	if size["rust"]*10 > size["go"] {
		t.Errorf("the Rust fill (%d bytes) is not a tenth of the Go fill (%d bytes)", size["rust"], size["go"])
	}
}
