package witparse_test

import (
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/wasifill/wasifill/witparse"
	"github.com/wasifill/wasifill/witparse/token"
)

// Errors of wit-parser's rules, each with its position and wording.
// Columns are counted by hand from the sources.
func TestWitParserRules(t *testing.T) {
	cases := []struct {
		name, src, want string
		line, col       int
	}{
		{"since on include newer than the package",
			"package a:b@0.1.0;\nworld v {}\nworld w {\n  @since(version = 0.2.0)\n  include v;\n}",
			"feature gate cannot reference unreleased version 0.2.0 of package [a:b@0.1.0] (current version 0.1.0)", 5, 11},
		{"since in a package without a version",
			"package a:b;\ninterface i {\n  @since(version = 1.0.0)\n  f: func();\n}",
			"package [a:b] contains a feature gate with a version specifier, so it must have a version", 4, 3},
		{"exports differing only in case",
			"package a:b;\nworld w {\n  export run-it: func();\n  export RUN-IT: func();\n}",
			"export `RUN-IT` in world `w` conflicts with export `run-it` (kebab-case identifiers are case-insensitive)", 2, 7},
		{"import type and function differing only in case",
			"package a:b;\nworld w {\n  type THING = u8;\n  import thing: func();\n}",
			"import `thing` in world `w` conflicts with import `THING` (kebab-case identifiers are case-insensitive)", 2, 7},
		{"map keyed by a record",
			"package a:b;\ninterface i {\n  record k { x: u8 }\n  type m = map<k, u8>;\n}",
			"invalid map key type: map keys must be bool, u8, u16, u32, u64, s8, s16, s32, s64, char, or string", 4, 12},
		{"map keyed by an alias of u32",
			"package a:b;\ninterface i {\n  type k = u32;\n  f: func(m: map<k, u8>);\n}",
			"invalid map key type", 4, 14},
		{"map keyed by f32",
			"package a:b;\ninterface i { f: func(m: map<f32, u8>); }", "invalid map key type", 2, 26},
		{"use shadowing an interface",
			"package a:b;\nuse x as y;\ninterface x {}\ninterface y {}",
			"duplicate name `y` in this file", 4, 11},
		{"two uses of one name",
			"package a:b;\nuse x;\nuse y as x;\ninterface y {}\ninterface x {}",
			"duplicate name `x` in this file", 3, 10},
		{"type cycle through a handle",
			"package a:b;\ninterface i {\n  type h = own<r>;\n  type r = h;\n}",
			"type `r` depends on itself", 3, 16},
		{"use of a missing type in a definition",
			"package a:b;\ninterface i {\n  type a = list<nope>;\n}",
			"type `nope` does not exist", 3, 17},
		{"interfaces using each other through a file-level use",
			"package a:b;\nuse j as k;\ninterface i { use k.{t}; }\ninterface j { use i.{u}; }",
			"interface or world `j` depends on itself", 2, 5},
		{"worlds including each other",
			"package a:b;\nworld v { include w; }\nworld w { include v; }",
			"interface or world `w` depends on itself", 3, 7},
		{"package naming itself",
			"package a:b;\ninterface i { use a:b/j.{t}; }\ninterface j { type t = u8; }",
			"package `a:b` creates a dependency cycle", 2, 19},
		{"constructor returning the handle",
			"package a:b;\ninterface i {\n  resource r { constructor() -> r; }\n}",
			"if a constructor return type is declared it must be a `result`", 3, 33},
		{"constructor result of another type",
			"package a:b;\ninterface i {\n  resource r { constructor() -> result<u8>; }\n}",
			"the `ok` type must be the resource being constructed", 3, 40},
		{"method and static of one name",
			"package a:b;\ninterface i {\n  resource r {\n    go: func();\n    go: static func();\n  }\n}",
			"duplicate function name `go`", 5, 5},
		{"function used as a type",
			"package a:b;\ninterface i {\n  f: func();\n  g: func(x: f);\n}",
			"cannot use function `f` as a type", 4, 14},
		{"function imported by use",
			"package a:b;\ninterface i { f: func(); }\ninterface j { use i.{f}; }",
			"cannot import function `f`", 3, 22},
		{"package not found lists the known ones",
			"package a:b;\nworld w { import x:y/z@1.0.0; }",
			"package 'x:y@1.0.0' not found. known packages:\n    a:b", 2, 18},
		{"foreign item used as an interface, then included as a world",
			"package a:b;\nuse c:d/e;\nworld w { include c:d/e; }\npackage c:d { world e {} }",
			"name `e` is defined as an interface, not a world", 3, 23},
		{"include merging different gates",
			"package a:b@1.0.0;\ninterface i {}\nworld v { @since(version = 1.0.0) import i; }\nworld w { @unstable(feature = f) import i; include v; }",
			"mismatch in stability from 'Stable { since: Version { major: 1, minor: 0, patch: 0 }, deprecated: None }' to 'Unstable { feature: \"f\", deprecated: None }'", 4, 52},
	}
	// Without the feature: an ungated type of a gated world.
	_, _, err := witparse.LoadSource("t.wit", []byte("package a:b;\n@unstable(feature = f)\nworld w {\n  type t = u8;\n}"), witparse.Options{})
	var list token.ErrorList
	if !errors.As(err, &list) || list[0].Pos.Line != 4 || list[0].Pos.Column != 8 ||
		list[0].Msg != "found a reference to a world which is excluded due to its feature not being activated; this type is not gated by a feature but its world is" {
		t.Errorf("excluded world: got %v", err)
	}
	for _, c := range cases {
		_, _, err := witparse.LoadSource("t.wit", []byte(c.src), witparse.Options{AllFeatures: true})
		var list token.ErrorList
		if !errors.As(err, &list) {
			t.Errorf("%s: got %v, want a positioned error", c.name, err)
			continue
		}
		e := list[0]
		if !strings.HasPrefix(e.Msg, c.want) || e.Pos.Line != c.line || e.Pos.Column != c.col {
			t.Errorf("%s:\n got %d:%d %s\nwant %d:%d %s", c.name, e.Pos.Line, e.Pos.Column, e.Msg, c.line, c.col, c.want)
		}
	}
}

// Map keys may be any of the eleven primitives wit-parser lists.
func TestMapKeys(t *testing.T) {
	for _, k := range []string{"bool", "u8", "u16", "u32", "u64", "s8", "s16", "s32", "s64", "char", "string"} {
		src := "package a:b;\ninterface i { type m = map<" + k + ", u8>; }"
		if _, _, err := witparse.LoadSource("t.wit", []byte(src), witparse.Options{}); err != nil {
			t.Errorf("map<%s, u8>: %v", k, err)
		}
	}
}

// Only one `package` declaration of a directory may carry docs.
func TestPackageDocsOnce(t *testing.T) {
	dir := t.TempDir()
	write := func(name, src string) {
		if err := os.WriteFile(filepath.Join(dir, name), []byte(src), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	write("a.wit", "/// The package.\npackage a:b;\ninterface i {}\n")
	write("b.wit", "package a:b;\ninterface j {}\n")
	r, pkg, err := witparse.Load(dir, witparse.Options{})
	if err != nil {
		t.Fatal(err)
	}
	if got := r.Packages[pkg].Docs; got != "The package." {
		t.Errorf("docs %q", got)
	}
	write("b.wit", "// Again.\npackage a:b;\ninterface j {}\n")
	_, _, err = witparse.Load(dir, witparse.Options{})
	var list token.ErrorList
	if !errors.As(err, &list) || list[0].Msg != "found doc comments on multiple 'package' items" ||
		filepath.Base(list[0].Pos.Filename) != "b.wit" || list[0].Pos.Line != 1 || list[0].Pos.Column != 1 {
		t.Errorf("got %v", err)
	}
}

// Doc comments as wit-parser keeps them: `/** */` loses its markers,
// other comments only their leading slashes (so `/* x */` keeps `* x */`);
// the smallest indentation of the non-empty comments is removed; nested
// block comments stay whole.
func TestDocComments(t *testing.T) {
	src := "package a:b;\n" +
		"//   indented\n" +
		"//     more\n" +
		"/** block */\n" +
		"/* plain /* nested */ end */\n" +
		"interface i {}\n" +
		"//   three\n" +
		"//\n" +
		"/**     five */\n" +
		"interface j {}\n" +
		"///   one line  \n" +
		"interface k {}\n" +
		"/** two\r\n     lines */\n" +
		"interface l {}\n" +
		"//" + strings.Repeat(" ", 40) + "deep\n" +
		"//" + strings.Repeat(" ", 41) + "deeper\n" +
		"interface m {}\n"
	r, _, err := witparse.LoadSource("t.wit", []byte(src), witparse.Options{})
	if err != nil {
		t.Fatal(err)
	}
	// The `/* plain` comment has no indentation: nothing is removed.
	want := "   indented\n     more\n block\n* plain /* nested */ end */"
	if got := r.Interfaces[0].Docs; got != want {
		t.Errorf("docs of i\n got %q\nwant %q", got, want)
	}
	// Three spaces go; the empty comment stays an empty line.
	want = "three\n\n  five"
	if got := r.Interfaces[1].Docs; got != want {
		t.Errorf("docs of j\n got %q\nwant %q", got, want)
	}
	// One comment: its text, a single line without its indentation (a
	// block comment keeps its lines, without the carriage returns).
	for i, want := range []string{"one line", "two\n     lines", "deep\n deeper"} {
		if got := r.Interfaces[2+i].Docs; got != want {
			t.Errorf("docs of %s\n got %q\nwant %q", r.Interfaces[2+i].Name, got, want)
		}
	}
}

// An include renames functions and resources (with the functions of the
// resource) and copies them into the including world, whose functions
// then refer to the copies.
func TestIncludeWith(t *testing.T) {
	src := `package a:b;
world v {
  resource r {
    constructor();
    get: func() -> u8;
    make: static func() -> r;
  }
  import run: func(x: borrow<r>);
}
world w { include v with { r as s, run as go } }
`
	r, _, err := witparse.LoadSource("t.wit", []byte(src), witparse.Options{})
	if err != nil {
		t.Fatal(err)
	}
	w := r.Worlds[1]
	got := map[string]witparse.WorldItem{}
	var names []string
	for _, e := range w.Imports {
		got[e.Name] = e.Item
		names = append(names, e.Name)
	}
	want := []string{"s", "[constructor]s", "[method]s.get", "[static]s.make", "go"}
	if strings.Join(names, " ") != strings.Join(want, " ") {
		t.Fatalf("imports %v, want %v", names, want)
	}
	res := got["s"].Type
	if d := r.Types[res]; d.Name != "s" || d.Kind != witparse.KindResource || d.OwnerWorld == nil || *d.OwnerWorld != 1 {
		t.Errorf("resource copy %+v", d)
	}
	if orig := r.Types[r.Worlds[0].Imports[0].Item.Type]; orig.Name != "r" {
		t.Errorf("the included world's resource was renamed: %q", orig.Name)
	}
	for _, n := range want[1:] {
		f := got[n].Function
		if f.Name != n {
			t.Errorf("function %q is named %q", n, f.Name)
		}
		if f.Kind != witparse.Freestanding && f.Resource != res {
			t.Errorf("%s: resource %d, want the copy %d", n, f.Resource, res)
		}
	}
	param := r.Types[got["go"].Function.Params[0].Type.ID]
	if param.Kind != witparse.KindHandle || !param.Borrow || param.Resource != res {
		t.Errorf("go's parameter %+v, want a borrow of the copy %d", param, res)
	}
}

// Including a world carries the gates of its interface imports: within a
// package as they are, from another package without @since.
func TestIncludeStability(t *testing.T) {
	src := `package a:b@1.0.0;
interface i {}
world v { @since(version = 1.0.0) import i; @since(version = 1.0.0) import c:d/k; }
world w { include v; }
world x { include c:d/e; }
package c:d@2.0.0 {
  interface k {}
  world e { @since(version = 2.0.0) import k; @unstable(feature = f) import k2; }
  interface k2 {}
}
`
	r, _, err := witparse.LoadSource("t.wit", []byte(src), witparse.Options{AllFeatures: true})
	if err != nil {
		t.Fatal(err)
	}
	stab := func(world string) map[string]witparse.Stability {
		out := map[string]witparse.Stability{}
		for _, w := range r.Worlds {
			if w.Name == world {
				for _, e := range w.Imports {
					out[r.Interfaces[e.Item.Interface].Name] = e.Item.Stability
				}
			}
		}
		return out
	}
	if s := stab("w"); s["i"].Since != "1.0.0" || s["k"].Since != "1.0.0" {
		t.Errorf("world w: %+v, want both since 1.0.0", s)
	}
	if s := stab("x"); !s["k"].IsZero() || s["k2"].Feature != "f" {
		t.Errorf("world x: %+v, want k ungated and k2 behind f", s)
	}
}
