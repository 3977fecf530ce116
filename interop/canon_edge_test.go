package interop_test

// Differential tests of the canonical ABI's corner cases on two hand-written
// guests (testdata/guests/wat/canon-edge.wat and edge-user.wat): how s8 and
// s16 widen to i32 and join into i64 variant payloads, how handle tables
// number handles (index 0 reserved, freed indexes reused), and that one
// handle lent as a borrow and moved as an own in the same call traps. Each
// call runs in wasifill, Wasmtime 39 and jco, and must give the value the
// spec gives (worked out by hand in the table) or trap, in all three.

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/wasifill/wasifill/compose"
	"github.com/wasifill/wasifill/internal/canon"
	"github.com/wasifill/wasifill/interop/jco"
	"github.com/wasifill/wasifill/interop/wasmtime"
	wfrt "github.com/wasifill/wasifill/runtime"
	"github.com/wasifill/wasifill/value"
)

const (
	edgeIface  = "wasifill:guests/edge@0.1.0#"
	callsIface = "wasifill:guests/edge-calls@0.1.0#"
)

// edgeCall is one call: its want, or a trap. Calls share an instance in
// order; a call after a trap gets a fresh one.
type edgeCall struct {
	export string
	args   []value.Value
	want   value.Value // nil: the call traps
	// jco, when set, is where jco departs from the spec (and from
	// Wasmtime and wasifill): what it gives instead, jcoTraps for a
	// trap. The test holds jco to it, so that a fixed jco shows.
	jco value.Value
}

// jcoTraps is an edgeCall.jco for a call jco traps on.
const jcoTraps = "trap"

// jco 1.x checks the i32 of an s8 or s16 result against the type's range
// instead of taking its low bits, and sign-extends an i32 payload joined
// into an i64 instead of zero-extending it (lower_flat_variant's
// ('i32', 'i64') case is the identity on the i32's bits).

func (c edgeCall) name() string { return fmt.Sprintf("%s%v", c.export, c.args) }

func small(v int8) value.Value        { return value.Variant{Case: 0, Payload: v} }
func big(v int64) value.Value         { return value.Variant{Case: 1, Payload: v} }
func trio(a, b, c uint32) value.Value { return []value.Value{a, b, c} }

// canonEdgeCalls: canon-edge.wasm called from the host.
var canonEdgeCalls = []edgeCall{
	// s8 and s16 arrive sign-extended to 32 bits (lower_flat_signed).
	{edgeIface + "mix", []value.Value{int8(-1), int16(-2)}, int64(-100002), nil},
	{edgeIface + "mix", []value.Value{int8(-128), int16(-32768)}, int64(-12832768), nil},
	{edgeIface + "mix", []value.Value{int8(127), int16(32767)}, int64(12732767), nil},
	{edgeIface + "raw8", []value.Value{int8(-1)}, uint32(0xffffffff), nil},
	{edgeIface + "raw8", []value.Value{int8(-128)}, uint32(0xffffff80), nil},
	{edgeIface + "raw8", []value.Value{int8(5)}, uint32(5), nil},
	{edgeIface + "raw16", []value.Value{int16(-2)}, uint32(0xfffffffe), nil},
	{edgeIface + "raw16", []value.Value{int16(-32768)}, uint32(0xffff8000), nil},
	// Results: only the low bits of the i32 count (lift_flat_signed).
	{edgeIface + "narrow8", []value.Value{uint32(0xffffffff)}, int8(-1), nil},
	{edgeIface + "narrow8", []value.Value{uint32(0x7f)}, int8(127), nil},
	{edgeIface + "narrow16", []value.Value{uint32(0xffff8000)}, int16(-32768), nil},
	{edgeIface + "narrow8", []value.Value{uint32(0x1ff)}, int8(-1), jcoTraps},
	{edgeIface + "narrow8", []value.Value{uint32(0x80)}, int8(-128), jcoTraps},
	{edgeIface + "narrow8", []value.Value{uint32(0xffffff7f)}, int8(127), jcoTraps},
	{edgeIface + "narrow16", []value.Value{uint32(0x18000)}, int16(-32768), jcoTraps},
	{edgeIface + "narrow16", []value.Value{uint32(0xfffe)}, int16(-2), jcoTraps},
	// An s8 payload joined into an i64: its i32, zero-extended.
	{edgeIface + "payload", []value.Value{small(-1)}, uint64(0xffffffff), uint64(0xffffffffffffffff)},
	{edgeIface + "payload", []value.Value{small(-128)}, uint64(0xffffff80), uint64(0xffffffffffffff80)},
	{edgeIface + "payload", []value.Value{small(3)}, uint64(3), nil},
	{edgeIface + "payload", []value.Value{big(-1)}, uint64(0xffffffffffffffff), nil},
	// Handles: the first is 1, a freed index is reused.
	{edgeIface + "numbering", nil, trio(1, 2, 1), nil},
	{edgeIface + "rep-of", []value.Value{uint32(0)}, nil, nil},
	{edgeIface + "numbering", nil, trio(1, 2, 1), nil},
	{edgeIface + "rep-of", []value.Value{uint32(1)}, nil, nil},
	// 1000 live handles, numbered on from 1.
	{edgeIface + "hoard", []value.Value{uint32(1000)}, uint32(1000), nil},
	// Aliased strings, within reason.
	{edgeIface + "aliased", []value.Value{uint32(3), uint32(2)}, []value.Value{"aa", "aa", "aa"}, nil},
}

// edgeUserCalls: edge-user.wasm composed with canon-edge.wasm, so every
// call crosses between two component instances.
var edgeUserCalls = []edgeCall{
	{callsIface + "distinct", nil, uint32(1020012), nil},
	{callsIface + "distinct", nil, uint32(1020012), nil},
	{callsIface + "same", nil, nil, nil},
	{callsIface + "zero", nil, nil, nil},
	{callsIface + "mix-through", []value.Value{int8(-1), int16(-2)}, int64(-100002), nil},
	{callsIface + "mix-through", []value.Value{int8(-128), int16(-32768)}, int64(-12832768), nil},
	{callsIface + "mix-through", []value.Value{int8(127), int16(32767)}, int64(12732767), nil},
	{callsIface + "distinct", nil, uint32(1020012), nil},
}

// edgeComposed plugs canon-edge.wasm into edge-user.wasm.
func edgeComposed(t *testing.T) []byte {
	t.Helper()
	res, err := compose.Plug(compose.Part{Name: "edge-user.wasm", Bytes: readGuest(t, "edge-user.wasm")},
		[]compose.Part{{Name: "canon-edge.wasm", Bytes: readGuest(t, "canon-edge.wasm")}})
	if err != nil {
		t.Fatal(err)
	}
	return res.Bytes
}

// checkEdge compares one runtime's outcome of c with the table.
func checkEdge(t *testing.T, rtName string, c edgeCall, res []value.Value, err error, isTrap func(error) bool) {
	t.Helper()
	switch {
	case c.want == nil && err == nil:
		t.Errorf("%s %s = %v, want a trap", rtName, c.name(), res)
	case c.want == nil && !isTrap(err):
		t.Errorf("%s %s: %v, want a trap", rtName, c.name(), err)
	case c.want != nil && err != nil:
		t.Errorf("%s %s: %v", rtName, c.name(), err)
	case c.want != nil && (len(res) != 1 || fmt.Sprint(res[0]) != fmt.Sprint(c.want)):
		t.Errorf("%s %s = %v, want %v", rtName, c.name(), res, c.want)
	}
}

// runEdge makes the calls in wasifill, Wasmtime and jco.
func runEdge(t *testing.T, comp []byte, calls []edgeCall) { runEdgeJco(t, comp, calls, false) }

// runEdgeJco is runEdge for a component jco may fail to transpile (and
// must, when jcoFails is set: a fixed jco shows).
func runEdgeJco(t *testing.T, comp []byte, calls []edgeCall, jcoFails bool) {
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()

	rt := wfRuntime(t)
	compiled := wfCompile(t, rt, comp)
	var wf *wfrt.Instance
	fresh := true
	for _, c := range calls {
		if fresh {
			wf = wfInstantiate(t, rt, compiled)
		}
		res, err := wfCall(t, ctx, wf, c.export, c.args...)
		checkEdge(t, "wasifill", c, res, err, isWfTrap)
		if err != nil {
			t.Logf("wasifill %s: %s", c.name(), oneLine(err))
		}
		fresh = err != nil
	}

	wc, err := wasmtime.Compile(comp)
	if err != nil {
		t.Fatal(err)
	}
	defer wc.Close()
	var wt *wasmtime.Instance
	fresh = true
	for _, c := range calls {
		if fresh {
			if wt != nil {
				wt.Close()
			}
			if wt, err = wc.Instantiate(ctx, nil); err != nil {
				t.Fatal(err)
			}
		}
		res, err := wt.Call(ctx, c.export, c.args...)
		checkEdge(t, "wasmtime", c, res, err, isWtTrap)
		if err != nil {
			t.Logf("wasmtime %s: %s", c.name(), oneLine(err))
		}
		fresh = err != nil
	}
	if wt != nil {
		wt.Close()
	}

	if !jcoAvailable(t) {
		return
	}
	reqs := make([]jco.Request, len(calls))
	fresh = false
	for k, c := range calls {
		fn, err := wc.FuncType(c.export)
		if err != nil {
			t.Fatal(err)
		}
		reqs[k] = jco.Request{Export: c.export, Func: fn, Args: c.args, Fresh: fresh}
		fresh = c.want == nil || c.jco == jcoTraps
	}
	resps, err := jco.CallBatch(ctx, comp, reqs)
	switch {
	case jcoFails && err == nil:
		t.Fatal("jco ran a component it is known to fail on: update the test and docs/interop.md")
	case jcoFails:
		t.Logf("jco fails, as known: %s", oneLine(err))
		return
	case err != nil:
		t.Fatalf("jco: %v", err)
	}
	for k, c := range calls {
		if c.jco == jcoTraps {
			c.want = nil
		} else if c.jco != nil {
			c.want = c.jco
		}
		checkEdge(t, "jco", c, resps[k].Results, resps[k].Err, func(err error) bool {
			var trap *jco.Trap
			return errors.As(err, &trap)
		})
	}
}

// TestCanonEdge: sign extension, variant joins and handle numbering, from
// the host into one component.
func TestCanonEdge(t *testing.T) { runEdge(t, readGuest(t, "canon-edge.wasm"), canonEdgeCalls) }

// TestCanonEdgeComposed: handle numbering, borrow/own conflicts and sign
// extension between two components.
func TestCanonEdgeComposed(t *testing.T) { runEdge(t, edgeComposed(t), edgeUserCalls) }

// TestCanonEdgeLiftBudget: a guest returning 65,536 strings that all point
// at the same 448 KiB (30 GiB once lifted) fails in wasifill with a
// canon.ErrBudget trap, quickly and without the copies; under a small
// WithLiftBudget even three two-byte strings do. Only wasifill runs it:
// other runtimes copy the 30 GiB.
func TestCanonEdgeLiftBudget(t *testing.T) {
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	comp := readGuest(t, "canon-edge.wasm")
	for _, c := range []struct {
		opts []wfrt.Option
		args []value.Value
	}{
		{nil, []value.Value{uint32(65536), uint32(448 << 10)}},
		{[]wfrt.Option{wfrt.WithLiftBudget(3*2 + 3*canon.LiftElemCost - 1)}, []value.Value{uint32(3), uint32(2)}},
	} {
		rt := wfRuntime(t, c.opts...)
		inst := wfInstantiate(t, rt, wfCompile(t, rt, comp))
		_, err := wfCall(t, ctx, inst, edgeIface+"aliased", c.args...)
		var ce *canon.Error
		if !isWfTrap(err) || !errors.As(err, &ce) || ce.Kind != canon.ErrBudget {
			t.Errorf("aliased%v: err = %v, want a trap of kind %v", c.args, err, canon.ErrBudget)
		}
	}
}

// TestCanonEdgeExportNaming: a composition that exports an interface
// whose types come from an import it satisfied inside (edge-relay.wasm
// plugged with canon-edge.wasm) is invalid: Wasmtime refuses it ("not
// valid to be used as export"), and so does wasifill's compile, with a
// *runtime.ExportTypeError. edge-relay.wasm alone, which imports the
// types, is valid in both.
func TestCanonEdgeExportNaming(t *testing.T) {
	relay := readGuest(t, "edge-relay.wasm")
	res, err := compose.Plug(compose.Part{Name: "edge-relay.wasm", Bytes: relay},
		[]compose.Part{{Name: "canon-edge.wasm", Bytes: readGuest(t, "canon-edge.wasm")}})
	if err != nil {
		t.Fatal(err)
	}
	rt := wfRuntime(t)
	ctx := context.Background()
	if err := wasmtime.Validate(relay); err != nil {
		t.Errorf("wasmtime: edge-relay.wasm: %v", err)
	}
	if _, err := rt.Compile(ctx, relay); err != nil {
		t.Errorf("wasifill: edge-relay.wasm: %v", err)
	}
	werr := wasmtime.Validate(res.Bytes)
	if werr == nil || !strings.Contains(werr.Error(), "not valid to be used as export") {
		t.Errorf("wasmtime: the composition: err = %v, want \"not valid to be used as export\"", werr)
	}
	_, ferr := rt.Compile(ctx, res.Bytes)
	var ete *wfrt.ExportTypeError
	var ce *wfrt.CompileError
	if !errors.As(ferr, &ce) || !errors.As(ferr, &ete) {
		t.Errorf("wasifill: the composition: err = %v, want a CompileError with an ExportTypeError", ferr)
	}
	t.Logf("wasmtime: %v", oneLine(werr))
	t.Logf("wasifill: %v", ferr)
}

// strlogCalls are the cabi_realloc calls that lowering each string makes
// in the spec (store_utf8_to_utf16 and store_string_to_latin1_or_utf16
// from a UTF-8 source: the worst case, then a shrink), as strlog logs
// them: (moved, old size, align, new size)…, then the length it received.
func strlogCalls(latin1 bool) []edgeCall {
	const tag = 1 << 31
	type c struct {
		s   string
		log []uint32
		jco []uint32 // jco's log where it differs: one exact allocation
	}
	cases := []c{
		{"abc", []uint32{0, 0, 2, 6, 3}, nil},
		{"héllo", []uint32{0, 0, 2, 12, 1, 12, 2, 10, 5}, []uint32{0, 0, 2, 10, 5}},
		{"😀", []uint32{0, 0, 2, 8, 1, 8, 2, 4, 2}, []uint32{0, 0, 2, 4, 2}},
		{"", []uint32{0, 0, 2, 0, 0}, nil},
	}
	if latin1 {
		cases = []c{
			{"abc", []uint32{0, 0, 2, 3, 3}, nil},
			{"héllo", []uint32{0, 0, 2, 6, 1, 6, 2, 5, 5}, nil},
			{"a€b", []uint32{0, 0, 2, 5, 1, 5, 2, 10, 1, 10, 2, 6, 3 | tag}, nil},
			{"é€", []uint32{0, 0, 2, 5, 1, 5, 2, 10, 1, 10, 2, 4, 2 | tag}, nil},
			{"😀", []uint32{0, 0, 2, 4, 1, 4, 2, 8, 1, 8, 2, 4, 2 | tag}, nil},
			{"", []uint32{0, 0, 2, 0, 0}, nil},
		}
	}
	list := func(xs []uint32) value.Value {
		if xs == nil {
			return nil
		}
		out := make([]value.Value, len(xs))
		for i, x := range xs {
			out[i] = x
		}
		return out
	}
	var out []edgeCall
	for _, k := range cases {
		out = append(out, edgeCall{"wasifill:guests/strlog@0.1.0#log", []value.Value{k.s}, list(k.log), list(k.jco)})
	}
	return out
}

// TestCanonEdgeStrings: lowering a string into a utf16 or latin1+utf16
// component calls its cabi_realloc as the spec does, in wasifill and
// Wasmtime alike. jco allocates the exact UTF-16 size at once, and cannot
// transpile a latin1+utf16 component.
func TestCanonEdgeStrings(t *testing.T) {
	t.Run("utf16", func(t *testing.T) { runEdge(t, readGuest(t, "strlog-utf16.wasm"), strlogCalls(false)) })
	t.Run("latin1+utf16", func(t *testing.T) {
		runEdgeJco(t, readGuest(t, "strlog-latin1.wasm"), strlogCalls(true), true)
	})
}

// TestCanonEdgeHandleLimit: under WithHandleLimit(100) a guest can hold
// 100 handles, and making one more traps with a *runtime.HandleLimitError
// (Wasmtime's hoard(1000) is in TestCanonEdge).
func TestCanonEdgeHandleLimit(t *testing.T) {
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	rt := wfRuntime(t, wfrt.WithHandleLimit(100))
	compiled := wfCompile(t, rt, readGuest(t, "canon-edge.wasm"))
	res, err := wfCall(t, ctx, wfInstantiate(t, rt, compiled), edgeIface+"hoard", uint32(100))
	if err != nil || len(res) != 1 || res[0] != uint32(100) {
		t.Errorf("hoard(100) = %v, %v; want 100", res, err)
	}
	_, err = wfCall(t, ctx, wfInstantiate(t, rt, compiled), edgeIface+"hoard", uint32(101))
	var le *wfrt.HandleLimitError
	if !isWfTrap(err) || !errors.As(err, &le) || le.Limit != 100 {
		t.Errorf("hoard(101): err = %v, want a trap with a HandleLimitError of 100", err)
	}
}

// TestCanonEdgeHostConflict: the host passing one handle as both the
// borrow and the own of thing.both fails in wasifill and in Wasmtime, and
// a distinct pair works in both (10 * 7 + 8 = 78).
func TestCanonEdgeHostConflict(t *testing.T) {
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	comp := readGuest(t, "canon-edge.wasm")
	const ctor, both = edgeIface + "[constructor]thing", edgeIface + "[static]thing.both"
	type caller func(export string, args ...value.Value) ([]value.Value, error)
	check := func(name string, call caller) {
		a, err := call(ctor, uint32(7))
		if err != nil {
			t.Fatalf("%s: constructor: %v", name, err)
		}
		if res, err := call(both, a[0], a[0]); err == nil {
			t.Errorf("%s: both(h, h) = %v, want an error", name, res)
		} else {
			t.Logf("%s: both(h, h): %s", name, oneLine(err))
		}
	}
	checkOK := func(name string, call caller) {
		a, err := call(ctor, uint32(7))
		if err != nil {
			t.Fatalf("%s: constructor: %v", name, err)
		}
		b, err := call(ctor, uint32(8))
		if err != nil {
			t.Fatalf("%s: constructor: %v", name, err)
		}
		if res, err := call(both, a[0], b[0]); err != nil || len(res) != 1 || res[0] != uint32(78) {
			t.Errorf("%s: both(a, b) = %v, %v; want 78", name, res, err)
		}
	}
	rt := wfRuntime(t)
	compiled := wfCompile(t, rt, comp)
	for _, fn := range []func(string, caller){checkOK, check} {
		wf := wfInstantiate(t, rt, compiled)
		fn("wasifill", func(export string, args ...value.Value) ([]value.Value, error) {
			return wfCall(t, ctx, wf, export, args...)
		})
		wt, err := wasmtime.Instantiate(ctx, comp, nil)
		if err != nil {
			t.Fatal(err)
		}
		fn("wasmtime", func(export string, args ...value.Value) ([]value.Value, error) {
			return wt.Call(ctx, export, args...)
		})
		wt.Close()
	}
}
