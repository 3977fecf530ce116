package instrument

import (
	"context"
	"path/filepath"
	"testing"

	"github.com/tetratelabs/wazero"

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
	ctx := context.Background()
	f.Fuzz(func(t *testing.T, b []byte) {
		if len(b) > 64<<10 {
			return
		}
		m, err := wasmbin.Decode(b)
		if err != nil || m.Kind != wasmbin.KindCoreModule || wasmbin.Validate(m) != nil {
			return // the runtime validates before the rewrite (and wazero can take seconds on huge counts)
		}
		if hasLocalNames(m) {
			// wazero 1.12 allocates gigabytes for a name section whose
			// local-name counts are huge (2.3 GB for 100 bytes), killing
			// the fuzzing worker; the rewrite drops such subsections.
			return
		}
		// The interpreter validates as the compiler does, without
		// generating machine code for every input.
		rt := wazero.NewRuntimeWithConfig(ctx, wazero.NewRuntimeConfigInterpreter())
		defer rt.Close(ctx)
		if _, err := rt.CompileModule(ctx, b); err != nil {
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

// hasLocalNames reports whether m has a name section with a subsection
// other than the module's and the functions' names.
func hasLocalNames(m *wasmbin.Binary) bool {
	for _, s := range m.Sections {
		if s.ID != wasmbin.SecCustom || s.Name != "name" {
			continue
		}
		r := &reader{b: s.Data}
		for r.pos < len(r.b) {
			id, err := r.byte()
			if err != nil || id > 1 {
				return true
			}
			size, err := r.u32()
			if err != nil || r.skip(int(size)) != nil {
				return true
			}
		}
	}
	return false
}
