package main

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// bombWIT writes WIT whose t<n> doubles t<n-1> (a few hundred bytes for
// 2^(n+1)-1 nodes as a tree); the world imports and exports what.
func bombWIT(t *testing.T, n int, what string) string {
	t.Helper()
	var b strings.Builder
	b.WriteString("package a:b@0.1.0;\ninterface i {\n  type t0 = u8;\n")
	for k := 1; k <= n; k++ {
		fmt.Fprintf(&b, "  type t%d = tuple<t%d, t%d>;\n", k, k-1, k-1)
	}
	fmt.Fprintf(&b, "  f: func(x: t%d) -> t%d;\n}\nworld w { %s }\n", n, n, what)
	p := filepath.Join(t.TempDir(), fmt.Sprintf("bomb%d.wit", n))
	if err := os.WriteFile(p, []byte(b.String()), 0o644); err != nil {
		t.Fatal(err)
	}
	return p
}

// Doubling WIT types are refused with an error naming the type and the
// bound, by every generator and by componentize; what componentize does
// write, inspect reads.
func TestTypeBombs(t *testing.T) {
	for _, n := range []int{24, 64} {
		wit := bombWIT(t, n, "import i; export i;")
		for _, mode := range [][]string{{"go", "--host"}, {"go", "--guest"}, {"go", "--fill", "import"},
			{"go", "--fill", "export"}, {"rust", "--fill", "import"}, {"rust", "--fill", "export"}} {
			args := append(append([]string{"gen"}, mode...), "--wit", wit, "--out", t.TempDir())
			code, _, errOut := runCLI(t, args...)
			if code != 1 || !strings.Contains(errOut, "type t10 expands to more than 1024 type nodes") {
				t.Errorf("%v: exit %d, stderr %q", args, code, errOut)
			}
		}
		code, _, errOut := runCLI(t, "decode", "--wit", wit, "--interface", "a:b/i@0.1.0", "--type", fmt.Sprintf("t%d", n), "00")
		if code != 1 || !strings.Contains(errOut, fmt.Sprintf("type t%d expands to more than 16384 type nodes", n)) {
			t.Errorf("decode --type t%d: exit %d, stderr %q", n, code, errOut)
		}
		out := filepath.Join(t.TempDir(), "c.wasm")
		code, _, errOut = runCLI(t, "componentize", "testdata/import-f.core.wasm", "--wit", bombWIT(t, n, "import i;"), "-o", out)
		if code != 1 || !strings.Contains(errOut, "type t19 expands to more than 1000000 type nodes") {
			t.Errorf("componentize %d levels: exit %d, stderr %q", n, code, errOut)
		}
		if _, err := os.Stat(out); err == nil {
			t.Errorf("componentize %d levels wrote %s", n, out)
		}
	}
	// 16 levels: within a component's bound; inspect reads what is written.
	out := filepath.Join(t.TempDir(), "c.wasm")
	if code, _, errOut := runCLI(t, "componentize", "testdata/import-f.core.wasm", "--wit", bombWIT(t, 16, "import i;"), "-o", out); code != 0 {
		t.Fatalf("componentize 16 levels: exit %d, stderr %q", code, errOut)
	}
	if code, out, errOut := runCLI(t, "inspect", out); code != 0 || !strings.Contains(out, "a:b/i@0.1.0") {
		t.Errorf("inspect: exit %d, out %q, err %q", code, out, errOut)
	}
}
