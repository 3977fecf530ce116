package rpc_test

import (
	"context"
	"encoding/binary"
	"errors"
	"os"
	"strings"
	"testing"
	"time"

	"github.com/wasifill/wasifill/internal/filltest"
	"github.com/wasifill/wasifill/runtime"
	"github.com/wasifill/wasifill/runtime/rpc"
)

// The rpc guests (testdata/guests/rpc): relay invokes "next", echo answers
// ok(params), spin loops, deadline reports and extends its deadline.
func setup(t testing.TB, cfg rpc.Config) (*runtime.Runtime, *rpc.Host, map[string]*runtime.Compiled) {
	t.Helper()
	rt := filltest.NewRuntime(t)
	h := rpc.New(rt, cfg)
	compiled := map[string]*runtime.Compiled{}
	for _, name := range []string{"relay", "echo", "spin", "deadline"} {
		compiled[name] = filltest.CompileFile(context.Background(), t, rt, "../../testdata/guests/rpc/out/"+name+".wasm")
	}
	return rt, h, compiled
}

func rpcError(t *testing.T, err error) *rpc.Error { t.Helper(); return filltest.RPCError(t, err) }

func TestEchoAndRouting(t *testing.T) {
	_, h, c := setup(t, rpc.Config{})
	h.AddComponent("a", c["relay"], 0)
	h.AddComponent("echo", c["echo"], 0)
	h.Link("a", "next", "echo", 0)
	ctx := context.Background()
	out, err := h.Call(ctx, "a", "acme:kv/store@1.0.0", "get", []byte{1, 2, 3})
	if err != nil || string(out) != "\x01\x02\x03" {
		t.Fatalf("relay → echo = %v, %v", out, err)
	}
	// A caller reaches only what it is linked to.
	h.AddComponent("b", c["relay"], 0)
	_, err = h.Call(ctx, "b", "i", "f", nil)
	if re := rpcError(t, err); re.Kind != rpc.Denied || !strings.Contains(re.Msg, "b is not linked to next") {
		t.Errorf("unlinked caller: %v", err)
	}
	if _, err := h.Invoke(ctx, "a", "nobody:serves/this", "f", nil); rpcError(t, err).Kind != rpc.NotFound {
		t.Errorf("unserved interface: %v", err)
	}
	if _, err := h.Call(ctx, "ghost", "i", "f", nil); rpcError(t, err).Kind != rpc.NotFound {
		t.Errorf("unknown target: %v", err)
	}
}

func remaining(t *testing.T, call func() ([]byte, error)) time.Duration {
	t.Helper()
	return filltest.Remaining(t, call)
}

// a → b → c → d (deadline): d's remaining time is what the outermost
// caller allowed (inheritance through 4 levels), cut by the smallest
// link timeout on the way (the min rule).
func TestDeadlineInheritanceAndMin(t *testing.T) {
	_, h, c := setup(t, rpc.Config{DefaultTimeout: 5 * time.Second})
	for _, n := range []string{"a", "b", "c"} {
		h.AddComponent(n, c["relay"], 0)
	}
	h.AddComponent("d", c["deadline"], 0)
	h.Link("a", "next", "b", 0)
	h.Link("b", "next", "c", 0)
	h.Link("c", "next", "d", 0)
	ctx, cancel := context.WithTimeout(context.Background(), 900*time.Millisecond)
	defer cancel()
	left := remaining(t, func() ([]byte, error) { return h.Call(ctx, "a", "i", "f", []byte{0}) })
	if left > 900*time.Millisecond || left < 500*time.Millisecond {
		t.Errorf("depth 4 sees %v left of the caller's 900ms", left)
	}
	h.Link("b", "next", "c", 300*time.Millisecond)
	left = remaining(t, func() ([]byte, error) { return h.Call(context.Background(), "a", "i", "f", []byte{0}) })
	if left > 300*time.Millisecond || left < 100*time.Millisecond {
		t.Errorf("with a 300ms link on the way, depth 4 sees %v", left)
	}
	// The host default applies when nothing else is shorter.
	left = remaining(t, func() ([]byte, error) { return h.Call(context.Background(), "d", "i", "f", []byte{0}) })
	if left > 5*time.Second || left < 4*time.Second {
		t.Errorf("host default 5s: %v left", left)
	}
}

// A spinning callee at depth 3 is stopped at its deadline; its callers,
// whose deadlines have not passed, get deadline-exceeded and go on.
func TestSpinningCalleeIsStopped(t *testing.T) {
	_, h, c := setup(t, rpc.Config{})
	h.AddComponent("a", c["relay"], 0)
	h.AddComponent("b", c["relay"], 0)
	h.AddComponent("spin", c["spin"], 0)
	h.AddComponent("echo", c["echo"], 0)
	h.Link("a", "next", "b", 0)
	h.Link("b", "next", "spin", 200*time.Millisecond)
	start := time.Now()
	_, err := h.Call(context.Background(), "a", "i", "f", nil)
	took := time.Since(start)
	if re := rpcError(t, err); re.Kind != rpc.DeadlineExceeded {
		t.Fatalf("err = %v", err)
	}
	if took < 200*time.Millisecond || took > 1500*time.Millisecond {
		t.Errorf("stopped after %v, want about 200ms", took)
	}
	// The host keeps serving.
	if out, err := h.Call(context.Background(), "echo", "i", "f", []byte("ok")); err != nil || string(out) != "ok" {
		t.Errorf("after an interruption: %q, %v", out, err)
	}
}

func TestExtend(t *testing.T) {
	_, h, c := setup(t, rpc.Config{MaxExecution: time.Second})
	h.AddComponent("d", c["deadline"], 300*time.Millisecond)
	extend := func(op byte, ms uint64) []byte {
		p := make([]byte, 9)
		p[0] = op
		binary.LittleEndian.PutUint64(p[1:], ms)
		return p
	}
	ctx := context.Background()
	left := remaining(t, func() ([]byte, error) { return h.Call(ctx, "d", "i", "f", extend(1, 200)) })
	if left < 300*time.Millisecond || left > 500*time.Millisecond {
		t.Errorf("after extend(200) of a 300ms deadline: %v left", left)
	}
	_, err := h.Call(ctx, "d", "i", "f", extend(1, 5000))
	if re := rpcError(t, err); re.Kind != rpc.Denied || !strings.Contains(re.Msg, "1000 ms") {
		t.Errorf("extension past the cap: %v", err)
	}
	// Extend, then spin: stopped at the extended deadline.
	start := time.Now()
	_, err = h.Call(ctx, "d", "i", "f", extend(2, 300))
	if rpcError(t, err).Kind != rpc.DeadlineExceeded || time.Since(start) < 550*time.Millisecond {
		t.Errorf("extend(300) then spin: %v after %v", err, time.Since(start))
	}
}

func TestProviderSeesDeadline(t *testing.T) {
	_, h, c := setup(t, rpc.Config{})
	h.AddComponent("a", c["relay"], 0)
	var left time.Duration
	h.AddProvider("kv", func(ctx context.Context, iface, fn string, params []byte) ([]byte, error) {
		d, ok := ctx.Deadline()
		if !ok {
			return nil, errors.New("no deadline")
		}
		left = time.Until(d)
		switch fn {
		case "fail":
			return nil, &rpc.Error{Kind: rpc.NotFound, Msg: "no key"}
		case "panic":
			panic("provider bug")
		}
		return append([]byte(fn+":"), params...), nil
	}, 0)
	h.Link("a", "next", "kv", 250*time.Millisecond)
	out, err := h.Call(context.Background(), "a", "acme:kv/store@1.0.0", "get", []byte("k"))
	if err != nil || string(out) != "get:k" {
		t.Fatalf("relay → provider = %q, %v", out, err)
	}
	if left <= 0 || left > 250*time.Millisecond {
		t.Errorf("provider saw %v left, want ≤ 250ms", left)
	}
	_, err = h.Call(context.Background(), "a", "i", "fail", nil)
	if re := rpcError(t, err); re.Kind != rpc.NotFound || re.Msg != "no key" {
		t.Errorf("provider error through a guest: %v", err)
	}
	// A provider that panics is a trap, not a crash, called from a guest
	// or from Go.
	for _, target := range []string{"a", "kv"} {
		_, err = h.Call(context.Background(), target, "i", "panic", nil)
		if re := rpcError(t, err); re.Kind != rpc.Trap || !strings.Contains(re.Msg, "provider bug") {
			t.Errorf("a panicking provider called through %s: %v", target, err)
		}
	}
}

// The fixtures' copy of the contract is the one the binary ships.
func TestFixtureWITIsTheContract(t *testing.T) {
	b, err := os.ReadFile("../../testdata/guests/rpc/wit/deps/rpc/rpc.wit")
	if err != nil {
		t.Fatal(err)
	}
	if string(b) != rpc.WIT {
		t.Error("testdata/guests/rpc/wit/deps/rpc/rpc.wit differs from runtime/rpc/wit/rpc.wit")
	}
}

func TestLoadConfig(t *testing.T) {
	dir := t.TempDir()
	load := func(text string) (*rpc.FileConfig, error) {
		p := dir + "/wasifill.yaml"
		if err := os.WriteFile(p, []byte(text), 0o644); err != nil {
			t.Fatal(err)
		}
		return rpc.LoadConfig(p)
	}
	c, err := load("timeout: 750ms\nmax-execution: 5s\ncomponents:\n  a: {path: a.wasm, timeout: 1s}\nlinks:\n  - {caller: a, interface: x:y/z, target: a, timeout: 100ms}\n")
	if err != nil {
		t.Fatal(err)
	}
	hc := c.HostConfig(rpc.Config{DefaultTimeout: time.Second})
	if hc.DefaultTimeout != 750*time.Millisecond || hc.MaxExecution != 5*time.Second {
		t.Errorf("host config %+v", hc)
	}
	for text, want := range map[string]string{
		"components:\n  a: {path: a.wasm}\nlinks:\n  - {caller: a, interface: i, target: b}\n": `target "b" is not a component`,
		"components:\n  a: {path: a.wasm}\nlinks:\n  - {interfce: i, target: a}\n":             "line 4: field interfce not found",
		"timeout: soon\n":                   `line 1: "soon" is not a duration`,
		"components:\n  a: {timeout: 1s}\n": "component a has no path",
	} {
		_, err := load(text)
		var ce *rpc.ConfigError
		if !errors.As(err, &ce) || !strings.Contains(err.Error(), want) {
			t.Errorf("%q: err = %v, want %q", text, err, want)
		}
	}
}

// With a pool, instances serve invocation after invocation; one that was
// interrupted is closed, not put back.
func TestPool(t *testing.T) {
	rt, h, c := setup(t, rpc.Config{PoolSize: 2})
	h.AddComponent("echo", c["echo"], 0)
	h.AddComponent("spin", c["spin"], 100*time.Millisecond)
	ctx := context.Background()
	for i := 0; i < 5; i++ {
		if out, err := h.Call(ctx, "echo", "i", "f", []byte{byte(i)}); err != nil || out[0] != byte(i) {
			t.Fatalf("call %d: %v, %v", i, out, err)
		}
	}
	if n := rt.OpenInstances(); n != 1 {
		t.Errorf("%d instances open after 5 sequential calls with a pool, want 1", n)
	}
	if _, err := h.Call(ctx, "spin", "i", "f", nil); rpcError(t, err).Kind != rpc.DeadlineExceeded {
		t.Fatalf("spin: %v", err)
	}
	if n := rt.OpenInstances(); n != 1 {
		t.Errorf("%d instances open after an interrupted call, want 1 (the interrupted one closed)", n)
	}
	h.Close(ctx)
	if n := rt.OpenInstances(); n != 0 {
		t.Errorf("%d instances open after Close", n)
	}
}

// Chain names each hop of a chain a deadline ended, and which bound set
// each deadline.
func TestChain(t *testing.T) {
	_, h, c := setup(t, rpc.Config{DefaultTimeout: 5 * time.Second})
	h.AddComponent("a", c["relay"], 0)
	h.AddComponent("b", c["relay"], 0)
	h.AddComponent("spin", c["spin"], 0)
	h.Link("a", "next", "b", 0)
	h.Link("b", "next", "spin", 200*time.Millisecond)

	ctx, release, err := h.Enter(context.Background(), "a")
	if err != nil {
		t.Fatal(err)
	}
	_, err = h.Invoke(ctx, "a", "next", "f", nil)
	if re := rpcError(t, err); re.Kind != rpc.DeadlineExceeded {
		t.Fatalf("err = %v", err)
	}
	chain := rpc.Chain(ctx)
	release()
	want := []struct {
		target, call, from string
		exceeded           bool
	}{
		{"a", "", "the host default", false},           // the entry's own deadline has not passed
		{"b", "next#f", "the caller's deadline", true}, // inherited from a
		{"spin", "next#f", "the link timeout", true},
	}
	if len(chain) != len(want) {
		t.Fatalf("chain = %+v, want %d hops", chain, len(want))
	}
	for i, w := range want {
		hop := chain[i]
		if hop.Depth != i || hop.Target != w.target || hop.Call != w.call || hop.DeadlineSetBy() != w.from || hop.DeadlineExceeded() != w.exceeded {
			t.Errorf("hop %d = %+v, want %+v", i, hop, w)
		}
	}
	if d := chain[2].Deadline; d != 200*time.Millisecond {
		t.Errorf("spin's deadline = %v, want the link's 200ms", d)
	}

	// When the entry's deadline is the shortest, every hop inherits it.
	parent, cancel := context.WithTimeout(context.Background(), 150*time.Millisecond)
	defer cancel()
	ctx, release, err = h.Enter(parent, "a")
	if err != nil {
		t.Fatal(err)
	}
	defer release()
	_, _ = h.Invoke(ctx, "a", "next", "f", nil)
	chain = rpc.Chain(ctx)
	if len(chain) != 3 || !chain[0].DeadlineExceeded() || chain[2].DeadlineFrom != rpc.OriginCaller {
		t.Errorf("chain under a 150ms caller = %+v", chain)
	}
	if rpc.Chain(context.Background()) != nil {
		t.Error("Chain outside an invocation is not empty")
	}
}

// Component targets are pre-initialized; with Warm, the pool is full
// before the first invocation and is refilled after each, and Close
// leaves nothing open.
func TestWarmPool(t *testing.T) {
	rt, h, c := setup(t, rpc.Config{PoolSize: 3, Warm: true})
	h.AddComponent("echo", c["echo"], 0)
	if err := h.PreinitializeError("echo"); err != nil {
		t.Fatalf("echo is not pre-initialized: %v", err)
	}
	if n := rt.OpenInstances(); n != 3 {
		t.Fatalf("%d instances open after AddComponent, want the pool's 3", n)
	}
	ctx := context.Background()
	for i := 0; i < 5; i++ {
		if out, err := h.Call(ctx, "echo", "i", "f", []byte{byte(i)}); err != nil || out[0] != byte(i) {
			t.Fatalf("call %d: %v, %v", i, out, err)
		}
	}
	// The refill runs in the background: wait for the pool to settle.
	deadline := time.Now().Add(10 * time.Second)
	for rt.OpenInstances() != 3 && time.Now().Before(deadline) {
		time.Sleep(10 * time.Millisecond)
	}
	if n := rt.OpenInstances(); n != 3 {
		t.Errorf("%d instances open after 5 calls, want 3", n)
	}
	h.Close(ctx)
	deadline = time.Now().Add(10 * time.Second)
	for rt.OpenInstances() != 0 && time.Now().Before(deadline) {
		time.Sleep(10 * time.Millisecond)
	}
	if n := rt.OpenInstances(); n != 0 {
		t.Errorf("%d instances open after Close", n)
	}
}

// Without pre-initialization, targets work the same.
func TestNoPreinitialize(t *testing.T) {
	_, h, c := setup(t, rpc.Config{NoPreinitialize: true})
	h.AddComponent("echo", c["echo"], 0)
	if out, err := h.Call(context.Background(), "echo", "i", "f", []byte{7}); err != nil || out[0] != 7 {
		t.Fatalf("echo = %v, %v", out, err)
	}
}
