package gen

import (
	"errors"
	"fmt"
	"strings"
	"testing"

	"github.com/wasifill/wasifill/witparse"
)

// bomb is WIT whose type t<n> doubles t<n-1>: 2^(n+1)-1 nodes as a tree
// from n+1 lines.
func bomb(n int, fn string) string {
	var b strings.Builder
	b.WriteString("package a:b@0.1.0;\ninterface i {\n  type t0 = u8;\n")
	for k := 1; k <= n; k++ {
		fmt.Fprintf(&b, "  type t%d = tuple<t%d, t%d>;\n", k, k-1, k-1)
	}
	fmt.Fprintf(&b, "  %s\n}\nworld w { import i; export i; }\n", strings.ReplaceAll(fn, "T", fmt.Sprintf("t%d", n)))
	return b.String()
}

func check(t *testing.T, src string) error {
	t.Helper()
	r, pkg, err := witparse.LoadSource("bomb.wit", []byte(src), witparse.Options{})
	if err != nil {
		t.Fatal(err)
	}
	return CheckSizes(r, r.Packages[pkg].Worlds[0].ID)
}

func TestCheckSizes(t *testing.T) {
	// t9 is 1,023 nodes: within the budget; a function taking and
	// returning it is 2,047.
	if err := check(t, bomb(9, "f: func(x: T);")); err != nil {
		t.Errorf("t9: %v", err)
	}
	var tl *TypeTooLargeError
	if err := check(t, bomb(9, "f: func(x: T) -> T;")); !errors.As(err, &tl) || tl.What != "function f" || tl.Limit != MaxTypeNodes {
		t.Errorf("f(t9) -> t9: %v", err)
	}
	if err := check(t, bomb(64, "f: func();")); !errors.As(err, &tl) || tl.What != "type t10" {
		t.Errorf("t64: %v", err)
	}
	if err := check(t, "package a:b;\ninterface i { type l = list<list<u8, 1000>, 1000>; }\nworld w { import i; }\n"); !errors.As(err, &tl) || tl.What != "type l" {
		t.Errorf("fixed-size lists: %v", err)
	}
	// Many types each within the budget add up to the world's.
	var b strings.Builder
	b.WriteString("package a:b;\ninterface i {\n  type t0 = u8;\n")
	for k := 1; k <= 9; k++ {
		fmt.Fprintf(&b, "  type t%d = tuple<t%d, t%d>;\n", k, k-1, k-1)
	}
	for k := 0; k < 20; k++ {
		fmt.Fprintf(&b, "  f%d: func(x: t9);\n", k)
	}
	b.WriteString("}\nworld w { import i; }\n")
	if err := check(t, b.String()); !errors.As(err, &tl) || tl.What != "world w" || tl.Limit != MaxWorldNodes {
		t.Errorf("the world's budget: %v", err)
	}
}
