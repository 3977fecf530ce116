package runtime_test

import (
	"context"
	"errors"
	"os"
	goruntime "runtime"
	"strings"
	"testing"
	"time"

	"github.com/wasifill/wasifill/internal/componentize"
	"github.com/wasifill/wasifill/internal/testenv"
	"github.com/wasifill/wasifill/internal/wasmbin"
	"github.com/wasifill/wasifill/runtime"
	"github.com/wasifill/wasifill/value"
)

const loops = "wasifill:interrupt-test/loops#"

// loopsGuests compiles the loops guest as a core module run directly and
// as a component.
func loopsGuests(t testing.TB, rt *runtime.Runtime) map[string]*runtime.Compiled {
	t.Helper()
	core, err := os.ReadFile("testdata/interrupt/loops.core.wasm")
	if err != nil {
		t.Fatal(err)
	}
	world := testenv.World(t, "testdata/interrupt", "spinner")
	comp, err := componentize.New(core, componentize.Options{World: world})
	if err != nil {
		t.Fatal(err)
	}
	ctx := context.Background()
	wit, id := testenv.WIT(t, "testdata/interrupt", "spinner")
	cc, err := rt.CompileCore(ctx, core, wit, id)
	if err != nil {
		t.Fatal(err)
	}
	c, err := rt.Compile(ctx, comp)
	if err != nil {
		t.Fatal(err)
	}
	return map[string]*runtime.Compiled{"core module": cc, "component": c}
}

func instantiate(t testing.TB, rt *runtime.Runtime, c *runtime.Compiled) *runtime.Instance {
	t.Helper()
	inst, err := rt.Instantiate(context.Background(), c)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { inst.Close(context.Background()) })
	return inst
}

// The checks change no result: fib, squares and walk compute the values
// worked out by hand, with interruption on and off.
func TestInterruptionKeepsResults(t *testing.T) {
	for _, on := range []bool{true, false} {
		rt := newRuntime(t, runtime.WithInterruption(on))
		for kind, c := range loopsGuests(t, rt) {
			inst := instantiate(t, rt, c)
			for _, tc := range []struct {
				fn   string
				arg  value.Value
				want value.Value
			}{
				{"fib", uint64(20), uint64(6765)},
				{"squares", uint32(100), uint64(328350)}, // 99·100·199/6
				{"walk", uint32(3), uint64(18)},          // 3 × (1+2+3)
			} {
				if got := call(t, inst, loops+tc.fn, tc.arg); got != tc.want {
					t.Errorf("interruption %v, %s: %s(%v) = %v, want %v", on, kind, tc.fn, tc.arg, got, tc.want)
				}
			}
		}
	}
}

// Every loop shape ends with a typed deadline error soon after a 200 ms
// deadline: loop-free recursion (fib(55) would take hours), a tight loop
// and a memory walk, as a core module and as a component.
func TestInterruptionEndsEveryShape(t *testing.T) {
	rt := newRuntime(t)
	for kind, c := range loopsGuests(t, rt) {
		for _, tc := range []struct {
			fn  string
			arg value.Value
		}{{"fib", uint64(55)}, {"squares", uint32(4_000_000_000)}, {"walk", uint32(4_000_000_000)}} {
			inst := instantiate(t, rt, c)
			ctx, cancel := context.WithTimeout(context.Background(), 200*time.Millisecond)
			start := time.Now()
			_, err := inst.Call(ctx, loops+tc.fn, tc.arg)
			took := time.Since(start)
			cancel()
			var trap *runtime.TrapError
			var intr *runtime.InterruptedError
			if !errors.Is(err, context.DeadlineExceeded) || !errors.As(err, &trap) || !errors.As(err, &intr) {
				t.Errorf("%s: %s: err = %v, want a TrapError with an InterruptedError for the deadline", kind, tc.fn, err)
			}
			// Not a speed assertion: a guest that was not interrupted
			// runs for hours, and this bound only tells the two apart.
			if took > 10*time.Second {
				t.Errorf("%s: %s ended after %v under a 200 ms deadline", kind, tc.fn, took)
			}
			t.Logf("%s: %s ended %v after its start (deadline 200ms)", kind, tc.fn, took)
			// The interrupted instance is not run again.
			if _, err := inst.Call(context.Background(), loops+"fib", uint64(1)); err == nil || !strings.Contains(err.Error(), "cannot be used again") {
				t.Errorf("%s: a call on the interrupted instance: err = %v", kind, err)
			}
		}
	}
}

// A loop whose every iteration is one long instruction (a memory.fill of
// 128 MiB, testdata/interrupt/fill.wat) reads its flag after each: it
// ends at its deadline, not a loop budget of fills later (1,000 of them,
// tens of seconds, before such loops ticked at every iteration).
func TestInterruptionEndsLongInstructionLoop(t *testing.T) {
	rt := newRuntime(t)
	wit, world := testenv.WIT(t, "testdata/interrupt", "spinner")
	ctx := context.Background()
	c, err := rt.CompileCore(ctx, testenv.ReadFile(t, "testdata/interrupt/fill.core.wasm"), wit, world)
	if err != nil {
		t.Fatal(err)
	}
	inst := instantiate(t, rt, c)
	callCtx, cancel := context.WithTimeout(ctx, 200*time.Millisecond)
	defer cancel()
	start := time.Now()
	_, err = inst.Call(callCtx, loops+"walk", uint32(7))
	took := time.Since(start)
	var intr *runtime.InterruptedError
	if !errors.As(err, &intr) || !errors.Is(err, context.DeadlineExceeded) {
		t.Errorf("err = %v, want an InterruptedError for the deadline", err)
	}
	// Not a speed assertion: it tells one fill past the deadline from a
	// thousand.
	if took > 5*time.Second {
		t.Errorf("the fill loop ended after %v under a 200 ms deadline", took)
	}
	t.Logf("the fill loop ended %v after its start (deadline 200ms)", took)
}

// A call whose context has already ended runs nothing and leaves the
// instance usable.
func TestInterruptionEndedContext(t *testing.T) {
	rt := newRuntime(t)
	for kind, c := range loopsGuests(t, rt) {
		inst := instantiate(t, rt, c)
		ctx, cancel := context.WithCancel(context.Background())
		cancel()
		if _, err := inst.Call(ctx, loops+"fib", uint64(55)); !errors.Is(err, context.Canceled) {
			t.Errorf("%s: err = %v, want context.Canceled", kind, err)
		}
		if got := call(t, inst, loops+"fib", uint64(10)); got != uint64(55) {
			t.Errorf("%s: fib(10) = %v after a cancelled call", kind, got)
		}
	}
}

// A component cannot reach the interrupt flag: aliasing its reserved
// export name is a compile error.
func TestInterruptFlagIsReserved(t *testing.T) {
	b, err := os.ReadFile("../testdata/guests/out/compute-loop.wasm")
	if err != nil {
		t.Fatal(err)
	}
	comp, err := wasmbin.DecodeComponent(b)
	if err != nil {
		t.Fatal(err)
	}
	comp.Defs = append(comp.Defs, &wasmbin.AliasDefs{Aliases: []wasmbin.Alias{
		{Sort: wasmbin.SortCoreGlobal, Target: wasmbin.AliasCoreExport, Instance: 0, Name: "wasifill:interrupt"}}})
	rt := newRuntime(t)
	_, err = rt.Compile(context.Background(), wasmbin.EncodeComponent(comp))
	var ce *runtime.CompileError
	if !errors.As(err, &ce) || !strings.Contains(err.Error(), "reserves") {
		t.Errorf("err = %v, want a CompileError about the reserved name", err)
	}
}

// A guest spinning with no deadline does not hold off Go's garbage
// collector: while each loop shape runs, another goroutine completes
// collection after collection (each stops the world, which must wait for
// the guest to call into Go). The guests are then cancelled. With
// WASIFILL_TEST_CPU_HOG=1 a CPU-bound process runs beside it.
func TestSpinningGuestLetsGCRun(t *testing.T) {
	testenv.CPUHog(t)
	rt := newRuntime(t)
	c := loopsGuests(t, rt)["component"]
	for _, tc := range []struct {
		fn  string
		arg value.Value
	}{{"fib", uint64(55)}, {"squares", uint32(4_000_000_000)}, {"walk", uint32(4_000_000_000)}} {
		inst := instantiate(t, rt, c)
		ctx, cancel := context.WithCancel(context.Background())
		done := make(chan error, 1)
		go func() {
			_, err := inst.Call(ctx, loops+tc.fn, tc.arg)
			done <- err
		}()
		time.Sleep(20 * time.Millisecond) // the guest is spinning
		gcs := make(chan int, 1)
		var longest time.Duration
		go func() {
			n := 0
			for start := time.Now(); time.Since(start) < 200*time.Millisecond; n++ {
				s := time.Now()
				goruntime.GC()
				longest = max(longest, time.Since(s))
			}
			gcs <- n
		}()
		select {
		case n := <-gcs:
			t.Logf("%s: %d collections completed while it spun, the longest in %v", tc.fn, n, longest)
			// Not a speed assertion: a guest that does not let the
			// collector through holds it for as long as it spins (tens
			// of seconds), and this bound only tells the two apart.
			if longest > 10*time.Second {
				t.Errorf("%s: a collection waited %v for the spinning guest", tc.fn, longest)
			}
		case <-time.After(time.Minute):
			t.Fatalf("%s: a garbage collection still waits for the guest after a minute", tc.fn)
		}
		select {
		case err := <-done:
			t.Fatalf("%s returned before it was cancelled: %v", tc.fn, err)
		default:
		}
		cancel()
		select {
		case err := <-done:
			if !errors.Is(err, context.Canceled) {
				t.Errorf("%s: err = %v, want context.Canceled", tc.fn, err)
			}
		case <-time.After(time.Minute):
			t.Fatalf("%s still runs a minute after its context was cancelled", tc.fn)
		}
	}
}
