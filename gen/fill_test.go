package gen

import (
	"testing"

	"github.com/wasifill/wasifill/witparse"
)

// A fill serves the user's world's custom imports or exports, or, given
// the fill's own world, the other side of its wasifill:rpc interface.
func TestFillInterfaces(t *testing.T) {
	r, pkg, err := witparse.Load("../docs/examples/kv/wit", witparse.Options{})
	if err != nil {
		t.Fatal(err)
	}
	worlds := map[string]witparse.WorldID{}
	for _, w := range r.Packages[pkg].Worlds {
		worlds[w.Name] = w.ID
	}
	for _, c := range []struct {
		world  string
		export bool
		want   int
	}{
		{"app", false, 1}, {"app", true, 0}, {"import-fill", false, 1},
		{"store-impl", true, 1}, {"store-impl", false, 0}, {"export-fill", true, 1},
	} {
		got := FillInterfaces(r, worlds[c.world], c.export)
		if len(got) != c.want || c.want == 1 && got[0].Name != "acme:kv/store@1.0.0" {
			t.Errorf("%s (export %v): %v, want %d × acme:kv/store@1.0.0", c.world, c.export, got, c.want)
		}
	}
}
