// Package guard is the last line of defence at wasifill's public entry
// points: a panic (a defect in wasifill or in a library under it, never an
// expected outcome of bad input, which gets its own typed error) becomes an
// *InternalError naming the stage, so that no input takes the host down.
//
//	func Compile(b []byte) (_ *Compiled, err error) {
//		defer guard.Recover("runtime: compile", &err)
//		...
//	}
package guard

import (
	"fmt"
	"runtime/debug"
)

// InternalError is a panic caught at a public entry point.
type InternalError struct {
	// Stage names the entry point, e.g. "runtime: compile".
	Stage string
	// Value is what was passed to panic.
	Value any
	// Stack is the panicking goroutine's stack, for a bug report.
	Stack string
}

func (e *InternalError) Error() string {
	return fmt.Sprintf("%s: internal error (a wasifill defect, please report it): %v", e.Stage, e.Value)
}

// Unwrap returns the panic value when it is an error.
func (e *InternalError) Unwrap() error {
	err, _ := e.Value.(error)
	return err
}

// Recover must be deferred directly; it turns a panic of the deferring
// function into an *InternalError stored in *err.
func Recover(stage string, err *error) {
	if p := recover(); p != nil {
		*err = &InternalError{Stage: stage, Value: p, Stack: string(debug.Stack())}
	}
}
