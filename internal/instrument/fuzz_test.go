package instrument

import (
	"context"
	"path/filepath"
	"testing"

	"github.com/tetratelabs/wazero"

	"github.com/wasifill/wasifill/internal/hostile"
	"github.com/wasifill/wasifill/internal/wasmbin"
)

// FuzzAddInterruptChecks rewrites mutated modules (seeded with the
// package's test modules): the rewrite never panics, and a module wazero
// accepts is still accepted once rewritten (checks in, functions
// renumbered, the check import added).
func FuzzAddInterruptChecks(f *testing.F) {
	files, _ := filepath.Glob("testdata/*.wasm")
	for _, file := range files {
		f.Add(mustRead(f, filepath.Base(file)))
	}
	for _, c := range hostile.NameSections() {
		f.Add(c.Wasm)
	}
	ctx := context.Background()
	f.Fuzz(func(t *testing.T, b []byte) {
		if len(b) > 64<<10 {
			return
		}
		m, err := wasmbin.Decode(b)
		if err != nil || m.Kind != wasmbin.KindCoreModule || wasmbin.Validate(m) != nil {
			return // the runtime validates before the rewrite (and wazero can take seconds on huge counts)
		}
		// The interpreter validates as the compiler does, without
		// generating machine code for every input.
		rt := wazero.NewRuntimeWithConfig(ctx, wazero.NewRuntimeConfigInterpreter())
		defer rt.Close(ctx)
		// wazero decodes a name section by its declared counts: the
		// runtime checks it first (RewriteNames), and so does this baseline.
		m.RewriteNames(nil)
		if _, err := rt.CompileModule(ctx, m.Encode()); err != nil {
			return // not a module wazero accepts: anything goes, but no panic
		}
		if err := AddInterruptChecks(m); err != nil {
			return // refused (e.g. it names the reserved items): fine
		}
		if _, err := rt.CompileModule(ctx, m.Encode()); err != nil {
			t.Fatalf("a module wazero accepts is refused once rewritten: %v", err)
		}
	})
}
