package rpc_test

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/wasifill/wasifill/internal/filltest"
	"github.com/wasifill/wasifill/runtime/rpc"
)

// A wasifill:rpc@0.2.0 guest sends (fire and forget): its own invocation
// is answered at once, the callee runs on under its link's deadline after
// the caller's has passed, and is counted when it ends.
func TestSend(t *testing.T) {
	rt, h, _ := setup(t, rpc.Config{DefaultTimeout: 10 * time.Second})
	sender := filltest.CompileFile(context.Background(), t, rt, "../../testdata/guests/rpc/out/sender.wasm")
	h.AddComponent("sender", sender, 0)
	release := make(chan struct{})
	type started struct {
		deadline time.Time
		params   string
	}
	calls := make(chan started, 1)
	h.AddProvider("p", func(ctx context.Context, iface, fn string, params []byte) ([]byte, error) {
		d, _ := ctx.Deadline()
		calls <- started{d, iface + "#" + fn + ":" + string(params)}
		select {
		case <-release:
			return nil, nil
		case <-ctx.Done():
			return nil, ctx.Err()
		}
	}, 0)
	h.Link("sender", "next", "p", 5*time.Second)
	ctx, cancel := context.WithTimeout(context.Background(), 300*time.Millisecond)
	defer cancel()
	out, err := h.Call(ctx, "sender", "i", "f", []byte("hi"))
	if err != nil || len(out) != 0 {
		t.Fatalf("sender: %q, %v", out, err)
	}
	var got started
	select {
	case got = <-calls:
	case <-time.After(10 * time.Second):
		t.Fatal("the sent invocation never started")
	}
	callerDeadline, _ := ctx.Deadline()
	if got.params != "next#f:hi" || !got.deadline.After(callerDeadline.Add(time.Second)) {
		t.Errorf("sent invocation: %+v; want next#f:hi with the link's 5 s deadline, past the caller's %v", got, callerDeadline)
	}
	<-ctx.Done() // the caller's deadline passes; the callee runs on
	time.Sleep(50 * time.Millisecond)
	if n := samples(t, h, "wasifill_invocations_total"); n["p|f|next|ok"] != 0 || n["p|f|next|deadline-exceeded"] != 0 {
		t.Fatalf("the sent invocation ended with its caller: %v", n)
	}
	close(release)
	if !waitFor(func() bool { return samples(t, h, "wasifill_invocations_total")["p|f|next|ok"] == 1 }) {
		t.Errorf("the sent invocation was not counted: %v", samples(t, h, "wasifill_invocations_total"))
	}
	// What cannot start is said at once: sender is not linked to next here.
	h.Link("other", "next", "p", 0)
	h.AddComponent("lonely", sender, 0)
	if _, err := h.Call(context.Background(), "lonely", "i", "f", nil); rpcError(t, err).Kind != rpc.Denied {
		t.Errorf("send without a link: %v", err)
	}
	h.Close(context.Background())
}

// Sends in flight are bounded (4 per admission slot); past it send fails
// at once; Close waits for those in flight.
func TestSendBound(t *testing.T) {
	_, h, _ := setup(t, rpc.Config{MaxConcurrent: 1, DefaultTimeout: 10 * time.Second})
	release := make(chan struct{})
	h.AddProvider("p", func(ctx context.Context, _, _ string, _ []byte) ([]byte, error) {
		<-release
		return nil, nil
	}, 0)
	h.Link("", "next", "p", 0)
	ctx := context.Background()
	for i := range 4 {
		if err := h.Send(ctx, "", "next", "f", nil); err != nil {
			t.Fatalf("send %d: %v", i, err)
		}
	}
	if err := h.Send(ctx, "", "next", "f", nil); err == nil || rpcError(t, err).Kind != rpc.TransportFailed || !strings.Contains(err.Error(), "4 sends in flight") {
		t.Errorf("the 5th send: %v", err)
	}
	if err := h.Send(ctx, "", "nowhere", "f", nil); rpcError(t, err).Kind != rpc.NotFound {
		t.Errorf("send to nothing: %v", err)
	}
	close(release)
	h.Close(ctx)
	if n := samples(t, h, "wasifill_invocations_total")["p|f|next|ok"]; n != 4 {
		t.Errorf("%v sends ended ok by Close, want 4", n)
	}
}

// A send to a target on another host carries the sender's depth, so a
// ring of sends across hosts ends at the maximum depth as it does on one.
func TestSendRemoteDepth(t *testing.T) {
	rt, h, c := setup(t, rpc.Config{DefaultTimeout: 10 * time.Second})
	sender := filltest.CompileFile(context.Background(), t, rt, "../../testdata/guests/rpc/out/sender.wasm")
	h.AddComponent("sender", sender, 0)
	h.AddComponent("relay", c["relay"], 0)
	got := make(chan int, 2)
	h.SetRemote(remoteFunc(func(_ context.Context, req rpc.RemoteRequest, _ []byte) ([]byte, error) {
		got <- req.Depth
		return nil, nil
	}))
	h.Link("sender", "next", "elsewhere", 0)
	h.Link("relay", "next", "sender", 0)
	// relay (depth 0) → sender (depth 1) sends → elsewhere at depth 2.
	if _, err := h.Call(context.Background(), "relay", "i", "f", nil); err != nil {
		t.Fatal(err)
	}
	select {
	case d := <-got:
		if d != 2 {
			t.Errorf("the remote request's depth: %d, want 2 (the sender's depth + 1)", d)
		}
	case <-time.After(10 * time.Second):
		t.Fatal("the send never reached the remote host")
	}
	h.Close(context.Background())
}

type remoteFunc func(ctx context.Context, req rpc.RemoteRequest, params []byte) ([]byte, error)

func (f remoteFunc) Invoke(ctx context.Context, req rpc.RemoteRequest, params []byte) ([]byte, error) {
	return f(ctx, req, params)
}
