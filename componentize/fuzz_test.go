package componentize_test

import (
	"errors"
	"os"
	"path/filepath"
	"testing"

	"github.com/wasifill/wasifill/componentize"
	"github.com/wasifill/wasifill/internal/guard"
)

// FuzzNew componentizes mutated core modules that carry their world (a
// component-type custom section): a component or an error, never a panic
// (one the guard caught is a failure here too).
func FuzzNew(f *testing.F) {
	seeds, err := filepath.Glob("../testdata/guests/out/*.core.wasm")
	if err != nil {
		f.Fatal(err)
	}
	for _, p := range seeds {
		b, err := os.ReadFile(p)
		if err != nil {
			f.Fatal(err)
		}
		if len(b) < 32<<10 {
			f.Add(b)
		}
	}
	f.Fuzz(func(t *testing.T, core []byte) {
		_, err := componentize.New(core, componentize.Options{})
		var internal *guard.InternalError
		if errors.As(err, &internal) {
			t.Fatalf("panic: %v", err)
		}
	})
}
