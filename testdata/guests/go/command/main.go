// Command command is the Go command fixture: a plain `go build` wasip1
// program (it exports _start) that prints its arguments and an
// environment variable, for the preview1 command adapter, and touches
// the filesystem when asked:
//
//	fail            exit 3 after a line on stderr
//	cat FILE        print FILE
//	ls DIR          print DIR's entries, one per line, sorted
//	write FILE TEXT create or truncate FILE with TEXT
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
	if len(os.Args) < 2 {
		return
	}
	var err error
	switch args := os.Args[2:]; os.Args[1] {
	case "fail":
		fmt.Fprintln(os.Stderr, "failing as asked")
		os.Exit(3)
	case "cat":
		var b []byte
		if b, err = os.ReadFile(args[0]); err == nil {
			os.Stdout.Write(b)
		}
	case "ls":
		var entries []os.DirEntry
		if entries, err = os.ReadDir(args[0]); err == nil {
			for _, e := range entries {
				fmt.Println(e.Name())
			}
		}
	case "write":
		err = os.WriteFile(args[0], []byte(args[1]), 0o644)
	}
	if err != nil {
		fmt.Fprintln(os.Stderr, "error:", err)
		os.Exit(2)
	}
}
