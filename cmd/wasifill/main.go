// Command wasifill generates, composes and runs WebAssembly wasi-fills.
//
// It is a thin cobra front end: every command parses its flags and calls the
// library packages (witparse, gen, compose, runtime), which hold the logic.
package main

import (
	"errors"
	"fmt"
	"os"

	"github.com/spf13/cobra"

	"github.com/wasifill/wasifill/internal/guard"
)

func main() {
	root := newRootCommand() // built once: a one-shot command's start-up is part of its cost
	tuneGC(root, os.Args[1:])
	os.Exit(runRoot(root, os.Args[1:]))
}

// run executes the CLI with args and returns the process exit code. A
// panic that escapes the libraries' own boundaries still ends in a message
// and exit code 1, never a crash dump.
func run(args []string) int { return runRoot(newRootCommand(), args) }

// runRoot is run on a root command already built.
func runRoot(root *cobra.Command, args []string) int {
	root.SetArgs(negativesPositional(root, args))
	err := execute(root.Execute)
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

// execute runs the command, turning a panic into a *guard.InternalError.
func execute(f func() error) (err error) {
	defer guard.Recover("wasifill", &err)
	return f()
}

// exitError ends the process with a chosen exit code and message.
type exitError struct {
	code int
	msg  string
}

func (e *exitError) Error() string { return e.msg }
