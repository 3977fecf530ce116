package compose_test

import (
	"context"
	"errors"
	"os"
	"slices"
	"strings"
	"testing"

	"github.com/wasifill/wasifill/compose"
	"github.com/wasifill/wasifill/internal/component"
	"github.com/wasifill/wasifill/internal/componentize"
	"github.com/wasifill/wasifill/internal/oracle"
	"github.com/wasifill/wasifill/internal/wasmbin"
	"github.com/wasifill/wasifill/witparse"
)

func fixture(t testing.TB, name string) compose.Part {
	t.Helper()
	b, err := os.ReadFile("../testdata/guests/out/" + name)
	if err != nil {
		t.Fatal(err)
	}
	return compose.Part{Name: name, Bytes: b}
}

func TestPlugClientWithAllTypes(t *testing.T) {
	res, err := compose.Plug(fixture(t, "client.wasm"), []compose.Part{fixture(t, "all-types.wasm")})
	if err != nil {
		t.Fatal(err)
	}
	if len(res.Wired) != 1 || res.Wired[0].Import != "wasifill:guests/types@0.1.0" || len(res.Imports) != 0 {
		t.Errorf("wiring = %+v, imports = %v", res.Wired, res.Imports)
	}
	// wasm-tools validates the composition while extracting its WIT.
	wit, err := oracle.WIT(context.Background(), res.Bytes)
	if err != nil {
		t.Fatalf("wasm-tools rejects the composition: %v", err)
	}
	want := "package root:component;\n\nworld root {\n  export run: func(x: u32) -> u32;\n  export twice: func(x: f64) -> f64;\n}\n"
	if wit != want {
		t.Errorf("composed WIT:\n%s\nwant:\n%s", wit, want)
	}
	c, err := wasmbin.DecodeComponent(res.Bytes)
	if err != nil {
		t.Fatal(err)
	}
	if again := wasmbin.EncodeComponent(c); string(again) != string(res.Bytes) {
		t.Error("composition does not round-trip")
	}
}

// A plug that imports something itself hands that import on to the
// composition: plug (exports t:p/a, imports t:p/b) into user (imports
// t:p/a) leaves a component that imports t:p/b, and wasm-tools accepts it.
func TestPlugKeepsPlugImports(t *testing.T) {
	dir := t.TempDir()
	const src = `package t:p;
interface a { f: func() -> u32; }
interface b { g: func() -> u32; }
world user { import a; export run: func() -> u32; }
world plug { import b; export a; }
`
	if err := os.WriteFile(dir+"/p.wit", []byte(src), 0o644); err != nil {
		t.Fatal(err)
	}
	r, pkg, err := witparse.Load(dir, witparse.Options{})
	if err != nil {
		t.Fatal(err)
	}
	i32 := []byte{0x7f}
	build := func(world, imModule, imName, export string) compose.Part {
		t.Helper()
		i := slices.IndexFunc(r.Packages[pkg].Worlds, func(w witparse.Named[witparse.WorldID]) bool { return w.Name == world })
		if i < 0 {
			t.Fatalf("no world %s", world)
		}
		ct, err := component.FromWorld(r, r.Packages[pkg].Worlds[i].ID)
		if err != nil {
			t.Fatal(err)
		}
		m := &wasmbin.ModuleBuilder{}
		ft := wasmbin.CoreFuncType{Results: i32}
		callee := m.ImportFunc(imModule, imName, ft)
		f := m.DefineFunc(ft, 0, (&wasmbin.Code{}).Call(callee).Bytes())
		m.Export(export, wasmbin.ExternFunc, f)
		b, err := componentize.New(m.Encode(), componentize.Options{World: ct})
		if err != nil {
			t.Fatalf("componentize %s: %v", world, err)
		}
		return compose.Part{Name: world + ".wasm", Bytes: b}
	}
	user := build("user", "t:p/a", "f", "run")
	plug := build("plug", "t:p/b", "g", "t:p/a#f")
	res, err := compose.Plug(user, []compose.Part{plug})
	if err != nil {
		t.Fatal(err)
	}
	if len(res.Wired) != 1 || res.Wired[0].Import != "t:p/a" || res.Wired[0].Plug != "plug.wasm" {
		t.Errorf("wiring = %+v", res.Wired)
	}
	if !slices.Equal(res.Imports, []string{"t:p/b"}) {
		t.Errorf("imports = %v, want the plug's [t:p/b]", res.Imports)
	}
	wit, err := oracle.WIT(context.Background(), res.Bytes)
	if err != nil {
		t.Fatalf("wasm-tools rejects the composition: %v", err)
	}
	if !strings.Contains(wit, "import t:p/b;") || strings.Contains(wit, "import t:p/a;") {
		t.Errorf("composed WIT:\n%s\nwant t:p/b imported and t:p/a not", wit)
	}
}

func TestPlugTypeMismatch(t *testing.T) {
	// Change echo-u32's result in all-types' types from u32 to string
	// (wherever it is written: the lifted function's type and the nested
	// component wit-component uses to give the export its types).
	plug := fixture(t, "all-types.wasm")
	c, err := wasmbin.DecodeComponent(plug.Bytes)
	if err != nil {
		t.Fatal(err)
	}
	changed := false
	var visit func(ft *wasmbin.Type)
	visit = func(ft *wasmbin.Type) {
		for i := range ft.Decls {
			if ft.Decls[i].Type != nil {
				visit(ft.Decls[i].Type)
			}
		}
		if ft.Kind == wasmbin.TypeFunc && len(ft.Params) == 1 && ft.Params[0].Type.Prim == wasmbin.PrimU32 &&
			ft.Result != nil && ft.Result.Prim == wasmbin.PrimU32 {
			ft.Result = &wasmbin.ValType{Prim: wasmbin.PrimString}
			changed = true
		}
	}
	var walk func(c *wasmbin.Component)
	walk = func(c *wasmbin.Component) {
		for _, d := range c.Defs {
			switch d := d.(type) {
			case *wasmbin.TypeDefs:
				for i := range d.Types {
					visit(&d.Types[i])
				}
			case *wasmbin.ComponentDef:
				walk(d.Component)
			}
		}
	}
	walk(c)
	if !changed {
		t.Fatal("fixture has no func(v: u32) -> u32 type")
	}
	plug.Bytes = wasmbin.EncodeComponent(c)
	_, err = compose.Plug(fixture(t, "client.wasm"), []compose.Part{plug})
	var mm *component.MismatchError
	if !errors.As(err, &mm) {
		t.Fatalf("err = %v, want a *component.MismatchError", err)
	}
	for _, want := range []string{"all-types.wasm", "wasifill:guests/types@0.1.0", "func echo-u32", "result", "expected u32, found string"} {
		if !strings.Contains(err.Error(), want) {
			t.Errorf("error %q does not mention %q", err, want)
		}
	}
}

func TestPlugErrors(t *testing.T) {
	core := fixture(t, "all-types.core.wasm")
	cases := []struct {
		name  string
		user  compose.Part
		plugs []compose.Part
		want  string
	}{
		{"core module user", core, []compose.Part{fixture(t, "all-types.wasm")}, "is a core module, not a component"},
		{"core module plug", fixture(t, "client.wasm"), []compose.Part{core}, "is a core module, not a component"},
		{"garbage", compose.Part{Name: "x.wasm", Bytes: []byte("not wasm")}, nil, "cannot decode"},
		{"plug fits nothing", fixture(t, "client.wasm"), []compose.Part{fixture(t, "all-types.wasm"), fixture(t, "faulty.wasm")}, "faulty.wasm: exports nothing that client.wasm imports"},
		{"duplicate plugs", fixture(t, "client.wasm"), []compose.Part{fixture(t, "all-types.wasm"), {Name: "again.wasm", Bytes: fixture(t, "all-types.wasm").Bytes}}, "both all-types.wasm and again.wasm export wasifill:guests/types@0.1.0"},
	}
	for _, c := range cases {
		_, err := compose.Plug(c.user, c.plugs)
		var pe *compose.PlugError
		if !errors.As(err, &pe) || !strings.Contains(err.Error(), c.want) {
			t.Errorf("%s: err = %v, want a PlugError containing %q", c.name, err, c.want)
		}
	}
}
