package instrument

import (
	"context"
	"fmt"
	"os"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/tetratelabs/wazero"
	"github.com/tetratelabs/wazero/api"

	"github.com/wasifill/wasifill/internal/wasmbin"
)

// BenchmarkLoopLayouts: the runtime's loop shapes (the tight loop and the
// memory walk of runtime/testdata/interrupt/loops.wat) as written and
// rewritten, on bare wazero, each with 0 to 15 copies of a global's
// increment in front of its loops. The increments change nothing but
// where wazero's machine code for the loops falls, which alone moves the
// unrewritten loops by up to 1.7× on an x86-64: the on/off ratio of one
// layout says as much about the layout as about the checks. Each
// iteration calls every layout on and off, alternating which goes first;
// on/off is the sum over layouts of the median times on over the same
// off (each layout weighs the same), min- and max-on/off the lowest and
// highest ratio of one layout's medians.
func BenchmarkLoopLayouts(b *testing.B) {
	src, err := os.ReadFile("../../runtime/testdata/interrupt/loops.wat")
	if err != nil {
		b.Fatal(err)
	}
	ctx := context.Background()
	rt := wazero.NewRuntimeWithConfig(ctx, wazero.NewRuntimeConfig().WithCloseOnContextDone(false))
	defer rt.Close(ctx)
	instantiateCheck(b, rt)
	const locals = "(local $i i32) (local $sum i64)"
	// Increments of an i32 and of an i64 global, whose machine code
	// differs in length by a few bytes: mixed, they move the loops in
	// small steps across more than a cache line.
	const inc32 = " (global.set $pad (i32.add (global.get $pad) (i32.const 1)))"
	const inc64 = " (global.set $pad64 (i64.add (global.get $pad64) (i64.const 1)))"
	const layouts = 16
	var mods [layouts][2]api.Module // on, off
	for pads := range layouts {
		pad := strings.Repeat(inc32, pads%4) + strings.Repeat(inc64, pads/4)
		wat := strings.ReplaceAll(string(src), locals, locals+pad)
		wat = strings.Replace(wat, "(module", "(module (global $pad (mut i32) (i32.const 0)) (global $pad64 (mut i64) (i64.const 0))", 1)
		wasm := wat2wasm(b, wat)
		m, err := wasmbin.Decode(wasm)
		if err != nil {
			b.Fatal(err)
		}
		if err := AddInterruptChecks(m); err != nil {
			b.Fatal(err)
		}
		for i, w := range [][]byte{m.Encode(), wasm} {
			if mods[pads][i], err = rt.InstantiateWithConfig(ctx, w, wazero.NewModuleConfig().WithName(fmt.Sprint(pads, i))); err != nil {
				b.Fatal(err)
			}
		}
	}
	for _, shape := range []struct {
		name, fn string
		arg      uint64
	}{{"tight-loop", "squares", 5_000_000}, {"memory-walk", "walk", 80}} {
		b.Run(shape.name, func(b *testing.B) {
			var took [layouts][2][]time.Duration
			n := 0
			for b.Loop() {
				for pads := range layouts {
					for k := range 2 {
						i := (n + k) % 2
						start := time.Now()
						if _, err := mods[pads][i].ExportedFunction("wasifill:interrupt-test/loops#"+shape.fn).Call(ctx, shape.arg); err != nil {
							b.Fatal(err)
						}
						took[pads][i] = append(took[pads][i], time.Since(start))
					}
				}
				n++
			}
			// Per layout, the median time on and off; then the ratio of
			// their sums over layouts, and the lowest and highest ratio
			// of one layout.
			var sum [2]time.Duration
			lo, hi := 1e9, 0.0
			for pads := range layouts {
				var med [2]time.Duration
				for i := range 2 {
					slices.Sort(took[pads][i])
					med[i] = took[pads][i][len(took[pads][i])/2]
					sum[i] += med[i]
				}
				r := float64(med[0]) / float64(med[1])
				lo, hi = min(lo, r), max(hi, r)
			}
			b.ReportMetric(float64(sum[0])/float64(sum[1]), "on/off")
			b.ReportMetric(lo, "min-on/off")
			b.ReportMetric(hi, "max-on/off")
		})
	}
}
