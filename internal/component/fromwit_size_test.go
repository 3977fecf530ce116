package component_test

import (
	"errors"
	"fmt"
	"strings"
	"testing"

	"github.com/wasifill/wasifill/internal/component"
	"github.com/wasifill/wasifill/witparse"
)

// A WIT type that doubles per alias is refused once it passes
// MaxTypeSize (the size a decoder refuses), naming the type, and in
// time linear in the WIT, not in the expanded size.
func TestFromWorldTypeSize(t *testing.T) {
	world := func(n int) (*component.Type, error) {
		var b strings.Builder
		b.WriteString("package a:b@0.1.0;\ninterface i {\n  type t0 = u8;\n")
		for k := 1; k <= n; k++ {
			fmt.Fprintf(&b, "  type t%d = tuple<t%d, t%d>;\n", k, k-1, k-1)
		}
		fmt.Fprintf(&b, "  f: func(x: t%d);\n}\nworld w { import i; }\n", n)
		r, pkg, err := witparse.LoadSource("bomb.wit", []byte(b.String()), witparse.Options{})
		if err != nil {
			t.Fatal(err)
		}
		return component.FromWorld(r, r.Packages[pkg].Worlds[0].ID)
	}
	w, err := world(16) // 131,071 nodes a type; the interface about 4 times that
	if err != nil {
		t.Fatalf("16 levels: %v", err)
	}
	if s := w.Size(); s > component.MaxTypeSize || s < 1<<18 {
		t.Errorf("16 levels: world size %d", s)
	}
	var tl *component.TypeTooLargeError
	for _, n := range []int{18, 24, 64} {
		if _, err := world(n); !errors.As(err, &tl) {
			t.Errorf("%d levels: %v, want a TypeTooLargeError", n, err)
		}
	}
	if _, err := world(64); !errors.As(err, &tl) || tl.What != "type t19" {
		t.Errorf("64 levels: %v, want type t19 named", err)
	}
}
