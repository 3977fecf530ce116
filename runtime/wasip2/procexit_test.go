package wasip2_test

import (
	"context"
	"errors"
	"os"
	"testing"

	"github.com/wasifill/wasifill/runtime"
	"github.com/wasifill/wasifill/runtime/wasip2"
)

// proc_exit(256) is no success: WASI preview 1 says a code of 126 or
// more behaves as a trap (an exit status would keep 256's low byte, 0).
func TestProcExitOutOfRange(t *testing.T) {
	wasm, err := os.ReadFile("testdata/proc-exit-256.core.wasm")
	if err != nil {
		t.Fatal(err)
	}
	ctx := context.Background()
	rt, err := runtime.New(ctx)
	if err != nil {
		t.Fatal(err)
	}
	defer rt.Close(ctx)
	if err := wasip2.Define(rt, wasip2.Config{}); err != nil {
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
	code, err := wasip2.Run(ctx, inst)
	var pe *wasip2.ProcExitError
	if code != 1 || !errors.As(err, &pe) || pe.Code != 256 {
		t.Fatalf("Run = %d, %v; want 1 and a ProcExitError for 256", code, err)
	}
}
