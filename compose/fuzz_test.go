package compose_test

import (
	"errors"
	"os"
	"path/filepath"
	"testing"

	"github.com/wasifill/wasifill/compose"
	"github.com/wasifill/wasifill/internal/guard"
)

// FuzzPlug composes mutated components: a composition or an error, never
// a panic (one the guard caught is a failure here too). Seeds: a user
// component with the fill that plugs it, and small components of the
// guest fixtures as either part.
func FuzzPlug(f *testing.F) {
	read := func(p string) []byte {
		b, err := os.ReadFile(p)
		if err != nil {
			f.Fatal(err)
		}
		return b
	}
	small, err := filepath.Glob("../testdata/guests/out/*.wasm")
	if err != nil {
		f.Fatal(err)
	}
	var parts [][]byte
	for _, p := range small {
		if b := read(p); len(b) < 32<<10 {
			parts = append(parts, b)
		}
	}
	for i, a := range parts {
		f.Add(a, parts[(i+1)%len(parts)])
	}
	f.Fuzz(func(t *testing.T, user, plug []byte) {
		_, err := compose.Plug(compose.Part{Name: "user.wasm", Bytes: user}, []compose.Part{{Name: "plug.wasm", Bytes: plug}})
		var internal *guard.InternalError
		if errors.As(err, &internal) {
			t.Fatalf("panic: %v", err)
		}
	})
}
