package wasip2_test

import (
	"context"
	"errors"
	"os"
	"testing"
	"time"

	"github.com/wasifill/wasifill/runtime/wasip2"
)

// runBlocker runs testdata/blocker.wat with args under a 300 ms
// deadline — componentized with the command adapter, so that it calls
// WASI 0.2, or (preview1) as it is, on wazero's preview 1 — and returns
// its exit code, how long it took and its error.
func runBlocker(t *testing.T, preview1 bool, cfg wasip2.Config, args ...string) (int, time.Duration, error) {
	t.Helper()
	wasm, err := os.ReadFile("testdata/blocker.wasm")
	if err != nil {
		t.Fatal(err)
	}
	if !preview1 {
		wasm = componentizeCore(t, "testdata/blocker.wasm", "command")
	}
	cfg.Args = append([]string{"blocker"}, args...)
	inst := instantiate(t, wasm, cfg)
	callCtx, cancel := context.WithTimeout(context.Background(), 300*time.Millisecond)
	defer cancel()
	start := time.Now()
	code, err := wasip2.Run(callCtx, inst)
	return code, time.Since(start), err
}

// pipe is an os.Pipe whose ends stay open until the test ends: nothing
// is ever written to it or read from it.
func pipe(t *testing.T) (*os.File, *os.File) {
	t.Helper()
	r, w, err := os.Pipe()
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { r.Close(); w.Close() })
	return r, w
}

// Each blocking host call returns at the deadline: the run ends with the
// deadline's error well before the pipe would ever deliver. The bound on
// the time is generous for a busy machine; without the deadline the call
// would never return.
func TestBlockingCallsReturnAtDeadline(t *testing.T) {
	stdin, _ := pipe(t)
	_, stdout := pipe(t)
	cases := []struct {
		name     string
		cfg      wasip2.Config
		args     []string
		preview1 bool // also as a wasip1 core module on wazero's preview 1
	}{
		{"blocking-read of stdin", wasip2.Config{Stdin: stdin}, nil, true},
		// wazero's poll_oneoff wraps 2^64-1 ns to a negative timeout and
		// does not sleep at all: WASI 0.2 only.
		{"poll of subscribe-duration(2^64-1)", wasip2.Config{}, []string{"sleep"}, false},
		{"blocking-write-and-flush to stdout", wasip2.Config{Stdout: stdout}, []string{"write", "forever"}, true},
		{"poll of a 10 s clock", wasip2.Config{}, []string{"sleep", "10", "s"}, true},
	}
	for _, c := range cases {
		for _, preview1 := range []bool{false, true} {
			if preview1 && !c.preview1 {
				continue
			}
			name := c.name
			if preview1 {
				name += " (preview 1)"
			}
			t.Run(name, func(t *testing.T) {
				code, took, err := runBlocker(t, preview1, c.cfg, c.args...)
				if !errors.Is(err, context.DeadlineExceeded) {
					t.Errorf("exit %d, err %v; want the deadline's error", code, err)
				}
				if took < 250*time.Millisecond || took > 5*time.Second {
					t.Errorf("returned after %v, want about 300ms", took)
				}
			})
		}
	}
}
