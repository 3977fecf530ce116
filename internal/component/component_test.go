package component_test

import (
	"errors"
	"os"
	"strings"
	"testing"

	"github.com/wasifill/wasifill/internal/component"
	"github.com/wasifill/wasifill/internal/testenv"
	"github.com/wasifill/wasifill/internal/wasmbin"
)

func resolveFile(t *testing.T, path string) *component.Type {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	return testenv.ComponentType(t, b)
}

func worldType(t *testing.T, name string) *component.Type {
	return testenv.World(t, "../../testdata/guests/wit", name)
}

// The types wasm-tools wrote into its components resolve to the same
// structure as our reading of the WIT they came from, in both directions.
func TestResolveAgreesWithWIT(t *testing.T) {
	for _, name := range []string{"all-types", "resources", "faulty", "host-impl"} {
		got := resolveFile(t, "../../testdata/guests/out/"+name+".wasm")
		want := worldType(t, name)
		if len(got.Exports) != len(want.Exports) {
			t.Fatalf("%s: %d exports, want %d", name, len(got.Exports), len(want.Exports))
		}
		for i := range want.Exports {
			if err := component.Satisfies(want.Exports[i], got.Exports[i], component.Bindings{}); err != nil {
				t.Errorf("%s: WIT vs component: %v", name, err)
			}
			if err := component.Satisfies(got.Exports[i], want.Exports[i], component.Bindings{}); err != nil {
				t.Errorf("%s: component vs WIT: %v", name, err)
			}
		}
	}
}

func TestFormatWorld(t *testing.T) {
	got := component.FormatWorld("resources", resolveFile(t, "../../testdata/guests/out/resources.wasm"))
	for _, want := range []string{
		"export wasifill:guests/counters@0.1.0 {",
		"resource counter;",
		"[constructor]counter: func(start: u64) -> counter;",
		"total: func(a: borrow<counter>, b: borrow<counter>) -> u64;",
	} {
		if !strings.Contains(got, want) {
			t.Errorf("FormatWorld lacks %q:\n%s", want, got)
		}
	}
}

func TestSatisfiesReportsThePath(t *testing.T) {
	want := worldType(t, "all-types").Exports[0]
	got := worldType(t, "client").Imports[0] // same interface, from another world
	if err := component.Satisfies(got, want, component.Bindings{}); err != nil {
		t.Fatalf("same interface does not satisfy itself: %v", err)
	}
	// Drop a function: the importer's view misses it.
	short := *want.Type
	short.Exports = short.Exports[:len(short.Exports)-1]
	err := component.Satisfies(want, component.Extern{Name: want.Name, Kind: want.Kind, Type: &short}, component.Bindings{})
	var mm *component.MismatchError
	if !errors.As(err, &mm) || !strings.Contains(err.Error(), "func describe: expected an export named describe, found none") {
		t.Errorf("err = %v", err)
	}
}

func TestResolveRejectsBadIndices(t *testing.T) {
	c := &wasmbin.Component{Defs: []wasmbin.Def{
		&wasmbin.TypeDefs{Types: []wasmbin.Type{{Kind: wasmbin.TypeList, Elem: wasmbin.ValType{Index: 7}}}},
	}}
	_, err := component.Resolve(c)
	var ce *component.Error
	if !errors.As(err, &ce) || !strings.Contains(err.Error(), "type index 7 out of range") {
		t.Errorf("err = %v", err)
	}
	c = &wasmbin.Component{Defs: []wasmbin.Def{
		&wasmbin.AliasDefs{Aliases: []wasmbin.Alias{{Sort: wasmbin.SortType, Target: wasmbin.AliasOuter, Count: 2}}},
	}}
	if _, err := component.Resolve(c); err == nil || !strings.Contains(err.Error(), "outer alias") {
		t.Errorf("outer alias past the top: err = %v", err)
	}
}

// FuzzResolve: any bytes that decode as a component resolve or fail with
// an error, never a panic.
func FuzzResolve(f *testing.F) {
	for _, name := range []string{"all-types", "resources", "client", "faulty"} {
		b, err := os.ReadFile("../../testdata/guests/out/" + name + ".wasm")
		if err != nil {
			f.Fatal(err)
		}
		f.Add(b)
	}
	f.Fuzz(func(t *testing.T, b []byte) {
		c, err := wasmbin.DecodeComponent(b)
		if err != nil {
			return
		}
		if ct, err := component.Resolve(c); err == nil {
			_ = component.FormatWorld("fuzz", ct)
		}
	})
}
