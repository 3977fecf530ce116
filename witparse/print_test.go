package witparse_test

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/wasifill/wasifill/internal/testenv"
	"github.com/wasifill/wasifill/witparse"
)

// roundTrip prints a single-package resolve as WIT, resolves the text again
// and compares both as wasm-tools JSON.
func roundTrip(t *testing.T, name string, r *witparse.Resolve, root witparse.PackageID) {
	t.Helper()
	text, err := witparse.FormatPackage(r, root)
	if err != nil {
		t.Fatalf("%s: %v", name, err)
	}
	again, _, err := witparse.LoadSource(name+".printed.wit", []byte(text), conformanceOptions)
	if err != nil {
		t.Fatalf("%s: printed WIT does not resolve: %v\n%s", name, err, text)
	}
	a, _ := witparse.EncodeJSON(r)
	b, _ := witparse.EncodeJSON(again)
	ca, _ := canonicalize(a)
	cb, _ := canonicalize(b)
	if d := firstDiff("", cb, ca); d != "" {
		t.Errorf("%s: printed and re-read differs: %s\n%s", name, d, text)
	}
}

func TestPrintRoundTripCorpus(t *testing.T) {
	root := testenv.WITCorpus(t)
	cases, _ := filepath.Glob(filepath.Join(root, "*.wit"))
	n := 0
	for _, c := range cases {
		r, pkg, err := witparse.Load(c, conformanceOptions)
		if err != nil {
			t.Fatalf("%s: %v", c, err)
		}
		if len(r.Packages) != 1 {
			continue // the printed root alone would lack its other packages
		}
		roundTrip(t, filepath.Base(c), r, pkg)
		n++
	}
	t.Logf("round-tripped %d single-package corpus cases", n)
	if n < 10 {
		t.Fatalf("only %d cases round-tripped", n)
	}
}

func TestPrintGolden(t *testing.T) {
	r, pkg, err := witparse.Load("testdata/print/input.wit", witparse.Options{})
	if err != nil {
		t.Fatal(err)
	}
	got, err := witparse.FormatPackage(r, pkg)
	if err != nil {
		t.Fatal(err)
	}
	want, err := os.ReadFile("testdata/print/golden.wit")
	if os.Getenv("UPDATE") == "1" {
		os.WriteFile("testdata/print/golden.wit", []byte(got), 0o644)
		return
	}
	if err != nil {
		t.Fatal(err)
	}
	if got != string(want) {
		t.Fatalf("printed:\n%s\nwant:\n%s", got, want)
	}
	roundTrip(t, "input.wit", r, pkg)
	if !strings.Contains(got, "use types.{point as pt};") {
		t.Fatal("use with rename not printed")
	}
}
