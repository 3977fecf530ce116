package rpc

import (
	"context"
	"log/slog"
	"time"
)

// logHop is one hop of a chain in a log line.
type logHop struct {
	Depth      int    `json:"depth"`
	Target     string `json:"target"`
	Host       string `json:"host,omitempty"`
	Call       string `json:"call,omitempty"`
	ElapsedMS  int64  `json:"elapsed_ms"`
	DeadlineMS int64  `json:"deadline_ms"`
	From       string `json:"deadline_from"`
	Err        string `json:"err,omitempty"`
}

// logDone logs an invocation that entered the host (from outside, or
// from another host) when it ends: one line at warn level when it failed,
// with its chain; one at debug level when it succeeded.
func (h *Host) logDone(ctx context.Context, inv *invocation, iface, fn string, err error) {
	l := h.cfg.Logger
	if l == nil {
		return
	}
	level := slog.LevelDebug
	if err != nil {
		level = slog.LevelWarn
	}
	if !l.Enabled(ctx, level) {
		return
	}
	attrs := []slog.Attr{slog.String("component", inv.target), slog.String("interface", iface), slog.String("function", fn),
		slog.Duration("elapsed", time.Since(inv.start))}
	if err == nil {
		l.LogAttrs(ctx, level, "invocation", attrs...)
		return
	}
	inv.root.mu.Lock()
	failed := append([]Hop(nil), inv.root.failed...)
	inv.root.mu.Unlock()
	chain := make([]logHop, 0, len(failed))
	for _, hop := range failed {
		lh := logHop{Depth: hop.Depth, Target: hop.Target, Host: hop.Host, Call: hop.Call, ElapsedMS: hop.Elapsed.Milliseconds(),
			DeadlineMS: hop.Deadline.Milliseconds(), From: hop.DeadlineSetBy()}
		if hop.Err != nil {
			lh.Err = hop.Err.Error()
		}
		chain = append(chain, lh)
	}
	attrs = append(attrs, slog.String("outcome", outcome(err)), slog.String("err", err.Error()), slog.Any("chain", chain))
	l.LogAttrs(ctx, level, "invocation failed", attrs...)
}
