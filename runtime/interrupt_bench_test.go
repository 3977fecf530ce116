package runtime_test

import (
	"context"
	"testing"
	"time"

	"github.com/wasifill/wasifill/runtime"
	"github.com/wasifill/wasifill/value"
)

// BenchmarkInterruption: three loop shapes of the loops guest (a
// component), with interruption on (checks at function entries and loop
// headers) and off (the trusted mode), side by side in one run: a tight
// arithmetic loop (squares, 5·10⁶ iterations), a memory walk (walk, 80
// rounds over 64 KiB: 5.2·10⁶ loads) and call-heavy recursion (fib(27):
// 3.2·10⁵ calls). Calls carry a deadline, as they do in a host.
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
	for _, shape := range shapes {
		for _, on := range []bool{true, false} {
			mode := "off"
			if on {
				mode = "on"
			}
			b.Run(shape.name+"/"+mode, func(b *testing.B) {
				rt, err := runtime.New(ctx, runtime.WithInterruption(on))
				if err != nil {
					b.Fatal(err)
				}
				defer rt.Close(ctx)
				inst, err := rt.Instantiate(ctx, loopsGuests(b, rt)["component"])
				if err != nil {
					b.Fatal(err)
				}
				callCtx, cancel := context.WithTimeout(ctx, time.Hour)
				defer cancel()
				for b.Loop() {
					if _, err := inst.Call(callCtx, loops+shape.fn, shape.arg); err != nil {
						b.Fatal(err)
					}
				}
			})
		}
	}
}
