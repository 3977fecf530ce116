package interop_test

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/wasifill/wasifill/interop/wasmtime"
	wfrt "github.com/wasifill/wasifill/runtime"
)

// The hand-written components of runtime/testdata/canonopts (canonical
// options of the wrong type, missing, repeated or misplaced) compile in
// wasifill exactly when they compile in Wasmtime 39, but for the one case
// where wasifill follows the spec and Wasmtime is lenient.
func TestCanonOptionsAgreeWithWasmtime(t *testing.T) {
	files, err := filepath.Glob("../runtime/testdata/canonopts/*.wasm")
	if err != nil || len(files) < 8 {
		t.Fatalf("fixtures: %v (%d found)", err, len(files))
	}
	// memory-missing: a string param with realloc and no memory. The
	// spec requires the memory (canon_lift stores the string into it);
	// Wasmtime 39 compiles it.
	specOnly := map[string]bool{"memory-missing.wasm": true}
	ctx := context.Background()
	rt, err := wfrt.New(ctx)
	if err != nil {
		t.Fatal(err)
	}
	defer rt.Close(ctx)
	for _, f := range files {
		b, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		name := filepath.Base(f)
		wtErr := wasmtime.Validate(b)
		_, wfErr := rt.Compile(ctx, b)
		wantWasifillOK := wtErr == nil && !specOnly[name]
		if (wfErr == nil) != wantWasifillOK {
			t.Errorf("%s: wasifill %v; Wasmtime %v", name, wfErr, firstLine(wtErr))
		}
		if specOnly[name] && wtErr != nil {
			t.Errorf("%s: Wasmtime now refuses it (%v): drop it from specOnly", name, firstLine(wtErr))
		}
	}
}

func firstLine(err error) string {
	if err == nil {
		return "<nil>"
	}
	s := strings.ReplaceAll(err.Error(), "\n", " ")
	if i := strings.Index(s, "Stack backtrace"); i >= 0 {
		s = s[:i]
	}
	return s
}
