package filltest

import (
	"bytes"
	"context"
	"encoding/binary"
	"errors"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/wasifill/wasifill/compose"
	"github.com/wasifill/wasifill/internal/testenv"
	"github.com/wasifill/wasifill/runtime"
	"github.com/wasifill/wasifill/runtime/rpc"
	"github.com/wasifill/wasifill/runtime/wasip2"
	"github.com/wasifill/wasifill/value"
	"github.com/wasifill/wasifill/value/wire"
)

// Types is the interface every check goes through.
const Types = "wasifill:guests/types@0.1.0"

// Case is one call of a types function with its argument.
type Case struct {
	Fn  string
	Arg value.Value
}

// Cases are every kind of value, each echoed by its echo-<kind> function.
var Cases = []Case{
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

// Runtime returns a runtime with WASI 0.2 defined and an rpc host on it.
func Runtime(t testing.TB) (*runtime.Runtime, *rpc.Host) {
	t.Helper()
	return RuntimeConfig(t, rpc.Config{})
}

// RuntimeConfig is Runtime with the rpc host configured by cfg.
func RuntimeConfig(t testing.TB, cfg rpc.Config) (*runtime.Runtime, *rpc.Host) {
	t.Helper()
	rt := WASIRuntime(t)
	return rt, rpc.New(rt, cfg)
}

// WASIRuntime returns a runtime with WASI 0.2 defined, closed when the
// test ends.
func WASIRuntime(t testing.TB) *runtime.Runtime {
	t.Helper()
	rt := NewRuntime(t)
	if err := wasip2.Define(rt, wasip2.Config{}); err != nil {
		t.Fatal(err)
	}
	return rt
}

// NewRuntime returns a runtime made with opts, closed when the test ends.
func NewRuntime(t testing.TB, opts ...runtime.Option) *runtime.Runtime {
	t.Helper()
	ctx := context.Background()
	rt, err := runtime.New(ctx, opts...)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { rt.Close(ctx) })
	return rt
}

// Compile compiles a component.
func Compile(ctx context.Context, t testing.TB, rt *runtime.Runtime, b []byte) *runtime.Compiled {
	t.Helper()
	c, err := rt.Compile(ctx, b)
	if err != nil {
		t.Fatal(err)
	}
	return c
}

// CompileFile reads and compiles the component at path.
func CompileFile(ctx context.Context, t testing.TB, rt *runtime.Runtime, path string) *runtime.Compiled {
	t.Helper()
	b := testenv.ReadFile(t, path)
	return Compile(ctx, t, rt, b)
}

// Instantiate compiles and instantiates a component, closed when the test
// ends.
func Instantiate(ctx context.Context, t testing.TB, rt *runtime.Runtime, b []byte) *runtime.Instance {
	t.Helper()
	inst, err := rt.Instantiate(ctx, Compile(ctx, t, rt, b))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { inst.Close(ctx) })
	return inst
}

// Enter instantiates c as the rpc host's component name, inside h.Enter,
// and returns the instance with the context to call it in; both are
// released when the test ends.
func Enter(ctx context.Context, t testing.TB, rt *runtime.Runtime, h *rpc.Host, name string, c *runtime.Compiled) (*runtime.Instance, context.Context) {
	t.Helper()
	inCtx, release, err := h.Enter(ctx, name)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(release)
	inst, err := rt.Instantiate(inCtx, c)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { inst.Close(ctx) })
	return inst, inCtx
}

// ServeAllTypes adds exportFill, an export fill of wasifill:guests/types,
// composed with the C all-types guest behind it, to h as component
// "types".
func ServeAllTypes(ctx context.Context, t testing.TB, rt *runtime.Runtime, h *rpc.Host, exportFill []byte) {
	t.Helper()
	served, err := compose.Plug(compose.Part{Name: "export-fill.wasm", Bytes: exportFill},
		[]compose.Part{{Name: "all-types.wasm", Bytes: testenv.ReadFile(t, Guests(t)+"out/all-types.wasm")}})
	if err != nil {
		t.Fatal(err)
	}
	h.AddComponent("types", Compile(ctx, t, rt, served.Bytes), 0)
}

// CheckWorldUse instantiates b, a component of testdata/worlduse's world
// w, on a runtime with nothing defined (its imports are types only) and
// checks that f({a: 3}) gives back its argument.
func CheckWorldUse(t testing.TB, b []byte) {
	t.Helper()
	ctx := context.Background()
	inst := Instantiate(ctx, t, NewRuntime(t), b)
	arg := []value.Value{uint32(3)}
	out, err := inst.Call(ctx, "f", arg)
	if err != nil {
		t.Fatal(err)
	}
	if len(out) != 1 || !reflect.DeepEqual(out[0], arg) {
		t.Errorf("f({a: 3}) = %#v, want %#v", out, arg)
	}
}

// CheckImportFill runs an import fill of wasifill:guests/types (a
// component): typed calls become invocations whose params are exactly
// value/wire's encoding of the arguments; an echoing provider sends them
// back and every value arrives intact; 20 spilled params arrive; composed
// with the client, run(41) = 42 through it.
func CheckImportFill(t *testing.T, fill []byte) {
	ctx := context.Background()
	rt, h := Runtime(t)
	var sent []byte
	h.AddProvider("types", func(_ context.Context, iface, fn string, params []byte) ([]byte, error) {
		sent = append([]byte(nil), params...)
		if fn == "sum-many" {
			return []byte{210, 1}, nil // u64 210 as LEB128
		}
		return params, nil // echo: a one-element tuple encodes as its element
	}, 0)
	h.Link("", Types, "types", 0)
	inst := Instantiate(ctx, t, rt, fill)
	for _, tc := range Cases {
		f, ok := inst.Func(Types + "#" + tc.Fn)
		if !ok {
			t.Fatalf("the fill does not export %s", tc.Fn)
		}
		out, err := f.Call(ctx, tc.Arg)
		if err != nil {
			t.Fatalf("%s(%v): %v", tc.Fn, tc.Arg, err)
		}
		if !value.Equal(f.Results()[0], out[0], tc.Arg) {
			t.Errorf("%s(%v) = %v", tc.Fn, tc.Arg, out[0])
		}
		want, err := wire.Encode(f.Params()[0], tc.Arg)
		if err != nil {
			t.Fatal(err)
		}
		if !bytes.Equal(sent, want) {
			t.Errorf("%s: the fill sent % x, value/wire encodes % x", tc.Fn, sent, want)
		}
	}
	args := make([]value.Value, 20)
	for i := range args {
		if i < 10 {
			args[i] = uint32(i + 1)
		} else {
			args[i] = uint64(i + 1)
		}
	}
	out, err := inst.Call(ctx, Types+"#sum-many", args...)
	if err != nil || out[0] != uint64(210) {
		t.Errorf("sum-many = %v, %v", out, err)
	}
	client := testenv.ReadFile(t, Guests(t)+"out/client.wasm")
	app, err := compose.Plug(compose.Part{Name: "client.wasm", Bytes: client}, []compose.Part{{Name: "fill.wasm", Bytes: fill}})
	if err != nil {
		t.Fatal(err)
	}
	ai := Instantiate(ctx, t, rt, app.Bytes)
	if out, err := ai.Call(ctx, "run", uint32(41)); err != nil || out[0] != uint32(42) {
		t.Errorf("client.run(41) through the fill = %v, %v", out, err)
	}
	if !bytes.Equal(sent, []byte{41}) {
		t.Errorf("the provider got % x for echo-u32(41)", sent)
	}
}

// CheckImportFillErrors: an rpc-error reaches a function with a string
// error channel as err("<case>: <message>"), and traps a function without
// an error channel.
func CheckImportFillErrors(t *testing.T, fill []byte) {
	ctx := context.Background()
	rt, h := Runtime(t)
	h.AddProvider("types", func(context.Context, string, string, []byte) ([]byte, error) {
		return nil, &rpc.Error{Kind: rpc.NotFound, Msg: "nobody home"}
	}, 0)
	h.Link("", Types, "types", 0)
	inst := Instantiate(ctx, t, rt, fill)
	out, err := inst.Call(ctx, Types+"#echo-result", value.Ok(uint32(1)))
	if err != nil || out[0].(value.Result).Value != "not-found: nobody home" {
		t.Errorf("echo-result with the provider failing = %v, %v", out, err)
	}
	inst2 := Instantiate(ctx, t, rt, fill)
	_, err = inst2.Call(ctx, Types+"#echo-u32", uint32(1))
	var trap *runtime.TrapError
	if !errors.As(err, &trap) {
		t.Errorf("echo-u32 (no error channel) with the provider failing: err = %v, want a trap", err)
	}
}

// undecodable are params of wasifill:guests/types functions that break a
// rule of docs/wire-format.md, each one an export fill must refuse.
var undecodable = []struct {
	fn     string
	params []byte
	why    string
}{
	{"echo-u32", []byte{0xff}, "truncated LEB128"},
	{"echo-u32", []byte{0x01, 0x00}, "trailing byte"},
	{"echo-u32", []byte{0x80, 0x00}, "non-minimal LEB128"},
	{"echo-u32", []byte{0xff, 0xff, 0xff, 0xff, 0x1f}, "2^33-1 overflows u32"},
	{"echo-u16", []byte{0xff, 0xff, 0x07}, "2^17-1 overflows u16"},
	{"echo-u64", []byte{0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x02}, "overflows u64"},
	{"echo-s32", []byte{0xff, 0x7f}, "non-minimal -1"},
	{"echo-s16", []byte{0x80, 0x80, 0x02}, "32768 overflows s16"},
	{"echo-s64", []byte{0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x01}, "overflows s64"},
	{"echo-bool", []byte{0x02}, "bool 2"},
	{"echo-char", []byte{0xed, 0xa0, 0x80}, "a surrogate"},
	{"echo-string", []byte{0x01, 0xff}, "invalid UTF-8"},
	{"echo-strings", []byte{0xff, 0xff, 0xff, 0xff, 0x0f}, "a count past the input"},
	{"echo-color", []byte{0x03}, "enum case 3 of 3"},
	{"echo-color", []byte{0x80, 0x00}, "non-minimal enum case"},
	{"echo-perms", []byte{0x08}, "flag bit 3 of 3 flags"},
	{"echo-option", []byte{0x02}, "option tag 2"},
	{"echo-result", []byte{0x02, 0x00}, "result tag 2"},
	{"sum-many", append([]byte{0x80, 0x00}, make([]byte, 19)...), "non-minimal LEB128 in params passed in memory"},
}

// CheckExportFill runs an export fill of wasifill:guests/types composed
// with the all-types component behind the rpc host: params and results
// in the wire format, not-found for an unknown function, decode for bad
// params; then the whole path client → importFill → rpc host →
// exportFill → all-types: every value of Cases comes back equal, and the
// client's run(41) = 42 and twice(1.25) = 2.5.
func CheckExportFill(t *testing.T, exportFill, importFill []byte) {
	ctx := context.Background()
	rt, h := Runtime(t)
	ServeAllTypes(ctx, t, rt, h, exportFill)
	h.Link("", Types, "types", 0)
	person := []value.Value{"zoë", uint8(30), []value.Value{"x"}, value.Some([]value.Value{int32(-1), int32(2)})}
	personType, err := value.ParseType("record { name: string, age: u8, tags: list<string>, home: option<record { x: s32, y: s32 }> }")
	if err != nil {
		t.Fatal(err)
	}
	params, err := wire.Encode(value.TupleOf(personType), []value.Value{person})
	if err != nil {
		t.Fatal(err)
	}
	out, err := h.Invoke(ctx, "", Types, "describe", params)
	if err != nil {
		t.Fatal(err)
	}
	got, err := wire.Decode(value.String, out)
	if err != nil || got != "zoë (30) [x] at (-1, 2)" {
		t.Errorf("describe through the export fill = %v, %v", got, err)
	}
	out, err = h.Invoke(ctx, "", Types, "echo-person", params)
	if err != nil || !bytes.Equal(out, params) {
		t.Errorf("echo-person: % x, %v; want the params back", out, err)
	}
	if _, err := h.Invoke(ctx, "", Types, "no-such-function", nil); rpcKind(err) != rpc.NotFound {
		t.Errorf("unknown function: %v", err)
	}
	for _, bad := range undecodable {
		_, err := h.Invoke(ctx, "", Types, bad.fn, bad.params)
		var re *rpc.Error
		if !errors.As(err, &re) || re.Kind != rpc.Decode || !strings.Contains(re.Msg, Types+"#"+bad.fn+": params: ") {
			t.Errorf("%s with undecodable params % x (%s): err = %v, want rpc-error decode naming the function", bad.fn, bad.params, bad.why, err)
		}
	}

	// The whole path, through a provider-free import fill.
	fi := Instantiate(ctx, t, rt, importFill)
	for _, tc := range Cases {
		f, ok := fi.Func(Types + "#" + tc.Fn)
		if !ok {
			t.Fatalf("the import fill does not export %s", tc.Fn)
		}
		out, err := f.Call(ctx, tc.Arg)
		if err != nil {
			t.Fatalf("%s(%v) across both fills: %v", tc.Fn, tc.Arg, err)
		}
		if !value.Equal(f.Results()[0], out[0], tc.Arg) {
			t.Errorf("%s(%v) across both fills = %v", tc.Fn, tc.Arg, out[0])
		}
	}
	client := testenv.ReadFile(t, Guests(t)+"out/client.wasm")
	app, err := compose.Plug(compose.Part{Name: "client.wasm", Bytes: client}, []compose.Part{{Name: "fill.wasm", Bytes: importFill}})
	if err != nil {
		t.Fatal(err)
	}
	ac, err := rt.Compile(ctx, app.Bytes)
	if err != nil {
		t.Fatal(err)
	}
	h.AddComponent("app", ac, 0)
	h.Link("app", Types, "types", 0)
	inst, appCtx := Enter(ctx, t, rt, h, "app", ac)
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

// RPCError is err as an *rpc.Error; the test fails when it is not one.
func RPCError(t testing.TB, err error) *rpc.Error {
	t.Helper()
	var re *rpc.Error
	if !errors.As(err, &re) {
		t.Fatalf("err = %v, want an *rpc.Error", err)
	}
	return re
}

// Remaining is what the rpc deadline guest's remaining-ms call answers
// (a little-endian u64 of milliseconds), as a duration.
func Remaining(t testing.TB, call func() ([]byte, error)) time.Duration {
	t.Helper()
	out, err := call()
	if err != nil || len(out) != 8 {
		t.Fatalf("remaining-ms: %x, %v", out, err)
	}
	return time.Duration(binary.LittleEndian.Uint64(out)) * time.Millisecond
}
