package token_test

import (
	"testing"

	"github.com/wasifill/wasifill/witparse/token"
)

func TestPositionsAndErrors(t *testing.T) {
	fset := token.NewFileSet()
	a := fset.AddFile("a.wit", []byte("line one\n\tline two\n"))
	b := fset.AddFile("b.wit", []byte("x"))
	p := a.Pos(10) // 'l' of "line two"
	if got := fset.Position(p).String(); got != "a.wit:2:2" {
		t.Fatalf("position %s", got)
	}
	if got := fset.Position(b.Pos(0)).String(); got != "b.wit:1:1" {
		t.Fatalf("second file: %s", got)
	}
	e := fset.NewError(p, "bad %s", "thing")
	want := "a.wit:2:2: bad thing\n    \tline two\n    \t^"
	if e.Error() != want {
		t.Fatalf("error text:\n%s\nwant:\n%s", e.Error(), want)
	}
	var list token.ErrorList
	if list.Err() != nil {
		t.Fatal("empty list is an error")
	}
	list.Add(fset.NewError(b.Pos(0), "second"))
	list.Add(e)
	list.Sort()
	if list[0] != e || list.Err() == nil {
		t.Fatal("sort by file")
	}
}
