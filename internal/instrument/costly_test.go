package instrument

import (
	"context"
	"strings"
	"testing"

	"github.com/tetratelabs/wazero"
	"github.com/tetratelabs/wazero/api"
)

// A loop whose body (nested loops included) runs a costly instruction —
// memory.grow, a bulk memory or table operation, an atomic wait — is
// neither charged nor strip-mined: it calls tick at every iteration, so
// that one such instruction, which can run for milliseconds, is followed
// by a flag read. A loop beside one is classified as before.
func TestCostlyLoops(t *testing.T) {
	const fill = ` (memory.fill (local.get $i) (i32.const 0) (i32.const 16))`
	strip := func(body string) string {
		return `(block $done (loop $l (br_if $done (i32.ge_u (local.get $i) (local.get $n)))` + body + `
			(local.set $i (i32.add (local.get $i) (i32.const 1))) (br $l)))`
	}
	bounded := func(body string) string {
		return `(loop $c` + body + `
			(br_if $c (i32.lt_u (local.tee $x (i32.add (local.get $x) (i32.const 1))) (i32.const 100))))`
	}
	for _, c := range []struct {
		name, body string
		want       []bool // everyIteration of each loop, in order
	}{
		{"memory.fill in a loop that would be strip-mined", strip(fill), []bool{true}},
		{"memory.copy in a bounded loop", bounded(` (memory.copy (local.get $i) (i32.const 0) (i32.const 16))`), []bool{true}},
		{"memory.grow", strip(` (drop (memory.grow (i32.const 0)))`), []bool{true}},
		{"atomic wait", strip(` (drop (memory.atomic.wait32 (i32.const 0) (i32.const 1) (i64.const 0)))`), []bool{true}},
		{"in a nested loop", strip(bounded(fill)), []bool{true, true}},
		{"beside the loop", fill + ` ` + strip(``), []bool{false}},
		{"cheap 0xfc and 0xfe instructions", strip(` (local.set $x (i32.trunc_sat_f32_s (f32.const 1)))
			(drop (memory.atomic.notify (i32.const 0) (i32.const 1)))`), []bool{false}},
	} {
		t.Run(c.name, func(t *testing.T) {
			wat := strings.Replace(loopFunc(c.body), "(memory 1)", "(memory 1 1 shared)", 1)
			plans := loopPlans(t, wat2wasm(t, wat, "--enable-threads"))
			if len(plans) != 1 || len(plans[0]) != len(c.want) {
				t.Fatalf("loops %+v, want %d", plans, len(c.want))
			}
			for i, l := range plans[0] {
				if l.everyIteration != c.want[i] {
					t.Errorf("loop %d: everyIteration %v, want %v", i, l.everyIteration, c.want[i])
				}
				if l.everyIteration && (l.strip != nil || l.charge != 0) {
					t.Errorf("loop %d: charged %d or strip-mined (%v) though it ticks every iteration", i, l.charge, l.strip != nil)
				}
			}
		})
	}
}

// Run on wazero: a loop of memory.fill ticks at every iteration (so calls
// into Go every Budget/LoopWeight iterations), and a leaf function with a
// memory.fill reads the flag at its entry, where a leaf without one has
// no check.
func TestCostlyRunsChecked(t *testing.T) {
	ctx := context.Background()
	rt := wazero.NewRuntimeWithConfig(ctx, wazero.NewRuntimeConfig().WithCloseOnContextDone(false))
	defer rt.Close(ctx)
	checks := instantiateCheck(t, rt)
	wasm := wat2wasm(t, `(module (memory 1)
  (func (export "fills") (param $n i32) (local $i i32)
    (block $done (loop $l (br_if $done (i32.ge_u (local.get $i) (local.get $n)))
      (memory.fill (i32.const 0) (i32.const 7) (i32.const 16))
      (local.set $i (i32.add (local.get $i) (i32.const 1))) (br $l))))
  (func (export "leaf_fill") (memory.fill (i32.const 0) (i32.const 7) (i32.const 16)))
  (func (export "leaf") (i32.store (i32.const 0) (i32.const 7))))`)
	mod, err := rt.Instantiate(ctx, instrumentedBytes(t, wasm))
	if err != nil {
		t.Fatal(err)
	}
	const n = 5000
	if _, err := mod.ExportedFunction("fills").Call(ctx, n); err != nil {
		t.Fatal(err)
	}
	// Budget/LoopWeight = 100 ticks per call into Go.
	if got, want := checks.Load(), int64(n/(Budget/LoopWeight)); got < want {
		t.Errorf("%d iterations of memory.fill called into Go %d times, want at least %d (a tick per iteration)", n, got, want)
	}
	mod.ExportedGlobal(FlagExport).(api.MutableGlobal).Set(1)
	if _, err := mod.ExportedFunction("leaf_fill").Call(ctx); err == nil || !strings.Contains(err.Error(), "unreachable") {
		t.Errorf("leaf with memory.fill, flag set: %v, want the check's trap", err)
	}
	if _, err := mod.ExportedFunction("leaf").Call(ctx); err != nil {
		t.Errorf("leaf without a costly instruction, flag set: %v, want no check", err)
	}
}
