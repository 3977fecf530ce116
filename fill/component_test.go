package fill_test

import (
	"context"
	"fmt"
	"os"
	"slices"
	"strings"
	"testing"

	"github.com/wasifill/wasifill/compose"
	"github.com/wasifill/wasifill/fill"
	"github.com/wasifill/wasifill/internal/filltest"
	"github.com/wasifill/wasifill/value"
	"github.com/wasifill/wasifill/witparse"
)

// forComponent returns the fill ForComponent derives from a component's
// own type, checking that it serves wasifill:guests/types.
func forComponent(t *testing.T, comp []byte, export bool) []byte {
	t.Helper()
	f, served, err := fill.ForComponent(comp, export)
	if err != nil {
		t.Fatal(err)
	}
	if !slices.Equal(served, []string{filltest.Types}) {
		t.Errorf("the fill serves %v, want [%s]", served, filltest.Types)
	}
	return f
}

func guest(t testing.TB, name string) []byte {
	t.Helper()
	b, err := os.ReadFile(filltest.Guests(t) + "out/" + name + ".wasm")
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// Fills derived from components' own types pass the same checks as fills
// from WIT: the export fill of all-types' exports, and the import fill of
// what an export fill imports (all of wasifill:guests/types).
func TestForComponent(t *testing.T) {
	exp := forComponent(t, guest(t, "all-types"), true)
	imp := forComponent(t, exp, false)
	filltest.CheckImportFill(t, imp)
	filltest.CheckImportFillErrors(t, imp)
	filltest.CheckExportFill(t, exp, imp)
}

// The client's own import fill covers just what it imports; composed with
// it the client reaches the provider.
func TestForComponentClient(t *testing.T) {
	client := guest(t, "client")
	imp := forComponent(t, client, false)
	app, err := compose.Plug(compose.Part{Name: "client.wasm", Bytes: client}, []compose.Part{{Name: "fill.wasm", Bytes: imp}})
	if err != nil {
		t.Fatal(err)
	}
	ctx := context.Background()
	rt, h := filltest.Runtime(t)
	h.AddProvider("types", func(_ context.Context, _, fn string, params []byte) ([]byte, error) {
		return params, nil
	}, 0)
	h.Link("", filltest.Types, "types", 0)
	inst := filltest.Instantiate(ctx, t, rt, app.Bytes)
	if out, err := inst.Call(ctx, "run", uint32(41)); err != nil || out[0] != uint32(42) {
		t.Errorf("run(41) = %v, %v", out, err)
	}
}

// Hostile or unfit input is refused with an error, never a panic: bytes
// that are no component, a component with nothing to fill, resources, and
// types nested too deeply for the runtime's stack.
func TestRefusals(t *testing.T) {
	for _, b := range [][]byte{nil, []byte("\x00asm\x0d\x00\x01\x00garbage"), guest(t, "all-types")[:100]} {
		if _, _, err := fill.ForComponent(b, false); err == nil {
			t.Errorf("ForComponent(% x...) = nil error", b[:min(len(b), 8)])
		}
	}
	if _, _, err := fill.ForComponent(guest(t, "all-types"), false); err == nil ||
		!strings.Contains(err.Error(), "no custom interface functions for an import fill") {
		t.Errorf("all-types imports nothing custom: err = %v", err)
	}
	deep := "type t0 = u8;\n"
	for i := range fill.MaxDepth + 1 {
		deep += fmt.Sprintf("  type t%d = option<t%d>;\n", i+1, i)
	}
	for src, want := range map[string]string{
		"resource r;\n  f: func(x: r);":                           "fill: a:b/i: function f: resources are not supported yet",
		deep + fmt.Sprintf("  f: func(x: t%d);", fill.MaxDepth+1): "fill: a:b/i: function f: types nest deeper than 100",
		"f: async func();":                                        "fill: a:b/i: function f: async functions are not supported yet",
	} {
		r, pkg, err := witparse.LoadSource("x.wit", []byte("package a:b;\ninterface i {\n  "+src+"\n}\nworld w { import i; }\n"), witparse.Options{})
		if err != nil {
			t.Logf("%s: %v (the WIT front end refuses it)", src, err)
			continue
		}
		_, err = fill.Import(r, r.Packages[pkg].Worlds[0].ID)
		if err == nil || err.Error() != want {
			t.Errorf("%.40s: err = %v, want %s", src, err, want)
		}
	}
}

// A type nested as deeply as fills allow goes through both ways (the
// runtime's recursion fits its stack): flat params, params in memory, a
// result in memory.
func TestDeepestType(t *testing.T) {
	src := "package a:b;\ninterface i {\n  type t1 = option<string>;\n"
	for i := 1; i < fill.MaxDepth-2; i++ {
		src += fmt.Sprintf("  type t%d = option<t%d>;\n", i+1, i)
	}
	top := fmt.Sprintf("t%d", fill.MaxDepth-2) // 99 levels; in g's result tuple 100
	src += "  f: func(x: " + top + ") -> " + top + ";\n  g: func(x: " + top + ", y: tuple<u64, u64, u64, u64, u64, u64, u64, u64, u64, u64, u64, u64, u64, u64, u64, u64>) -> tuple<" + top + ", u8>;\n}\nworld w { import i; }\n"
	r, pkg, err := witparse.LoadSource("x.wit", []byte(src), witparse.Options{})
	if err != nil {
		t.Fatal(err)
	}
	imp, err := fill.Import(r, r.Packages[pkg].Worlds[0].ID)
	if err != nil {
		t.Fatal(err)
	}
	var v value.Value = "deep"
	for range fill.MaxDepth - 2 {
		v = value.Some(v)
	}
	ctx := context.Background()
	rt, h := filltest.Runtime(t)
	h.AddProvider("i", func(_ context.Context, _, fn string, params []byte) ([]byte, error) {
		if fn == "g" {
			return append(params[:len(params)-16:len(params)-16], 9), nil
		}
		return params, nil
	}, 0)
	h.Link("", "a:b/i", "i", 0)
	inst := filltest.Instantiate(ctx, t, rt, imp)
	f, _ := inst.Func("a:b/i#f")
	if out, err := f.Call(ctx, v); err != nil || !value.Equal(f.Results()[0], out[0], v) {
		t.Errorf("f(deep) = %v, %v", out, err)
	}
	pad := make([]value.Value, 16)
	for i := range pad {
		pad[i] = uint64(i)
	}
	g, _ := inst.Func("a:b/i#g")
	if out, err := g.Call(ctx, v, pad); err != nil || !value.Equal(g.Results()[0], out[0], []value.Value{v, uint8(9)}) {
		t.Errorf("g(deep) = %v, %v", out, err)
	}
}
