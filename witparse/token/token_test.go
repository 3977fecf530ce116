package token_test

import (
	"strings"
	"testing"
	"unicode/utf8"

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

// An error on a long line shows the window around its column, cut at
// character boundaries, with the caret under the column; a short line is
// shown whole.
func TestErrorExcerpt(t *testing.T) {
	long := strings.Repeat("é", 100) + "X" + strings.Repeat("ü", 100)
	col := strings.Index(long, "X") + 1
	e := &token.Error{Pos: token.Position{Filename: "f.wit", Line: 1, Column: col}, Msg: "bad", Line: long}
	lines := strings.Split(e.Error(), "\n")
	if len(lines) != 3 {
		t.Fatalf("%q", e.Error())
	}
	shown, caret := strings.TrimPrefix(lines[1], "    "), strings.TrimPrefix(lines[2], "    ")
	if !utf8.ValidString(shown) || !strings.HasPrefix(shown, "…") || !strings.HasSuffix(shown, "…") || len(shown) > 160+2*len("…") {
		t.Errorf("excerpt %q", shown)
	}
	if r := []rune(shown); len(caret) == 0 || caret[len(caret)-1] != '^' || r[len(caret)-1] != 'X' {
		t.Errorf("caret at %d under %q", len(caret)-1, shown)
	}
	short := &token.Error{Pos: token.Position{Filename: "f.wit", Line: 1, Column: 3}, Msg: "bad", Line: "ab\tcd"}
	if got, want := short.Error(), "f.wit:1:3: bad\n    ab\tcd\n      ^"; got != want {
		t.Errorf("%q, want %q", got, want)
	}
}
