package rpc_test

import (
	"context"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/wasifill/wasifill/runtime/rpc"
)

// The host-wide instance budget: 300 concurrent invocations over two
// components never have more than 3 instances between them; an idle
// instance of one component makes room for another; with every place
// busy, an invocation is queued out at its deadline.
func TestHostInstanceBudget(t *testing.T) {
	const budget = 3
	rt, h, c := setup(t, rpc.Config{DefaultTimeout: time.Minute, MaxConcurrent: 300, MaxInstances: budget})
	keep := rpc.Lifecycle{MaxInstances: budget} // each would keep up to 3 idle
	for _, n := range []string{"a", "b"} {
		if err := h.AddComponentLifecycle(n, c["relay"], 0, keep); err != nil {
			t.Fatal(err)
		}
		h.Link(n, "next", "probe", 0)
	}
	peak := addProbe(h)
	var wg sync.WaitGroup
	for i := range 300 {
		wg.Go(func() {
			if _, err := h.Call(context.Background(), []string{"a", "b"}[i%2], "i", "f", []byte{1}); err != nil {
				t.Errorf("call %d: %v", i, err)
			}
		})
	}
	wg.Wait()
	if p := peak.Load(); p < 1 || p > budget {
		t.Errorf("%d invocations ran at once, want 1 to %d", p, budget)
	}
	if n := rt.OpenInstances(); n > budget {
		t.Errorf("%d instances open, want at most %d", n, budget)
	}
	// Idle instances of a and b make room for spin's.
	if err := h.AddComponentLifecycle("spin", c["spin"], 0, rpc.Lifecycle{}); err != nil {
		t.Fatal(err)
	}
	// The spins run until cancelled below: a deadline of their own could
	// pass while a slow machine still starts them (waitFor allows 10 s),
	// freeing a place before the queued-out check.
	spinCtx, cancel := context.WithCancel(context.Background())
	defer cancel()
	var spins sync.WaitGroup
	for range budget {
		spins.Go(func() { _, _ = h.Call(spinCtx, "spin", "i", "f", nil) })
	}
	if !waitFor(func() bool { return h.Instances("spin").Busy == budget }) {
		t.Fatalf("spin never had all %d places: %+v, a %+v, b %+v", budget, h.Instances("spin"), h.Instances("a"), h.Instances("b"))
	}
	if a, b := h.Instances("a"), h.Instances("b"); a.Idle+b.Idle != 0 {
		t.Errorf("idle instances left with the budget spent: a %+v, b %+v", a, b)
	}
	ctx, cancel2 := context.WithTimeout(context.Background(), 100*time.Millisecond)
	defer cancel2()
	_, err := h.Call(ctx, "a", "i", "f", []byte{1})
	if re := rpcError(t, err); re.Kind != rpc.DeadlineExceeded || !strings.Contains(re.Msg, "the host's 3 instances are busy") {
		t.Errorf("with the budget spent: %v", err)
	}
	if n := samples(t, h, "wasifill_invocations_total")["a|f|i|queued-out"]; n != 1 {
		t.Errorf("queued-out count %v, want 1", n)
	}
	cancel()
	spins.Wait()
	if n := rt.OpenInstances(); n != 0 {
		t.Errorf("%d instances open after the spins were interrupted", n)
	}
}

// addProbe adds provider "probe": it echoes after 1 ms and counts how many
// of its calls ran at once at most (the returned peak).
func addProbe(h *rpc.Host) *atomic.Int64 {
	var running, peak atomic.Int64
	h.AddProvider("probe", func(ctx context.Context, iface, fn string, params []byte) ([]byte, error) {
		n := running.Add(1)
		defer running.Add(-1)
		for p := peak.Load(); n > p && !peak.CompareAndSwap(p, n); p = peak.Load() {
		}
		time.Sleep(time.Millisecond)
		return params, nil
	}, 0)
	return &peak
}
