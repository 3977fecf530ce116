package golang

import (
	"bytes"
	"errors"
	"fmt"
	"go/format"
	"strings"
	"testing"

	"github.com/dave/jennifer/jen"

	"github.com/wasifill/wasifill/internal/guard"
)

// TestGoFileJoinsChunks builds the same declarations as one jennifer file
// and as a goFile cut after every declaration, and wants the joined file
// to be gofmt-clean, to hold every declaration in order under one package
// clause, and to import each package once, grouped as goimports does.
func TestGoFileJoinsChunks(t *testing.T) {
	decls := func(f func() *jen.File, cut func()) {
		for i := range 12 {
			fl := f()
			fl.Comment(fmt.Sprintf("F%d is declaration %d.", i, i))
			switch i % 4 {
			case 0:
				fl.Func().Id(fmt.Sprintf("F%d", i)).Params().Qual("context", "Context").Block(jen.Return(jen.Qual("context", "Background").Call()))
			case 1:
				fl.Func().Id(fmt.Sprintf("F%d", i)).Params().Qual("github.com/wasifill/wasifill/value", "Kind").Block(jen.Return(jen.Lit(0)))
			case 2:
				fl.Var().Id(fmt.Sprintf("F%d", i)).Op("=").Qual("math", "MaxInt8")
			default:
				fl.Type().Id(fmt.Sprintf("F%d", i)).Struct(jen.Id("A").Int(), jen.Id("LongerName").String())
			}
			cut()
		}
	}
	g := newGoFile("p", "Code generated; DO NOT EDIT.", "Package p is a test.")
	decls(g.File, g.Cut)
	got, err := g.Bytes()
	if err != nil {
		t.Fatal(err)
	}
	whole := jen.NewFile("p")
	whole.HeaderComment("Code generated; DO NOT EDIT.")
	whole.PackageComment("Package p is a test.")
	decls(func() *jen.File { return whole }, func() { whole.Line() })
	var want bytes.Buffer
	if err := whole.Render(&want); err != nil {
		t.Fatal(err)
	}
	fmtd, err := format.Source(got)
	if err != nil {
		t.Fatalf("joined file does not parse: %v\n%s", err, got)
	}
	if !bytes.Equal(fmtd, got) {
		t.Errorf("joined file is not gofmt-clean:\n%s", got)
	}
	// One blank line between the declarations either way: the same
	// declarations, byte for byte (jennifer's import block is one group).
	decl := func(src []byte) string { return string(src[bytes.Index(src, []byte("// F0 ")):]) }
	if decl(got) != decl(want.Bytes()) {
		t.Errorf("joined declarations differ from the whole file rendered at once:\n--- joined\n%s\n--- whole\n%s", got, want.Bytes())
	}
	if n := strings.Count(string(got), "\"context\""); n != 1 {
		t.Errorf("context imported %d times", n)
	}
	if !strings.Contains(string(got), "import (\n\t\"context\"\n\t\"math\"\n\n\tvalue \"github.com/wasifill/wasifill/value\"\n)\n") {
		t.Errorf("imports not grouped standard library first:\n%s", got)
	}
}

// TestGoFileEmptyChunks: chunks nobody wrote into are not rendered, and a
// file of no declarations is its package clause.
func TestGoFileEmptyChunks(t *testing.T) {
	g := newGoFile("p", "Code generated; DO NOT EDIT.", "Package p is empty.")
	g.Cut()
	g.Cut()
	got, err := g.Bytes()
	if err != nil {
		t.Fatal(err)
	}
	if want := "// Code generated; DO NOT EDIT.\n\n// Package p is empty.\npackage p\n"; string(got) != want {
		t.Errorf("got %q, want %q", got, want)
	}
	if len(g.out) != 1 {
		t.Errorf("%d chunks rendered, want 1", len(g.out))
	}
}

// TestGoFileWorkerPanic: a panic while rendering a chunk (in a worker
// goroutine, out of the generator's own recover) is an *InternalError from
// Bytes, not a crash.
func TestGoFileWorkerPanic(t *testing.T) {
	g := newGoFile("p", "h", "d")
	g.File().Var().Id("x").Op("=").Lit(struct{}{}) // jennifer panics on this literal
	_, err := g.Bytes()
	var ie *guard.InternalError
	if !errors.As(err, &ie) {
		t.Fatalf("got %v, want an *guard.InternalError", err)
	}
}

// TestCheckImportNames: chunks named their imports alone, so a package
// with two names, or a name with two packages, is a generator defect.
func TestCheckImportNames(t *testing.T) {
	for _, c := range []struct {
		imports []string
		ok      bool
	}{
		{[]string{`"context"`, `value "github.com/wasifill/wasifill/value"`}, true},
		{[]string{`"math/rand"`, `"crypto/rand"`}, false},
		{[]string{`v "github.com/wasifill/wasifill/value"`, `value "github.com/wasifill/wasifill/value"`}, false},
		{[]string{`value "example.com/value"`, `"github.com/wasifill/wasifill/value"`}, false},
	} {
		err := checkImportNames(c.imports)
		var ie *guard.InternalError
		if (err == nil) != c.ok || (err != nil && !errors.As(err, &ie)) {
			t.Errorf("%v: got %v, want ok %v", c.imports, err, c.ok)
		}
	}
}
