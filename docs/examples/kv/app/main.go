// Command app is the example's user component, in plain Go on the
// generated guest bindings: greet(name) looks name up in the store it
// imports (acme:kv/store), which it neither implements nor knows the
// address of — a fill turns each call into a wasifill:rpc invocation.
package main

import "kvapp/bindings"

type app struct{}

// Greet says hello with what the store knows about name.
func (app) Greet(name string) string {
	r := bindings.StoreGet(name)
	if r.IsErr {
		switch r.Err.Case {
		case bindings.ErrorCaseDeadlineExceeded:
			return "hello, " + name + " (the store did not answer in time: deadline-exceeded)"
		case bindings.ErrorCaseNotFound:
			return "hello, " + name + " (the store has no " + r.Err.NotFound + ")"
		default:
			return "hello, " + name + " (the store failed)"
		}
	}
	if !r.Ok.Some {
		return "hello, " + name + " (unknown)"
	}
	return "hello, " + name + ": " + string(r.Ok.Value)
}

func init() { bindings.RegisterApp(app{}) }

func main() {}
