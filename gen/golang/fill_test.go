package golang_test

import (
	"bytes"
	"context"
	"errors"
	"os"
	"os/exec"
	"path/filepath"
	"testing"

	"github.com/wasifill/wasifill/component"
	"github.com/wasifill/wasifill/compose"
	"github.com/wasifill/wasifill/gen/golang"
	"github.com/wasifill/wasifill/internal/testenv"
	"github.com/wasifill/wasifill/runtime"
	"github.com/wasifill/wasifill/runtime/rpc"
	"github.com/wasifill/wasifill/runtime/wasip2"
	"github.com/wasifill/wasifill/value"
	"github.com/wasifill/wasifill/value/wire"
	"github.com/wasifill/wasifill/witparse"
)

// buildImportFill generates the import fill of the client world (it
// imports wasifill:guests/types) and builds it with the Go toolchain into
// a component exporting that interface and importing wasifill:rpc.
func buildImportFill(t *testing.T) []byte { return buildFill(t, "import") }

// buildFill builds the import fill of world client or the export fill of
// world all-types: both are about wasifill:guests/types.
func buildFill(t *testing.T, kind string) []byte {
	t.Helper()
	r, pkg, err := witparse.Load(guests+"wit", witparse.Options{})
	if err != nil {
		t.Fatal(err)
	}
	worlds := map[string]witparse.WorldID{}
	for _, w := range r.Packages[pkg].Worlds {
		worlds[w.Name] = w.ID
	}
	var files map[string][]byte
	if kind == "import" {
		files, err = golang.GenerateImportFill(r, worlds["client"])
	} else {
		files, err = golang.GenerateExportFill(r, worlds["all-types"])
	}
	if err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	files["go.mod"] = []byte("module fill\n\ngo 1.26\n")
	for name, b := range files {
		if err := os.WriteFile(filepath.Join(dir, name), b, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	cmd := exec.Command("go", "build", "-buildmode=c-shared", "-o", "fill.core.wasm", ".")
	cmd.Dir = dir
	cmd.Env = append(os.Environ(), "GOOS=wasip1", "GOARCH=wasm", "GOFLAGS=-buildvcs=false")
	if out, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("building the fill: %v\n%s", err, out)
	}
	vet := exec.Command("go", "vet", ".")
	vet.Dir = dir
	vet.Env = cmd.Env
	if out, err := vet.CombinedOutput(); err != nil {
		t.Errorf("go vet of the fill: %v\n%s", err, out)
	}
	core, err := os.ReadFile(filepath.Join(dir, "fill.core.wasm"))
	if err != nil {
		t.Fatal(err)
	}
	// The fill's world: the import fill exports what the client imports
	// and imports wasifill:rpc/transport; the export fill imports what
	// all-types exports and exports wasifill:rpc/handler.
	types := testenv.World(t, guests+"wit", "all-types").Exports[0]
	wdir := filepath.Join(dir, "wit")
	os.MkdirAll(filepath.Join(wdir, "deps", "rpc"), 0o755)
	os.WriteFile(filepath.Join(wdir, "deps", "rpc", "rpc.wit"), []byte(rpc.WIT), 0o644)
	os.WriteFile(filepath.Join(wdir, "fill.wit"), []byte("package wasifill:fill;\nworld fill { import wasifill:rpc/transport@0.1.0; }\nworld handler { export wasifill:rpc/handler@0.1.0; }\n"), 0o644)
	world := &component.Type{Kind: component.KindComponent, Imports: testenv.World(t, wdir, "fill").Imports, Exports: []component.Extern{types}}
	if kind != "import" {
		h := testenv.World(t, wdir, "handler")
		world = &component.Type{Kind: component.KindComponent, Imports: append(h.Imports, types), Exports: h.Exports}
	}
	comp, err := compose.Componentize(core, compose.ComponentizeOptions{World: world,
		Adapters: map[string][]byte{"wasi_snapshot_preview1": testenv.Adapter(t, "reactor")}})
	if err != nil {
		t.Fatal(err)
	}
	return comp
}

// The import fill turns typed calls into invocations whose params are the
// wire encoding of the arguments (checked with value/wire, the project's
// own codec); an echoing provider sends them back and every value
// arrives intact. Composed with the client, run(41) = 42 through it.
func TestImportFill(t *testing.T) {
	fill := buildImportFill(t)
	ctx := context.Background()
	rt, err := runtime.New(ctx)
	if err != nil {
		t.Fatal(err)
	}
	defer rt.Close(ctx)
	if err := wasip2.Define(rt, wasip2.Config{}); err != nil {
		t.Fatal(err)
	}
	h := rpc.New(rt, rpc.Config{})
	var sent []byte
	h.AddProvider("types", func(_ context.Context, iface, fn string, params []byte) ([]byte, error) {
		sent = append([]byte(nil), params...)
		if fn == "sum-many" {
			return []byte{210, 1}, nil // u64 210 as LEB128
		}
		return params, nil // echo: a one-element tuple encodes as its element
	}, 0)
	h.Link("", "wasifill:guests/types@0.1.0", "types", 0)
	c, err := rt.Compile(ctx, fill)
	if err != nil {
		t.Fatal(err)
	}
	inst, err := rt.Instantiate(ctx, c)
	if err != nil {
		t.Fatal(err)
	}
	defer inst.Close(ctx)
	const types = "wasifill:guests/types@0.1.0#"
	cases := []struct {
		fn  string
		arg value.Value
	}{
		{"echo-bool", true}, {"echo-s8", int8(-128)}, {"echo-u8", uint8(255)}, {"echo-s16", int16(-300)},
		{"echo-u16", uint16(65535)}, {"echo-s32", int32(-2147483648)}, {"echo-u32", uint32(4000000000)},
		{"echo-s64", int64(-9007199254740993)}, {"echo-u64", uint64(18446744073709551615)},
		{"echo-f32", float32(-1.5)}, {"echo-f64", 3.25}, {"echo-char", '😀'}, {"echo-string", "héllo, wörld"},
		{"echo-bytes", []byte{0, 1, 255}}, {"echo-strings", []value.Value{"a", "", "ccc"}},
		{"echo-person", []value.Value{"zoë", uint8(30), []value.Value{"x"}, value.Some([]value.Value{int32(-1), int32(2)})}},
		{"echo-person", []value.Value{"", uint8(0), []value.Value{}, value.None}},
		{"echo-shape", value.Variant{Case: 0, Payload: 2.5}}, {"echo-shape", value.Variant{Case: 1, Payload: []value.Value{int32(3), int32(-4)}}},
		{"echo-shape", value.Variant{Case: 2}}, {"echo-shape", value.Variant{Case: 3, Payload: "label"}},
		{"echo-color", value.Enum(2)}, {"echo-perms", value.Flags{true, false, true}},
		{"echo-option", value.Some("x")}, {"echo-option", value.None},
		{"echo-result", value.Ok(uint32(7))}, {"echo-result", value.Err("bad")},
		{"echo-tuple", []value.Value{uint8(1), "two", 3.0}},
	}
	for _, tc := range cases {
		f, ok := inst.Func(types + tc.fn)
		if !ok {
			t.Fatalf("the fill does not export %s", tc.fn)
		}
		out, err := f.Call(ctx, tc.arg)
		if err != nil {
			t.Fatalf("%s(%v): %v", tc.fn, tc.arg, err)
		}
		if !value.Equal(f.Results()[0], out[0], tc.arg) {
			t.Errorf("%s(%v) = %v", tc.fn, tc.arg, out[0])
		}
		want, err := wire.Encode(f.Params()[0], tc.arg)
		if err != nil {
			t.Fatal(err)
		}
		if !bytes.Equal(sent, want) {
			t.Errorf("%s: the fill sent % x, value/wire encodes % x", tc.fn, sent, want)
		}
	}
	// Spilled params: 20 of them travel through memory.
	args := make([]value.Value, 20)
	for i := range args {
		if i < 10 {
			args[i] = uint32(i + 1)
		} else {
			args[i] = uint64(i + 1)
		}
	}
	out, err := inst.Call(ctx, types+"sum-many", args...)
	if err != nil || out[0] != uint64(210) {
		t.Errorf("sum-many = %v, %v", out, err)
	}

	// Composed with the client (which imports the interface), a typed
	// call goes client → fill → transport → provider and back.
	client, err := os.ReadFile(guests + "out/client.wasm")
	if err != nil {
		t.Fatal(err)
	}
	app, err := compose.Plug(compose.Part{Name: "client.wasm", Bytes: client}, []compose.Part{{Name: "fill.wasm", Bytes: fill}})
	if err != nil {
		t.Fatal(err)
	}
	ac, err := rt.Compile(ctx, app.Bytes)
	if err != nil {
		t.Fatal(err)
	}
	ai, err := rt.Instantiate(ctx, ac)
	if err != nil {
		t.Fatal(err)
	}
	defer ai.Close(ctx)
	if out, err := ai.Call(ctx, "run", uint32(41)); err != nil || out[0] != uint32(42) {
		t.Errorf("client.run(41) through the fill = %v, %v", out, err)
	}
	if !bytes.Equal(sent, []byte{41}) {
		t.Errorf("the provider got % x for echo-u32(41)", sent)
	}
}

// An rpc-error reaches a function with an error channel as its own error
// (a string error: the message), and traps a function without one.
func TestImportFillErrors(t *testing.T) {
	fill := buildImportFill(t)
	ctx := context.Background()
	rt, err := runtime.New(ctx)
	if err != nil {
		t.Fatal(err)
	}
	defer rt.Close(ctx)
	if err := wasip2.Define(rt, wasip2.Config{}); err != nil {
		t.Fatal(err)
	}
	h := rpc.New(rt, rpc.Config{})
	h.AddProvider("types", func(context.Context, string, string, []byte) ([]byte, error) {
		return nil, &rpc.Error{Kind: rpc.NotFound, Msg: "nobody home"}
	}, 0)
	h.Link("", "wasifill:guests/types@0.1.0", "types", 0)
	c, err := rt.Compile(ctx, fill)
	if err != nil {
		t.Fatal(err)
	}
	inst, err := rt.Instantiate(ctx, c)
	if err != nil {
		t.Fatal(err)
	}
	defer inst.Close(ctx)
	out, err := inst.Call(ctx, "wasifill:guests/types@0.1.0#echo-result", value.Ok(uint32(1)))
	if err != nil || out[0].(value.Result).Value != "not-found: nobody home" {
		t.Errorf("echo-result with the provider failing = %v, %v", out, err)
	}
	inst2, err := rt.Instantiate(ctx, c)
	if err != nil {
		t.Fatal(err)
	}
	defer inst2.Close(ctx)
	_, err = inst2.Call(ctx, "wasifill:guests/types@0.1.0#echo-u32", uint32(1))
	var trap *runtime.TrapError
	if !errors.As(err, &trap) {
		t.Errorf("echo-u32 (no error channel) with the provider failing: err = %v, want a trap", err)
	}
}

// The export fill, composed with all-types, serves wasifill:rpc/handler:
// params and results in the wire format (value/wire decodes what it
// answers), not-found for an unknown function, decode for bad params.
// With the import fill in front of it, the whole path client → import
// fill → rpc host → export fill → all-types gives back every value.
func TestExportFill(t *testing.T) {
	exportFill := buildFill(t, "export")
	allTypes, err := os.ReadFile(guests + "out/all-types.wasm")
	if err != nil {
		t.Fatal(err)
	}
	served, err := compose.Plug(compose.Part{Name: "export-fill.wasm", Bytes: exportFill}, []compose.Part{{Name: "all-types.wasm", Bytes: allTypes}})
	if err != nil {
		t.Fatal(err)
	}
	ctx := context.Background()
	rt, err := runtime.New(ctx)
	if err != nil {
		t.Fatal(err)
	}
	defer rt.Close(ctx)
	if err := wasip2.Define(rt, wasip2.Config{}); err != nil {
		t.Fatal(err)
	}
	h := rpc.New(rt, rpc.Config{})
	sc, err := rt.Compile(ctx, served.Bytes)
	if err != nil {
		t.Fatal(err)
	}
	h.AddComponent("types", sc, 0)
	h.Link("", "wasifill:guests/types@0.1.0", "types", 0)
	const iface = "wasifill:guests/types@0.1.0"
	person := []value.Value{"zoë", uint8(30), []value.Value{"x"}, value.Some([]value.Value{int32(-1), int32(2)})}
	personType, err := value.ParseType("record { name: string, age: u8, tags: list<string>, home: option<record { x: s32, y: s32 }> }")
	if err != nil {
		t.Fatal(err)
	}
	params, err := wire.Encode(value.TupleOf(personType), []value.Value{person})
	if err != nil {
		t.Fatal(err)
	}
	out, err := h.Invoke(ctx, "", iface, "describe", params)
	if err != nil {
		t.Fatal(err)
	}
	got, err := wire.Decode(value.String, out)
	if err != nil || got != "zoë (30) [x] at (-1, 2)" {
		t.Errorf("describe through the export fill = %v, %v", got, err)
	}
	out, err = h.Invoke(ctx, "", iface, "echo-person", params)
	if err != nil || !bytes.Equal(out, params) {
		t.Errorf("echo-person: % x, %v; want the params back", out, err)
	}
	if _, err := h.Invoke(ctx, "", iface, "no-such-function", nil); rpcKind(err) != rpc.NotFound {
		t.Errorf("unknown function: %v", err)
	}
	if _, err := h.Invoke(ctx, "", iface, "echo-u32", []byte{0xff}); rpcKind(err) != rpc.Decode {
		t.Errorf("undecodable params: %v", err)
	}

	// The vertical slice: the client composed with the import fill calls
	// through the host into the export fill composed with all-types.
	client, err := os.ReadFile(guests + "out/client.wasm")
	if err != nil {
		t.Fatal(err)
	}
	app, err := compose.Plug(compose.Part{Name: "client.wasm", Bytes: client}, []compose.Part{{Name: "fill.wasm", Bytes: buildImportFill(t)}})
	if err != nil {
		t.Fatal(err)
	}
	ac, err := rt.Compile(ctx, app.Bytes)
	if err != nil {
		t.Fatal(err)
	}
	h.AddComponent("app", ac, 0)
	h.Link("app", iface, "types", 0)
	appCtx, release, err := h.Enter(ctx, "app")
	if err != nil {
		t.Fatal(err)
	}
	defer release()
	inst, err := rt.Instantiate(appCtx, ac)
	if err != nil {
		t.Fatal(err)
	}
	defer inst.Close(ctx)
	if out, err := inst.Call(appCtx, "run", uint32(41)); err != nil || out[0] != uint32(42) {
		t.Errorf("run(41) across both fills = %v, %v", out, err)
	}
	if out, err := inst.Call(appCtx, "twice", 1.25); err != nil || out[0] != 2.5 {
		t.Errorf("twice(1.25) across both fills = %v, %v", out, err)
	}
}

func rpcKind(err error) rpc.ErrorKind {
	var re *rpc.Error
	if !errors.As(err, &re) {
		return 255
	}
	return re.Kind
}
