// Command wasifill generates, composes and runs WebAssembly wasi-fills.
//
// It is a thin cobra front end: every command parses its flags and calls the
// library packages (witparse, gen, compose, runtime), which hold the logic.
package main

import (
	"errors"
	"fmt"
	"os"
)

func main() {
	os.Exit(run(os.Args[1:]))
}

// run executes the CLI with args and returns the process exit code.
func run(args []string) int {
	root := newRootCommand()
	root.SetArgs(negativesPositional(root, args))
	err := root.Execute()
	if err == nil {
		return 0
	}
	var exit *exitError
	if errors.As(err, &exit) {
		if exit.msg != "" {
			fmt.Fprintln(os.Stderr, exit.msg)
		}
		return exit.code
	}
	fmt.Fprintln(os.Stderr, "wasifill:", unmarkMessage(err.Error()))
	return 1
}

// exitError ends the process with a chosen exit code and message.
type exitError struct {
	code int
	msg  string
}

func (e *exitError) Error() string { return e.msg }
