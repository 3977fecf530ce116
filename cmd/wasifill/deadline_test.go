package main

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// --timeout is the caller's deadline: a guest that asks extend() for 10 s
// more is still stopped at 200 ms, and the error names --timeout.
func TestTimeoutFlagIsHard(t *testing.T) {
	rpcOut, err := filepath.Abs("../../testdata/guests/rpc/out")
	if err != nil {
		t.Fatal(err)
	}
	cfg := filepath.Join(t.TempDir(), "wasifill.yaml")
	if err := os.WriteFile(cfg, []byte("components:\n  d: {path: "+rpcOut+"/deadline.wasm}\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	// op 2: extend(10000 ms), then spin.
	handle := `wasifill:rpc/handler@0.1.0#handle("i", "f", [2, 16, 39, 0, 0, 0, 0, 0, 0])`
	start := time.Now()
	code, _, errOut := runCLI(t, "call", "--config", cfg, "--timeout", "200ms", "d", handle)
	took := time.Since(start)
	if code != 1 || !strings.Contains(errOut, "its deadline was 200 ms, set by --timeout") {
		t.Errorf("extend(10000) under --timeout 200ms: exit %d, err %q", code, errOut)
	}
	if took > 5*time.Second { // generous for a busy machine, far below 10 s
		t.Errorf("extend(10000) under --timeout 200ms ran %v", took)
	}
	// op 1: extend(10000 ms) and return what it answered.
	code, out, errOut := runCLI(t, "call", "--config", cfg, "--timeout", "200ms", "d", strings.Replace(handle, "[2,", "[1,", 1))
	if code != 0 || !strings.Contains(out, "extension refused: an invocation may run at most 200 ms (the host maximum)") {
		t.Errorf("extend(10000) under --timeout 200ms: exit %d, out %q, err %q", code, out, errOut)
	}
}

// A missed deadline waits for the context's late timer, so that the
// invocation it describes has ended; another failure, or a call without
// a deadline, does not wait.
func TestSettleDeadline(t *testing.T) {
	late := lateCtx{deadline: time.Now().Add(-time.Millisecond), done: make(chan struct{})}
	go func() { time.Sleep(20 * time.Millisecond); close(late.done) }() // the timer, running late
	settleDeadline(late, fmt.Errorf("call: %w", context.DeadlineExceeded))
	if !errors.Is(late.Err(), context.DeadlineExceeded) {
		t.Errorf("after settling: the context's error is %v", late.Err())
	}
	never := lateCtx{deadline: time.Now().Add(-time.Millisecond), done: make(chan struct{})}
	settleDeadline(never, errors.New("trap")) // would block if it waited
	settleDeadline(context.Background(), context.DeadlineExceeded)
}

// lateCtx is a context whose deadline has passed but whose Done closes
// only when its (late) timer runs.
type lateCtx struct {
	context.Context
	deadline time.Time
	done     chan struct{}
}

func (c lateCtx) Deadline() (time.Time, bool) { return c.deadline, true }
func (c lateCtx) Done() <-chan struct{}       { return c.done }
func (c lateCtx) Err() error {
	select {
	case <-c.done:
		return context.DeadlineExceeded
	default:
		return nil
	}
}
