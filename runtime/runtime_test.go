package runtime_test

import (
	"context"
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/wasifill/wasifill/compose"
	"github.com/wasifill/wasifill/internal/filltest"
	"github.com/wasifill/wasifill/internal/testenv"
	"github.com/wasifill/wasifill/runtime"
	"github.com/wasifill/wasifill/value"
)

func load(t *testing.T, rt *runtime.Runtime, name string) *runtime.Instance {
	t.Helper()
	b := testenv.ReadFile(t, "../testdata/guests/out/"+name)
	return filltest.Instantiate(context.Background(), t, rt, b)
}

func TestEchoSmoke(t *testing.T) {
	ctx := context.Background()
	rt, err := runtime.New(ctx)
	if err != nil {
		t.Fatal(err)
	}
	defer rt.Close(ctx)
	inst := load(t, rt, "all-types.wasm")
	for _, c := range []struct {
		fn  string
		arg value.Value
	}{
		{"echo-u32", uint32(7)}, {"echo-string", "héllo"}, {"echo-f64", 1.5},
		{"echo-strings", []value.Value{"a", "bc"}},
	} {
		out, err := inst.Call(ctx, "wasifill:guests/types@0.1.0#"+c.fn, c.arg)
		if err != nil {
			t.Fatalf("%s: %v", c.fn, err)
		}
		f, _ := inst.Func("wasifill:guests/types@0.1.0#" + c.fn)
		if !value.Equal(f.Results()[0], out[0], c.arg) {
			t.Errorf("%s(%v) = %v", c.fn, c.arg, out[0])
		}
	}
}

func newRuntime(t *testing.T, opts ...runtime.Option) *runtime.Runtime {
	t.Helper()
	return filltest.NewRuntime(t, opts...)
}

func call(t *testing.T, inst *runtime.Instance, name string, args ...value.Value) value.Value {
	t.Helper()
	out, err := inst.Call(context.Background(), name, args...)
	if err != nil {
		t.Fatalf("%s: %v", name, err)
	}
	if len(out) == 0 {
		return nil
	}
	return out[0]
}

func TestResources(t *testing.T) {
	ctx := context.Background()
	rt := newRuntime(t)
	inst := load(t, rt, "resources.wasm")
	const c = "wasifill:guests/counters@0.1.0#"
	a := call(t, inst, c+"[constructor]counter", uint64(10)).(value.Handle)
	b := call(t, inst, c+"[static]counter.zero").(value.Handle)
	if got := call(t, inst, c+"[method]counter.add", a, uint64(5)); got != uint64(15) {
		t.Errorf("add = %v", got)
	}
	call(t, inst, c+"[method]counter.add", b, uint64(2))
	if got := call(t, inst, c+"total", a, b); got != uint64(17) {
		t.Errorf("total = %v", got)
	}
	if got := call(t, inst, c+"total", a, a); got != uint64(30) {
		t.Errorf("total(a, a) = %v", got)
	}
	if got := call(t, inst, c+"live"); got != uint32(2) {
		t.Errorf("live = %v", got)
	}
	// Dropping the host's own handle runs the guest's destructor.
	if err := rt.DropHandle(ctx, a); err != nil {
		t.Fatal(err)
	}
	if got := call(t, inst, c+"live"); got != uint32(1) {
		t.Errorf("live after drop = %v", got)
	}
	// A dropped handle is gone.
	if _, err := inst.Call(ctx, c+"[method]counter.get", a); err == nil {
		t.Error("method call on a dropped handle succeeded")
	}
	if got := call(t, inst, c+"[method]counter.get", b); got != uint64(2) {
		t.Errorf("get = %v", got)
	}
}

func TestTrapsAndInterruption(t *testing.T) {
	rt := newRuntime(t, runtime.WithMemoryLimitPages(64))
	inst := load(t, rt, "faulty.wasm")
	const f = "wasifill:guests/faults@0.1.0#"
	_, err := inst.Call(context.Background(), f+"trap", "boom")
	var trap *runtime.TrapError
	if !errors.As(err, &trap) || !strings.Contains(err.Error(), "unreachable") || trap.Func != f+"trap" {
		t.Fatalf("trap: err = %v", err)
	}
	// The host keeps serving after a trap (in a new instance).
	inst2 := load(t, rt, "faulty.wasm")
	if got := call(t, inst2, f+"grow", uint32(0)); got != uint32(2) {
		t.Errorf("grow(0) = %v", got)
	}
	// The memory limit stops growth at 64 pages.
	if got := call(t, inst2, f+"grow", uint32(1)); got != uint32(64) {
		t.Errorf("grow(1) under a 64-page limit = %v", got)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 200*time.Millisecond)
	defer cancel()
	start := time.Now()
	_, err = load(t, rt, "faulty.wasm").Call(ctx, f+"spin")
	if !errors.As(err, &trap) || time.Since(start) > 10*time.Second {
		t.Fatalf("spin: err = %v after %v", err, time.Since(start))
	}
}

// Two components composed into one: calls cross from one component's
// memory into the other's.
func TestComposedComponent(t *testing.T) {
	user := testenv.ReadFile(t, "../testdata/guests/out/client.wasm")
	plug := testenv.ReadFile(t, "../testdata/guests/out/all-types.wasm")
	res, err := compose.Plug(compose.Part{Name: "client", Bytes: user}, []compose.Part{{Name: "all-types", Bytes: plug}})
	if err != nil {
		t.Fatal(err)
	}
	ctx := context.Background()
	inst := filltest.Instantiate(ctx, t, newRuntime(t), res.Bytes)
	checkClient(t, inst, 41, 42, 1.5, 3.0)
}

// A Go host implements the interface the client imports.
func TestHostImplementsImport(t *testing.T) {
	ctx := context.Background()
	rt := newRuntime(t)
	c := filltest.CompileFile(ctx, t, rt, "../testdata/guests/out/client.wasm")
	_, err := rt.Instantiate(ctx, c)
	var ie *runtime.InstantiateError
	if !errors.As(err, &ie) || len(ie.Missing) != 1 || ie.Missing[0] != "wasifill:guests/types@0.1.0" {
		t.Fatalf("instantiating without the import: err = %v", err)
	}
	rt.DefineInstance("wasifill:guests/types@0.1.0", map[string]runtime.HostFunc{
		"echo-u32": func(_ context.Context, args []value.Value) ([]value.Value, error) {
			return []value.Value{args[0].(uint32) * 10}, nil
		},
		"echo-f64": func(_ context.Context, args []value.Value) ([]value.Value, error) {
			return []value.Value{args[0].(float64) + 0.25}, nil
		},
	})
	inst, err := rt.Instantiate(ctx, c)
	if err != nil {
		t.Fatal(err)
	}
	checkClient(t, inst, 4, 4*10+1, 1.0, (1+0.25)*2)
}

// checkClient checks the client guest's exports: run(n) and twice(x).
func checkClient(t *testing.T, inst *runtime.Instance, n, runWant uint32, x, twiceWant float64) {
	t.Helper()
	if got := call(t, inst, "run", n); got != runWant {
		t.Errorf("run(%d) = %v, want %d", n, got, runWant)
	}
	if got := call(t, inst, "twice", x); got != twiceWant {
		t.Errorf("twice(%v) = %v, want %v", x, got, twiceWant)
	}
}

func TestTableLimit(t *testing.T) {
	ctx := context.Background()
	// hello.wasm's shim (made by wit-component) has a table of 11
	// elements: a limit of 4 refuses it, a generous one runs it.
	b := testenv.ReadFile(t, "../internal/wasmbin/testdata/hello.wasm")
	_, err := newRuntime(t, runtime.WithTableLimit(4)).Compile(ctx, b)
	var ce *runtime.CompileError
	if !errors.As(err, &ce) || !strings.Contains(err.Error(), "more than the limit of 4") {
		t.Fatalf("err = %v", err)
	}
	if _, err := newRuntime(t, runtime.WithTableLimit(1000)).Compile(ctx, b); err != nil {
		t.Fatal(err)
	}
}
