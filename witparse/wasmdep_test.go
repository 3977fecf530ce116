package witparse_test

import (
	"encoding/json"
	"errors"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"

	"github.com/wasifill/wasifill/internal/wasmbin"
	"github.com/wasifill/wasifill/witparse"
	"github.com/wasifill/wasifill/witparse/internal/wasmpkg"
	"github.com/wasifill/wasifill/witparse/token"
)

// loadJSONBytes loads the WIT at dir and returns its JSON encoding.
func loadJSONBytes(t *testing.T, dir string) []byte {
	t.Helper()
	r, _, err := witparse.Load(dir, witparse.Options{})
	if err != nil {
		t.Fatal(err)
	}
	b, err := witparse.EncodeJSON(r)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// loadJSON is loadJSONBytes decoded.
func loadJSON(t *testing.T, dir string) any {
	t.Helper()
	var v any
	if err := json.Unmarshal(loadJSONBytes(t, dir), &v); err != nil {
		t.Fatal(err)
	}
	return v
}

// TestWasmDep resolves a package whose dependency is a WIT package encoded
// as a component by wasm-tools and checks that it resolves exactly as the
// WIT the component was made from (with its foreign dependency, which the
// component carries as a stub of the types it uses).
func TestWasmDep(t *testing.T) {
	root := filepath.Join("testdata", "wasmdep", "root")
	fromText := t.TempDir()
	for _, f := range []string{"main.wit", "deps/io/streams.wit"} {
		from := filepath.Join(root, f)
		if f != "main.wit" {
			from = filepath.Join("testdata", "wasmdep", "src", f)
		}
		b, err := os.ReadFile(from)
		if err != nil {
			t.Fatal(err)
		}
		os.MkdirAll(filepath.Dir(filepath.Join(fromText, f)), 0o755)
		if err := os.WriteFile(filepath.Join(fromText, f), b, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	src, err := os.ReadFile(filepath.Join("testdata", "wasmdep", "src", "dep.wit"))
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(fromText, "deps", "dep.wit"), src, 0o644); err != nil {
		t.Fatal(err)
	}
	got, want := loadJSON(t, root), loadJSON(t, fromText)
	if !reflect.DeepEqual(got, want) {
		g, _ := json.MarshalIndent(got, "", " ")
		w, _ := json.MarshalIndent(want, "", " ")
		t.Fatalf("resolve with the .wasm dep differs from the WIT source:\n%s\nwant:\n%s", g, w)
	}
}

// TestWatDep resolves the package of TestWasmDep with its dependency in
// the text format instead of the binary: the same resolve.
func TestWatDep(t *testing.T) {
	root := filepath.Join("testdata", "wasmdep", "root")
	withText := t.TempDir()
	os.MkdirAll(filepath.Join(withText, "deps"), 0o755)
	for from, to := range map[string]string{
		filepath.Join(root, "main.wit"):                        "main.wit",
		filepath.Join("testdata", "wasmdep", "wat", "dep.wat"): "deps/dep.wat",
	} {
		b, err := os.ReadFile(from)
		if err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(filepath.Join(withText, to), b, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	if got, want := loadJSON(t, withText), loadJSON(t, root); !reflect.DeepEqual(got, want) {
		g, _ := json.MarshalIndent(got, "", " ")
		w, _ := json.MarshalIndent(want, "", " ")
		t.Fatalf("resolve with the .wat dep differs from the .wasm one:\n%s\nwant:\n%s", g, w)
	}
}

// TestWatDepErrors: a text-format dependency outside what a WIT package
// encodes to is refused with an error at the construct; text is
// recognised by content, whatever the file's extension.
func TestWatDepErrors(t *testing.T) {
	for _, file := range []string{"d.wat", "d.wit"} {
		dir := t.TempDir()
		os.MkdirAll(filepath.Join(dir, "deps"), 0o755)
		os.WriteFile(filepath.Join(dir, "a.wit"), []byte("package a:a;\nworld w { import d:d/d; }\n"), 0o644)
		path := filepath.Join(dir, "deps", file)
		os.WriteFile(path, []byte(";; a component\n(component\n  (core module))\n"), 0o644)
		_, _, err := witparse.Load(dir, witparse.Options{})
		var list token.ErrorList
		if !errors.As(err, &list) || len(list) != 1 {
			t.Fatalf("%s: want one positioned error, got %v", file, err)
		}
		if p := list[0].Pos; p.Filename != path || p.Line != 3 || p.Column != 3 {
			t.Errorf("%s: error at %v, want %s:3:3", file, p, path)
		}
		if !strings.Contains(list[0].Msg, "a core definition is not supported") {
			t.Errorf("%s: message %q", file, list[0].Msg)
		}
	}
}

// TestWasmDepMalformed feeds every prefix of the encoded package and a
// component that is not a package: each is an error, never a panic.
func TestWasmDepMalformed(t *testing.T) {
	b, err := os.ReadFile(filepath.Join("testdata", "wasmdep", "root", "deps", "dep.wasm"))
	if err != nil {
		t.Fatal(err)
	}
	if _, err := wasmpkg.ToWIT(b); err != nil {
		t.Fatalf("whole package: %v", err)
	}
	for n := 0; n < len(b); n++ {
		// A prefix ending between sections is a smaller valid package.
		if _, err := wasmpkg.ToWIT(b[:n]); err == nil {
			if _, derr := wasmbin.DecodeComponent(b[:n]); derr != nil {
				t.Fatalf("prefix of %d bytes accepted, but it is not a component: %v", n, derr)
			}
		}
	}
	empty := []byte("\x00asm\x0d\x00\x01\x00")
	if _, err := wasmpkg.ToWIT(empty); !errors.Is(err, wasmpkg.ErrNotPackage) {
		t.Errorf("empty component: %v, want ErrNotPackage", err)
	}
}

// TestWasmDepStubYieldsToWIT checks that a foreign package a .wasm
// dependency carries gives way to a WIT package of the same name in deps/.
func TestWasmDepStubYieldsToWIT(t *testing.T) {
	dir := t.TempDir()
	wasm, err := os.ReadFile(filepath.Join("testdata", "wasmdep", "root", "deps", "dep.wasm"))
	if err != nil {
		t.Fatal(err)
	}
	os.MkdirAll(filepath.Join(dir, "deps"), 0o755)
	os.WriteFile(filepath.Join(dir, "deps", "dep.wasm"), wasm, 0o644)
	os.WriteFile(filepath.Join(dir, "deps", "io.wit"), []byte("package wasi:io@0.2.0;\ninterface streams {\n  resource input-stream;\n  resource output-stream;\n}\n"), 0o644)
	os.WriteFile(filepath.Join(dir, "a.wit"), []byte("package a:a;\nworld w { import my:dep/api@1.2.0; }\n"), 0o644)
	if b := loadJSONBytes(t, dir); !strings.Contains(string(b), `"output-stream"`) {
		t.Errorf("the WIT package's output-stream is missing: the stub was used instead")
	}
}

// TestWasmRoot loads the encoded package itself as PATH: it resolves as
// the directory it was encoded from.
func TestWasmRoot(t *testing.T) {
	got := loadJSON(t, filepath.Join("testdata", "wasmdep", "root", "deps", "dep.wasm"))
	want := loadJSON(t, filepath.Join("testdata", "wasmdep", "src"))
	if !reflect.DeepEqual(got, want) {
		g, _ := json.MarshalIndent(got, "", " ")
		w, _ := json.MarshalIndent(want, "", " ")
		t.Fatalf("the .wasm resolves differently from its source:\n%s\nwant:\n%s", g, w)
	}
}

// TestComponentDepsFirst: a package decoded from a component that uses no
// other package comes first in the resolve, in the order deps/ lists it,
// as wasm-tools merges it before it sorts the WIT packages.
func TestComponentDepsFirst(t *testing.T) {
	dir := t.TempDir()
	os.MkdirAll(filepath.Join(dir, "deps", "a"), 0o755)
	os.WriteFile(filepath.Join(dir, "root.wit"), []byte("package r:r;\nworld w { import a:a/i; import y:y/i; import m:m/i; }\n"), 0o644)
	os.WriteFile(filepath.Join(dir, "deps", "a", "a.wit"), []byte("package a:a;\ninterface i {}\n"), 0o644)
	for _, name := range []string{"y", "m"} {
		src := `(component (type (component (export "` + name + `:` + name + `/i" (instance)))) (export "i" (type 0)))`
		os.WriteFile(filepath.Join(dir, "deps", name+".wat"), []byte(src), 0o644)
	}
	r, _, err := witparse.Load(dir, witparse.Options{})
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, p := range r.Packages {
		got = append(got, p.Name.String())
	}
	if want := "m:m y:y a:a r:r"; strings.Join(got, " ") != want {
		t.Errorf("packages in order %v, want %s", got, want)
	}
}
