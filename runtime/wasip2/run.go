package wasip2

import (
	"context"
	"errors"
	"strings"

	"github.com/wasifill/wasifill/runtime"
	"github.com/wasifill/wasifill/value"
)

// ErrNotCommand is returned by Run for a component without wasi:cli/run.
var ErrNotCommand = errors.New("wasi: the component does not export wasi:cli/run")

// Run runs a command component: it calls wasi:cli/run's run and returns
// the exit code (0 for ok, 1 for err, or the code given to exit). A trap
// is returned as the error, with exit code 1. A wasip1 core command
// (instantiated from a core module) runs its _start instead, and keeps
// preview 1's exit codes.
func Run(ctx context.Context, inst *runtime.Instance) (int, error) {
	for _, e := range inst.Type().Exports {
		name := e.Name
		if e.Version != "" {
			name += "@" + e.Version
		}
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
			if code, ok := trap.ExitCode(); ok {
				return int(code), nil
			}
		}
		if err != nil {
			return 1, err
		}
		return 0, nil
	}
	return 1, ErrNotCommand
}
