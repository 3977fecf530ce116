// Command command is the Go command fixture: a plain `go build` wasip1
// program (it exports _start) that prints its arguments and an
// environment variable, for the preview1 command adapter.
//
// Build: GOOS=wasip1 GOARCH=wasm go build -o command.core.wasm
package main

import (
	"fmt"
	"os"
	"strings"
)

func main() {
	fmt.Printf("hello from go %s\n", strings.Join(os.Args[1:], " "))
	if v := os.Getenv("FIXTURE"); v != "" {
		fmt.Printf("FIXTURE=%s\n", v)
	}
	if len(os.Args) > 1 && os.Args[1] == "fail" {
		fmt.Fprintln(os.Stderr, "failing as asked")
		os.Exit(3)
	}
}
