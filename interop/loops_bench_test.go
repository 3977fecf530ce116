package interop_test

import (
	"context"
	"os"
	"testing"
	"time"

	"github.com/wasifill/wasifill/componentize"
	"github.com/wasifill/wasifill/internal/component"
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

// BenchmarkLoops: the same component's long loops in wasifill (its
// interruption on: checks at function entries and loop headers) and in
// Wasmtime 39 (epoch interruption on), side by side, each call under a
// deadline: a tight arithmetic loop of 10⁸ iterations (squares), a memory
// walk (walk: 1,000 rounds over 64 KiB, 6.6·10⁷ loads) and call-heavy
// recursion (fib(32): 7·10⁶ calls, no loop).
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
	rt, err := wfrt.New(ctx)
	if err != nil {
		b.Fatal(err)
	}
	defer rt.Close(ctx)
	c, err := rt.Compile(ctx, comp)
	if err != nil {
		b.Fatal(err)
	}
	wc, err := wasmtime.Compile(comp)
	if err != nil {
		b.Fatal(err)
	}
	defer wc.Close()
	for _, s := range shapes {
		results := map[string]uint64{}
		check := func(b *testing.B, who string, out []value.Value) {
			got, ok := out[0].(uint64)
			if !ok {
				b.Fatalf("%s: result %T", who, out[0])
			}
			if s.want != 0 && got != s.want {
				b.Fatalf("%s: %s = %d, want %d", who, s.fn, got, s.want)
			}
			results[who] = got
			if w, ok := results["wasifill"]; ok && who == "wasmtime" && w != got {
				b.Fatalf("wasifill and wasmtime disagree on %s: %d vs %d", s.fn, w, got)
			}
		}
		b.Run(s.name+"/wasifill", func(b *testing.B) {
			inst, err := rt.Instantiate(ctx, c)
			if err != nil {
				b.Fatal(err)
			}
			defer inst.Close(ctx)
			for b.Loop() {
				out, err := inst.Call(ctx, loops+s.fn, s.arg)
				if err != nil {
					b.Fatal(err)
				}
				check(b, "wasifill", out)
			}
		})
		b.Run(s.name+"/wasmtime", func(b *testing.B) {
			inst, err := wc.Instantiate(ctx, &wasmtime.Options{DiscardOutput: true})
			if err != nil {
				b.Fatal(err)
			}
			defer inst.Close()
			for b.Loop() {
				out, err := inst.Call(ctx, loops+s.fn, s.arg)
				if err != nil {
					b.Fatal(err)
				}
				check(b, "wasmtime", out)
			}
		})
	}
}
