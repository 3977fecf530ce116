package wasip2_test

import (
	"context"
	"errors"
	"os"
	"testing"
	"time"

	"github.com/wasifill/wasifill/runtime"
	"github.com/wasifill/wasifill/runtime/wasip2"
)

// runBlocker runs testdata/blocker.wat (componentized with the command
// adapter, so it calls WASI 0.2) with args under a 300 ms deadline, and
// returns its exit code, how long it took and its error.
func runBlocker(t *testing.T, cfg wasip2.Config, args ...string) (int, time.Duration, error) {
	t.Helper()
	wasm := componentize(t, "testdata/blocker.wasm", "command")
	ctx := context.Background()
	rt, err := runtime.New(ctx, runtime.WithCompilationCache(cache))
	if err != nil {
		t.Fatal(err)
	}
	defer rt.Close(ctx)
	cfg.Args = append([]string{"blocker"}, args...)
	if err := wasip2.Define(rt, cfg); err != nil {
		t.Fatal(err)
	}
	c, err := rt.Compile(ctx, wasm)
	if err != nil {
		t.Fatal(err)
	}
	inst, err := rt.Instantiate(ctx, c)
	if err != nil {
		t.Fatal(err)
	}
	defer inst.Close(ctx)
	callCtx, cancel := context.WithTimeout(ctx, 300*time.Millisecond)
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
		name string
		cfg  wasip2.Config
		args []string
	}{
		{"blocking-read of stdin", wasip2.Config{Stdin: stdin}, nil},
		{"poll of subscribe-duration(2^64-1)", wasip2.Config{}, []string{"sleep"}},
		{"blocking-write-and-flush to stdout", wasip2.Config{Stdout: stdout}, []string{"write", "forever"}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			code, took, err := runBlocker(t, c.cfg, c.args...)
			if !errors.Is(err, context.DeadlineExceeded) {
				t.Errorf("exit %d, err %v; want the deadline's error", code, err)
			}
			if took < 250*time.Millisecond || took > 5*time.Second {
				t.Errorf("returned after %v, want about 300ms", took)
			}
		})
	}
}
