package parser_test

import (
	"errors"
	"fmt"
	"os"
	"strings"
	"testing"

	"github.com/wasifill/wasifill/witparse/ast"
	"github.com/wasifill/wasifill/witparse/parser"
	"github.com/wasifill/wasifill/witparse/token"
)

func parse(t *testing.T, src string) (*ast.File, error) {
	t.Helper()
	return parser.ParseFile(token.NewFileSet(), "test.wit", []byte(src))
}

// firstError renders the first error of a list as "file:line:col: msg".
func firstError(err error) string {
	var list token.ErrorList
	if !errors.As(err, &list) || len(list) == 0 {
		return fmt.Sprint(err)
	}
	return list[0].Pos.String() + ": " + list[0].Msg
}

func TestEverything(t *testing.T) {
	src, err := os.ReadFile("testdata/everything.wit")
	if err != nil {
		t.Fatal(err)
	}
	f, err := parser.ParseFile(token.NewFileSet(), "everything.wit", src)
	if err != nil {
		t.Fatal(err)
	}
	if f.Package == nil || f.Package.Namespace.Name != "acme" || f.Package.Name.Name != "everything" ||
		f.Package.Version.Text != "1.2.3-rc.1+build.5" {
		t.Fatalf("package header: %+v", f.Package)
	}
	if len(f.Docs.Comments) != 1 || f.Docs.Comments[0] != "/// The package docs." {
		t.Fatalf("package docs: %q", f.Docs.Comments)
	}
	if len(f.Items) != 4 || len(f.Nested) != 1 || f.Nested[0].Name.Name.Name != "nested" {
		t.Fatalf("%d items, %d nested", len(f.Items), len(f.Nested))
	}
	use := f.Items[0].(*ast.Use)
	if use.Path.Package.Version.Text != "0.2.0" || use.Path.Interface.Name != "streams" || use.As.Name != "streams" {
		t.Fatalf("use: %+v", use)
	}
	types := f.Items[1].(*ast.Interface)
	if types.Gates[0].Kind != ast.Since || types.Gates[0].Version.Text != "1.0.0" {
		t.Fatalf("interface gate: %+v", types.Gates[0])
	}
	if types.Docs.Comments[0] != "/// An interface using every kind of type." {
		t.Fatalf("interface docs: %q", types.Docs.Comments)
	}
	byName := map[string]ast.InterfaceItem{}
	for _, it := range types.Items {
		switch it := it.(type) {
		case *ast.TypeDef:
			byName[it.Name.Name] = it
		case *ast.Func:
			byName[it.Name.Name] = it
		case *ast.UseNames:
			if len(it.Names) != 2 || it.Names[1].As.Name != "out" {
				t.Fatalf("use names: %+v", it.Names)
			}
		}
	}
	if d := byName["point"].(*ast.TypeDef); d.Kind != ast.RecordDef || len(d.Fields) != 2 || d.Docs.Comments[0] != "/// A record." {
		t.Fatalf("point: %+v", d)
	}
	if d := byName["shape"].(*ast.TypeDef); len(d.Cases) != 3 || d.Cases[0].Type != nil || d.Cases[0].Docs.Comments[0] != "/// no payload" {
		t.Fatalf("shape: %+v", d)
	}
	if d := byName["bytes"].(*ast.TypeDef); d.Alias.(*ast.List).Len != 16 {
		t.Fatalf("bytes: %+v", d.Alias)
	}
	if d := byName["lookup"].(*ast.TypeDef); d.Alias.(*ast.Map).Value.(*ast.Option).Elem.(*ast.Named).Name.Name != "id" {
		t.Fatalf("lookup: %+v", d.Alias)
	}
	if d := byName["all"].(*ast.TypeDef); len(d.Alias.(*ast.Tuple).Elems) != 14 {
		t.Fatalf("all: %+v", d.Alias)
	}
	res := byName["results"].(*ast.TypeDef).Alias.(*ast.Tuple).Elems
	if r := res[2].(*ast.Result); r.Ok != nil || r.Err == nil {
		t.Fatalf("result<_, string>: %+v", r)
	}
	blob := byName["blob"].(*ast.TypeDef)
	kinds := []ast.FuncKind{ast.Constructor, ast.Method, ast.Static, ast.Method}
	for i, fn := range blob.Funcs {
		if fn.Kind != kinds[i] {
			t.Fatalf("blob func %d (%s): kind %d, want %d", i, fn.Name.Name, fn.Kind, kinds[i])
		}
	}
	if !blob.Funcs[3].Async {
		t.Fatal("fetch is async")
	}
	if fn := byName["type"].(*ast.Func); !fn.Name.Escaped || fn.Params[0].Name.Name != "record" || fn.Gates[0].Kind != ast.Deprecated {
		t.Fatalf("%%type: %+v", fn)
	}
	if fn := byName["area"].(*ast.Func); fn.Gates[0].Feature.Name != "fancy" {
		t.Fatalf("area: %+v", fn.Gates)
	}
	app := f.Items[2].(*ast.World)
	want := []string{"path types", "path wasi:clocks/monotonic-clock", "func log", "inline kv", "implements primary=types",
		"func run", "use", "typedef alias", "include base"}
	if len(app.Items) != len(want) {
		t.Fatalf("world items: %d, want %d", len(app.Items), len(want))
	}
	for i, it := range app.Items {
		if got := describeWorldItem(it); got != want[i] {
			t.Errorf("world item %d: %s, want %s", i, got, want[i])
		}
	}
	if inc := app.Items[8].(*ast.Include); inc.Names[0].As.Name != "base-log" {
		t.Fatalf("include with: %+v", inc.Names)
	}
}

func describeWorldItem(it ast.WorldItem) string {
	switch it := it.(type) {
	case *ast.Extern:
		switch {
		case it.Func != nil:
			return "func " + it.Label.Name
		case it.Inline != nil:
			return "inline " + it.Label.Name
		case it.Implements != nil:
			return "implements " + it.Label.Name + "=" + it.Implements.Interface.Name
		case it.Path.Package != nil:
			return "path " + it.Path.Package.Namespace.Name + ":" + it.Path.Package.Name.Name + "/" + it.Path.Interface.Name
		}
		return "path " + it.Path.Interface.Name
	case *ast.UseNames:
		return "use"
	case *ast.TypeDef:
		return "typedef " + it.Name.Name
	case *ast.Include:
		return "include " + it.Path.Interface.Name
	}
	return "?"
}

func TestDocsCollectEveryCommentKind(t *testing.T) {
	f, err := parse(t, "package a:b;\n// plain\n/* block */\n/// doc\n/** doc block */\ninterface i {}\n")
	if err != nil {
		t.Fatal(err)
	}
	got := f.Items[0].(*ast.Interface).Docs.Comments
	want := []string{"// plain", "/* block */", "/// doc", "/** doc block */"}
	if strings.Join(got, "|") != strings.Join(want, "|") {
		t.Fatalf("docs %q, want %q", got, want)
	}
}

func TestVersions(t *testing.T) {
	for _, v := range []string{"1.0.0", "0.2.0-rc-2023-11-10", "1.0.1--", "1.0.0-11ab", "1.0.0-a1.1-a", "1.0.1-1+1"} {
		f, err := parse(t, "package a:b@"+v+";")
		if err != nil || f.Package.Version.Text != v {
			t.Errorf("version %s: %v, %+v", v, err, f.Package)
		}
	}
	for _, v := range []string{"01.0.0", "1.0", "1.0.0-", "1.0.0-01", "1.0.0+"} {
		if _, err := parse(t, "package a:b@"+v+";"); err == nil {
			t.Errorf("version %s accepted", v)
		}
	}
}

func TestErrors(t *testing.T) {
	cases := []struct {
		src, want string
		line, col int
	}{
		{"package a:b;\ninterface i {\n  x: func() -> ;\n}", "expected a type, found ';'", 3, 16},
		{"package a:b;\ninterface i { type x = list<u32; }", "expected '>', found ';'", 2, 32},
		{"package a:b;\ninterface Foo-bar {}", "lowercase or all uppercase", 2, 11},
		{"package a:b;\ninterface i { x: func(a: u32 b: u32); }", "expected ')', found an identifier", 2, 30},
		{"package a:b;\n@since(version = 1.0)\ninterface i {}", "expected '.', found ')'", 2, 21},
		{"package a:b;\n@unknown(x = y)\ninterface i {}", "unknown attribute `unknown`", 2, 2},
		{"package a:b;\ninterface i { type x = list<u8, 4294967296>; }", "invalid list size: number too large to fit in target type", 2, 33},
		{"package a:b;\n@since(version = 1.0.0)\nuse a:c/d;", "attributes not allowed on top-level use", 3, 1},
		{"package a:b;\n@since(version = 1.0.0)\npackage a:c {}", "cannot place attributes on nested packages", 3, 1},
		{"@since(version = 1.0.0)\npackage a:c {}", "cannot place attributes on nested packages", 2, 1},
		{"package a:b;\ninterface i { type x = list<u8, 0>; }", "must be greater than 0", 2, 33},
		{"package a:b;\nworld w { bad }", "expected `import`, `export`", 2, 11},
		{"package a:b;\n/* unterminated", "unterminated block comment", 2, 1},
		{"package a:b;\ninterface i { $ }", "unexpected character '$'", 2, 15},
	}
	for _, c := range cases {
		_, err := parse(t, c.src)
		var list token.ErrorList
		if !errors.As(err, &list) {
			t.Errorf("%q: got %v, want an error list", c.src, err)
			continue
		}
		e := list[0]
		if !strings.Contains(e.Msg, c.want) || e.Pos.Line != c.line || e.Pos.Column != c.col {
			t.Errorf("%q: got %d:%d %q, want %d:%d %q", c.src, e.Pos.Line, e.Pos.Column, e.Msg, c.line, c.col, c.want)
		}
		if !strings.Contains(err.Error(), "test.wit:") || !strings.Contains(err.Error(), "^") {
			t.Errorf("%q: error text lacks position or caret: %s", c.src, err)
		}
	}
}

// Independent errors in different items are all reported.
func TestSeveralErrors(t *testing.T) {
	src := "package a:b;\ninterface i {\n  a: func() -> ;\n  b: func(x: u32);\n  c: func(,);\n}\nworld w { import ; }\ninterface ok {}\n"
	f, err := parse(t, src)
	var list token.ErrorList
	if !errors.As(err, &list) || len(list) != 3 {
		t.Fatalf("got %v, want 3 errors", err)
	}
	lines := []int{list[0].Pos.Line, list[1].Pos.Line, list[2].Pos.Line}
	if lines[0] != 3 || lines[1] != 5 || lines[2] != 7 {
		t.Fatalf("error lines %v, want [3 5 7]", lines)
	}
	// What parsed is kept: interface i with b, world w, interface ok.
	if len(f.Items) != 3 || len(f.Items[0].(*ast.Interface).Items) != 1 {
		t.Fatalf("kept %d items", len(f.Items))
	}
}

func TestDeepNestingIsAnError(t *testing.T) {
	src := "package a:b;\ninterface i { type x = " + strings.Repeat("list<", 500) + "u8" + strings.Repeat(">", 500) + "; }"
	// As wit-parser: the type at depth 100 (the 101st list, column
	// 24 + 100*5) is refused.
	if _, err := parse(t, src); firstError(err) != "test.wit:2:524: type nesting too deep" {
		t.Fatalf("got %v", err)
	}
}

// Nested package blocks: one level is allowed; a second is refused after
// parsing; 101 levels are refused while parsing, at the 101st `package`.
func TestNestedPackages(t *testing.T) {
	if _, err := parse(t, "package a:b {\n  package a:c {}\n}"); firstError(err) !=
		"test.wit:2:11: nested packages must be placed at the top-level" {
		t.Errorf("two levels: got %v", err)
	}
	src := strings.Repeat("package a:b {\n", 101) + strings.Repeat("}\n", 101)
	if _, err := parse(t, src); firstError(err) != "test.wit:101:1: package nesting too deep" {
		t.Errorf("101 levels: got %v", err)
	}
}

func TestParseType(t *testing.T) {
	typ, err := parser.ParseType(token.NewFileSet(), "--type", []byte("result<list<tuple<string, u32>>, my-error>"))
	if err != nil {
		t.Fatal(err)
	}
	r := typ.(*ast.Result)
	if r.Err.(*ast.Named).Name.Name != "my-error" || len(r.Ok.(*ast.List).Elem.(*ast.Tuple).Elems) != 2 {
		t.Fatalf("got %+v", r)
	}
	if _, err := parser.ParseType(token.NewFileSet(), "--type", []byte("list<u8> extra")); err == nil {
		t.Fatal("trailing tokens accepted")
	}
}

func FuzzParseFile(f *testing.F) {
	if src, err := os.ReadFile("testdata/everything.wit"); err == nil {
		f.Add(src)
	}
	f.Add([]byte("package a:b;\ninterface i { x: func(a: list<u8, 3>) -> result<_, string>; }"))
	f.Add([]byte("package a:b@1.0.0-x { world w { import y: interface { } } }"))
	f.Fuzz(func(t *testing.T, src []byte) {
		_, err := parser.ParseFile(token.NewFileSet(), "fuzz.wit", src)
		if err == nil {
			return
		}
		var list token.ErrorList
		if !errors.As(err, &list) || len(list) == 0 {
			t.Fatalf("error of type %T: %v", err, err)
		}
		for _, e := range list {
			if !e.Pos.IsValid() || e.Pos.Filename != "fuzz.wit" {
				t.Fatalf("unpositioned error: %v", e)
			}
		}
	})
}

func BenchmarkParseFile(b *testing.B) {
	src, err := os.ReadFile("testdata/everything.wit")
	if err != nil {
		b.Fatal(err)
	}
	// A large input: the test package's interface repeated 50 times.
	var big strings.Builder
	big.WriteString("package a:big;\n")
	body := string(src)[strings.Index(string(src), "@since"):strings.Index(string(src), "world app")]
	for i := 0; i < 50; i++ {
		big.WriteString(strings.Replace(body, "interface types", "interface types"+strings.Repeat("x", i+1), 1))
	}
	in := []byte(big.String())
	b.SetBytes(int64(len(in)))
	b.ReportAllocs()
	for b.Loop() {
		if _, err := parser.ParseFile(token.NewFileSet(), "big.wit", in); err != nil {
			b.Fatal(err)
		}
	}
}

// Lists of every length come out whole and separate: fields, cases,
// labels, parameters, tuple elements and doc comments, of lengths 0 to 70
// (past the sizes where lists are carved from shared chunks), long ones
// first, each followed by another list that must not overwrite it.
func TestListLengths(t *testing.T) {
	var b strings.Builder
	b.WriteString("package a:b;\ninterface i {\n")
	names := func(n int, f func(k int) string) string {
		var parts []string
		for k := range n {
			parts = append(parts, f(k))
		}
		return strings.Join(parts, ", ")
	}
	lengths := []int{17, 31, 2, 33, 30, 32}
	for n := range 71 {
		lengths = append(lengths, n)
	}
	for _, n := range lengths {
		for k := range n {
			fmt.Fprintf(&b, "  /// c%d\n", k)
		}
		fmt.Fprintf(&b, "  record r%d { %s }\n", n, names(n, func(k int) string { return fmt.Sprintf("x%d: u8", k) }))
		fmt.Fprintf(&b, "  variant v%d { %s }\n", n, names(n, func(k int) string { return fmt.Sprintf("c%d", k) }))
		fmt.Fprintf(&b, "  enum e%d { %s }\n", n, names(n, func(k int) string { return fmt.Sprintf("l%d", k) }))
		fmt.Fprintf(&b, "  fn%d: func(%s) -> tuple<%s>;\n", n, names(n, func(k int) string { return fmt.Sprintf("p%d: u8", k) }),
			names(n, func(int) string { return "u8" }))
	}
	b.WriteString("}\n")
	f, err := parse(t, b.String())
	if err != nil {
		t.Fatal(firstError(err))
	}
	items := f.Items[0].(*ast.Interface).Items
	if len(items) != 4*len(lengths) {
		t.Fatalf("%d items, want %d", len(items), 4*len(lengths))
	}
	for i, n := range lengths {
		rec := items[4*i].(*ast.TypeDef)
		vari := items[4*i+1].(*ast.TypeDef)
		enum := items[4*i+2].(*ast.TypeDef)
		fn := items[4*i+3].(*ast.Func)
		tup, _ := fn.Result.(*ast.Tuple)
		if len(rec.Docs.Comments) != n || len(rec.Fields) != n || len(vari.Cases) != n || len(enum.Labels) != n ||
			len(fn.Params) != n || tup == nil || len(tup.Elems) != n {
			t.Fatalf("lists of length %d came out with other lengths", n)
		}
		for k := range n {
			if rec.Docs.Comments[k] != fmt.Sprintf("/// c%d", k) || rec.Fields[k].Name.Name != fmt.Sprintf("x%d", k) ||
				vari.Cases[k].Name.Name != fmt.Sprintf("c%d", k) || enum.Labels[k].Name.Name != fmt.Sprintf("l%d", k) ||
				fn.Params[k].Name.Name != fmt.Sprintf("p%d", k) {
				t.Fatalf("list of length %d: element %d overwritten", n, k)
			}
		}
	}
}
