package interop_test

import (
	"context"
	"os"
	"slices"
	"testing"
	"time"

	"github.com/wasifill/wasifill/internal/component"
	"github.com/wasifill/wasifill/internal/componentize"
	"github.com/wasifill/wasifill/interop/wasmtime"
	wfrt "github.com/wasifill/wasifill/runtime"
	"github.com/wasifill/wasifill/value"
	"github.com/wasifill/wasifill/witparse"
)

// loopsComponent is the runtime's loops guest (runtime/testdata/interrupt:
// loops.wat, loops.wit) as a component.
func loopsComponent(b *testing.B) []byte {
	b.Helper()
	const dir = "../runtime/testdata/interrupt"
	core, err := os.ReadFile(dir + "/loops.core.wasm")
	if err != nil {
		b.Fatal(err)
	}
	r, pkg, err := witparse.Load(dir, witparse.Options{})
	if err != nil {
		b.Fatal(err)
	}
	var world *component.Type
	for _, w := range r.Packages[pkg].Worlds {
		if w.Name == "spinner" {
			if world, err = component.FromWorld(r, w.ID); err != nil {
				b.Fatal(err)
			}
		}
	}
	comp, err := componentize.New(core, componentize.Options{World: world})
	if err != nil {
		b.Fatal(err)
	}
	return comp
}

// BenchmarkLoops: the same component's long loops in wasifill with its
// interruption on (checks at function entries and loop headers) and off
// (the trusted mode), and in Wasmtime 39 (epoch interruption on), each
// call under a deadline: a tight arithmetic loop of 10⁸ iterations
// (squares), a memory walk (walk: 1,000 rounds over 64 KiB, 6.6·10⁷
// loads) and call-heavy recursion (fib(32): 7·10⁶ calls, no loop).
//
// Each iteration calls all three once, in an order that rotates, so that
// they see the same machine: the metrics are the median per-iteration
// ratios (on/wasmtime, off/wasmtime, on/off) beside the mean times.
func BenchmarkLoops(b *testing.B) {
	const loops = "wasifill:interrupt-test/loops#"
	shapes := []struct {
		name, fn string
		arg      value.Value
		want     uint64
	}{
		{"tight-loop-1e8", "squares", uint32(100_000_000), 0},
		{"memory-walk", "walk", uint32(1000), 0},
		{"recursion", "fib", uint64(32), 2178309},
	}
	comp := loopsComponent(b)
	ctx, cancel := context.WithTimeout(context.Background(), time.Hour)
	defer cancel()
	var calls [3]func(fn string, arg value.Value) (uint64, error) // on, off, wasmtime
	for i, on := range []bool{true, false} {
		inst := wfInstance(b, comp, wfrt.WithInterruption(on))
		calls[i] = func(fn string, arg value.Value) (uint64, error) {
			return u64(inst.Call(ctx, loops+fn, arg))
		}
	}
	wc, err := wasmtime.Compile(comp)
	if err != nil {
		b.Fatal(err)
	}
	defer wc.Close()
	wi, err := wc.Instantiate(ctx, &wasmtime.Options{DiscardOutput: true})
	if err != nil {
		b.Fatal(err)
	}
	defer wi.Close()
	calls[2] = func(fn string, arg value.Value) (uint64, error) {
		return u64(wi.Call(ctx, loops+fn, arg))
	}
	names := [3]string{"wasifill-on", "wasifill-off", "wasmtime"}
	for _, s := range shapes {
		b.Run(s.name, func(b *testing.B) {
			var total [3]time.Duration
			var ratios [3][]float64 // on/wasmtime, off/wasmtime, on/off
			n := 0
			for b.Loop() {
				var took [3]time.Duration
				var got [3]uint64
				for k := range 3 {
					i := (n + k) % 3
					start := time.Now()
					v, err := calls[i](s.fn, s.arg)
					took[i] = time.Since(start)
					if err != nil {
						b.Fatalf("%s: %v", names[i], err)
					}
					got[i] = v
				}
				if got[0] != got[2] || got[1] != got[2] || (s.want != 0 && got[2] != s.want) {
					b.Fatalf("%s: results %v disagree (want %d)", s.fn, got, s.want)
				}
				for i := range 3 {
					total[i] += took[i]
				}
				ratios[0] = append(ratios[0], float64(took[0])/float64(took[2]))
				ratios[1] = append(ratios[1], float64(took[1])/float64(took[2]))
				ratios[2] = append(ratios[2], float64(took[0])/float64(took[1]))
				n++
			}
			for i, name := range names {
				b.ReportMetric(float64(total[i].Nanoseconds())/float64(n), "ns-"+name+"/op")
			}
			for i, unit := range []string{"on/wasmtime", "off/wasmtime", "on/off"} {
				slices.Sort(ratios[i])
				b.ReportMetric(ratios[i][len(ratios[i])/2], unit)
			}
		})
	}
}

// u64 is a call's first result as a u64 (0 when it is not one).
func u64(out []value.Value, err error) (uint64, error) {
	v, err := first(out, err)
	got, _ := v.(uint64)
	return got, err
}
