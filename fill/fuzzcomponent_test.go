package fill_test

import (
	"errors"
	"testing"

	"github.com/wasifill/wasifill/fill"
	"github.com/wasifill/wasifill/internal/guard"
	"github.com/wasifill/wasifill/internal/testenv"
)

// FuzzForComponent feeds mutated component binaries to the fill made from
// a component's own type (`compose --fill-imports/--fill-exports`): any
// input gives a fill or an error, never a panic (a panic the guard caught
// is a failure here too).
func FuzzForComponent(f *testing.F) {
	for _, b := range testenv.Seeds(f, "../testdata/guests/out/*.wasm", 64<<10) {
		f.Add(b, false)
		f.Add(b, true)
	}
	f.Fuzz(func(t *testing.T, b []byte, export bool) {
		_, _, err := fill.ForComponent(b, export)
		var internal *guard.InternalError
		if errors.As(err, &internal) {
			t.Fatalf("panic: %v", err)
		}
	})
}
