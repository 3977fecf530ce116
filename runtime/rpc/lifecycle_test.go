package rpc_test

import (
	"context"
	"maps"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/wasifill/wasifill/runtime"
	"github.com/wasifill/wasifill/runtime/rpc"
)

// waitFor polls cond for up to 10 s (a busy machine is slow, never
// wrong), reporting whether it became true.
func waitFor(cond func() bool) bool {
	for end := time.Now().Add(10 * time.Second); time.Now().Before(end); time.Sleep(5 * time.Millisecond) {
		if cond() {
			return true
		}
	}
	return cond()
}

// 500 concurrent invocations of a component bounded at 4 instances: each
// instance of the relay holds its place while a Go provider it invokes
// counts how many run at once, which can never pass the bound.
func TestMaxInstancesBound(t *testing.T) {
	const bound, calls = 4, 500
	rt, h, c := setup(t, rpc.Config{DefaultTimeout: time.Minute, MaxConcurrent: calls})
	if err := h.AddComponentLifecycle("a", c["relay"], 0, rpc.Lifecycle{MaxInstances: bound}); err != nil {
		t.Fatal(err)
	}
	peak := addProbe(h)
	h.Link("a", "next", "probe", 0)
	var wg sync.WaitGroup
	var failed atomic.Int64
	for i := range calls {
		wg.Go(func() {
			out, err := h.Call(context.Background(), "a", "i", "f", []byte{byte(i)})
			if err != nil || len(out) != 1 || out[0] != byte(i) {
				failed.Add(1)
				t.Errorf("call %d: %v, %v", i, out, err)
			}
		})
	}
	wg.Wait()
	if p := peak.Load(); p < 1 || p > bound {
		t.Errorf("%d invocations ran at once, want 1 to %d", p, bound)
	}
	if n := rt.OpenInstances(); n > bound {
		t.Errorf("%d instances open, want at most %d", n, bound)
	}
	if got := h.Instances("a"); got.Busy != 0 || got.Idle > bound {
		t.Errorf("instances after the calls = %+v", got)
	}
}

// With every instance busy, an invocation waits until its deadline and
// fails with deadline-exceeded saying so; an interrupted instance is
// closed, and its place goes to the next invocation.
func TestQueuedOut(t *testing.T) {
	rt, h, c := setup(t, rpc.Config{DefaultTimeout: 5 * time.Second})
	if err := h.AddComponentLifecycle("spin", c["spin"], 0, rpc.Lifecycle{MaxInstances: 1}); err != nil {
		t.Fatal(err)
	}
	// The spinning invocation's deadline must leave the queued one time to
	// queue out while the spin still runs: on a machine too slow to start
	// it with a second to spare, it runs out and is tried again, longer.
	var spun chan error
	for spinFor := 2 * time.Second; ; spinFor *= 2 {
		spinCtx, cancel := context.WithTimeout(context.Background(), spinFor)
		defer cancel()
		spun = make(chan error, 1)
		go func() { _, err := h.Call(spinCtx, "spin", "i", "f", nil); spun <- err }()
		if !waitFor(func() bool { return h.Instances("spin").Busy == 1 }) {
			t.Fatal("the spinning invocation never started")
		}
		if d, _ := spinCtx.Deadline(); time.Until(d) > time.Second || spinFor >= 32*time.Second {
			break
		}
		t.Logf("the spinning invocation started with under a second of its %v left: again, longer", spinFor)
		<-spun
		if !waitFor(func() bool { return h.Instances("spin") == rpc.InstanceCounts{} }) {
			t.Fatalf("the interrupted spin's instance stays: %+v", h.Instances("spin"))
		}
	}
	ctx, cancel2 := context.WithTimeout(context.Background(), 100*time.Millisecond)
	defer cancel2()
	_, err := h.Call(ctx, "spin", "i", "f", nil)
	if re := rpcError(t, err); re.Kind != rpc.DeadlineExceeded || !strings.Contains(re.Msg, "no instance free before the deadline") {
		t.Errorf("queued invocation: %v", err)
	}
	if re := rpcError(t, <-spun); re.Kind != rpc.DeadlineExceeded {
		t.Errorf("spinning invocation: %v", re)
	}
	if got := h.Instances("spin"); got != (rpc.InstanceCounts{}) || rt.OpenInstances() != 0 {
		t.Errorf("after the interruption: %+v, %d open; want none (never reused)", got, rt.OpenInstances())
	}
	// The slot is free again: the next invocation starts an instance.
	ctx3, cancel3 := context.WithTimeout(context.Background(), 100*time.Millisecond)
	defer cancel3()
	if _, err := h.Call(ctx3, "spin", "i", "f", nil); rpcError(t, err).Kind != rpc.DeadlineExceeded || strings.Contains(err.Error(), "no instance free") {
		t.Errorf("after the slot was freed: %v", err)
	}
}

// An instance idle past its keep-alive is closed: with min-instances 0
// the component scales to zero, and the next invocation starts one (a
// cold start) and is answered within its deadline; min-instances stay.
func TestIdleScaleToZero(t *testing.T) {
	rt, h, c := setup(t, rpc.Config{})
	// A keep-alive long enough that a slow machine (the race detector,
	// other work) checks the idle counts below before it runs out.
	const idle = 300 * time.Millisecond
	if err := h.AddComponentLifecycle("echo", c["echo"], 0, rpc.Lifecycle{Idle: idle}); err != nil {
		t.Fatal(err)
	}
	if err := h.AddComponentLifecycle("warm", c["echo"], 0, rpc.Lifecycle{MinInstances: 2, Idle: idle}); err != nil {
		t.Fatal(err)
	}
	if got := h.Instances("warm"); got.Idle != 2 {
		t.Errorf("warm after AddComponent: %+v, want 2 idle", got)
	}
	ctx := context.Background()
	for i := range 3 {
		for _, n := range []string{"echo", "warm"} {
			if out, err := h.Call(ctx, n, "i", "f", []byte{byte(i)}); err != nil || out[0] != byte(i) {
				t.Fatalf("%s call %d: %v, %v", n, i, out, err)
			}
		}
	}
	if got := h.Instances("echo"); got.Idle != 1 {
		t.Errorf("echo after 3 sequential calls: %+v, want 1 idle", got)
	}
	if !waitFor(func() bool { return h.Instances("echo") == (rpc.InstanceCounts{}) }) {
		t.Fatalf("echo never scaled to zero: %+v", h.Instances("echo"))
	}
	if got := h.Instances("warm"); got.Idle != 2 {
		t.Errorf("warm after the keep-alive: %+v, want its 2 min-instances", got)
	}
	if n := rt.OpenInstances(); n != 2 {
		t.Errorf("%d instances open, want warm's 2", n)
	}
	cold, cancel := context.WithTimeout(ctx, 2*time.Second)
	defer cancel()
	if out, err := h.Call(cold, "echo", "i", "f", []byte{9}); err != nil || out[0] != 9 {
		t.Fatalf("cold start after scale to zero: %v, %v", out, err)
	}
	if got := h.Instances("echo"); got.Idle != 1 {
		t.Errorf("echo after the cold start: %+v, want 1 idle", got)
	}
	h.Close(ctx)
	if n := rt.OpenInstances(); n != 0 {
		t.Errorf("%d instances open after Close", n)
	}
}

// The lifecycle keys, in wasifill.yaml and in --component.
func TestLifecycleConfig(t *testing.T) {
	dir := t.TempDir()
	echo, err := os.ReadFile("../../testdata/guests/rpc/out/echo.wasm")
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(dir, "echo.wasm"), echo, 0o644); err != nil {
		t.Fatal(err)
	}
	yml := filepath.Join(dir, "wasifill.yaml")
	if err := os.WriteFile(yml, []byte("max-instances: 5\nslow-factor: 6\nslow-floor: 20ms\ncomponents:\n  echo:\n    path: echo.wasm\n    max-instances: 3\n    min-instances: 1\n    idle: 40ms\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	fc, err := rpc.LoadConfig(yml)
	if err != nil {
		t.Fatal(err)
	}
	if hc := fc.HostConfig(rpc.Config{}); hc.MaxInstances != 5 || hc.SlowFactor != 6 || hc.SlowFloor != 20*time.Millisecond {
		t.Errorf("the file's host keys = %d, %d, %v; want 5, 6, 20ms", hc.MaxInstances, hc.SlowFactor, hc.SlowFloor)
	}
	if got, want := fc.Components["echo"], (rpc.ComponentConfig{Path: "echo.wasm", MaxInstances: 3, MinInstances: 1, Idle: rpc.Duration(40 * time.Millisecond)}); got != want {
		t.Errorf("file component = %+v, want %+v", got, want)
	}
	fc.Components["e2"] = rpc.ComponentConfig{Path: filepath.Join(dir, "echo.wasm"), Timeout: rpc.Duration(300 * time.Millisecond), MaxInstances: 2, Idle: rpc.Duration(time.Second)}
	rt, h, _ := setup(t, rpc.Config{})
	if _, err := fc.Apply(context.Background(), rt, h); err != nil {
		t.Fatal(err)
	}
	if got := h.Instances("echo"); got.Idle != 1 {
		t.Errorf("echo's min-instances: %+v", got)
	}
	c := &rpc.FileConfig{Components: map[string]rpc.ComponentConfig{"x": {Path: "a", MaxInstances: 1, MinInstances: 2}}}
	if err := c.Validate(); err == nil || !strings.Contains(err.Error(), "min-instances 2 is above max-instances 1") {
		t.Errorf("min above max: %v", err)
	}
}

// With Entry set, Apply compiles only what links reach from the entry
// (a broken component no link reaches is not compiled at all); TakeIdle
// hands the entry's warm instance to a caller that calls it itself.
func TestApplyEntry(t *testing.T) {
	dir := t.TempDir()
	for _, name := range []string{"relay", "echo"} {
		b, err := os.ReadFile("../../testdata/guests/rpc/out/" + name + ".wasm")
		if err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(filepath.Join(dir, name+".wasm"), b, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	if err := os.WriteFile(filepath.Join(dir, "broken.wasm"), []byte("\x00asm\x0d\x00\x01\x00\xff"), 0o644); err != nil {
		t.Fatal(err)
	}
	yml := filepath.Join(dir, "wasifill.yaml")
	err := os.WriteFile(yml, []byte("components:\n  relay: {path: relay.wasm}\n  echo: {path: echo.wasm}\n  broken: {path: broken.wasm}\n"+
		"links:\n  - {caller: relay, interface: wasifill:rpc-test/echo, target: echo}\n  - {caller: broken, interface: wasifill:rpc-test/echo, target: echo}\n"), 0o644)
	if err != nil {
		t.Fatal(err)
	}
	ctx := context.Background()
	apply := func(entry string) (*rpc.Host, map[string]*runtime.Compiled, error) {
		fc, err := rpc.LoadConfig(yml)
		if err != nil {
			t.Fatal(err)
		}
		fc.Entry = entry
		rt, h, _ := setup(t, rpc.Config{Warm: true, PoolSize: 1})
		t.Cleanup(func() { h.Close(ctx) })
		all, err := fc.Apply(ctx, rt, h)
		return h, all, err
	}
	if _, _, err := apply(""); err == nil || !strings.Contains(err.Error(), "component broken") {
		t.Fatalf("without an entry the broken component is compiled: %v", err)
	}
	h, all, err := apply("relay")
	if err != nil {
		t.Fatal(err)
	}
	if _, ok := all["broken"]; ok || all["relay"] == nil || all["echo"] == nil || len(all) != 2 {
		t.Fatalf("compiled %v, want relay and echo", slices.Sorted(maps.Keys(all)))
	}
	for _, n := range []string{"relay", "echo"} {
		if got := h.Instances(n); got.Idle != 1 {
			t.Errorf("%s is not warm: %+v", n, got)
		}
	}
	// The CLI takes the entry's warm instance and calls it itself.
	inst, release := h.TakeIdle("relay")
	if inst == nil {
		t.Fatal("TakeIdle gave no instance")
	}
	if got := h.Instances("relay"); got.Idle != 0 || got.Busy != 1 {
		t.Errorf("after TakeIdle: %+v, want 0 idle, 1 busy", got)
	}
	if again, _ := h.TakeIdle("relay"); again != nil {
		t.Error("TakeIdle gave the same pool's instance twice")
	}
	release()
	release() // twice is once
	if got := h.Instances("relay"); got.Idle != 0 || got.Busy != 0 {
		t.Errorf("after release: %+v, want none", got)
	}
	if inst, _ := h.TakeIdle("nothing"); inst != nil {
		t.Error("TakeIdle of no target gave an instance")
	}
}
