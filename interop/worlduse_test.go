package interop_test

import (
	"context"
	"os"
	"reflect"
	"testing"

	"github.com/wasifill/wasifill/internal/component"
	"github.com/wasifill/wasifill/internal/componentize"
	"github.com/wasifill/wasifill/value"
	"github.com/wasifill/wasifill/witparse"
)

// A world-level export whose record comes from a `use` in the world
// (runtime/testdata/worlduse): the component imports a types-only
// instance and a type bound to its record, which neither host defines.
// Wasmtime 39 and wasifill both instantiate it and give f's argument
// back.
func TestWorldUseRunsInBoth(t *testing.T) {
	b, err := os.ReadFile("../runtime/testdata/worlduse/world-use.wasm")
	if err != nil {
		t.Fatal(err)
	}
	worldUseRunsInBoth(t, b)
}

// The same module and world made a component by wasifill's componentize
// (not by wit-component) runs the same in both.
func TestComponentizeWorldUseRunsInBoth(t *testing.T) {
	// world-use.wat (the identity function f on i32) as wat2wasm writes it.
	core := []byte{
		0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00, 0x01, 0x06, 0x01, 0x60,
		0x01, 0x7f, 0x01, 0x7f, 0x03, 0x02, 0x01, 0x00, 0x07, 0x05, 0x01, 0x01,
		0x66, 0x00, 0x00, 0x0a, 0x06, 0x01, 0x04, 0x00, 0x20, 0x00, 0x0b,
	}
	r, pkg, err := witparse.Load("../runtime/testdata/worlduse/world-use.wit", witparse.Options{})
	if err != nil {
		t.Fatal(err)
	}
	var world *component.Type
	for _, w := range r.Packages[pkg].Worlds {
		if w.Name == "w" {
			if world, err = component.FromWorld(r, w.ID); err != nil {
				t.Fatal(err)
			}
		}
	}
	if world == nil {
		t.Fatal("world-use.wit has no world w")
	}
	b, err := componentize.New(core, componentize.Options{World: world})
	if err != nil {
		t.Fatal(err)
	}
	worldUseRunsInBoth(t, b)
}

func worldUseRunsInBoth(t *testing.T, b []byte) {
	t.Helper()
	ctx := context.Background()
	arg := []value.Value{uint32(3)}
	wout, err := wtInstantiate(t, ctx, b).Call(ctx, "f", arg)
	if err != nil {
		t.Fatalf("wasmtime: f: %v", err)
	}
	out, err := wfInstance(t, b).Call(ctx, "f", arg)
	if err != nil {
		t.Fatalf("wasifill: f: %v", err)
	}
	if !reflect.DeepEqual(out, wout) || !reflect.DeepEqual(out, []value.Value{arg}) {
		t.Errorf("f({a: 3}): wasifill %#v, Wasmtime %#v", out, wout)
	}
}
