package rpc

import (
	"bytes"
	"context"
	"errors"
	"fmt"

	"github.com/wasifill/wasifill/value"
)

// maxSendsPerSlot bounds the sends in flight on a host: this many times
// Config.MaxConcurrent. Past it, send fails at once with transport.
const maxSendsPerSlot = 4

type sendDepthKey struct{}

// sentDepth is the depth a send gave the chain it starts (0 for any
// other entry invocation).
func sentDepth(ctx context.Context) int {
	d, _ := ctx.Value(sendDepthKey{}).(int)
	return d
}

// sendFunc is transport.send (wasifill:rpc@0.2.0) for guests.
func (h *Host) sendFunc(ctx context.Context, args []value.Value) ([]value.Value, error) {
	caller, depth := "", 1
	if inv := invocationOf(ctx); inv != nil {
		caller, depth = inv.target, inv.depth+1
	}
	if err := h.send(caller, depth, args[0].(string), args[1].(string), args[2].([]byte)); err != nil {
		var re *Error
		if !errors.As(err, &re) {
			re = &Error{Kind: TransportFailed, Msg: err.Error()}
		}
		return []value.Value{value.Err(re.value())}, nil
	}
	return []value.Value{value.Ok(nil)}, nil
}

// Send starts an invocation as caller, as Invoke does, and returns as soon
// as it is under way, without its result (fire and forget): the
// invocation runs under its own deadline — the link and target timeouts
// and the host default, not ctx's — and is admitted like one entering
// from outside (Config.MaxConcurrent, then the target's max-instances).
// The error says why it could not start: not linked (denied), nothing
// serves it (not-found), too many sends in flight or the host closing
// (transport). How it ended shows in the metrics and the logs only.
func (h *Host) Send(ctx context.Context, caller, iface, fn string, params []byte) error {
	depth := 1
	if inv := invocationOf(ctx); inv != nil {
		depth = inv.depth + 1
	}
	return h.send(caller, depth, iface, fn, params)
}

func (h *Host) send(caller string, depth int, iface, fn string, params []byte) error {
	l, t, err := h.route(caller, iface)
	if err != nil {
		return err
	}
	if depth > h.cfg.MaxDepth {
		return &Error{Kind: Denied, Msg: fmt.Sprintf("send of %s#%s: invocations nest deeper than %d (the maximum depth)", iface, fn, h.cfg.MaxDepth)}
	}
	select {
	case h.sendSlots <- struct{}{}:
	default:
		return &Error{Kind: TransportFailed, Msg: fmt.Sprintf("%d sends in flight on this host (the maximum)", cap(h.sendSlots))}
	}
	h.mu.Lock()
	if h.closed {
		h.mu.Unlock()
		<-h.sendSlots
		return &Error{Kind: TransportFailed, Msg: "the host is closing"}
	}
	h.sends.Add(1)
	h.mu.Unlock()
	params = bytes.Clone(params)
	go func() {
		defer h.sends.Done()
		defer func() { <-h.sendSlots }()
		ctx := context.WithValue(context.Background(), sendDepthKey{}, depth)
		if t == nil {
			_, _ = h.invokeRemote(ctx, caller, l, iface, fn, params)
			return
		}
		_, _ = h.serve(ctx, t, l.timeout, iface, fn, params)
	}()
	return nil
}

// waitSends waits for the sends in flight, until ctx ends.
func (h *Host) waitSends(ctx context.Context) {
	done := make(chan struct{})
	go func() {
		h.sends.Wait()
		close(done)
	}()
	select {
	case <-done:
	case <-ctx.Done():
	}
}
