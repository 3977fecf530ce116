package rpc_test

import (
	"context"
	"os"
	"sort"
	"testing"
	"time"

	"github.com/wasifill/wasifill/runtime"
	"github.com/wasifill/wasifill/runtime/rpc"
)

// BenchmarkInterruption: a tight loop (compute-loop's squares(5e6)) with
// wazero's close-on-context-done on and off, in one run.
func BenchmarkInterruption(b *testing.B) {
	wasm, err := os.ReadFile("../../testdata/guests/out/compute-loop.wasm")
	if err != nil {
		b.Fatal(err)
	}
	for _, on := range []bool{true, false} {
		name := "on"
		if !on {
			name = "off"
		}
		b.Run(name, func(b *testing.B) {
			ctx := context.Background()
			rt, err := runtime.New(ctx, runtime.WithInterruption(on))
			if err != nil {
				b.Fatal(err)
			}
			defer rt.Close(ctx)
			c, err := rt.Compile(ctx, wasm)
			if err != nil {
				b.Fatal(err)
			}
			inst, err := rt.Instantiate(ctx, c)
			if err != nil {
				b.Fatal(err)
			}
			callCtx, cancel := context.WithTimeout(ctx, time.Hour)
			defer cancel()
			for b.Loop() {
				if _, err := inst.Call(callCtx, "wasifill:guests/compute@0.1.0#squares", uint32(5_000_000)); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}

// BenchmarkLateness: a spinning callee at depth 3 (a → b → spin, 20ms
// link): how long after its deadline the call returns, p50 and p99.
func BenchmarkLateness(b *testing.B) {
	_, h, c := setup(b, rpc.Config{})
	h.AddComponent("a", c["relay"], 0)
	h.AddComponent("b", c["relay"], 0)
	h.AddComponent("spin", c["spin"], 0)
	h.Link("a", "next", "b", 0)
	h.Link("b", "next", "spin", 20*time.Millisecond)
	var late []time.Duration
	for b.Loop() {
		start := time.Now()
		if _, err := h.Call(context.Background(), "a", "i", "f", nil); err == nil {
			b.Fatal("the spinning callee answered")
		}
		late = append(late, time.Since(start)-20*time.Millisecond)
	}
	reportPercentiles(b, late, "late")
}

// BenchmarkCallThroughHost: one invocation routed by the host (a relay
// invoking echo, each instantiated for the call) next to calling echo's
// handle directly on a kept instance and on a fresh one.
func BenchmarkCallThroughHost(b *testing.B) {
	rt, h, c := setup(b, rpc.Config{})
	h.AddComponent("a", c["relay"], 0)
	h.AddComponent("echo", c["echo"], 0)
	h.Link("a", "next", "echo", 0)
	ctx := context.Background()
	params := make([]byte, 1024)
	b.Run("host/relay-echo", func(b *testing.B) {
		for b.Loop() {
			if _, err := h.Call(ctx, "a", "i", "f", params); err != nil {
				b.Fatal(err)
			}
		}
	})
	_, pooled, pc := setup(b, rpc.Config{PoolSize: 4}) // one host per runtime
	pooled.AddComponent("a", pc["relay"], 0)
	pooled.AddComponent("echo", pc["echo"], 0)
	pooled.Link("a", "next", "echo", 0)
	defer pooled.Close(ctx)
	b.Run("host/relay-echo-pooled", func(b *testing.B) {
		for b.Loop() {
			if _, err := pooled.Call(ctx, "a", "i", "f", params); err != nil {
				b.Fatal(err)
			}
		}
	})
	b.Run("direct/fresh-instance", func(b *testing.B) {
		for b.Loop() {
			inst, err := rt.Instantiate(ctx, c["echo"])
			if err != nil {
				b.Fatal(err)
			}
			if _, err := inst.Call(ctx, rpc.Handler+"#handle", "i", "f", params); err != nil {
				b.Fatal(err)
			}
			inst.Close(ctx)
		}
	})
	b.Run("direct/kept-instance", func(b *testing.B) {
		inst, err := rt.Instantiate(ctx, c["echo"])
		if err != nil {
			b.Fatal(err)
		}
		defer inst.Close(ctx)
		for b.Loop() {
			if _, err := inst.Call(ctx, rpc.Handler+"#handle", "i", "f", params); err != nil {
				b.Fatal(err)
			}
		}
	})
}

func reportPercentiles(b *testing.B, ds []time.Duration, unit string) {
	if len(ds) == 0 {
		return
	}
	sort.Slice(ds, func(i, j int) bool { return ds[i] < ds[j] })
	p := func(q float64) float64 { return float64(ds[int(q*float64(len(ds)-1))].Microseconds()) / 1000 }
	b.ReportMetric(p(0.5), unit+"-p50-ms")
	b.ReportMetric(p(0.99), unit+"-p99-ms")
}
