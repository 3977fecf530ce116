package witconv_test

import (
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"go.bytecodealliance.org/wit"

	"github.com/wasifill/wasifill/witparse"
	"github.com/wasifill/wasifill/witparse/witconv"
)

// inputs lists the WIT inputs of the differential test: the project's own
// testdata and examples, and the wasm-tools corpus when it is available.
func inputs(t *testing.T) []string {
	var out []string
	for _, pattern := range []string{"testdata/*.wit", "../testdata/print/input.wit", "../../docs/examples/*/wit"} {
		m, _ := filepath.Glob(pattern)
		out = append(out, m...)
	}
	if dir := os.Getenv("WASIFILL_WIT_CORPUS"); dir != "" {
		m, _ := filepath.Glob(filepath.Join(dir, "*.wit"))
		out = append(out, m...)
	}
	return out
}

// TestDifferential loads every input with wasm-tools 1.230 (wit.LoadWIT runs
// it on wazero) and with witparse, and requires the same WIT() text.
func TestDifferential(t *testing.T) {
	if testing.Short() {
		t.Skip("SKIPPING: the wasm-tools oracle takes seconds to start")
	}
	compared, unsupported, oracleRefused := 0, 0, 0
	for _, path := range inputs(t) {
		name := path
		ours, _, err := witparse.Load(path, witparse.Options{AllFeatures: true})
		if err != nil {
			t.Errorf("%s: witparse: %v", name, err)
			continue
		}
		conv, err := witconv.ToWIT(ours)
		var unsup *witconv.UnsupportedError
		if errors.As(err, &unsup) {
			unsupported++
			t.Logf("%s: not compared: %v", name, err)
			continue
		}
		if err != nil {
			t.Errorf("%s: %v", name, err)
			continue
		}
		ref, err := wit.LoadWIT(path)
		if err != nil {
			oracleRefused++
			t.Logf("%s: not compared: wasm-tools 1.230 refuses it: %.200s", name, firstLine(err.Error()))
			continue
		}
		got, want := conv.WIT(nil, ""), ref.WIT(nil, "")
		if got != want {
			t.Errorf("%s: WIT text differs from wasm-tools 1.230's:\n--- ours\n%s\n--- wasm-tools\n%s", name, got, want)
			continue
		}
		compared++
	}
	t.Logf("compared %d inputs with wasm-tools 1.230; %d use what go.bytecodealliance.org/wit cannot hold; %d refused by 1.230", compared, unsupported, oracleRefused)
	if compared < 3 {
		t.Fatalf("only %d inputs compared", compared)
	}
}

func firstLine(s string) string {
	line, _, _ := strings.Cut(s, "\n")
	return line
}

func TestUnsupported(t *testing.T) {
	for src, want := range map[string]string{
		"package a:b;\ninterface i { type m = map<string, u32>; }": "type `m` in interface a:b/i is a map",
		"package a:b;\ninterface i { type f = list<u8, 4>; }":      "type `f` in interface a:b/i is a fixed-length list",
		"package a:b;\ninterface i { x: async func(); }":           "function `x` in interface a:b/i is a async function",
		"package a:b;\nworld w { import x: async func(); }":        "function `x` in world w is a async function",
	} {
		r, _, err := witparse.LoadSource("t.wit", []byte(src), witparse.Options{})
		if err != nil {
			t.Fatal(err)
		}
		_, err = witconv.ToWIT(r)
		if err == nil || !strings.Contains(err.Error(), want) {
			t.Errorf("%q: got %v, want %q", src, err, want)
		}
	}
}
