package lattice_test

import (
	"bytes"
	"context"
	"os"
	"strings"
	"testing"
	"time"

	"github.com/nats-io/nats-server/v2/server"

	"github.com/wasifill/wasifill/internal/filltest"
	"github.com/wasifill/wasifill/runtime"
	"github.com/wasifill/wasifill/runtime/lattice"
	"github.com/wasifill/wasifill/runtime/rpc"
)

// startServer starts an embedded NATS server on a random loopback port.
func startServer(t testing.TB, maxPayload int32) *server.Server {
	t.Helper()
	s, err := lattice.StartServer(lattice.ServerOptions{Listen: "127.0.0.1:0", MaxPayload: maxPayload})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { s.Shutdown(); s.WaitForShutdown() })
	return s
}

// host is one lattice host in the test process: its own runtime, rpc
// host and NATS connections, with the rpc fixture guests
// (testdata/guests/rpc: relay invokes "next", echo answers ok(params),
// spin loops, deadline reports its remaining time).
type host struct {
	rt *runtime.Runtime
	h  *rpc.Host
	l  *lattice.Lattice
	c  map[string]*runtime.Compiled
}

func newHost(t testing.TB, url, name string, cfg rpc.Config, opt lattice.Options) *host {
	t.Helper()
	ctx := context.Background()
	rt, err := runtime.New(ctx)
	if err != nil {
		t.Fatal(err)
	}
	hh := &host{rt: rt, h: rpc.New(rt, cfg), c: map[string]*runtime.Compiled{}}
	for _, g := range []string{"relay", "echo", "spin", "deadline"} {
		b, err := os.ReadFile("../../testdata/guests/rpc/out/" + g + ".wasm")
		if err != nil {
			t.Fatal(err)
		}
		if hh.c[g], err = rt.Compile(ctx, b); err != nil {
			t.Fatal(err)
		}
	}
	opt.HostName = name
	if hh.l, err = lattice.Connect(url, hh.h, opt); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		closeCtx, cancel := context.WithTimeout(ctx, 10*time.Second)
		defer cancel()
		hh.l.Close(closeCtx)
		hh.h.Close(ctx)
		rt.Close(ctx)
	})
	return hh
}

// serve adds guest as component name and serves it on the lattice.
func (hh *host) serve(t testing.TB, name, guest string, timeout time.Duration) {
	t.Helper()
	hh.h.AddComponent(name, hh.c[guest], timeout)
	if err := hh.l.Serve(name); err != nil {
		t.Fatal(err)
	}
}

func rpcError(t *testing.T, err error) *rpc.Error { t.Helper(); return filltest.RPCError(t, err) }

// A relay on host A reaches echo and deadline on host B; the remaining
// time crosses with the request and the min rule holds on both sides.
func TestTwoHosts(t *testing.T) {
	s := startServer(t, 0)
	a := newHost(t, s.ClientURL(), "A", rpc.Config{DefaultTimeout: 5 * time.Second}, lattice.Options{})
	b := newHost(t, s.ClientURL(), "B", rpc.Config{DefaultTimeout: 5 * time.Second}, lattice.Options{})
	b.serve(t, "echo", "echo", 0)
	b.serve(t, "clock", "deadline", 0)
	b.serve(t, "clock-short", "deadline", 150*time.Millisecond)
	a.h.AddComponent("app", a.c["relay"], 0)
	a.h.AddComponent("app-linked", a.c["relay"], 0)
	a.h.AddComponent("app-short", a.c["relay"], 0)
	a.h.Link("app", "next", "echo", 0)
	a.h.Link("app-linked", "next", "clock", 200*time.Millisecond)
	a.h.Link("app-short", "next", "clock-short", 0)
	ctx := context.Background()

	params := bytes.Repeat([]byte("wasifill"), 128)
	out, err := a.h.Call(ctx, "app", "acme:kv/store@1.0.0", "get", params)
	if err != nil || !bytes.Equal(out, params) {
		t.Fatalf("app@A → echo@B = %d bytes, %v", len(out), err)
	}

	// The caller's deadline (800 ms) crosses: B's guest sees at most it.
	a.h.Link("app", "next", "clock", 0)
	cctx, cancel := context.WithTimeout(ctx, 800*time.Millisecond)
	defer cancel()
	left := filltest.Remaining(t, func() ([]byte, error) { return a.h.Call(cctx, "app", "i", "f", []byte{0}) })
	if left > 800*time.Millisecond || left < 200*time.Millisecond {
		t.Errorf("B sees %v of the caller's 800 ms", left)
	}
	// A link timeout on A (200 ms) and a component timeout on B (150 ms).
	if left := filltest.Remaining(t, func() ([]byte, error) { return a.h.Call(ctx, "app-linked", "i", "f", []byte{0}) }); left > 200*time.Millisecond || left < 20*time.Millisecond {
		t.Errorf("behind a 200 ms link B sees %v", left)
	}
	if left := filltest.Remaining(t, func() ([]byte, error) { return a.h.Call(ctx, "app-short", "i", "f", []byte{0}) }); left > 150*time.Millisecond || left < 20*time.Millisecond {
		t.Errorf("a 150 ms component on B sees %v", left)
	}

	// Links are enforced on the caller's host: app-short may not reach echo.
	_, err = a.h.Invoke(ctx, "app-short", "other", "f", nil)
	if re := rpcError(t, err); re.Kind != rpc.NotFound {
		t.Errorf("an interface nobody links: %v", err)
	}
	a.h.Link("app", "other", "echo", 0)
	if _, err := a.h.Invoke(ctx, "app-short", "other", "f", nil); rpcError(t, err).Kind != rpc.Denied {
		t.Errorf("an unlinked caller reached a remote target: %v", err)
	}
}

// app@A → b@B → c@C, where c spins: it is interrupted at the caller's
// deadline on C, and the error comes back to A with the chain, each hop
// naming its host.
func TestThreeHostChain(t *testing.T) {
	s := startServer(t, 0)
	opt := lattice.Options{ReplyGrace: 500 * time.Millisecond} // room on a busy machine for the reply with the chain
	a := newHost(t, s.ClientURL(), "A", rpc.Config{}, opt)
	b := newHost(t, s.ClientURL(), "B", rpc.Config{}, opt)
	c := newHost(t, s.ClientURL(), "C", rpc.Config{}, opt)
	c.serve(t, "c", "spin", 0)
	b.serve(t, "b", "relay", 0)
	b.h.Link("b", "next", "c", 0)
	a.h.AddComponent("app", a.c["relay"], 0)
	a.h.Link("app", "next", "b", 0)

	ctx, cancel := context.WithTimeout(context.Background(), 300*time.Millisecond)
	defer cancel()
	inv, release, err := a.h.Enter(ctx, "app")
	if err != nil {
		t.Fatal(err)
	}
	defer release()
	start := time.Now()
	_, err = a.h.Invoke(inv, "app", "next", "f", nil)
	took := time.Since(start)
	if re := rpcError(t, err); re.Kind != rpc.DeadlineExceeded {
		t.Fatalf("err = %v, want deadline-exceeded", err)
	}
	if took < 250*time.Millisecond || took > 300*time.Millisecond+opt.ReplyGrace+time.Second {
		t.Errorf("the chain ended after %v, want about 300 ms", took)
	}
	chain := rpc.Chain(inv)
	var got []string
	for _, h := range chain {
		got = append(got, h.Target+"@"+h.Host)
		if h.Depth > 0 && !h.DeadlineExceeded() {
			t.Errorf("hop %s@%s: %v, want deadline-exceeded", h.Target, h.Host, h.Err)
		}
		if h.Depth > 0 && (h.Deadline > 300*time.Millisecond || h.Deadline < 100*time.Millisecond) {
			t.Errorf("hop %s@%s had %v, want under the caller's 300 ms", h.Target, h.Host, h.Deadline)
		}
	}
	if strings.Join(got, " ") != "app@ b@B c@C" {
		t.Errorf("chain = %v, want app@ b@B c@C", got)
	}
	if len(chain) == 3 && chain[2].DeadlineFrom != rpc.OriginCaller {
		t.Errorf("c's deadline set by %q", chain[2].DeadlineFrom)
	}
	// C keeps serving after the interruption.
	c.serve(t, "echo", "echo", 0)
	b.h.Link("b", "next", "echo", 0)
	if out, err := a.h.Call(context.Background(), "app", "i", "f", []byte("ok")); err != nil || string(out) != "ok" {
		t.Errorf("after the interruption: %q, %v", out, err)
	}
}

// A target nobody serves answers not-found at once, not at the deadline.
func TestNoResponders(t *testing.T) {
	s := startServer(t, 0)
	a := newHost(t, s.ClientURL(), "A", rpc.Config{DefaultTimeout: 10 * time.Second}, lattice.Options{})
	a.h.AddComponent("app", a.c["relay"], 0)
	a.h.Link("app", "next", "nobody", 0)
	start := time.Now()
	_, err := a.h.Call(context.Background(), "app", "i", "f", nil)
	if re := rpcError(t, err); re.Kind != rpc.NotFound || !strings.Contains(re.Msg, "nobody serves nobody on lattice default") {
		t.Errorf("err = %v", err)
	}
	if took := time.Since(start); took > 5*time.Second {
		t.Errorf("not-found took %v (the deadline was 10 s)", took)
	}
	// Another lattice on the same server is another namespace.
	s2 := newHost(t, s.ClientURL(), "B", rpc.Config{}, lattice.Options{Lattice: "other"})
	s2.serve(t, "nobody", "echo", 0)
	if _, err := a.h.Call(context.Background(), "app", "i", "f", nil); rpcError(t, err).Kind != rpc.NotFound {
		t.Errorf("a component of lattice other served lattice default: %v", err)
	}
}

// Params over the server's max payload: transport, naming both sizes.
func TestMaxPayload(t *testing.T) {
	s := startServer(t, 4096)
	a := newHost(t, s.ClientURL(), "A", rpc.Config{}, lattice.Options{})
	b := newHost(t, s.ClientURL(), "B", rpc.Config{}, lattice.Options{})
	b.serve(t, "echo", "echo", 0)
	a.h.AddComponent("app", a.c["relay"], 0)
	a.h.Link("app", "next", "echo", 0)
	_, err := a.h.Call(context.Background(), "app", "i", "f", make([]byte, 8192))
	if re := rpcError(t, err); re.Kind != rpc.TransportFailed || !strings.Contains(re.Msg, "8192 bytes") || !strings.Contains(re.Msg, "4096 bytes") {
		t.Errorf("err = %v", err)
	}
	if out, err := a.h.Call(context.Background(), "app", "i", "f", make([]byte, 1024)); err != nil || len(out) != 1024 {
		t.Errorf("1 KiB: %d bytes, %v", len(out), err)
	}
}

// --allow: a serving host serves only the callers it names.
func TestAllow(t *testing.T) {
	s := startServer(t, 0)
	a := newHost(t, s.ClientURL(), "A", rpc.Config{}, lattice.Options{})
	b := newHost(t, s.ClientURL(), "B", rpc.Config{}, lattice.Options{Allow: []string{"app"}})
	b.serve(t, "echo", "echo", 0)
	a.h.AddComponent("app", a.c["relay"], 0)
	a.h.AddComponent("intruder", a.c["relay"], 0)
	a.h.Link("app", "next", "echo", 0)
	a.h.Link("intruder", "next", "echo", 0)
	if out, err := a.h.Call(context.Background(), "app", "i", "f", []byte("x")); err != nil || string(out) != "x" {
		t.Errorf("allowed caller: %q, %v", out, err)
	}
	_, err := a.h.Call(context.Background(), "intruder", "i", "f", []byte("x"))
	if re := rpcError(t, err); re.Kind != rpc.Denied || !strings.Contains(re.Msg, `does not serve caller "intruder"`) {
		t.Errorf("caller not allowed: %v", err)
	}
}

// A wasifill.yaml for a lattice host links to targets it does not
// define: ParseConfig leaves the check to Validate, which allows them
// with RemoteTargets (the CLI sets it with --nats and in serve).
func TestConfigWithRemoteTargets(t *testing.T) {
	p := t.TempDir() + "/wasifill.yaml"
	text := "components:\n  app: {path: app.wasm}\nlinks:\n  - {caller: app, interface: acme:kv/store@1.0.0, target: kv}\n"
	if err := os.WriteFile(p, []byte(text), 0o644); err != nil {
		t.Fatal(err)
	}
	if _, err := rpc.LoadConfig(p); err == nil || !strings.Contains(err.Error(), `target "kv" is not a component`) {
		t.Errorf("LoadConfig of a link to a remote target: %v", err)
	}
	c, err := rpc.ParseConfig(p)
	if err != nil {
		t.Fatal(err)
	}
	c.RemoteTargets = true
	if err := c.Validate(); err != nil {
		t.Errorf("with RemoteTargets: %v", err)
	}
	c.Links = append(c.Links, rpc.LinkConfig{Caller: "ghost", Interface: "i", Target: "kv"})
	if err := c.Validate(); err == nil || !strings.Contains(err.Error(), `caller "ghost"`) {
		t.Errorf("a caller that is not a component, with RemoteTargets: %v", err)
	}
}
