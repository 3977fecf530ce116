package golang_test

import (
	"context"
	"errors"
	"fmt"
	"math"
	"reflect"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/wasifill/wasifill/gen/golang/internal/golden/gouser"
	"github.com/wasifill/wasifill/internal/filltest"
	"github.com/wasifill/wasifill/runtime"
	"github.com/wasifill/wasifill/runtime/rpc"
	"github.com/wasifill/wasifill/value"
	"github.com/wasifill/wasifill/value/wire"
)

// typesProvider implements wasifill:guests/types in Go through the
// generated host bindings: it echoes, and records what each method got
// and how long its context had left.
type typesProvider struct {
	mu   sync.Mutex
	got  map[string][]any
	left []time.Duration // a negative entry: no deadline on ctx
}

func (p *typesProvider) saw(ctx context.Context, fn string, args ...any) {
	p.mu.Lock()
	defer p.mu.Unlock()
	p.got[fn] = append(p.got[fn], args...)
	left := time.Duration(-1)
	if d, ok := ctx.Deadline(); ok {
		left = time.Until(d)
	}
	p.left = append(p.left, left)
}

func echo[T any](p *typesProvider, ctx context.Context, fn string, v T) (T, error) {
	p.saw(ctx, fn, v)
	return v, nil
}

func (p *typesProvider) EchoBool(ctx context.Context, v bool) (bool, error) {
	return echo(p, ctx, "bool", v)
}
func (p *typesProvider) EchoS8(ctx context.Context, v int8) (int8, error) {
	return echo(p, ctx, "s8", v)
}
func (p *typesProvider) EchoU8(ctx context.Context, v uint8) (uint8, error) {
	return echo(p, ctx, "u8", v)
}
func (p *typesProvider) EchoS16(ctx context.Context, v int16) (int16, error) {
	return echo(p, ctx, "s16", v)
}
func (p *typesProvider) EchoU16(ctx context.Context, v uint16) (uint16, error) {
	return echo(p, ctx, "u16", v)
}
func (p *typesProvider) EchoS32(ctx context.Context, v int32) (int32, error) {
	return echo(p, ctx, "s32", v)
}
func (p *typesProvider) EchoU32(ctx context.Context, v uint32) (uint32, error) {
	return echo(p, ctx, "u32", v)
}
func (p *typesProvider) EchoS64(ctx context.Context, v int64) (int64, error) {
	return echo(p, ctx, "s64", v)
}
func (p *typesProvider) EchoU64(ctx context.Context, v uint64) (uint64, error) {
	return echo(p, ctx, "u64", v)
}
func (p *typesProvider) EchoF32(ctx context.Context, v float32) (float32, error) {
	return echo(p, ctx, "f32", v)
}
func (p *typesProvider) EchoF64(ctx context.Context, v float64) (float64, error) {
	return echo(p, ctx, "f64", v)
}
func (p *typesProvider) EchoChar(ctx context.Context, v rune) (rune, error) {
	return echo(p, ctx, "char", v)
}

// EchoString fails on request: "denied" with an *rpc.Error, "boom" with
// a plain error.
func (p *typesProvider) EchoString(ctx context.Context, v string) (string, error) {
	switch v {
	case "denied":
		return "", &rpc.Error{Kind: rpc.Denied, Msg: "not you"}
	case "boom":
		return "", errors.New("boom")
	}
	return echo(p, ctx, "string", v)
}
func (p *typesProvider) EchoBytes(ctx context.Context, v []byte) ([]byte, error) {
	return echo(p, ctx, "bytes", v)
}
func (p *typesProvider) EchoStrings(ctx context.Context, v []string) ([]string, error) {
	return echo(p, ctx, "strings", v)
}
func (p *typesProvider) EchoPerson(ctx context.Context, v gouser.Person) (gouser.Person, error) {
	return echo(p, ctx, "person", v)
}
func (p *typesProvider) EchoShape(ctx context.Context, v gouser.Shape) (gouser.Shape, error) {
	return echo(p, ctx, "shape", v)
}
func (p *typesProvider) EchoColor(ctx context.Context, v gouser.Color) (gouser.Color, error) {
	return echo(p, ctx, "color", v)
}
func (p *typesProvider) EchoPerms(ctx context.Context, v gouser.Perms) (gouser.Perms, error) {
	return echo(p, ctx, "perms", v)
}
func (p *typesProvider) EchoOption(ctx context.Context, v gouser.Option[string]) (gouser.Option[string], error) {
	return echo(p, ctx, "option", v)
}
func (p *typesProvider) EchoResult(ctx context.Context, v gouser.Result[uint32, string]) (gouser.Result[uint32, string], error) {
	return echo(p, ctx, "result", v)
}
func (p *typesProvider) EchoTuple(ctx context.Context, v gouser.Tuple3[uint8, string, float64]) (gouser.Tuple3[uint8, string, float64], error) {
	return echo(p, ctx, "tuple", v)
}
func (p *typesProvider) SumMany(ctx context.Context, a1, a2, a3, a4, a5, a6, a7, a8, a9, a10 uint32, a11, a12, a13, a14, a15, a16, a17, a18, a19, a20 uint64) (uint64, error) {
	p.saw(ctx, "sum-many", a1, a2, a3, a4, a5, a6, a7, a8, a9, a10, a11, a12, a13, a14, a15, a16, a17, a18, a19, a20)
	return uint64(a1+a2+a3+a4+a5+a6+a7+a8+a9+a10) + a11 + a12 + a13 + a14 + a15 + a16 + a17 + a18 + a19 + a20, nil
}
func (p *typesProvider) NoResult(ctx context.Context, v uint32) error {
	p.saw(ctx, "no-result", v)
	return nil
}
func (p *typesProvider) Describe(ctx context.Context, v gouser.Person) (string, error) {
	p.saw(ctx, "describe", v)
	home := "nowhere"
	if v.Home.Some {
		home = fmt.Sprintf("(%d, %d)", v.Home.Value.X, v.Home.Value.Y)
	}
	return fmt.Sprintf("%s (%d) [%s] at %s", v.Name, v.Age, strings.Join(v.Tags, ", "), home), nil
}

const typesIface = "wasifill:guests/types@0.1.0"

// A Go component on the generated guest bindings calls every function of
// wasifill:guests/types through the generated import fill; the rpc host
// routes each invoke to a Go provider behind the generated host bindings
// (NewTypesRPCProvider). Every value arrives as the Go value the
// component sent, goes back unchanged (the component checks), and the
// provider's context carries the invocation's deadline (the link's 1.5 s).
func TestRPCProviderThroughImportFill(t *testing.T) {
	app := goUserApp(t)
	ctx := context.Background()
	rt := filltest.WASIRuntime(t)
	h := rpc.New(rt, rpc.Config{DefaultTimeout: 5 * time.Second})
	ac, err := rt.Compile(ctx, app)
	if err != nil {
		t.Fatal(err)
	}
	h.AddComponent("app", ac, 0)
	p := &typesProvider{got: map[string][]any{}}
	h.AddProvider("go", gouser.NewTypesRPCProvider(p), 0)
	const linkTimeout = 1500 * time.Millisecond
	h.Link("app", typesIface, "go", linkTimeout)
	inst, appCtx := filltest.Enter(ctx, t, rt, h, "app", ac)
	out, err := inst.Call(appCtx, "check")
	if err != nil || out[0] != "ok" {
		t.Fatalf("check = %v, %v", out, err)
	}

	person := gouser.Person{Name: "zoë", Age: 30, Tags: []string{"a", "b"},
		Home: gouser.Option[gouser.Point]{Some: true, Value: gouser.Point{X: -1, Y: 2}}}
	want := map[string][]any{
		"bool": {true}, "s8": {int8(-128)}, "u8": {uint8(255)}, "s16": {int16(-32768)}, "u16": {uint16(65535)},
		"s32": {int32(math.MinInt32)}, "u32": {uint32(math.MaxUint32)}, "s64": {int64(math.MinInt64)},
		"u64": {uint64(math.MaxUint64)}, "f32": {float32(-1.5)}, "f64": {math.Inf(-1)}, "char": {'😀'},
		"string": {"héllo"}, "bytes": {[]byte{0, 1, 2}}, "strings": {[]string{"x", "", "yz"}},
		"person": {person},
		"shape": {gouser.Shape{Case: gouser.ShapeCaseLabel, Label: "l"},
			gouser.Shape{Case: gouser.ShapeCaseRect, Rect: gouser.Point{X: 3, Y: 4}}},
		"color":     {gouser.ColorGreen},
		"perms":     {gouser.PermsRead | gouser.PermsExec},
		"option":    {gouser.Option[string]{Some: true, Value: "v"}},
		"result":    {gouser.Result[uint32, string]{IsErr: true, Err: "e"}},
		"tuple":     {gouser.Tuple3[uint8, string, float64]{F0: 1, F1: "t", F2: 2.5}},
		"sum-many":  {uint32(1), uint32(2), uint32(3), uint32(4), uint32(5), uint32(6), uint32(7), uint32(8), uint32(9), uint32(10), uint64(11), uint64(12), uint64(13), uint64(14), uint64(15), uint64(16), uint64(17), uint64(18), uint64(19), uint64(20)},
		"describe":  {person},
		"no-result": {uint32(7)},
	}
	for fn, w := range want {
		if !reflect.DeepEqual(p.got[fn], w) {
			t.Errorf("%s: the provider got %#v, want %#v", fn, p.got[fn], w)
		}
	}
	if len(p.got) != len(want) {
		t.Errorf("the provider served %d functions, want %d", len(p.got), len(want))
	}
	for _, left := range p.left {
		if left <= 0 || left > linkTimeout {
			t.Fatalf("a provider call had %v left on its context, want the link's deadline (≤ %v)", left, linkTimeout)
		}
	}
}

// The provider answers the contract's errors: not-found for another
// interface or an unknown function, decode for params that do not decode;
// an *rpc.Error from the method reaches the caller as is, any other error
// becomes trap with the function named.
func TestRPCProviderErrors(t *testing.T) {
	ctx := context.Background()
	rt, err := runtime.New(ctx)
	if err != nil {
		t.Fatal(err)
	}
	defer rt.Close(ctx)
	p := &typesProvider{got: map[string][]any{}}
	h := rpc.New(rt, rpc.Config{})
	h.AddProvider("go", gouser.NewTypesRPCProvider(p), 0)
	str := func(s string) []byte {
		b, err := wire.Encode(value.TupleOf(value.String), []value.Value{s})
		if err != nil {
			t.Fatal(err)
		}
		return b
	}
	for _, tc := range []struct {
		iface, fn string
		params    []byte
		kind      rpc.ErrorKind
		msg       string
	}{
		{"wasifill:guests/host@0.1.0", "echo-string", str("x"), rpc.NotFound, "wasifill:guests/host@0.1.0#echo-string"},
		{typesIface, "echo-nothing", str("x"), rpc.NotFound, typesIface + "#echo-nothing"},
		{typesIface, "echo-bool", []byte{2}, rpc.Decode, typesIface + "#echo-bool: "},
		{typesIface, "echo-u8", []byte{1, 2}, rpc.Decode, "trailing"},
		{typesIface, "echo-person", []byte{3, 'a'}, rpc.Decode, typesIface + "#echo-person: "},
		{typesIface, "echo-string", str("denied"), rpc.Denied, "not you"},
		{typesIface, "echo-string", str("boom"), rpc.Trap, typesIface + "#echo-string: boom"},
	} {
		_, err := h.Call(ctx, "go", tc.iface, tc.fn, tc.params)
		var re *rpc.Error
		if !errors.As(err, &re) || re.Kind != tc.kind || !strings.Contains(re.Msg, tc.msg) {
			t.Errorf("%s#%s(% x): err = %v, want kind %d with %q", tc.iface, tc.fn, tc.params, err, tc.kind, tc.msg)
		}
	}
	// And a good call answers the wire encoding of the result.
	out, err := h.Call(ctx, "go", typesIface, "echo-string", str("fine"))
	if want, _ := wire.Encode(value.String, "fine"); err != nil || string(out) != string(want) {
		t.Errorf("echo-string(fine) = % x, %v; want % x", out, err, want)
	}
	if len(p.got) != 1 {
		t.Errorf("the provider was called for %v, want only the good call", p.got)
	}
}
