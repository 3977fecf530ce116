package rust_test

import (
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"testing"

	"github.com/wasifill/wasifill/internal/filltest"
)

// BenchmarkCall is one typed call through Rust fills and through Go fills
// side by side: "import" is the import fill alone in front of a Go
// provider that echoes the wire params; "roundtrip" is the whole path,
// import fill → rpc host → export fill → the C all-types component, with
// the served instance pooled; "roundtrip-fresh" instantiates the export
// fill composed with all-types for every invocation (the rpc host's
// default), which is mostly instantiation.
func BenchmarkCall(b *testing.B) {
	filltest.BenchCall(b, []string{"import", "roundtrip", "roundtrip-fresh"}, []string{"rust", "go"}, fill)
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
