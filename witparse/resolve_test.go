package witparse_test

import (
	"errors"
	"strings"
	"testing"

	"github.com/wasifill/wasifill/witparse"
	"github.com/wasifill/wasifill/witparse/token"
)

// Resolution errors, each at the position and with the message wasm-tools
// gives for the same input.
func TestResolveErrors(t *testing.T) {
	cases := []struct {
		src, want string
		line, col int
	}{
		{"package a:b;\ninterface i { type x = y; }", "type `y` does not exist", 2, 24},
		{"package a:b;\ninterface i { f: func() -> nope; }", "name `nope` does not exist", 2, 28},
		{"package a:b;\ninterface i { type x = u32; type x = u8; }", "name `x` is defined more than once", 2, 34},
		{"package a:b;\ninterface i { type a = b; type b = a; }", "type `b` depends on itself", 2, 24},
		{"package a:b;\ninterface i { record r { a: r } }", "type `r` depends on itself", 2, 29},
		{"package a:b;\ninterface i { type t = u32; type h = borrow<t>; }", "type `t` used in a handle must be a resource", 2, 45},
		{"package a:b;\ninterface i { enum e {} }", "empty enum", 2, 20},
		{"package a:b;\ninterface i { use j.{t}; }\ninterface j { use i.{u}; }", "interface or world `j` depends on itself", 3, 11},
		{"package a:b;\ninterface i { use nope.{t}; }", "interface or world `nope` does not exist", 2, 19},
		{"package a:b;\ninterface i {}\ninterface j { use i.{t}; }", "name `t` does not exist", 3, 22},
		{"package a:b;\ninterface i { @unstable(feature = x) type g = u8; type t = g; }", "excluded due to its feature", 2, 56},
		{"package a:b;\ninterface i { resource r; f: func() -> borrow<r>; }", "returns a type which contains a `borrow<T>`", 2, 27},
		// The borrow deep inside, after siblings without one, behind an alias.
		{"package a:b;\ninterface i { resource r; record x { a: u8, b: list<tuple<u8, option<borrow<r>>>> } type y = x; g: func() -> tuple<u8, r>; f: func() -> result<u8, y>; }", "function `f` returns a type which contains a `borrow<T>`", 2, 124},
		{"package a:b;\ninterface i { resource r { constructor(); constructor(); } }", "duplicate constructors", 2, 43},
		// Duplicate methods: among a few, and past the size where a set takes over.
		{"package a:b;\ninterface i { resource r { f: func(); g: func(); f: static func(); } }", "duplicate function name `f`", 2, 50},
		{"package a:b;\ninterface i { resource r { m0: func(); m1: func(); m2: func(); m3: func(); m4: func(); m5: func(); m6: func(); m7: func(); m8: func(); m9: func(); m10: func(); m11: func(); m12: func(); m13: func(); m14: func(); m15: func(); m16: func(); m17: func(); m18: func(); m19: func(); m7: func(); } }", "duplicate function name `m7`", 2, 278},
		{"package a:b;\nworld w { import f: func(); import f: func(); }", "import `f` conflicts with prior func of same name", 2, 36},
		{"package a:b;\ninterface i {}\nworld w { import i; import i; }", "interface cannot be imported more than once", 3, 28},
		{"package a:b;\nworld w { include nope; }", "interface or world `nope` does not exist", 2, 19},
		{"package a:b;\nworld v {}\nworld w { include v with { x as y } }", "no import or export kebab-name `x`", 3, 19},
		{"package a:b;\ninterface i { f: func(); f: func(); }", "name `f` is defined more than once", 2, 26},
		{"package a:b@1.0.0;\n@since(version = 2.0.0)\ninterface i {}", "cannot reference unreleased version 2.0.0", 3, 11},
		{"package a:b;\nworld w { import x:y/z; }", "package 'x:y' not found. known packages:\n    a:b", 2, 18},
	}
	for _, c := range cases {
		_, _, err := witparse.LoadSource("t.wit", []byte(c.src), witparse.Options{})
		var list token.ErrorList
		if !errors.As(err, &list) {
			t.Errorf("%q: got %v, want a positioned error", c.src, err)
			continue
		}
		e := list[0]
		if !strings.Contains(e.Msg, c.want) || e.Pos.Line != c.line || e.Pos.Column != c.col {
			t.Errorf("%q:\n got %d:%d %s\nwant %d:%d %s", c.src, e.Pos.Line, e.Pos.Column, e.Msg, c.line, c.col, c.want)
		}
	}
}

// An error in one interface is reported once, not again by each user.
func TestNoCascades(t *testing.T) {
	src := "package a:b;\ninterface a { type x = nope; }\ninterface b { use a.{x}; }\nworld w { import a; import b; }\n"
	_, _, err := witparse.LoadSource("t.wit", []byte(src), witparse.Options{})
	var list token.ErrorList
	if !errors.As(err, &list) || len(list) != 1 || !strings.Contains(list[0].Msg, "type `nope` does not exist") {
		t.Fatalf("got %v", err)
	}
	// Independent errors in different items are all reported.
	src = "package a:b;\ninterface a { type x = nope; }\ninterface c { f: func() -> gone; }\n"
	_, _, err = witparse.LoadSource("t.wit", []byte(src), witparse.Options{})
	if !errors.As(err, &list) || len(list) != 2 {
		t.Fatalf("got %v, want 2 errors", err)
	}
}

func TestFeatureGates(t *testing.T) {
	src := "package a:b;\ninterface i {\n  @unstable(feature = shiny)\n  f: func();\n  g: func();\n}\n"
	for _, c := range []struct {
		opts  witparse.Options
		funcs int
	}{{witparse.Options{}, 1}, {witparse.Options{Features: []string{"shiny"}}, 2}, {witparse.Options{AllFeatures: true}, 2}} {
		r, _, err := witparse.LoadSource("t.wit", []byte(src), c.opts)
		if err != nil {
			t.Fatal(err)
		}
		if got := len(r.Interfaces[0].Functions); got != c.funcs {
			t.Errorf("%+v: %d functions, want %d", c.opts, got, c.funcs)
		}
	}
}

func TestWorldElaboration(t *testing.T) {
	src := `package a:b;
interface types { type t = u32; }
interface api { use types.{t}; f: func() -> t; }
world w { export api; }
`
	r, _, err := witparse.LoadSource("t.wit", []byte(src), witparse.Options{})
	if err != nil {
		t.Fatal(err)
	}
	w := r.Worlds[0]
	// Exporting api, which uses types, implies importing types.
	if len(w.Imports) != 1 || r.Interfaces[w.Imports[0].Item.Interface].Name != "types" {
		t.Fatalf("imports %+v", w.Imports)
	}
}

func FuzzLoadSource(f *testing.F) {
	f.Add([]byte("package a:b;\ninterface i { use j.{t}; f: func(x: t) -> list<t>; }\ninterface j { type t = u32; resource r { constructor(); } }\nworld w { import i; export j; include v with { g as h } }\nworld v { import g: func(); }"))
	f.Add([]byte("package a:b@1.0.0;\n@since(version = 1.0.0)\ninterface i { @unstable(feature = x) type y = u8; }"))
	f.Fuzz(func(t *testing.T, src []byte) {
		_, _, err := witparse.LoadSource("fuzz.wit", src, witparse.Options{AllFeatures: true})
		if err == nil {
			return
		}
		var list token.ErrorList
		if errors.As(err, &list) {
			for _, e := range list {
				if !e.Pos.IsValid() {
					t.Fatalf("unpositioned error: %v", e)
				}
			}
		}
	})
}
