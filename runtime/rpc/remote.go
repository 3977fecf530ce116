package rpc

import (
	"context"
	"errors"
	"fmt"
	"time"
)

// Remote reaches link targets that are not components of this process —
// the lattice (package runtime/lattice) is one.
type Remote interface {
	// Invoke makes one invocation of req.Target on another host, at most
	// once; ctx carries its deadline. A failure is an *Error, or a
	// *RemoteError carrying the chain as the serving hosts saw it.
	Invoke(ctx context.Context, req RemoteRequest, params []byte) ([]byte, error)
}

// RemoteRequest says what an invocation crossing hosts is for.
type RemoteRequest struct {
	// Caller is the calling target's name ("" for calls from outside any
	// component). On the serving host it is a claim, not an identity.
	Caller string
	// Target names the component serving the invocation.
	Target              string
	Interface, Function string
	// Depth is the invocation's depth in its chain (1 for what an entry
	// invocation invoked).
	Depth int
}

// RemoteError is an rpc-error that crossed hosts, with the chain of the
// invocations that failed on the way: the served invocation first, then
// the nested ones, each naming the host that served it.
type RemoteError struct {
	Err   *Error
	Chain []Hop
}

func (e *RemoteError) Error() string { return e.Err.Error() }

// Unwrap gives the rpc-error.
func (e *RemoteError) Unwrap() error { return e.Err }

// SetRemote makes r reach the link targets that are not targets of h.
// Links are still enforced here, on the caller's host.
func (h *Host) SetRemote(r Remote) {
	h.mu.Lock()
	defer h.mu.Unlock()
	h.remote = r
}

// HasTarget reports whether name is a component or provider of h.
func (h *Host) HasTarget(name string) bool {
	h.mu.Lock()
	defer h.mu.Unlock()
	return h.targets[name] != nil
}

// invokeRemote runs one invocation of a target on another host under the
// same rules as serve: its deadline is min(caller's, link timeout, host
// default) — the target's own timeout applies where it runs — and its
// failure, with the remote part of the chain, is recorded in the chain.
// Without a Remote the target is not found.
func (h *Host) invokeRemote(ctx context.Context, caller string, l link, iface, fn string, params []byte) ([]byte, error) {
	h.mu.Lock()
	remote := h.remote
	h.mu.Unlock()
	if remote == nil {
		return nil, &Error{Kind: NotFound, Msg: fmt.Sprintf("target %s of %s", l.target, iface)}
	}
	b := h.bounds(ctx, &target{name: l.target}, l.timeout)
	if !b.start.Before(b.deadline) || ctx.Err() != nil {
		return nil, &Error{Kind: DeadlineExceeded}
	}
	entry := invocationOf(ctx) == nil
	inv := newInvocation(ctx, l.target, iface+"#"+fn, b)
	defer inv.release()
	if entry {
		inv.depth = sentDepth(ctx) // a send's chain goes on at its sender's depth on the other host too
		if err := h.admit(inv); err != nil {
			return nil, err
		}
		defer func() { <-h.slots }()
	}
	out, err := remote.Invoke(inv, RemoteRequest{Caller: caller, Target: l.target, Interface: iface, Function: fn, Depth: inv.depth}, params)
	if err == nil {
		return out, nil
	}
	var rerr *RemoteError
	if errors.As(err, &rerr) && len(rerr.Chain) > 0 {
		inv.recordHops(rerr.Chain)
		return nil, rerr
	}
	var re *Error
	if !errors.As(err, &re) {
		re = &Error{Kind: TransportFailed, Msg: err.Error()}
	}
	inv.recordFailure(re)
	return nil, re
}

// ServeRemote serves an invocation that came from another host: ctx
// carries the deadline its caller sent (the host default and the
// target's timeout bound it further), host names this host in the chain.
// A failure is a *RemoteError with the chain as seen here.
func (h *Host) ServeRemote(ctx context.Context, host string, req RemoteRequest, params []byte) ([]byte, error) {
	h.mu.Lock()
	t := h.targets[req.Target]
	h.mu.Unlock()
	if t == nil { // not counted: a name from the network is no label
		return nil, &RemoteError{Err: &Error{Kind: NotFound, Msg: fmt.Sprintf("target %s on host %s", req.Target, host)}}
	}
	cm, start := h.metrics.call(t.name, req.Interface, req.Function), time.Now()
	watch := h.watchSlow(ctx, cm, start)
	out, err := h.serveRemote(ctx, t, host, req, params)
	doneSlow(cm, watch, start, err)
	h.metrics.done(cm, start, err)
	return out, err
}

// serveRemote is ServeRemote once the target is known.
func (h *Host) serveRemote(ctx context.Context, t *target, host string, req RemoteRequest, params []byte) ([]byte, error) {
	call := req.Interface + "#" + req.Function
	if req.Depth >= h.cfg.MaxDepth {
		return nil, &RemoteError{Err: &Error{Kind: Denied, Msg: fmt.Sprintf("%s to %s on host %s: invocations nest deeper than %d (the maximum depth)", call, t.name, host, h.cfg.MaxDepth)}}
	}
	b := h.bounds(ctx, t, 0)
	if !b.start.Before(b.deadline) || ctx.Err() != nil {
		return nil, &RemoteError{Err: &Error{Kind: DeadlineExceeded, Msg: fmt.Sprintf("%s on host %s: no time left for %s", t.name, host, call)}}
	}
	inv := newInvocation(ctx, t.name, call, b)
	inv.depth = max(req.Depth, 0) // before anything reads it: hops keep their place in the caller's chain
	defer inv.release()
	err := h.admit(inv)
	if err == nil {
		defer func() { <-h.slots }()
		var out []byte
		if out, err = h.run(inv, t, req.Interface, req.Function, params); err == nil {
			h.logDone(ctx, inv, req.Interface, req.Function, nil)
			return out, nil
		}
		if inv.Err() != nil && inv.Err() != context.Canceled && !isQueuedOut(err) {
			d, _, _ := inv.bound()
			err = &Error{Kind: DeadlineExceeded, Msg: fmt.Sprintf("%s on host %s serving %s stopped after %d ms (deadline %d ms after it started, set by %s)",
				t.name, host, call, time.Since(b.start).Milliseconds(), d.Sub(b.start).Milliseconds(), inv.setBy())}
		}
	}
	inv.recordFailure(err)
	h.logDone(ctx, inv, req.Interface, req.Function, err)
	inv.mu.Lock()
	hops := append([]Hop(nil), inv.failed...)
	inv.mu.Unlock()
	for i := range hops {
		if hops[i].Host == "" {
			hops[i].Host = host
		}
	}
	var re *Error
	if !errors.As(err, &re) {
		re = &Error{Kind: Trap, Msg: err.Error()}
	}
	return nil, &RemoteError{Err: re, Chain: hops}
}

// recordHops adds the hops another host reported to inv's chain, none
// above inv (a remote host does not get to rewrite the caller's part).
func (inv *invocation) recordHops(hops []Hop) {
	inv.root.mu.Lock()
	defer inv.root.mu.Unlock()
	for _, hop := range hops {
		if len(inv.root.failed) >= maxFailedHops {
			return
		}
		hop.Depth = max(hop.Depth, inv.depth)
		inv.root.failed = append(inv.root.failed, hop)
	}
}
