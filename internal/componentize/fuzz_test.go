package componentize_test

import (
	"errors"
	"testing"

	"github.com/wasifill/wasifill/internal/componentize"
	"github.com/wasifill/wasifill/internal/guard"
	"github.com/wasifill/wasifill/internal/testenv"
)

// FuzzNew componentizes mutated core modules that carry their world (a
// component-type custom section): a component or an error, never a panic
// (one the guard caught is a failure here too).
func FuzzNew(f *testing.F) {
	for _, b := range testenv.Seeds(f, "../../testdata/guests/out/*.core.wasm", 32<<10) {
		f.Add(b)
	}
	f.Fuzz(func(t *testing.T, core []byte) {
		_, err := componentize.New(core, componentize.Options{})
		var internal *guard.InternalError
		if errors.As(err, &internal) {
			t.Fatalf("panic: %v", err)
		}
	})
}
