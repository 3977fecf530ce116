package runtime

import (
	"context"
	"errors"
	"fmt"
	"sync"
	"sync/atomic"
	"time"

	"github.com/tetratelabs/wazero"
	"github.com/tetratelabs/wazero/api"

	"github.com/wasifill/wasifill/internal/instrument"
	"github.com/wasifill/wasifill/internal/wasmbin"
)

// Interruption. With interruption on (the default), every core module is
// compiled with a check at each function entry and loop header that reads
// a flag global of its own instance (package internal/instrument); a call
// arms the flags of every core instance of its component instance, and
// when the call's context ends they are set, so the guest traps at its
// next check. wazero's own close-on-context-done stays off: it costs a
// call out of the guest on every loop iteration and does not check calls.

// InterruptedError is why a guest stopped when the context of its call
// ended: Cause is the context's error (context.DeadlineExceeded or
// context.Canceled), so errors.Is finds it.
type InterruptedError struct{ Cause error }

func (e *InterruptedError) Error() string { return "interrupted: " + e.Cause.Error() }

func (e *InterruptedError) Unwrap() error { return e.Cause }

// errSpent is a call into an instance that an earlier call's context
// interrupted: its guest stopped half-way, so it is not run again.
var errSpent = errors.New("the instance was interrupted by an earlier call and cannot be used again")

// interruptFlags are the interrupt flags of the core instances of one
// component instance. A nil *interruptFlags (interruption off) does
// nothing.
type interruptFlags struct {
	mu      sync.Mutex
	flags   []api.MutableGlobal
	tripped atomic.Bool
}

// watch adds the flag of an instantiated core module that the runtime
// instrumented (a component's core modules, a core module run on its
// own). Only those are watched: asking wazero for a global that is not
// exported builds an error, a cost paid on every instantiation of every
// generated bundle otherwise.
func (f *interruptFlags) watch(mod api.Module) {
	if f == nil {
		return
	}
	if g, ok := mod.ExportedGlobal(instrument.FlagExport).(api.MutableGlobal); ok {
		f.mu.Lock()
		f.flags = append(f.flags, g)
		f.mu.Unlock()
	}
}

// set raises every flag: the guest traps at its next check.
func (f *interruptFlags) set() {
	f.tripped.Store(true)
	f.mu.Lock()
	defer f.mu.Unlock()
	for _, g := range f.flags {
		g.Set(1)
	}
}

// guard runs call, which runs guest code of the instance (what names it
// in errors), with the flags armed on ctx: if ctx ends before call
// returns, the flags are set and the failure call then returns is
// reported as an InterruptedError. A context that has already ended runs
// nothing.
func (f *interruptFlags) guard(ctx context.Context, what string, call func() error) error {
	if f == nil {
		return call()
	}
	if f.tripped.Load() {
		return fmt.Errorf("runtime: %s: %w", what, errSpent)
	}
	if ctx.Done() == nil {
		return call()
	}
	if err := ctx.Err(); err != nil {
		return fmt.Errorf("runtime: %s: %w", what, &InterruptedError{Cause: err})
	}
	stop := context.AfterFunc(ctx, f.set)
	err := call()
	if !stop() || deadlinePassed(ctx) || (err != nil && ctx.Err() != nil) {
		// The context ended during the call (its timer set the flags, or
		// the guest's own check found the deadline passed before the
		// timer ran), or its deadline passed while its timer waits for a
		// CPU (a cancellation that comes after a result does not undo
		// it): its instance is spent, and a result that came after the
		// deadline is not one. The clock decides because two deadlines
		// of the same instant (a caller's and its callee's) have timers
		// that run in either order: the callee's can end it, and the
		// caller handle that failure and return, before the caller's own
		// timer runs.
		f.set()
		if err == nil {
			err = fmt.Errorf("%s returned after its context ended", what)
		}
		return interrupted(ctx, err)
	}
	return err
}

// contextOver reports whether ctx has ended or its deadline has passed
// (its timer may not have run yet: on a busy machine a timer goroutine
// can wait milliseconds for a CPU, while the guest is running).
func contextOver(ctx context.Context) bool {
	return ctx.Err() != nil || deadlinePassed(ctx)
}

// deadlinePassed reports whether the clock has reached ctx's deadline.
func deadlinePassed(ctx context.Context) bool {
	d, ok := ctx.Deadline()
	return ok && !time.Now().Before(d)
}

// contextCause is why ctx is over: its error, or DeadlineExceeded when
// its deadline passed before its timer ran.
func contextCause(ctx context.Context) error {
	if err := ctx.Err(); err != nil {
		return err
	}
	return context.DeadlineExceeded
}

// checkInterrupt is the check import of instrumented modules
// (instrument.CheckModule, instrument.CheckFunc): the guest calls it
// every instrument.Budget function entries and every
// instrument.Budget/instrument.LoopWeight·instrument.LoopBudget loop
// iterations. Being Go, it is where the Go scheduler can stop a guest that
// never calls out (a garbage collection waits for every goroutine); and
// when the call's context is over it stops the guest there (a panic,
// which wazero turns into the call's error, and guard into an
// InterruptedError), so that a guest stops at its deadline even when the
// timer that sets the flags has not had a CPU yet. It does not set the
// flag itself: only interruptFlags.set writes flags, under its lock.
func checkInterrupt(ctx context.Context, _ api.Module, _ []uint64) {
	if contextOver(ctx) {
		panic(errCheckFoundContextOver)
	}
}

// errCheckFoundContextOver is how checkInterrupt stops a guest.
var errCheckFoundContextOver = errors.New("the interrupt check found the call's context over")

// instantiateCheck instantiates, on wz, the host module instrumented
// modules import checkInterrupt from.
func instantiateCheck(ctx context.Context, wz wazero.Runtime) (api.Module, error) {
	return wz.NewHostModuleBuilder(instrument.CheckModule).NewFunctionBuilder().
		WithGoModuleFunction(api.GoModuleFunc(checkInterrupt), nil, nil).
		Export(instrument.CheckFunc).Instantiate(ctx)
}

// interrupted makes err, the failure of a call whose context ended, an
// InterruptedError, keeping where it happened.
func interrupted(ctx context.Context, err error) error {
	cause := &InterruptedError{Cause: contextCause(ctx)}
	var trap *TrapError
	if errors.As(err, &trap) {
		return &TrapError{Component: trap.Component, Func: trap.Func, Err: cause}
	}
	return fmt.Errorf("runtime: %w (%v)", cause, err)
}

// checkReservedNames refuses a component that refers to the interrupt
// flag's export name anywhere it could reach a core item by name.
func checkReservedNames(comp *wasmbin.Component) error {
	for _, d := range comp.Defs {
		switch d := d.(type) {
		case *wasmbin.AliasDefs:
			for _, a := range d.Aliases {
				if a.Target == wasmbin.AliasCoreExport && a.Name == instrument.FlagExport {
					return fmt.Errorf("alias of core export %q, a name the runtime reserves", a.Name)
				}
			}
		case *wasmbin.CoreInstanceDefs:
			for _, ci := range d.Instances {
				for _, e := range ci.Exports {
					if e.Name == instrument.FlagExport {
						return fmt.Errorf("core instance export %q, a name the runtime reserves", e.Name)
					}
				}
			}
		case *wasmbin.ComponentDef:
			if err := checkReservedNames(d.Component); err != nil {
				return err
			}
		}
	}
	return nil
}

// newInterruptFlags returns the flags of a new instance: nil when
// interruption is off.
func (r *Runtime) newInterruptFlags() *interruptFlags {
	if !r.cfg.interrupt {
		return nil
	}
	return &interruptFlags{}
}
