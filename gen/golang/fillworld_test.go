package golang_test

import (
	"bytes"
	"testing"

	"github.com/wasifill/wasifill/gen/golang"
	"github.com/wasifill/wasifill/witparse"
)

// A fill's own world (import-fill: imports wasifill:rpc/transport, exports
// the store; export-fill: exports wasifill:rpc/handler, imports the store)
// gives the same fill code as the user's world it serves, as in gen rust.
func TestFillOfItsOwnWorld(t *testing.T) {
	r, pkg, err := witparse.Load("../../docs/examples/kv/wit", witparse.Options{})
	if err != nil {
		t.Fatal(err)
	}
	world := map[string]witparse.WorldID{}
	for _, w := range r.Packages[pkg].Worlds {
		world[w.Name] = w.ID
	}
	for _, c := range []struct {
		user, own string
		generate  func(*witparse.Resolve, witparse.WorldID) (map[string][]byte, error)
	}{
		{"app", "import-fill", golang.GenerateImportFill},
		{"store-impl", "export-fill", golang.GenerateExportFill},
	} {
		want, err := c.generate(r, world[c.user])
		if err != nil {
			t.Fatalf("%s: %v", c.user, err)
		}
		got, err := c.generate(r, world[c.own])
		if err != nil {
			t.Fatalf("%s: %v", c.own, err)
		}
		// Only the package comment names the world.
		strip := func(b []byte) []byte {
			return bytes.ReplaceAll(b, []byte("world "+c.own), []byte("world "+c.user))
		}
		if !bytes.Equal(strip(got["fill.go"]), want["fill.go"]) {
			t.Errorf("the fill of world %s differs from the fill of world %s", c.own, c.user)
		}
	}
}
