package rpc_test

import (
	"context"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/prometheus/client_golang/prometheus/testutil"

	"github.com/wasifill/wasifill/runtime/rpc"
)

// The metrics after a known set of invocations: 3 answered by echo
// (bounded at one instance, so one cold start), 2 by the spinning
// component (one interrupted at its deadline, one queued out behind
// it), 2 extensions asked by the deadline guest (one granted), 1 denied
// by a provider, and relay's nested invocation of echo (interface next). Series start at 0
// for every target and function seen.
func TestMetrics(t *testing.T) {
	_, h, c := setup(t, rpc.Config{DefaultTimeout: 5 * time.Second, MaxExecution: 10 * time.Second})
	one := rpc.Lifecycle{MaxInstances: 1}
	for _, x := range []struct{ name, guest string }{{"echo", "echo"}, {"spin", "spin"}, {"d", "deadline"}, {"relay", "relay"}} {
		if err := h.AddComponentLifecycle(x.name, c[x.guest], 0, one); err != nil {
			t.Fatal(err)
		}
	}
	h.AddProvider("p", func(context.Context, string, string, []byte) ([]byte, error) {
		return nil, &rpc.Error{Kind: rpc.Denied, Msg: "no"}
	}, 0)
	h.Link("relay", "next", "echo", 0)
	ctx := context.Background()
	for i := range 3 {
		if _, err := h.Call(ctx, "echo", "acme:kv/store@1.0.0", "get", []byte{byte(i)}); err != nil {
			t.Fatal(err)
		}
	}
	if _, err := h.Call(ctx, "relay", "i", "f", []byte{1}); err != nil {
		t.Fatal(err)
	}
	// Long enough that a slow machine (the race detector, other work) has
	// started the spin with time to spare for the queued call below.
	spinCtx, cancel := context.WithTimeout(ctx, 3*time.Second)
	defer cancel()
	spun := make(chan error, 1)
	go func() { _, err := h.Call(spinCtx, "spin", "i", "f", nil); spun <- err }()
	if !waitFor(func() bool { return h.Instances("spin").Busy == 1 }) {
		t.Fatal("spin never started")
	}
	qctx, qcancel := context.WithTimeout(ctx, 50*time.Millisecond)
	defer qcancel()
	if _, err := h.Call(qctx, "spin", "i", "f", nil); err == nil {
		t.Fatal("queued call answered")
	}
	if err := <-spun; err == nil {
		t.Fatal("spin answered")
	}
	if _, err := h.Call(ctx, "d", "i", "f", deadlineOp(1, 300)); err != nil {
		t.Fatalf("extend(300): %v", err)
	}
	if _, err := h.Call(ctx, "d", "i", "f", deadlineOp(1, 1<<40)); rpcError(t, err).Kind != rpc.Denied {
		t.Fatalf("extend past the maximum: %v", err)
	}
	if _, err := h.Call(ctx, "p", "i", "f", nil); rpcError(t, err).Kind != rpc.Denied {
		t.Fatalf("provider: %v", err)
	}

	reg := h.Registry()
	want := `
# HELP wasifill_invocations_total Invocations served, by outcome: ok, an rpc-error case, or queued-out (no instance before the deadline).
# TYPE wasifill_invocations_total counter
wasifill_invocations_total{component="d",function="f",interface="i",outcome="denied"} 1
wasifill_invocations_total{component="d",function="f",interface="i",outcome="ok"} 1
wasifill_invocations_total{component="echo",function="f",interface="next",outcome="ok"} 1
wasifill_invocations_total{component="echo",function="get",interface="acme:kv/store@1.0.0",outcome="ok"} 3
wasifill_invocations_total{component="p",function="f",interface="i",outcome="denied"} 1
wasifill_invocations_total{component="p",function="f",interface="i",outcome="ok"} 0
wasifill_invocations_total{component="relay",function="f",interface="i",outcome="ok"} 1
wasifill_invocations_total{component="spin",function="f",interface="i",outcome="deadline-exceeded"} 1
wasifill_invocations_total{component="spin",function="f",interface="i",outcome="ok"} 0
wasifill_invocations_total{component="spin",function="f",interface="i",outcome="queued-out"} 1
# HELP wasifill_instance_starts_total Cold starts: instances started because an invocation found none idle (warm ones are not counted).
# TYPE wasifill_instance_starts_total counter
wasifill_instance_starts_total{component="d"} 1
wasifill_instance_starts_total{component="echo"} 1
wasifill_instance_starts_total{component="p"} 0
wasifill_instance_starts_total{component="relay"} 1
wasifill_instance_starts_total{component="spin"} 1
# HELP wasifill_deadline_extensions_total Deadline extensions granted to guests (wasifill:rpc/deadline extend).
# TYPE wasifill_deadline_extensions_total counter
wasifill_deadline_extensions_total{component="d"} 1
wasifill_deadline_extensions_total{component="echo"} 0
wasifill_deadline_extensions_total{component="p"} 0
wasifill_deadline_extensions_total{component="relay"} 0
wasifill_deadline_extensions_total{component="spin"} 0
`
	if err := testutil.GatherAndCompare(reg, strings.NewReader(want), "wasifill_invocations_total", "wasifill_instance_starts_total", "wasifill_deadline_extensions_total"); err != nil {
		t.Error(err)
	}
	// spin's interrupted instance is gone; the others wait, idle.
	instances := samples(t, h, "wasifill_instances")
	for _, name := range []string{"echo", "relay", "d", "spin"} {
		wantIdle := 1.0
		if name == "spin" {
			wantIdle = 0
		}
		if busy, idle := instances[name+"|busy"], instances[name+"|idle"]; busy != 0 || idle != wantIdle {
			t.Errorf("%s instances: %v busy, %v idle; want 0, %v", name, busy, idle, wantIdle)
		}
	}
	// Labels in name order: component, function, interface.
	durations := samples(t, h, "wasifill_invocation_duration_seconds")
	if got := durations["echo|get|acme:kv/store@1.0.0"]; got != 3 {
		t.Errorf("echo get durations observed %v times, want 3", got)
	}
	if got := durations["spin|f|i"]; got != 2 {
		t.Errorf("spin durations observed %v times, want 2", got)
	}
	// Every acquisition of an instance is a wait (0 when one is free):
	// echo's 3 calls and relay's nested one.
	if got := samples(t, h, "wasifill_queue_wait_seconds")["echo"]; got != 4 {
		t.Errorf("echo's queue waits observed %v times, want 4", got)
	}
}

// samples gathers metric name from h's registry: each series keyed by its
// label values in label-name order joined with "|", valued by the
// counter's or gauge's value or the histogram's sample count.
func samples(t *testing.T, h *rpc.Host, name string) map[string]float64 {
	t.Helper()
	mfs, err := h.Registry().Gather()
	if err != nil {
		t.Fatal(err)
	}
	out := map[string]float64{}
	for _, mf := range mfs {
		if mf.GetName() != name {
			continue
		}
		for _, m := range mf.GetMetric() {
			var vals []string
			for _, l := range m.GetLabel() {
				vals = append(vals, l.GetValue())
			}
			k := strings.Join(vals, "|")
			switch {
			case m.Counter != nil:
				out[k] = m.GetCounter().GetValue()
			case m.Gauge != nil:
				out[k] = m.GetGauge().GetValue()
			case m.Histogram != nil:
				out[k] = float64(m.GetHistogram().GetSampleCount())
			}
		}
	}
	return out
}

// Interface and function names come from guests and the lattice: past
// 256 distinct pairs a component's series count them as _other.
func TestMetricsCardinality(t *testing.T) {
	_, h, c := setup(t, rpc.Config{})
	if err := h.AddComponentLifecycle("echo", c["echo"], 0, rpc.Lifecycle{MaxInstances: 1}); err != nil {
		t.Fatal(err)
	}
	const calls = 300
	for i := range calls {
		if _, err := h.Call(context.Background(), "echo", "i", "f"+strconv.Itoa(i), nil); err != nil {
			t.Fatal(err)
		}
	}
	inv := samples(t, h, "wasifill_invocations_total")
	ok := 0
	for k := range inv {
		if strings.HasSuffix(k, "|ok") {
			ok++
		}
	}
	if ok != 257 || inv["echo|_other|_other|ok"] != calls-256 {
		t.Errorf("%d ok series, _other = %v; want 257 and %d", ok, inv["echo|_other|_other|ok"], calls-256)
	}
}
