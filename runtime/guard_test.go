package runtime_test

import (
	"context"
	"errors"
	"os"
	"testing"

	"github.com/wasifill/wasifill/internal/filltest"
	"github.com/wasifill/wasifill/internal/guard"
	"github.com/wasifill/wasifill/runtime"
	"github.com/wasifill/wasifill/value"
)

// TestPanicBoundary: a panic under Instantiate or Call (here from host
// code, the one place a test can plant one) comes back as an error, and
// the runtime keeps serving afterwards.
func TestPanicBoundary(t *testing.T) {
	ctx := context.Background()
	b, err := os.ReadFile("../testdata/guests/out/client.wasm")
	if err != nil {
		t.Fatal(err)
	}
	rt := newRuntime(t)
	c := filltest.Compile(ctx, t, rt, b)
	const iface = "wasifill:guests/types@0.1.0"
	rt.DefineInstanceMaker(iface, func(name string, _, _ []*value.Type) runtime.HostFunc {
		panic("maker of " + name)
	})
	_, err = rt.Instantiate(ctx, c)
	var ie *guard.InternalError
	if !errors.As(err, &ie) || ie.Stage != "runtime: instantiate" {
		t.Fatalf("a panicking maker: want an InternalError of stage instantiate, got %v", err)
	}

	rt2 := newRuntime(t)
	rt2.DefineInstance(iface, map[string]runtime.HostFunc{
		"echo-u32": func(context.Context, []value.Value) ([]value.Value, error) { panic("host echo-u32") },
		"echo-f64": func(_ context.Context, args []value.Value) ([]value.Value, error) {
			return []value.Value{args[0].(float64) + 0.25}, nil
		},
	})
	c2, err := rt2.Compile(ctx, b)
	if err != nil {
		t.Fatal(err)
	}
	inst, err := rt2.Instantiate(ctx, c2)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := inst.Call(ctx, "run", uint32(4)); err == nil {
		t.Fatal("a panicking host function: the call succeeded")
	}
	if got := call(t, inst, "twice", 1.0); got != 2.5 {
		t.Errorf("after the panic, twice(1) = %v, want 2.5", got)
	}
}
