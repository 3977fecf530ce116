package interop_test

import (
	"context"
	"math"
	"testing"
	"time"

	"github.com/wasifill/wasifill/compose"
	"github.com/wasifill/wasifill/interop"
	"github.com/wasifill/wasifill/interop/jco"
	"github.com/wasifill/wasifill/interop/wasmtime"
	"github.com/wasifill/wasifill/value"
)

// TestComposeClient plugs all-types.wasm into client.wasm with wasifill's
// composer and runs the result in both runtimes. client's run(x) is
// echo-u32(x) + 1 and twice(x) is echo-f64(x) * 2, so each composed call is
// also checked against the plug called on its own: the parts run
// separately give what the composition gives.
func TestComposeClient(t *testing.T) {
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	client := readGuest(t, "client.wasm")
	allTypes := readGuest(t, "all-types.wasm")

	res, err := compose.Plug(compose.Part{Name: "client.wasm", Bytes: client},
		[]compose.Part{{Name: "all-types.wasm", Bytes: allTypes}})
	if err != nil {
		t.Fatal(err)
	}
	if len(res.Imports) != 0 {
		t.Errorf("composed component imports %v, want nothing", res.Imports)
	}
	if len(res.Wired) != 1 || res.Wired[0].Import != "wasifill:guests/types@0.1.0" {
		t.Errorf("wiring: %+v, want the types import wired to all-types", res.Wired)
	}
	composed := res.Bytes
	if err := wasmtime.Validate(composed); err != nil {
		t.Fatalf("composed component: %v", err)
	}
	exports, err := wasmtime.Exports(composed)
	if err != nil {
		t.Fatal(err)
	}
	if len(exports) != 2 || exports[0] != "run" || exports[1] != "twice" {
		t.Errorf("composed exports %v, want [run twice]", exports)
	}

	// Calls of the composition, with what they must return and the plug's
	// function that computes the same through the parts.
	type composedCall struct {
		fn   string      // run or twice
		arg  value.Value // x
		want value.Value
	}
	var calls []composedCall
	for _, x := range []uint32{41, 0, 1 << 31, math.MaxUint32} {
		calls = append(calls, composedCall{"run", x, x + 1}) // i32.add wraps
	}
	for _, x := range []float64{1.5, 0, math.Copysign(0, -1), -2.25, math.Inf(1), math.NaN(), math.MaxFloat64, 1e-300} {
		calls = append(calls, composedCall{"twice", x, x * 2})
	}
	if calls[0].want != uint32(42) || calls[4].want != 3.0 {
		t.Fatal("the table lost run(41) = 42 or twice(1.5) = 3")
	}
	types := map[string]*interop.Func{}
	for _, fn := range []string{"run", "twice"} {
		if types[fn], err = wasmtime.FuncType(composed, fn); err != nil {
			t.Fatal(err)
		}
	}
	plugFn := map[string]string{"run": typesIface + "echo-u32", "twice": typesIface + "echo-f64"}
	// fromParts is run or twice computed from the plug's result.
	fromParts := func(fn string, echoed value.Value) value.Value {
		if fn == "run" {
			return echoed.(uint32) + 1
		}
		return echoed.(float64) * 2
	}
	check := func(rt string, c composedCall, got []value.Value, err error) value.Value {
		if err != nil {
			t.Errorf("%s %s(%v): %v", rt, c.fn, c.arg, err)
			return nil
		}
		if !resultsEqual(types[c.fn], got, []value.Value{c.want}) {
			t.Errorf("%s %s(%v) = %v, want %v", rt, c.fn, c.arg, got, c.want)
			return nil
		}
		return got[0]
	}

	// Wasmtime: the composition, and the plug alone.
	wtComposed := make([]value.Value, len(calls))
	inst, err := wasmtime.Instantiate(ctx, composed, nil)
	if err != nil {
		t.Fatal(err)
	}
	defer inst.Close()
	plug, err := wasmtime.Instantiate(ctx, allTypes, nil)
	if err != nil {
		t.Fatal(err)
	}
	defer plug.Close()
	for k, c := range calls {
		got, err := inst.Call(ctx, c.fn, c.arg)
		wtComposed[k] = check("wasmtime", c, got, err)
		echoed, err := plug.Call(ctx, plugFn[c.fn], c.arg)
		if err != nil {
			t.Errorf("wasmtime %s(%v) of all-types: %v", plugFn[c.fn], c.arg, err)
			continue
		}
		if sep := fromParts(c.fn, echoed[0]); wtComposed[k] != nil && !value.Equal(types[c.fn].Result, sep, wtComposed[k]) {
			t.Errorf("wasmtime: %s(%v) composed = %v, but from the parts %v", c.fn, c.arg, wtComposed[k], sep)
		}
	}

	if !jcoAvailable(t) {
		return
	}
	// jco: the composition in one batch, the plug's functions in another.
	var creqs, preqs []jco.Request
	for _, c := range calls {
		creqs = append(creqs, jco.Request{Export: c.fn, Func: types[c.fn], Args: []value.Value{c.arg}})
		pfn, err := wasmtime.FuncType(allTypes, plugFn[c.fn])
		if err != nil {
			t.Fatal(err)
		}
		preqs = append(preqs, jco.Request{Export: plugFn[c.fn], Func: pfn, Args: []value.Value{c.arg}})
	}
	cresps, err := jco.CallBatch(ctx, composed, creqs)
	if err != nil {
		t.Fatalf("jco, composed: %v", err)
	}
	presps, err := jco.CallBatch(ctx, allTypes, preqs)
	if err != nil {
		t.Fatalf("jco, all-types: %v", err)
	}
	for k, c := range calls {
		got := check("jco", c, cresps[k].Results, cresps[k].Err)
		if got != nil && wtComposed[k] != nil && !value.Equal(types[c.fn].Result, got, wtComposed[k]) {
			t.Errorf("%s(%v): jco gives %v, wasmtime %v", c.fn, c.arg, got, wtComposed[k])
		}
		if presps[k].Err != nil {
			t.Errorf("jco %s(%v) of all-types: %v", plugFn[c.fn], c.arg, presps[k].Err)
			continue
		}
		if sep := fromParts(c.fn, presps[k].Results[0]); got != nil && !value.Equal(types[c.fn].Result, sep, got) {
			t.Errorf("jco: %s(%v) composed = %v, but from the parts %v", c.fn, c.arg, got, sep)
		}
	}
}
