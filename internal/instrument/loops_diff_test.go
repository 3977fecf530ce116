package instrument

import (
	"context"
	"os"
	"os/exec"
	"path/filepath"
	goruntime "runtime"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/tetratelabs/wazero"
	"github.com/tetratelabs/wazero/api"
)

// validate runs wabt's validator on a rewritten module (failing in CI
// without it, skipping the check loudly elsewhere) and compiles it on
// wazero.
func validate(t *testing.T, rt wazero.Runtime, wasm []byte) {
	t.Helper()
	if _, err := exec.LookPath("wasm-validate"); err == nil {
		f := filepath.Join(t.TempDir(), "out.wasm")
		if err := os.WriteFile(f, wasm, 0o644); err != nil {
			t.Fatal(err)
		}
		if msg, err := exec.Command("wasm-validate", f).CombinedOutput(); err != nil {
			t.Fatalf("wasm-validate: %v\n%s", err, msg)
		}
	} else if os.Getenv("CI") != "" {
		t.Fatal("wasm-validate is missing")
	} else {
		t.Log("SKIPPING validation of the rewritten module: wasm-validate (wabt) is not installed")
	}
	if _, err := rt.CompileModule(context.Background(), wasm); err != nil {
		t.Fatalf("wazero refuses the rewritten module: %v", err)
	}
}

// differential instantiates a test module as written and rewritten,
// checking the rewrite classified its loops as want says (in order over
// all functions; nil: not checked), and returns both.
func differential(t *testing.T, rt wazero.Runtime, file string) (orig, inst api.Module) {
	t.Helper()
	ctx := context.Background()
	wasm := mustRead(t, file)
	out := instrumented(t, file)
	validate(t, rt, out)
	orig, err := rt.InstantiateWithConfig(ctx, wasm, wazero.NewModuleConfig().WithName(file+".orig"))
	if err != nil {
		t.Fatal(err)
	}
	inst, err = rt.InstantiateWithConfig(ctx, out, wazero.NewModuleConfig().WithName(file+".inst"))
	if err != nil {
		t.Fatal(err)
	}
	return orig, inst
}

// same calls fn with args on both modules and wants the same results.
func same(t *testing.T, orig, inst api.Module, fn string, args ...uint64) {
	t.Helper()
	ctx := context.Background()
	want, werr := orig.ExportedFunction(fn).Call(ctx, args...)
	// A rewrite that made the loop run on would hang the test: its flag
	// stops it (every call here takes milliseconds).
	flag := inst.ExportedGlobal(FlagExport).(api.MutableGlobal)
	stop := time.AfterFunc(20*time.Second, func() { flag.Set(1) })
	got, gerr := inst.ExportedFunction(fn).Call(ctx, args...)
	stop.Stop()
	if (werr != nil) != (gerr != nil) || len(got) != len(want) {
		t.Fatalf("%s%v: rewritten %v, %v; as written %v, %v", fn, args, got, gerr, want, werr)
	}
	for i := range want {
		if got[i] != want[i] {
			t.Errorf("%s%v = %v rewritten, %v as written", fn, args, got, want)
			return
		}
	}
}

// Loops the rewrite charges at entry or strip-mines compute what they
// compute as written, from starts and bounds at the edges of the
// classifier's reasoning: an empty loop, chunk boundaries, a first step
// that wraps, bounds near 2^32 where a step would wrap (the strip-mined
// loop's copy of its body in the header).
func TestBoundedLoopsDifferential(t *testing.T) {
	ctx := context.Background()
	rt := wazero.NewRuntimeWithConfig(ctx, wazero.NewRuntimeConfig().WithCloseOnContextDone(false))
	defer rt.Close(ctx)
	instantiateCheck(t, rt)
	charges := loopCharges(t, mustRead(t, "bounded.wasm"))
	want := [][]uint32{{335}, {144}, {300}, {500}, {389}, {stripped}, {stripped}, {stripped}, {0, 0, 10}, {stripped}, {stripped}, {stripped}, {stripped}}
	if len(charges) != len(want) {
		t.Fatalf("loops: %v, want %v", charges, want)
	}
	for i := range want {
		if len(charges[i]) != len(want[i]) {
			t.Fatalf("function %d: loops %v, want %v", i, charges[i], want[i])
		}
		for j := range want[i] {
			if charges[i][j] != want[i][j] {
				t.Errorf("function %d, loop %d: charge %d, want %d", i, j, charges[i][j], want[i][j])
			}
		}
	}
	// The strip-mined loops' scales, which the chunk boundaries below
	// are chosen for (tt_1, tt_3, tt_big, bs_1, bs_ne, bs_big, wrap).
	var scales []uint32
	for _, f := range loopPlans(t, mustRead(t, "bounded.wasm")) {
		for _, l := range f {
			if l.strip != nil {
				scales = append(scales, l.strip.scale)
			}
		}
	}
	if want := []uint32{10, 9, 2, 10, 10, 2, 10}; !slices.Equal(scales, want) {
		t.Errorf("scales %v, want %v", scales, want)
	}
	orig, inst := differential(t, rt, "bounded.wasm")
	const top = 1<<32 - 1
	for _, start := range []uint64{0, 1, 2, 998, 999, 1000, 1001, 5000, top - 3, top - 2, top - 1, top} {
		for _, fn := range []string{"bt_lt", "bt_le", "tt_const"} {
			same(t, orig, inst, fn, start)
		}
	}
	for _, x := range []uint64{0, 4, 9, 1499, 1504} {
		same(t, orig, inst, "bt_ne", x)
		same(t, orig, inst, "bt_zero", x)
	}
	for _, c := range [][2]uint64{{0, 0}, {0, 1}, {0, 999}, {0, 1000}, {0, 1001}, {0, 2001}, {5, 123_457}, {10, 5}, {7, 7}, {top, top}} {
		for _, fn := range []string{"tt_1", "tt_3", "tt_big"} {
			same(t, orig, inst, fn, c[0], c[1])
		}
	}
	// Scaled chunks (stripScale): tt_1 runs 10,000 iterations a chunk,
	// tt_3 9,000 (27,000 of i), tt_big 2,000 (of 999999 each).
	for _, c := range [][2]uint64{{0, 9999}, {0, 10000}, {0, 10001}, {0, 20001}, {3, 30004}, {top - 25000, top}} {
		same(t, orig, inst, "tt_1", c[0], c[1])
	}
	for _, c := range [][2]uint64{{0, 26999}, {0, 27000}, {0, 27003}, {1, 54010}, {top - 60000, top - 1}} {
		same(t, orig, inst, "tt_3", c[0], c[1])
	}
	for _, n := range []uint64{1999 * 999999, 2000 * 999999, 2001*999999 + 1} {
		same(t, orig, inst, "tt_big", 0, n)
	}
	// Near 2^32 (each case's iterations found by simulating the loop: a
	// step that wraps makes some of these loops run for 2^32/c steps or
	// forever).
	for _, c := range [][2]uint64{{top - 2500, top}, {top - 2500, top - 1}, {top - 1, top}, {top - 10, top - 3}, {top - 3, top}} {
		same(t, orig, inst, "tt_1", c[0], c[1])
	}
	for _, c := range [][2]uint64{{top - 2500, top - 1}, {top - 10, top - 3}, {top - 3, top}} {
		same(t, orig, inst, "tt_3", c[0], c[1])
	}
	// tt_big (step 999999) through steps that wrap: 23 of 103079, 1 of
	// 4295 and 17 of 77309.
	same(t, orig, inst, "tt_big", 0, 4294633963)
	same(t, orig, inst, "tt_big", 4293967297, 4293967302)
	same(t, orig, inst, "tt_big", 12345, 4294467297)
	// Bottom-tested: the first iteration always runs; i != n where n is
	// reached (a multiple of 4 away).
	for _, c := range [][2]uint64{{0, 0}, {0, 1}, {0, 1000}, {0, 1001}, {0, 4000}, {4, 4004}, {5, 123_457}, {10, 5},
		{0, 10000}, {0, 10001}, {0, 20002}, {0, 40000}, {4, 40008},
		{top - 2500, top}, {top - 1, top}, {top - 4003, top - 3}} {
		same(t, orig, inst, "bs_1", c[0], c[1])
		if (c[1]-c[0])%4 == 0 && c[1] > c[0] {
			same(t, orig, inst, "bs_ne", c[0], c[1])
		}
	}
	for _, c := range [][2]uint64{{0, 0}, {0, 1}, {5, 123_457}, {10, 5}, {0, 4294633963}, {4293967297, 4293967302}, {12345, 4294467297}} {
		same(t, orig, inst, "bs_big", c[0], c[1])
	}
	for _, c := range [][2]uint64{{0, 1}, {1, 1}, {1001, 3}, {3, 1001}, {0, 5}} {
		same(t, orig, inst, "nested", c[0], c[1])
	}
	same(t, orig, inst, "wrap", 1<<20)
}

// Loops as clang-14 -O2 compiles them (testdata/cloops.c) compute what
// they compute as written, and some of them are charged at entry.
func TestClangLoopsDifferential(t *testing.T) {
	ctx := context.Background()
	rt := wazero.NewRuntimeWithConfig(ctx, wazero.NewRuntimeConfig().WithCloseOnContextDone(false))
	defer rt.Close(ctx)
	instantiateCheck(t, rt)
	charged := 0
	for _, f := range loopCharges(t, mustRead(t, "cloops.wasm")) {
		for _, c := range f {
			if c != 0 {
				charged++
			}
		}
	}
	if charged < 3 {
		t.Errorf("%d of clang's loops charged at entry or strip-mined, want at least 3", charged)
	}
	orig, inst := differential(t, rt, "cloops.wasm")
	for _, seed := range []uint64{1, 12345} {
		same(t, orig, inst, "fill", seed)
		same(t, orig, inst, "fill", seed) // both memories hold the same bytes now
		same(t, orig, inst, "sum_const")
		for _, n := range []uint64{0, 1, 3, 4, 5, 1000, 70_001} {
			same(t, orig, inst, "sum_n", n)
			same(t, orig, inst, "squares", n)
			same(t, orig, inst, "countdown", n)
			same(t, orig, inst, "strided_n", n/3, n)
			same(t, orig, inst, "strided_n", 1<<32-1-5*n, 1<<32-2)
		}
		for _, x := range []uint64{0, 7, 1 << 31} {
			same(t, orig, inst, "stride", x)
			same(t, orig, inst, "matrix", x)
		}
	}
}

// A strip-mined loop that never ends (its induction wraps forever) stops
// once the flag is set, and lets a garbage collection through while it
// spins.
func TestStripMinedLoopInterrupted(t *testing.T) {
	ctx := context.Background()
	rt := wazero.NewRuntimeWithConfig(ctx, wazero.NewRuntimeConfig().WithCloseOnContextDone(false))
	defer rt.Close(ctx)
	checks := instantiateCheck(t, rt)
	mod, err := rt.Instantiate(ctx, instrumented(t, "bounded.wasm"))
	if err != nil {
		t.Fatal(err)
	}
	flag := mod.ExportedGlobal(FlagExport).(api.MutableGlobal)
	done := make(chan error, 1)
	go func() {
		_, err := mod.ExportedFunction("wrap").Call(ctx, 1<<32-1)
		done <- err
	}()
	time.Sleep(20 * time.Millisecond)
	gc := make(chan struct{})
	go func() { goruntime.GC(); close(gc) }()
	select {
	case <-gc:
	case <-time.After(time.Minute):
		t.Fatal("a garbage collection still waits for the guest after a minute")
	}
	if checks.Load() == 0 {
		t.Error("the check import was never called")
	}
	flag.Set(1)
	select {
	case err := <-done:
		if err == nil || !strings.Contains(err.Error(), "unreachable") {
			t.Errorf("err = %v, want the check's trap", err)
		}
	case <-time.After(time.Minute):
		t.Fatal("the loop still runs a minute after the flag was set")
	}
}
