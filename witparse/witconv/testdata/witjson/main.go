// Command witjson resolves a WIT path and prints the wasm-tools JSON, with
// nothing else linked in: the start-up benchmark's floor for `wasifill wit`.
package main

import (
	"fmt"
	"os"

	"github.com/wasifill/wasifill/witparse"
)

func main() {
	if len(os.Args) != 2 {
		fmt.Fprintln(os.Stderr, "usage: witjson PATH")
		os.Exit(2)
	}
	r, _, err := witparse.Load(os.Args[1], witparse.Options{})
	if err == nil {
		var b []byte
		if b, err = witparse.EncodeJSON(r); err == nil {
			_, err = os.Stdout.Write(b)
		}
	}
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
}
