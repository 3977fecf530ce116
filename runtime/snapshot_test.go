package runtime_test

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"os"
	goruntime "runtime"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/wasifill/wasifill/internal/testenv"
	"github.com/wasifill/wasifill/runtime"
	"github.com/wasifill/wasifill/runtime/wasip2"
	"github.com/wasifill/wasifill/value"
)

func compileGuest(t *testing.T, rt *runtime.Runtime, name string) *runtime.Compiled {
	t.Helper()
	b, err := os.ReadFile("../testdata/guests/out/" + name)
	if err != nil {
		t.Fatal(err)
	}
	c, err := rt.Compile(context.Background(), b)
	if err != nil {
		t.Fatal(err)
	}
	return c
}

// Instances of a pre-initialized component start in the same state as
// fresh ones, and what one instance changes no other sees: host-impl's
// next-id counts calls in a global.
func TestPreinitializedInstancesAreIndependent(t *testing.T) {
	ctx := context.Background()
	rt := newRuntime(t)
	c := compileGuest(t, rt, "host-impl.wasm")
	pc, err := rt.Preinitialize(ctx, c)
	if err != nil {
		t.Fatal(err)
	}
	const nextID = "wasifill:guests/host@0.1.0#next-id"
	fresh, a, b := instantiate(t, rt, c), instantiate(t, rt, pc), instantiate(t, rt, pc)
	for i := uint64(1); i <= 3; i++ {
		if got, want := call(t, a, nextID), call(t, fresh, nextID); got != want || got != i {
			t.Fatalf("call %d: next-id %v from the snapshot, %v fresh, want %d", i, got, want, i)
		}
	}
	if got := call(t, b, nextID); got != uint64(1) {
		t.Errorf("a second instance's first next-id = %v, want 1: it sees the first one's calls", got)
	}
	if got := call(t, instantiate(t, rt, pc), nextID); got != uint64(1) {
		t.Errorf("a later instance's first next-id = %v, want 1", got)
	}
	if n := rt.OpenInstances(); n != 4 {
		t.Errorf("%d instances open, want 4 (Preinitialize's own is closed)", n)
	}
}

// Instances made at once from one compiled component, fresh and from a
// snapshot, by several goroutines — sharing what the runtime keeps per
// compiled component (sizes, names, type conversions, pooled memories) —
// are independent: each counts from 1. Run with -race, this also checks
// the sharing for data races.
func TestConcurrentInstantiation(t *testing.T) {
	ctx := context.Background()
	rt := newRuntime(t)
	c := compileGuest(t, rt, "host-impl.wasm")
	pc, err := rt.Preinitialize(ctx, c)
	if err != nil {
		t.Fatal(err)
	}
	types := compileGuest(t, rt, "all-types.wasm")
	ptypes, err := rt.Preinitialize(ctx, types)
	if err != nil {
		t.Fatal(err)
	}
	const nextID = "wasifill:guests/host@0.1.0#next-id"
	const echo = "wasifill:guests/types@0.1.0#echo-strings"
	errs := make(chan error, 8)
	var wg sync.WaitGroup
	for g := range 4 {
		wg.Go(func() {
			for i := range 25 {
				cc, tc := c, types
				if (g+i)%2 == 0 {
					cc, tc = pc, ptypes
				}
				inst, err := rt.Instantiate(ctx, cc)
				if err != nil {
					errs <- err
					return
				}
				for want := uint64(1); want <= 3; want++ {
					out, err := inst.Call(ctx, nextID)
					if err != nil || len(out) != 1 || out[0] != want {
						errs <- fmt.Errorf("goroutine %d, instance %d: next-id = %v, %v; want %d", g, i, out, err, want)
						inst.Close(ctx)
						return
					}
				}
				inst.Close(ctx)
				inst, err = rt.Instantiate(ctx, tc)
				if err != nil {
					errs <- err
					return
				}
				arg := []value.Value{fmt.Sprintf("g%d", g), fmt.Sprintf("i%d", i)}
				out, err := inst.Call(ctx, echo, arg)
				inst.Close(ctx)
				if err != nil || len(out) != 1 || fmt.Sprint(out[0]) != fmt.Sprint(arg) {
					errs <- fmt.Errorf("goroutine %d, instance %d: echo-strings(%v) = %v, %v", g, i, arg, out, err)
					return
				}
			}
		})
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Error(err)
	}
}

// A pre-initialized Go reactor does not run its initialization again: its
// init writes to stderr and reads GREETING, once, at Preinitialize; its
// instances keep the greeting it read, and run Go code (allocation, the
// collector) from the restored heap.
func TestPreinitializeRunsInitializationOnce(t *testing.T) {
	ctx := context.Background()
	core, err := os.ReadFile("../testdata/guests/out/go-reactor.core.wasm")
	if err != nil {
		t.Fatal(err)
	}
	rt := newRuntime(t)
	var stderr bytes.Buffer
	if err := wasip2.Define(rt, wasip2.Config{Stderr: &stderr, Env: [][2]string{{"GREETING", "hi"}}}); err != nil {
		t.Fatal(err)
	}
	var ids uint64
	rt.DefineInstance("wasifill:guests/host@0.1.0", map[string]runtime.HostFunc{
		"log": func(context.Context, []value.Value) ([]value.Value, error) { return nil, nil },
		"next-id": func(context.Context, []value.Value) ([]value.Value, error) {
			ids++
			return []value.Value{ids}, nil
		},
	})
	wit, world := testenv.WIT(t, "../testdata/guests/wit", "go-reactor")
	c, err := rt.CompileCore(ctx, core, wit, world)
	if err != nil {
		t.Fatal(err)
	}
	pc, err := rt.Preinitialize(ctx, c)
	if err != nil {
		t.Fatal(err)
	}
	const started = "go-reactor: starting"
	if n := strings.Count(stderr.String(), started); n != 1 {
		t.Fatalf("stderr after Preinitialize = %q, want %q once", stderr.String(), started)
	}
	for i := 0; i < 3; i++ {
		inst := instantiate(t, rt, pc)
		if got := call(t, inst, "wasifill:guests/greeter@0.1.0#greet", "ann"); got != "hi, ann" {
			t.Errorf("greet = %v, want the greeting init read", got)
		}
		ids = 0
		if got := call(t, inst, "wasifill:guests/greeter@0.1.0#churn", uint32(200), uint32(8192)); got != uint64(200*8192) {
			t.Errorf("churn = %v", got)
		}
	}
	if n := strings.Count(stderr.String(), started); n != 1 {
		t.Errorf("stderr = %q: initialization ran again", stderr.String())
	}
	instantiate(t, rt, c)
	if n := strings.Count(stderr.String(), started); n != 2 {
		t.Errorf("stderr = %q: a fresh instance did not initialize", stderr.String())
	}
}

// The bundled example's Go component (export fill + store, two Go
// modules and the preview1 adapter) is pre-initialized, and its instances
// serve like fresh ones.
func TestPreinitializeGoComponent(t *testing.T) {
	ctx := context.Background()
	rt := newRuntime(t)
	if err := wasip2.Define(rt, wasip2.Config{}); err != nil {
		t.Fatal(err)
	}
	for _, n := range []string{"wasifill:rpc/transport@0.1.0", "wasifill:rpc/deadline@0.1.0", "wasifill:rpc/types@0.1.0"} {
		rt.DefineInstance(n, nil)
	}
	b, err := os.ReadFile("../docs/examples/kv/build/kv.wasm")
	if err != nil {
		t.Fatal(err)
	}
	c, err := rt.Compile(ctx, b)
	if err != nil {
		t.Fatal(err)
	}
	pc, err := rt.Preinitialize(ctx, c)
	if err != nil {
		t.Fatal(err)
	}
	const handle = "wasifill:rpc/handler@0.1.0#handle"
	get := func(inst *runtime.Instance, key string) value.Value {
		params := append([]byte{byte(len(key))}, key...)
		return call(t, inst, handle, "acme:kv/store@1.0.0", "get", params)
	}
	fresh := instantiate(t, rt, c)
	// ok(some("likes green tea")) in the rpc wire format: result,
	// option, list<u8>.
	if got, want := get(fresh, "ann"), append([]byte{0, 1, 15}, "likes green tea"...); !sameResult(got, value.Ok(want)) {
		t.Fatalf("get(ann) = %v fresh, want ok(%x)", got, want)
	}
	for i := 0; i < 2; i++ {
		inst := instantiate(t, rt, pc)
		for _, key := range []string{"ann", "bob", "nobody"} {
			if got, want := get(inst, key), get(fresh, key); !sameResult(got, want) {
				t.Errorf("get(%s) = %v from the snapshot, %v fresh", key, got, want)
			}
		}
	}
	checkAfterClosedInstances(t, rt, pc)
}

// Instances made from a snapshot after earlier ones wrote to their
// memory and were closed and collected — whose memories the runtime
// resets and reuses — start from the snapshot too: a key an earlier
// instance set is back to its value at initialization.
func checkAfterClosedInstances(t *testing.T, rt *runtime.Runtime, pc *runtime.Compiled) {
	ctx := context.Background()
	const handle = "wasifill:rpc/handler@0.1.0#handle"
	str := func(s string) []byte { return append([]byte{byte(len(s))}, s...) }
	get := func(inst *runtime.Instance) value.Value {
		return call(t, inst, handle, "acme:kv/store@1.0.0", "get", str("ann"))
	}
	original := value.Ok(append([]byte{0, 1, 15}, "likes green tea"...))
	changed := value.Ok(append([]byte{0, 1, 7}, "changed"...))
	for round := range 3 {
		for range 2 {
			inst, err := rt.Instantiate(ctx, pc)
			if err != nil {
				t.Fatal(err)
			}
			if got := get(inst); !sameResult(got, original) {
				t.Fatalf("round %d: get(ann) = %v in a new instance, want %v", round, got, original)
			}
			call(t, inst, handle, "acme:kv/store@1.0.0", "set", append(str("ann"), str("changed")...))
			if got := get(inst); !sameResult(got, changed) {
				t.Fatalf("round %d: get(ann) = %v after set, want %v", round, got, changed)
			}
			inst.Close(ctx)
		}
		for range 3 {
			goruntime.GC()
			time.Sleep(10 * time.Millisecond) // the collected memories' cleanups run
		}
	}
}

func sameResult(a, b value.Value) bool {
	ra, ok1 := a.(value.Result)
	rb, ok2 := b.(value.Result)
	if !ok1 || !ok2 || ra.IsErr != rb.IsErr {
		return false
	}
	ba, _ := ra.Value.([]byte)
	bb, _ := rb.Value.([]byte)
	return bytes.Equal(ba, bb) && len(ba) > 0
}

// Initialization that leaves a handle — host-side state a copy of guest
// memory would refer to without owning — is refused with a
// *SnapshotError, and the component still instantiates normally.
func TestPreinitializeRefusesLiveHandles(t *testing.T) {
	ctx := context.Background()
	core, err := os.ReadFile("testdata/init-handle.wasm")
	if err != nil {
		t.Fatal(err)
	}
	rt := newRuntime(t)
	wit, world := testenv.WIT(t, "../testdata/guests/wit", "resources")
	c, err := rt.CompileCore(ctx, core, wit, world)
	if err != nil {
		t.Fatal(err)
	}
	_, err = rt.Preinitialize(ctx, c)
	var se *runtime.SnapshotError
	if !errors.As(err, &se) || !strings.Contains(se.Reason, "1 handles") {
		t.Fatalf("Preinitialize = %v, want a *SnapshotError about the handle", err)
	}
	if n := rt.OpenInstances(); n != 0 {
		t.Errorf("%d instances open after the refusal", n)
	}
	if got := call(t, instantiate(t, rt, c), "wasifill:guests/counters@0.1.0#live"); got != uint32(1) {
		t.Errorf("live = %v from a normal instance", got)
	}
}

// Instances restored from a snapshot count their memories against the
// budgets as fresh ones do: the host's use grows by the same amount and
// returns to where it was when they close.
func TestPreinitializedMemoryIsBudgeted(t *testing.T) {
	ctx := context.Background()
	rt := newRuntime(t)
	c := compileGuest(t, rt, "host-impl.wasm")
	pc, err := rt.Preinitialize(ctx, c)
	if err != nil {
		t.Fatal(err)
	}
	base := rt.MemoryInUse()
	fresh, err := rt.Instantiate(ctx, c)
	if err != nil {
		t.Fatal(err)
	}
	perFresh := rt.MemoryInUse() - base
	restored, err := rt.Instantiate(ctx, pc)
	if err != nil {
		t.Fatal(err)
	}
	if perFresh == 0 || rt.MemoryInUse()-base != 2*perFresh {
		t.Errorf("memory in use: %d before, %d with a fresh instance, %d with a restored one too; want the same per instance",
			base, base+perFresh, rt.MemoryInUse())
	}
	fresh.Close(ctx)
	restored.Close(ctx)
	if rt.MemoryInUse() != base {
		t.Errorf("memory in use after both closed: %d, want %d", rt.MemoryInUse(), base)
	}
}
