package rpc_test

import (
	"context"
	"sort"
	"testing"
	"time"

	"github.com/wasifill/wasifill/internal/testenv"
	"github.com/wasifill/wasifill/runtime/rpc"
)

// BenchmarkLateness: a spinning callee at depth 3 (an entry → a → b →
// spin, 20 ms link): how long after its own deadline the spinning
// invocation ended with deadline-exceeded, as its hop in the chain records
// it (instantiating a and b before it started is not lateness), p50 and
// p99; beside it, how late a plain 1 ms Go timer fires in the same run
// (timer-late: the machine's scheduling latency, a floor for both). With
// WASIFILL_TEST_CPU_HOG=1 a CPU-bound process runs beside it.
func BenchmarkLateness(b *testing.B) {
	_, h, c := setup(b, rpc.Config{})
	h.AddComponent("a", c["relay"], 0)
	h.AddComponent("b", c["relay"], 0)
	h.AddComponent("spin", c["spin"], 0)
	h.Link("a", "next", "b", 0)
	h.Link("b", "next", "spin", 20*time.Millisecond)
	testenv.CPUHog(b)
	var late, floor []time.Duration
	for b.Loop() {
		floor = append(floor, timerLateness())
		ctx, release, err := h.Enter(context.Background(), "a")
		if err != nil {
			b.Fatal(err)
		}
		if _, err := h.Call(ctx, "a", "i", "f", nil); err == nil {
			b.Fatal("the spinning callee answered")
		}
		found := false
		for _, hop := range rpc.Chain(ctx) {
			if hop.Depth == 3 && hop.Target == "spin" && hop.DeadlineExceeded() {
				late = append(late, hop.Elapsed-hop.Deadline)
				found = true
			}
		}
		release()
		if !found {
			b.Fatalf("no deadline-exceeded hop for spin at depth 3 in %+v", rpc.Chain(ctx))
		}
	}
	reportPercentiles(b, late, "late")
	reportPercentiles(b, floor, "timer-late")
}

// timerLateness is how late a plain Go timer of 1 ms fires: the floor
// of any deadline's lateness on the machine as it is at the moment
// (scheduling latency), measured beside the guests' in BenchmarkLateness.
func timerLateness() time.Duration {
	d := time.Now().Add(time.Millisecond)
	<-time.After(time.Until(d))
	return time.Since(d)
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
