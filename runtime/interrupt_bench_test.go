package runtime_test

import (
	"context"
	"slices"
	"testing"
	"time"

	"github.com/wasifill/wasifill/runtime"
	"github.com/wasifill/wasifill/value"
)

// BenchmarkInterruption: three loop shapes of the loops guest (a
// component), with interruption on (checks at function entries and loop
// headers) and off (the trusted mode): a tight arithmetic loop (squares,
// 5·10⁶ iterations), a memory walk (walk, 80 rounds over 64 KiB: 5.2·10⁶
// loads) and call-heavy recursion (fib(27): 3.2·10⁵ calls). Calls carry a
// deadline, as they do in a host.
//
// Each iteration calls the same function once with interruption on and
// once off, alternating which goes first, so both see the same machine:
// the ratio metric (on/off) is the median of the per-iteration ratios,
// which a busy machine disturbs far less than two separate runs.
func BenchmarkInterruption(b *testing.B) {
	shapes := []struct {
		name, fn string
		arg      value.Value
	}{
		{"tight-loop", "squares", uint32(5_000_000)},
		{"memory-walk", "walk", uint32(80)},
		{"recursion", "fib", uint64(27)},
	}
	ctx := context.Background()
	var insts [2]*runtime.Instance // on, off
	for i, on := range []bool{true, false} {
		rt, err := runtime.New(ctx, runtime.WithInterruption(on))
		if err != nil {
			b.Fatal(err)
		}
		defer rt.Close(ctx)
		if insts[i], err = rt.Instantiate(ctx, loopsGuests(b, rt)["component"]); err != nil {
			b.Fatal(err)
		}
	}
	callCtx, cancel := context.WithTimeout(ctx, time.Hour)
	defer cancel()
	for _, shape := range shapes {
		b.Run(shape.name, func(b *testing.B) {
			var took [2]time.Duration
			var ratios []float64
			n := 0
			for b.Loop() {
				var t [2]time.Duration
				for k := range 2 {
					i := (n + k) % 2
					start := time.Now()
					if _, err := insts[i].Call(callCtx, loops+shape.fn, shape.arg); err != nil {
						b.Fatal(err)
					}
					t[i] = time.Since(start)
				}
				took[0] += t[0]
				took[1] += t[1]
				ratios = append(ratios, float64(t[0])/float64(t[1]))
				n++
			}
			slices.Sort(ratios)
			b.ReportMetric(float64(took[0].Nanoseconds())/float64(n), "ns-on/op")
			b.ReportMetric(float64(took[1].Nanoseconds())/float64(n), "ns-off/op")
			b.ReportMetric(ratios[len(ratios)/2], "on/off")
		})
	}
}
