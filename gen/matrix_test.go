package gen_test

import (
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/wasifill/wasifill/gen/golang"
	"github.com/wasifill/wasifill/gen/rust"
	"github.com/wasifill/wasifill/internal/filltest"
	"github.com/wasifill/wasifill/witparse"
)

// matrixRows are the WIT of each row of docs/gen.md's support matrix: the
// body of interface a:b/i, which world imp imports and world exp exports.
var matrixRows = map[string]string{
	"primitives":                 "f: func(a: bool, b: s8, c: u8, d: s16, e: u16, g: s32, h: u32, i: s64, j: u64, k: f32, l: f64, m: char, n: string) -> u64;",
	"record":                     "record r { x: u32, y: string }\n  f: func(a: r) -> r;",
	"variant":                    "variant v { a(u32), b, c(string) }\n  f: func(a: v) -> v;",
	"enum":                       "enum e { a, b, c }\n  f: func(a: e) -> e;",
	"flags ≤ 32":                 "flags fl { a, b, c }\n  f: func(a: fl) -> fl;",
	"flags 33–64":                "flags fl { " + labels(40) + " }\n  f: func(a: fl) -> fl;",
	"flags > 64":                 "flags fl { " + labels(70) + " }\n  f: func(a: fl) -> fl;",
	"option, result, tuple":      "f: func(a: option<u32>, b: tuple<u8, string>) -> result<u32, string>;",
	"list":                       "f: func(a: list<string>, b: list<u8>) -> list<list<u32>>;",
	"fixed-length list":          "f: func(a: list<u32, 4>) -> list<u8, 2>;",
	"type alias":                 "type x = u32;\n  type y = x;\n  f: func(a: y) -> x;",
	"more than 16 flat params":   "f: func(" + params(17) + ") -> string;",
	"resource methods":           "resource r {\n    constructor();\n    m: func() -> u32;\n  }",
	"own handle":                 "resource r;\n  f: func(a: r) -> r;",
	"borrow handle":              "resource r;\n  f: func(a: borrow<r>);",
	"async function":             "f: async func() -> u32;",
	"map":                        "f: func(a: map<string, u32>);",
	"future":                     "f: func(a: future<u32>);",
	"stream":                     "f: func(a: stream<u8>);",
	"error-context":              "f: func(a: error-context);",
	"type too large":             tooLarge(),
	"use from another interface": "package a:b;\n\ninterface t {\n  record p { x: u32 }\n}\n\ninterface i {\n  use t.{p};\n  f: func(a: p) -> p;\n}\n\nworld imp {\n  import i;\n}\n\nworld exp {\n  export i;\n}\n",
	"inline interface":           "package a:b;\n\nworld imp {\n  import x: interface {\n    f: func(a: u32) -> u32;\n  }\n}\n\nworld exp {\n  export x: interface {\n    f: func(a: u32) -> u32;\n  }\n}\n",
	"world-level function":       "package a:b;\n\nworld imp {\n  import f: func(a: u32) -> u32;\n}\n\nworld exp {\n  export f: func(a: u32) -> u32;\n}\n",
}

func labels(n int) string {
	var l []string
	for i := range n {
		l = append(l, fmt.Sprintf("x%d", i))
	}
	return strings.Join(l, ", ")
}

func params(n int) string {
	var l []string
	for i := range n {
		l = append(l, fmt.Sprintf("p%d: u32", i))
	}
	return strings.Join(l, ", ")
}

func tooLarge() string {
	var b strings.Builder
	b.WriteString("type t0 = tuple<u8, u8>;\n")
	for i := 1; i <= 11; i++ {
		fmt.Fprintf(&b, "  type t%d = tuple<t%d, t%d>;\n", i, i-1, i-1)
	}
	b.WriteString("  f: func(a: t11);")
	return b.String()
}

// generator is one column of the matrix: the public entry point, called
// on each of the worlds (imp, exp) the column is about.
type generator struct {
	worlds []string
	gen    func(r *witparse.Resolve, w witparse.WorldID) (map[string][]byte, error)
}

func goHost(r *witparse.Resolve, w witparse.WorldID) (map[string][]byte, error) {
	return golang.GenerateHost(r, w, "")
}

func goGuest(r *witparse.Resolve, w witparse.WorldID) (map[string][]byte, error) {
	return golang.GenerateGuest(r, w, "")
}

var generators = map[string]generator{
	"Go fill import":    {[]string{"imp"}, golang.GenerateImportFill},
	"Go fill export":    {[]string{"exp"}, golang.GenerateExportFill},
	"Go host bindings":  {[]string{"imp", "exp"}, goHost},
	"Go guest bindings": {[]string{"imp", "exp"}, goGuest},
	"Rust fill import":  {[]string{"imp"}, rust.GenerateImportFill},
	"Rust fill export":  {[]string{"exp"}, rust.GenerateExportFill},
}

// table returns the rows of the markdown table under heading in doc, the
// header row first, each as its trimmed cells.
func table(t *testing.T, doc, heading string) [][]string {
	t.Helper()
	_, after, ok := strings.Cut(doc, "\n"+heading+"\n")
	if !ok {
		t.Fatalf("docs/gen.md has no %q", heading)
	}
	var rows [][]string
	for _, line := range strings.Split(after, "\n") {
		if strings.HasPrefix(line, "## ") {
			break
		}
		if !strings.HasPrefix(line, "|") {
			if len(rows) > 0 {
				break
			}
			continue
		}
		cells := strings.Split(strings.Trim(line, "|"), "|")
		for i := range cells {
			cells[i] = strings.TrimSpace(cells[i])
		}
		if strings.HasPrefix(cells[0], "---") {
			continue
		}
		rows = append(rows, cells)
	}
	return rows
}

// pattern makes a refusal message of docs/gen.md a regexp matching a
// whole error: <lang> is the generator's language, other <…> any name.
func pattern(msg, lang string) *regexp.Regexp {
	msg = strings.Trim(msg, "`")
	var b strings.Builder
	b.WriteString("^")
	for msg != "" {
		i := strings.Index(msg, "<")
		j := strings.Index(msg, ">")
		if i < 0 || j < i {
			b.WriteString(regexp.QuoteMeta(msg))
			break
		}
		b.WriteString(regexp.QuoteMeta(msg[:i]))
		if msg[i:j+1] == "<lang>" {
			b.WriteString(lang)
		} else {
			b.WriteString(".+")
		}
		msg = msg[j+1:]
	}
	// A generator may add its own reason in parentheses.
	b.WriteString(`( \(.+\))?$`)
	return regexp.MustCompile(b.String())
}

// typeCheckRust checks that a generated Rust fill is Rust the compiler
// takes: the stable rustc type-checks it on the host (the fill tests of
// gen/rust build and run fills for wasm32).
func typeCheckRust(t *testing.T, what string, files map[string][]byte) {
	t.Helper()
	rustc := filltest.Tool(t, "rustc", "the stable rustc (rustup) type-checks the fills on the host")
	dir := filltest.WriteFiles(t, files)
	cmd := exec.Command(rustc, "--edition", "2021", "--crate-type", "lib", "--emit=metadata", "-o", "fill.rmeta", "lib.rs")
	cmd.Dir = dir
	if out, err := cmd.CombinedOutput(); err != nil || len(out) > 0 {
		t.Errorf("%s: rustc (stable, host): %v\n%s", what, err, out)
	}
}

// load loads a row's WIT and returns its worlds by name.
func load(t *testing.T, row string) (*witparse.Resolve, map[string]witparse.WorldID) {
	t.Helper()
	src := matrixRows[row]
	if !strings.HasPrefix(src, "package") {
		src = "package a:b;\n\ninterface i {\n  " + src + "\n}\n\nworld imp {\n  import i;\n}\n\nworld exp {\n  export i;\n}\n"
	}
	path := filepath.Join(t.TempDir(), "a.wit")
	if err := os.WriteFile(path, []byte(src), 0o644); err != nil {
		t.Fatal(err)
	}
	r, pkg, err := witparse.Load(path, witparse.Options{})
	if err != nil {
		t.Fatalf("%s: %v\n%s", row, err, src)
	}
	worlds := map[string]witparse.WorldID{}
	for _, w := range r.Packages[pkg].Worlds {
		worlds[w.Name] = w.ID
	}
	return r, worlds
}

// The support matrix of docs/gen.md is what the generators do: every
// yes generates, every no fails with its refusal's message, for every
// row and column, and the table and the test know the same rows.
func TestSupportMatrix(t *testing.T) {
	b, err := os.ReadFile("../docs/gen.md")
	if err != nil {
		t.Fatal(err)
	}
	doc := string(b)
	refusalRows, matrix := table(t, doc, "## Refusals"), table(t, doc, "## Support matrix")
	if len(refusalRows) < 2 || len(matrix) < 2 {
		t.Fatalf("docs/gen.md: %d refusal rows and %d matrix rows, header included; want both tables", len(refusalRows), len(matrix))
	}
	refusals := map[string]string{}
	for _, row := range refusalRows[1:] {
		if len(row) != 2 {
			t.Fatalf("docs/gen.md: refusal row %q has %d cells, want 2", row, len(row))
		}
		refusals[row[0]] = row[1]
	}
	header := matrix[0]
	for _, col := range header[1:] {
		if _, ok := generators[col]; !ok {
			t.Errorf("docs/gen.md: column %q is no generator the test knows", col)
		}
	}
	if len(header)-1 != len(generators) {
		t.Errorf("docs/gen.md: %d columns, want the %d generators", len(header)-1, len(generators))
	}
	seen := map[string]bool{}
	for _, row := range matrix[1:] {
		name := row[0]
		seen[name] = true
		if _, ok := matrixRows[name]; !ok {
			t.Errorf("docs/gen.md: row %q has no WIT in the test", name)
			continue
		}
		if len(row) != len(header) {
			t.Errorf("docs/gen.md: row %q has %d cells, want %d", name, len(row), len(header))
			continue
		}
		r, worlds := load(t, name)
		for i, cell := range row[1:] {
			col := header[i+1]
			g, ok := generators[col]
			if !ok {
				continue
			}
			lang := "go"
			if strings.HasPrefix(col, "Rust") {
				lang = "rust"
			}
			var want *regexp.Regexp
			if cell != "yes" {
				key, ok := strings.CutPrefix(cell, "no: ")
				if !ok || refusals[key] == "" {
					t.Errorf("%s × %s: cell %q is neither yes nor no: <a refusal's key>", name, col, cell)
					continue
				}
				want = pattern(refusals[key], lang)
			}
			for _, world := range g.worlds {
				files, err := g.gen(r, worlds[world])
				switch {
				case want == nil && err != nil:
					t.Errorf("%s × %s (world %s): %v, want it generated", name, col, world, err)
				case want == nil && len(files) == 0:
					t.Errorf("%s × %s (world %s): no files", name, col, world)
				case want == nil && lang == "rust":
					typeCheckRust(t, name+" × "+col, files)
				case want != nil && (err == nil || !want.MatchString(err.Error())):
					t.Errorf("%s × %s (world %s): %v, want %s", name, col, world, err, refusals[strings.TrimPrefix(cell, "no: ")])
				}
			}
		}
	}
	for name := range matrixRows {
		if !seen[name] {
			t.Errorf("the test's row %q is not in docs/gen.md", name)
		}
	}
}
