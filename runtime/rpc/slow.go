package rpc

import (
	"context"
	"log/slog"
	"slices"
	"sync"
	"sync/atomic"
	"time"
)

// The slow-call guardrail: each component/function learns its typical
// duration, the p99 of its recent successful invocations; an invocation
// still running past SlowFactor × that p99 (and past SlowFloor) is logged
// and counted as slow (wasifill_invocation_slow_total) while it runs,
// before its deadline ends it.

const (
	// DefaultSlowFactor is Config.SlowFactor's default.
	DefaultSlowFactor = 4
	// DefaultSlowFloor is Config.SlowFloor's default.
	DefaultSlowFloor = 10 * time.Millisecond
	// slowWindow successful invocations, the latest, make the p99.
	slowWindow = 256
	// slowMinSamples successful invocations are needed before the
	// guardrail watches a function.
	slowMinSamples = 32
	// slowEvery: the p99 is computed again after this many more.
	slowEvery = 16
)

// quantile keeps the durations of a function's recent successful
// invocations and their p99.
type quantile struct {
	p99 atomic.Int64 // 0 until slowMinSamples were seen

	mu      sync.Mutex
	n       int
	ring    [slowWindow]time.Duration
	scratch [slowWindow]time.Duration
}

func (q *quantile) observe(d time.Duration) {
	q.mu.Lock()
	defer q.mu.Unlock()
	q.ring[q.n%slowWindow] = d
	q.n++
	if q.n < slowMinSamples || (q.n%slowEvery != 0 && q.n != slowMinSamples) {
		return
	}
	m := min(q.n, slowWindow)
	s := q.scratch[:m]
	copy(s, q.ring[:m])
	slices.Sort(s)
	q.p99.Store(int64(s[(m-1)*99/100]))
}

// watchSlow starts watching an invocation of c that started at start:
// it returns the timer that flags it as slow (nil when its function has
// no p99 yet or the guardrail is off).
func (h *Host) watchSlow(ctx context.Context, c *callMetrics, start time.Time) *time.Timer {
	if h.cfg.SlowFactor < 0 {
		return nil
	}
	p99 := time.Duration(c.typical.p99.Load())
	if p99 == 0 {
		return nil
	}
	limit := max(p99*time.Duration(h.cfg.SlowFactor), h.cfg.SlowFloor)
	return time.AfterFunc(limit-time.Since(start), func() {
		c.slow.Inc()
		if l := h.cfg.Logger; l != nil {
			l.LogAttrs(ctx, slog.LevelWarn, "invocation slow", slog.String("component", c.key.component),
				slog.String("interface", c.key.iface), slog.String("function", c.key.fn),
				slog.Duration("elapsed", time.Since(start)), slog.Duration("p99", p99), slog.Int("factor", h.cfg.SlowFactor))
		}
	})
}

// doneSlow ends the watch of an invocation and learns from it.
func doneSlow(c *callMetrics, watch *time.Timer, start time.Time, err error) {
	if watch != nil {
		watch.Stop()
	}
	if err == nil {
		c.typical.observe(time.Since(start))
	}
}
