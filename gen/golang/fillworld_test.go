package golang_test

import (
	"bytes"
	"testing"

	"github.com/wasifill/wasifill/gen/golang"
	"github.com/wasifill/wasifill/witparse"
)

// A fill's own world as gen writes it beside the example's fills
// (import-fill: imports wasifill:rpc/transport, exports the store;
// export-fill: exports wasifill:rpc/handler, imports the store) gives the
// same fill code as the user's world it serves, as in gen rust.
func TestFillOfItsOwnWorld(t *testing.T) {
	load := func(dir, name string) (*witparse.Resolve, witparse.WorldID) {
		r, pkg, err := witparse.Load("../../docs/examples/kv/"+dir, witparse.Options{})
		if err != nil {
			t.Fatal(err)
		}
		for _, w := range r.Packages[pkg].Worlds {
			if w.Name == name {
				return r, w.ID
			}
		}
		t.Fatalf("%s has no world %s", dir, name)
		return nil, 0
	}
	for _, c := range []struct {
		user, own, ownDir string
		generate          func(*witparse.Resolve, witparse.WorldID) (map[string][]byte, error)
	}{
		{"app", "import-fill", "fills/import-rust/wit", golang.GenerateImportFill},
		{"store-impl", "export-fill", "fills/export/wit", golang.GenerateExportFill},
	} {
		want, err := c.generate(load("wit", c.user))
		if err != nil {
			t.Fatalf("%s: %v", c.user, err)
		}
		got, err := c.generate(load(c.ownDir, c.own))
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
