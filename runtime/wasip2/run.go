package wasip2

import (
	"context"
	"errors"
	"fmt"
	"strings"

	"github.com/wasifill/wasifill/runtime"
	"github.com/wasifill/wasifill/value"
)

// ErrNotCommand is returned by Run for a component without wasi:cli/run.
var ErrNotCommand = errors.New("wasi: the component does not export wasi:cli/run")

// maxProcExit bounds preview 1's proc_exit codes: "a value of 126 or
// greater ... behaves as if it were implemented by an unreachable
// instruction" (WASI witx, as Wasmtime does); a process exit status would
// otherwise keep only the low 8 bits, and 256 would read as success.
const maxProcExit = 126

// ProcExitError is a wasip1 core command's proc_exit with a code of 126
// or more: a trap, not an exit status.
type ProcExitError struct{ Code uint32 }

func (e *ProcExitError) Error() string {
	return fmt.Sprintf("wasi: proc_exit(%d): a code of %d or more traps (WASI preview 1)", e.Code, maxProcExit)
}

// Run runs a command component: it calls wasi:cli/run's run and returns
// the exit code (0 for ok, 1 for err, or the code given to exit). A trap
// is returned as the error, with exit code 1. A wasip1 core command
// (instantiated from a core module) runs its _start instead, and keeps
// preview 1's exit codes below 126; proc_exit with a larger code is a
// *ProcExitError (exit code 1).
func Run(ctx context.Context, inst *runtime.Instance) (int, error) {
	for _, name := range inst.Exports() {
		if !strings.HasPrefix(name, "wasi:cli/run@0.2.") {
			continue
		}
		out, err := inst.Call(ctx, name+"#run")
		var exit *ExitError
		if errors.As(err, &exit) {
			return int(exit.Code), nil
		}
		if err != nil {
			return 1, err
		}
		if out[0].(value.Result).IsErr {
			return 1, nil
		}
		return 0, nil
	}
	// A wasip1 core command run on wazero's preview 1: its _start.
	if start, ok := inst.Func("_start"); ok {
		if h := hostOf(inst.Runtime()); h != nil {
			defer h.p1.enter(ctx)()
		}
		_, err := start.Call(ctx)
		if ctx.Err() != nil {
			// The deadline cut it short (wazero closed the module, or a
			// blocked call returned early): not an exit of the guest's.
			return 1, context.Cause(ctx)
		}
		var trap *runtime.TrapError
		if errors.As(err, &trap) {
			if code, ok := trap.ExitCode(); ok && code < maxProcExit {
				return int(code), nil
			} else if ok {
				return 1, &ProcExitError{Code: code}
			}
		}
		if err != nil {
			return 1, err
		}
		return 0, nil
	}
	return 1, ErrNotCommand
}
