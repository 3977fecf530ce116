package gen

import (
	"testing"

	"github.com/wasifill/wasifill/witparse"
)

// kvWorld loads a world of the kv example: dir is relative to
// docs/examples/kv.
func kvWorld(t *testing.T, dir, world string) (*witparse.Resolve, witparse.WorldID) {
	t.Helper()
	r, pkg, err := witparse.Load("../docs/examples/kv/"+dir, witparse.Options{})
	if err != nil {
		t.Fatal(err)
	}
	for _, w := range r.Packages[pkg].Worlds {
		if w.Name == world {
			return r, w.ID
		}
	}
	t.Fatalf("%s has no world %s", dir, world)
	return nil, 0
}

// A fill serves the user's world's custom imports or exports, or, given
// the fill's own world (as gen wrote it beside the example's fills), the
// other side of its wasifill:rpc interface.
func TestFillInterfaces(t *testing.T) {
	for _, c := range []struct {
		dir, world string
		export     bool
		want       int
	}{
		{"wit", "app", false, 1}, {"wit", "app", true, 0}, {"fills/import-rust/wit", "import-fill", false, 1},
		{"wit", "store-impl", true, 1}, {"wit", "store-impl", false, 0}, {"fills/export/wit", "export-fill", true, 1},
	} {
		r, w := kvWorld(t, c.dir, c.world)
		got := FillInterfaces(r, w, c.export)
		if len(got) != c.want || c.want == 1 && got[0].Name != "acme:kv/store@1.0.0" {
			t.Errorf("%s (export %v): %v, want %d × acme:kv/store@1.0.0", c.world, c.export, got, c.want)
		}
	}
}
