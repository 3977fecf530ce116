package oracle_test

import (
	"context"
	"strings"
	"testing"

	"github.com/wasifill/wasifill/internal/oracle"
)

// addModule is a core module written byte by byte: it exports
// add(i32, i32) -> i32.
var addModule = []byte{
	0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00, // preamble
	0x01, 0x07, 0x01, 0x60, 0x02, 0x7f, 0x7f, 0x01, 0x7f, // type: (i32 i32) -> i32
	0x03, 0x02, 0x01, 0x00, // function 0 has type 0
	0x07, 0x07, 0x01, 0x03, 'a', 'd', 'd', 0x00, 0x00, // export "add" func 0
	0x0a, 0x09, 0x01, 0x07, 0x00, 0x20, 0x00, 0x20, 0x01, 0x6a, 0x0b, // local.get 0, local.get 1, i32.add
}

func TestComponentNewAndWIT(t *testing.T) {
	ctx := context.Background()
	comp, err := oracle.ComponentNew(ctx, addModule, "testdata/min", "min")
	if err != nil {
		t.Fatal(err)
	}
	if len(comp) < 8 || comp[4] != 0x0d {
		t.Fatalf("not a component: % x", comp[:8])
	}
	wit, err := oracle.WIT(ctx, comp)
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(wit, "export add: func(a: u32, b: u32) -> u32;") {
		t.Fatalf("component WIT:\n%s", wit)
	}
}

func TestExitError(t *testing.T) {
	_, err := oracle.Run(context.Background(), t.TempDir(), "component", "wit", "missing.wasm")
	var exit *oracle.ExitError
	if err == nil || !strings.Contains(err.Error(), "missing.wasm") {
		t.Fatalf("got %v (%T %v)", err, err, exit)
	}
}
