package fill_test

import (
	"errors"
	"os"
	"path/filepath"
	"testing"

	"github.com/wasifill/wasifill/fill"
	"github.com/wasifill/wasifill/internal/guard"
)

// FuzzForComponent feeds mutated component binaries to the fill made from
// a component's own type (`compose --fill-imports/--fill-exports`): any
// input gives a fill or an error, never a panic (a panic the guard caught
// is a failure here too).
func FuzzForComponent(f *testing.F) {
	seeds, err := filepath.Glob("../testdata/guests/out/*.wasm")
	if err != nil {
		f.Fatal(err)
	}
	for _, p := range seeds {
		b, err := os.ReadFile(p)
		if err != nil {
			f.Fatal(err)
		}
		if len(b) < 64<<10 { // components small enough to mutate quickly
			f.Add(b, false)
			f.Add(b, true)
		}
	}
	f.Fuzz(func(t *testing.T, b []byte, export bool) {
		_, _, err := fill.ForComponent(b, export)
		var internal *guard.InternalError
		if errors.As(err, &internal) {
			t.Fatalf("panic: %v", err)
		}
	})
}
