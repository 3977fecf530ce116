package runtime_test

import (
	"context"
	"os"
	"reflect"
	"testing"

	"github.com/wasifill/wasifill/value"
)

// A world-level export whose types come from a `use` in the world: the
// component imports the types-only interface instance and a type bound
// (eq) to its record, and the host defines neither. Wasmtime instantiates
// it (testdata/worlduse/README.md); so does wasifill, and the call gives
// back its argument. (An instance import with a function still needs the
// host: TestHostImplementsImport.)
func TestWorldUseTypesOnlyImports(t *testing.T) {
	ctx := context.Background()
	b, err := os.ReadFile("testdata/worlduse/world-use.wasm")
	if err != nil {
		t.Fatal(err)
	}
	rt := newRuntime(t)
	c, err := rt.Compile(ctx, b)
	if err != nil {
		t.Fatal(err)
	}
	inst, err := rt.Instantiate(ctx, c)
	if err != nil {
		t.Fatalf("instantiate: %v", err)
	}
	defer inst.Close(ctx)
	f, ok := inst.Func("f")
	if !ok {
		t.Fatal("no export f")
	}
	arg := []value.Value{uint32(3)}
	out, err := f.Call(ctx, arg)
	if err != nil {
		t.Fatal(err)
	}
	if len(out) != 1 || !reflect.DeepEqual(out[0], arg) {
		t.Errorf("f({a: 3}) = %#v, want %#v", out, arg)
	}
}
