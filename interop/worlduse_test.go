package interop_test

import (
	"context"
	"os"
	"reflect"
	"testing"

	"github.com/wasifill/wasifill/interop/wasmtime"
	wfrt "github.com/wasifill/wasifill/runtime"
	"github.com/wasifill/wasifill/value"
)

// A world-level export whose record comes from a `use` in the world
// (runtime/testdata/worlduse): the component imports a types-only
// instance and a type bound to its record, which neither host defines.
// Wasmtime 39 and wasifill both instantiate it and give f's argument
// back.
func TestWorldUseRunsInBoth(t *testing.T) {
	ctx := context.Background()
	b, err := os.ReadFile("../runtime/testdata/worlduse/world-use.wasm")
	if err != nil {
		t.Fatal(err)
	}
	arg := []value.Value{uint32(3)}
	wi, err := wasmtime.Instantiate(ctx, b, nil)
	if err != nil {
		t.Fatalf("wasmtime: %v", err)
	}
	defer wi.Close()
	wout, err := wi.Call(ctx, "f", arg)
	if err != nil {
		t.Fatalf("wasmtime: f: %v", err)
	}
	rt, err := wfrt.New(ctx)
	if err != nil {
		t.Fatal(err)
	}
	defer rt.Close(ctx)
	c, err := rt.Compile(ctx, b)
	if err != nil {
		t.Fatal(err)
	}
	inst, err := rt.Instantiate(ctx, c)
	if err != nil {
		t.Fatalf("wasifill: %v", err)
	}
	defer inst.Close(ctx)
	f, _ := inst.Func("f")
	out, err := f.Call(ctx, arg)
	if err != nil {
		t.Fatalf("wasifill: f: %v", err)
	}
	if !reflect.DeepEqual(out, wout) || !reflect.DeepEqual(out, []value.Value{arg}) {
		t.Errorf("f({a: 3}): wasifill %#v, Wasmtime %#v", out, wout)
	}
}
