package witparse_test

import (
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/wasifill/wasifill/witparse"
)

// docsPackage is a hand-written encoded package: interface i (a variant v
// and a function f) and world w importing i and an inline interface x and
// exporting a function run; its package-docs section is DOCS.
const docsPackage = `(component
  (type (component
    (type (instance
      (type (variant (case "a") (case "b" u8)))
      (export "v" (type (eq 0)))
      (type (func))
      (export "f" (func (type 2)))))
    (export "p:q/i@1.0.0" (instance (type 0)))))
  (export "i" (type 0))
  (type (component
    (type (component
      (type (instance (export "v" (type (sub resource)))))
      (import "p:q/i@1.0.0" (instance (type 0)))
      (type (instance (type (func)) (export "g" (func (type 0)))))
      (import "x" (instance (type 1)))
      (type (func))
      (export "run" (func (type 2)))))
    (export "p:q/w@1.0.0" (component (type 0)))))
  (export "w" (type 2))
  (@custom "package-docs" "DOCS"))`

func loadDocsPackage(t *testing.T, docs string) (map[string]any, error) {
	t.Helper()
	dir := t.TempDir()
	os.MkdirAll(filepath.Join(dir, "deps"), 0o755)
	os.WriteFile(filepath.Join(dir, "a.wit"), []byte("package a:a;\nworld top { include p:q/w@1.0.0; }\n"), 0o644)
	var quoted strings.Builder
	for i := 0; i < len(docs); i++ {
		if c := docs[i]; c < 0x20 || c == '"' || c == '\\' {
			fmt.Fprintf(&quoted, "\\%02x", c)
		} else {
			quoted.WriteByte(c)
		}
	}
	os.WriteFile(filepath.Join(dir, "deps", "p.wat"), []byte(strings.Replace(docsPackage, "DOCS", quoted.String(), 1)), 0o644)
	r, _, err := witparse.Load(dir, witparse.Options{})
	if err != nil {
		return nil, err
	}
	b, err := witparse.EncodeJSON(r)
	if err != nil {
		t.Fatal(err)
	}
	var v map[string]any
	if err := json.Unmarshal(b, &v); err != nil {
		t.Fatal(err)
	}
	return v, nil
}

// get walks v by keys (strings) and indices (ints).
func get(v any, path ...any) any {
	for _, p := range path {
		switch k := p.(type) {
		case string:
			m, _ := v.(map[string]any)
			v = m[k]
		case int:
			a, _ := v.([]any)
			if k >= len(a) {
				return nil
			}
			v = a[k]
		}
	}
	return v
}

func TestPackageDocsApplied(t *testing.T) {
	docs := "\x01" + `{"docs":"The package.",
  "interfaces":{"i":{"docs":"I.","stability":{"unstable":{"feature":"fancy","deprecated":"1.0.0"}},
    "funcs":{"f":{"docs":"F.","stability":{"stable":{"since":"0.9.0"}}}},
    "types":{"v":{"docs":"V.","items":{"b":"B."}}}}},
  "worlds":{"w":{"docs":"W.","stability":{"stable":{"since":"1.0.0"}},
    "interfaces":{"x":{"docs":"X.","funcs":{"g":"G."}}},
    "func_exports":{"run":{"docs":"Run."}},
    "interface_import_stability":{"p:q/i@1.0.0":{"stable":{"since":"0.5.0"}}},
    "interface_import_docs":{"p:q/i@1.0.0":"The import."}}}}`
	v, err := loadDocsPackage(t, docs)
	if err != nil {
		t.Fatal(err)
	}
	pkgs := get(v, "packages").([]any)
	var pkg, world, iface, xiface map[string]any
	for _, p := range pkgs {
		if get(p, "name") == "p:q@1.0.0" {
			pkg = p.(map[string]any)
		}
	}
	for _, w := range get(v, "worlds").([]any) {
		if get(w, "name") == "w" {
			world = w.(map[string]any)
		}
	}
	for _, i := range get(v, "interfaces").([]any) {
		switch get(i, "name") {
		case "i":
			iface = i.(map[string]any)
		case nil:
			xiface = i.(map[string]any)
		}
	}
	if pkg == nil || world == nil || iface == nil || xiface == nil {
		t.Fatalf("package, world or interfaces not found: %v", v)
	}
	for _, c := range []struct {
		got  any
		want string
	}{
		{get(pkg, "docs", "contents"), "The package."},
		{get(iface, "docs", "contents"), "I."},
		{get(iface, "stability", "unstable", "feature"), "fancy"},
		{get(iface, "stability", "unstable", "deprecated"), "1.0.0"},
		{get(iface, "functions", "f", "docs", "contents"), "F."},
		{get(iface, "functions", "f", "stability", "stable", "since"), "0.9.0"},
		{get(world, "docs", "contents"), "W."},
		{get(world, "stability", "stable", "since"), "1.0.0"},
		{get(xiface, "docs", "contents"), "X."},
		{get(xiface, "functions", "g", "docs", "contents"), "G."},
		{get(world, "exports", "run", "function", "docs", "contents"), "Run."},
		{get(world, "imports", "interface-0", "interface", "stability", "stable", "since"), "0.5.0"},
		{get(world, "imports", "interface-0", "interface", "docs", "contents"), "The import."},
	} {
		if c.got != c.want {
			t.Errorf("got %v, want %q", c.got, c.want)
		}
	}
	// The variant's docs and its case's.
	found := false
	for _, ty := range get(v, "types").([]any) {
		if get(ty, "name") == "v" && get(ty, "kind", "variant") != nil {
			found = true
			if get(ty, "docs", "contents") != "V." || get(ty, "kind", "variant", "cases", 1, "docs", "contents") != "B." {
				t.Errorf("variant docs: %v", ty)
			}
		}
	}
	if !found {
		t.Error("variant v not found")
	}
}

func TestPackageDocsErrors(t *testing.T) {
	for _, c := range []struct{ docs, want string }{
		{"\x02{}", "expected package-docs version 1"},
		{"\x01{\"nope\":1}", "unknown field"},
		{"\x01{\"worlds\":{\"nope\":{}}}", "missing world"},
		{"\x01{\"interfaces\":{\"i\":{\"funcs\":{\"nope\":null}}}}", "missing func"},
		{"\x01{\"interfaces\":{\"i\":{\"types\":{\"v\":{\"items\":{\"zz\":\"x\"}}}}}}", "not all 'items'"},
		{"\x01{\"interfaces\":{\"i\":{\"stability\":{\"stable\":{}}}}}", "stable without a version"},
		{"\x01{\"worlds\":{\"w\":{\"interface_import_docs\":{\"p:q/nope\":\"x\"}}}}", "missing interface"},
	} {
		_, err := loadDocsPackage(t, c.docs)
		if err == nil || !strings.Contains(err.Error(), c.want) {
			t.Errorf("%q: err = %v, want %q", c.docs, err, c.want)
		}
	}
}
