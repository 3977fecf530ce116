package wasmbin_test

import (
	"context"
	"testing"

	"github.com/tetratelabs/wazero"
	"github.com/wasifill/wasifill/internal/hostile"
	"github.com/wasifill/wasifill/internal/wasmbin"
)

// TestRewriteNamesHostile: after RewriteNames, wazero (which decodes a
// name section by its declared counts before anything else) reads each
// hostile module's names without asking for gigabytes, and finds the
// function name that was sound and nothing else.
func TestRewriteNamesHostile(t *testing.T) {
	ctx := context.Background()
	rt := wazero.NewRuntimeWithConfig(ctx, wazero.NewRuntimeConfigInterpreter())
	defer rt.Close(ctx)
	for _, c := range hostile.NameSections() {
		t.Run(c.Name, func(t *testing.T) {
			m, err := wasmbin.Decode(c.Wasm)
			if err != nil {
				t.Fatal(err)
			}
			if err := wasmbin.Validate(m); err != nil {
				t.Fatalf("the module itself is valid: %v", err)
			}
			m.RewriteNames(nil)
			cm, err := rt.CompileModule(ctx, m.Encode())
			if err != nil {
				t.Fatalf("wazero refuses the rewritten module: %v", err)
			}
			defer cm.Close(ctx)
			if got := cm.ExportedFunctions()["f"].Name(); got != c.Want {
				t.Errorf("function name %q, want %q", got, c.Want)
			}
		})
	}
}

// TestRewriteNamesRenumbers: function names follow the index mapping,
// the module name is kept, and a module without names is left alone.
func TestRewriteNamesRenumbers(t *testing.T) {
	names := hostile.Sec(0, []byte("\x04name"),
		hostile.Sec(0, []byte("\x03mod")),
		hostile.Sec(1, []byte{2, 0, 1, 'a', 5, 1, 'b'}))
	m, err := wasmbin.Decode(hostile.Module(names))
	if err != nil {
		t.Fatal(err)
	}
	m.RewriteNames(func(f uint32) uint32 { return f + 1 })
	want := append([]byte{0, 4, 3}, "mod"...)
	want = append(want, 1, 7, 2, 1, 1, 'a', 6, 1, 'b')
	if got := m.CustomSections("name")[0].Data; string(got) != string(want) {
		t.Errorf("name section % x, want % x", got, want)
	}

	bare, err := wasmbin.Decode(hostile.Module())
	if err != nil {
		t.Fatal(err)
	}
	bare.RewriteNames(nil)
	if bare.HasNames() || len(bare.Sections) != 0 {
		t.Errorf("a module without names gained sections: %v", bare.Sections)
	}
}
