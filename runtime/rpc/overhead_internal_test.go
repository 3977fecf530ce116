package rpc

import (
	"context"
	"os"
	"testing"
	"time"

	"github.com/wasifill/wasifill/runtime"
)

// BenchmarkMetricsLifecycleOverhead: what the metrics and the lifecycle
// add to one in-process invocation of a component with an idle instance
// — the series lookup, taking the instance and putting it back, the
// queue-wait, duration and outcome observations, the instance gauges and
// the slow-call watch (armed: the function has a p99 after the first
// iterations) — without the guest's call itself.
func BenchmarkMetricsLifecycleOverhead(b *testing.B) {
	ctx := context.Background()
	rt, err := runtime.New(ctx)
	if err != nil {
		b.Fatal(err)
	}
	defer rt.Close(ctx)
	h := New(rt, Config{})
	wasm, err := os.ReadFile("../../testdata/guests/rpc/out/echo.wasm")
	if err != nil {
		b.Fatal(err)
	}
	c, err := rt.Compile(ctx, wasm)
	if err != nil {
		b.Fatal(err)
	}
	if err := h.AddComponentLifecycle("echo", c, 0, Lifecycle{MinInstances: 1}); err != nil {
		b.Fatal(err)
	}
	defer h.Close(ctx)
	p := h.targets["echo"].pool
	b.ReportAllocs()
	for b.Loop() {
		cm, start := h.metrics.call("echo", "acme:kv/store@1.0.0", "get"), time.Now()
		watch := h.watchSlow(ctx, cm, start)
		inst, err := p.acquire(ctx)
		if err != nil {
			b.Fatal(err)
		}
		p.release(inst, true)
		doneSlow(cm, watch, start, nil)
		h.metrics.done(cm, start, nil)
	}
}
