package wasmbin_test

import (
	"bytes"
	"context"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/wasifill/wasifill/internal/oracle"
	"github.com/wasifill/wasifill/internal/wasmbin"
)

// componentCorpus returns components made by wasm-tools: committed ones and
// ones the oracle builds now, plus every committed guest fixture.
func componentCorpus(t *testing.T) map[string][]byte {
	t.Helper()
	out := map[string][]byte{}
	hello, err := os.ReadFile("testdata/hello.wasm")
	if err != nil {
		t.Fatal(err)
	}
	out["hello (command + preview1 adapter)"] = hello
	ctx := context.Background()
	if out["min"], err = oracle.ComponentNew(ctx, addModule, "../oracle/testdata/min", "min"); err != nil {
		t.Fatal(err)
	}
	if out["logger"], err = oracle.ComponentNew(ctx, loggerModule, "../oracle/testdata/logger", "logger"); err != nil {
		t.Fatal(err)
	}
	fixtures, _ := filepath.Glob("../../testdata/guests/*/*.wasm")
	for _, f := range fixtures {
		b, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		if k, _ := wasmbin.KindOf(b); k == wasmbin.KindComponent {
			out[f] = b
		}
	}
	return out
}

func TestComponentTypedRoundTrip(t *testing.T) {
	for name, b := range componentCorpus(t) {
		c, err := wasmbin.DecodeComponent(b)
		if err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		if got := wasmbin.EncodeComponent(c); !bytes.Equal(got, b) {
			i := 0
			for i < len(got) && i < len(b) && got[i] == b[i] {
				i++
			}
			t.Errorf("%s: re-encoding differs at byte %d (got %d bytes, want %d)", name, i, len(got), len(b))
		}
	}
}

func TestComponentTypedContents(t *testing.T) {
	b, err := os.ReadFile("testdata/hello.wasm")
	if err != nil {
		t.Fatal(err)
	}
	c, err := wasmbin.DecodeComponent(b)
	if err != nil {
		t.Fatal(err)
	}
	counts := map[string]int{}
	var exports []string
	for _, d := range c.Defs {
		switch d := d.(type) {
		case *wasmbin.CoreModuleDef:
			counts["core modules"]++
		case *wasmbin.CanonDefs:
			for _, f := range d.Funcs {
				if f.Op == wasmbin.CanonLower {
					counts["lowered"]++
				}
			}
		case *wasmbin.ImportDefs:
			counts["imports"] += len(d.Imports)
		case *wasmbin.ExportDefs:
			for _, e := range d.Exports {
				exports = append(exports, e.Name.Name+"@"+e.Name.Attr(wasmbin.AttrVersion))
			}
		}
	}
	// wit-component packs the main module, the adapter, a shim and a fixup.
	if counts["core modules"] != 4 {
		t.Errorf("core modules = %d, want 4", counts["core modules"])
	}
	if counts["lowered"] == 0 || counts["imports"] == 0 {
		t.Errorf("no lowered imports: %v", counts)
	}
	if len(exports) != 1 || exports[0] != "wasi:cli/run@0.2.12@" {
		t.Errorf("exports = %v, want the wasi:cli/run instance", exports)
	}
}

func TestComponentDecodeErrors(t *testing.T) {
	core := addModule
	if _, err := wasmbin.DecodeComponent(core); err == nil {
		t.Error("core module accepted as a component")
	}
	b, err := os.ReadFile("testdata/hello.wasm")
	if err != nil {
		t.Fatal(err)
	}
	// Every truncation inside a section is an error with a position, never
	// a panic.
	for n := 9; n < len(b); n += 7 {
		_, err := wasmbin.DecodeComponent(b[:n])
		if _, serr := wasmbin.Decode(b[:n]); serr == nil && err == nil {
			continue // cut at a section boundary: a shorter valid component
		}
		var de *wasmbin.DecodeError
		if !errors.As(err, &de) {
			t.Fatalf("truncated at %d: err = %v, want *DecodeError", n, err)
		}
		if de.Offset < 0 || de.Offset > n {
			t.Fatalf("truncated at %d: offset %d out of range", n, de.Offset)
		}
	}
}

// FuzzDecodeComponent: typed decoding never panics, and what it accepts
// re-encodes to bytes that decode to the same encoding again.
func FuzzDecodeComponent(f *testing.F) {
	for _, b := range [][]byte{addModule} {
		f.Add(b)
	}
	if b, err := os.ReadFile("testdata/hello.wasm"); err == nil {
		f.Add(b)
	}
	fixtures, _ := filepath.Glob("../../testdata/guests/out/*.wasm")
	for _, p := range fixtures {
		if b, err := os.ReadFile(p); err == nil && len(b) < 64<<10 {
			f.Add(b)
		}
	}
	f.Fuzz(func(t *testing.T, b []byte) {
		c, err := wasmbin.DecodeComponent(b)
		if err != nil {
			return
		}
		once := wasmbin.EncodeComponent(c)
		c2, err := wasmbin.DecodeComponent(once)
		if err != nil {
			t.Fatalf("re-encoded component does not decode: %v", err)
		}
		if twice := wasmbin.EncodeComponent(c2); !bytes.Equal(once, twice) {
			t.Fatal("encoding is not stable")
		}
	})
}

func TestLimitTables(t *testing.T) {
	m := &wasmbin.ModuleBuilder{}
	m.DefineTable(3)
	build := func() *wasmbin.Binary {
		b, err := wasmbin.Decode(m.Encode())
		if err != nil {
			t.Fatal(err)
		}
		return b
	}
	if err := build().LimitTables(2); err == nil || !strings.Contains(err.Error(), "needs 3 elements") {
		t.Errorf("limit below the minimum: err = %v", err)
	}
	b := build()
	if err := b.LimitTables(10); err != nil {
		t.Fatal(err)
	}
	// min 3, max 3 stays: the declared maximum is below the limit.
	if again, err := wasmbin.Decode(b.Encode()); err != nil || !bytes.Contains(again.Encode(), []byte{0x04, 0x05, 0x01, 0x70, 0x01, 0x03, 0x03}) {
		t.Errorf("table section after LimitTables(10): % x, %v", b.Encode(), err)
	}
}
