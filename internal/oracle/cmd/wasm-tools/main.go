// Command wasm-tools runs the wasm-tools oracle (wasm-tools 1.230 from
// go.bytecodealliance.org, on wazero) with the current directory mounted as
// the root, so fixture scripts can use it without installing wasm-tools:
//
//	go run ./internal/oracle/cmd/wasm-tools component new core.wasm -o c.wasm
//
// Paths must be relative to the current directory and stay inside it.
package main

import (
	"context"
	"errors"
	"fmt"
	"os"

	"github.com/wasifill/wasifill/internal/oracle"
)

func main() {
	dir, err := os.Getwd()
	if err != nil {
		fmt.Fprintln(os.Stderr, "wasm-tools:", err)
		os.Exit(1)
	}
	out, err := oracle.Run(context.Background(), dir, os.Args[1:]...)
	os.Stdout.Write(out)
	if err != nil {
		var exit *oracle.ExitError
		if errors.As(err, &exit) {
			fmt.Fprint(os.Stderr, exit.Stderr)
			os.Exit(int(exit.Code))
		}
		fmt.Fprintln(os.Stderr, "wasm-tools:", err)
		os.Exit(1)
	}
}
