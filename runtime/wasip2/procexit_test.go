package wasip2_test

import (
	"context"
	"errors"
	"os"
	"testing"

	"github.com/wasifill/wasifill/runtime/wasip2"
)

// proc_exit(256) is no success: WASI preview 1 says a code of 126 or
// more behaves as a trap (an exit status would keep 256's low byte, 0).
func TestProcExitOutOfRange(t *testing.T) {
	wasm, err := os.ReadFile("testdata/proc-exit-256.core.wasm")
	if err != nil {
		t.Fatal(err)
	}
	code, err := wasip2.Run(context.Background(), instantiate(t, wasm, wasip2.Config{}))
	var pe *wasip2.ProcExitError
	if code != 1 || !errors.As(err, &pe) || pe.Code != 256 {
		t.Fatalf("Run = %d, %v; want 1 and a ProcExitError for 256", code, err)
	}
}
