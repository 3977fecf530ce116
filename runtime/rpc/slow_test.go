package rpc_test

import (
	"context"
	"log/slog"
	"strings"
	"testing"
	"time"

	"github.com/wasifill/wasifill/runtime/rpc"
)

// The guardrail learns a function's typical duration from 40 quick
// invocations; then one that blocks is logged and counted as slow while
// it still runs, long before its deadline; a function with too few
// samples is not watched.
func TestSlowCall(t *testing.T) {
	var buf syncBuffer
	_, h, _ := setup(t, rpc.Config{DefaultTimeout: 30 * time.Second, SlowFactor: 4, SlowFloor: 50 * time.Millisecond,
		Logger: slog.New(slog.NewTextHandler(&buf, nil))})
	release := make(chan struct{})
	h.AddProvider("p", func(ctx context.Context, iface, fn string, params []byte) ([]byte, error) {
		if len(params) > 0 {
			select {
			case <-release:
			case <-ctx.Done():
			}
		}
		return nil, nil
	}, 0)
	ctx := context.Background()
	// "g" has too few samples to be watched: it blocks unnoticed.
	for range 5 {
		if _, err := h.Call(ctx, "p", "i", "g", nil); err != nil {
			t.Fatal(err)
		}
	}
	for range 40 {
		if _, err := h.Call(ctx, "p", "i", "f", nil); err != nil {
			t.Fatal(err)
		}
	}
	ended := make(chan error, 2)
	start := time.Now()
	go func() { _, err := h.Call(ctx, "p", "i", "f", []byte{1}); ended <- err }()
	go func() { _, err := h.Call(ctx, "p", "i", "g", []byte{1}); ended <- err }()
	if !waitFor(func() bool { return samples(t, h, "wasifill_invocation_slow_total")["p|f|i"] >= 1 }) {
		t.Fatal("the blocked invocation was never flagged as slow")
	}
	flagged := time.Since(start)
	select {
	case err := <-ended:
		t.Fatalf("an invocation ended before it was released: %v", err)
	default:
	}
	close(release)
	for range 2 {
		if err := <-ended; err != nil {
			t.Fatal(err)
		}
	}
	if flagged < 50*time.Millisecond {
		t.Errorf("flagged after %v, before the 50 ms floor", flagged)
	}
	if n := samples(t, h, "wasifill_invocation_slow_total")["p|g|i"]; n != 0 {
		t.Errorf("g, with 5 samples, flagged %v times", n)
	}
	var slow []string
	for _, l := range buf.lines() {
		if strings.Contains(l, `msg="invocation slow"`) {
			slow = append(slow, l)
		}
	}
	if len(slow) == 0 || !strings.Contains(slow[len(slow)-1], "component=p interface=i function=f") || !strings.Contains(slow[len(slow)-1], "factor=4") {
		t.Errorf("slow log lines: %q", slow)
	}
}
