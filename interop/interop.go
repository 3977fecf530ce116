// Package interop runs WebAssembly components in outside runtimes, so tests
// can check that what wasifill builds compiles, validates and behaves the
// same everywhere: package wasmtime (Wasmtime 39 through its C API, cgo)
// and package jco (jco transpile on node). This package holds what both
// share: the shape of a function's type and the parsing of export names.
//
// The interop module is separate from the main module so that cgo and
// libwasmtime never become a dependency of wasifill itself.
package interop

import (
	"fmt"
	"strings"

	"github.com/wasifill/wasifill/value"
)

// Func is the type of a component function: named parameters and at most
// one result (nil for none).
type Func struct {
	Params []Param
	Result *value.Type
}

// Param is one named parameter.
type Param struct {
	Name string
	Type *value.Type
}

// String prints f the way WIT writes a function type.
func (f *Func) String() string {
	var b strings.Builder
	b.WriteString("func(")
	for i, p := range f.Params {
		if i > 0 {
			b.WriteString(", ")
		}
		b.WriteString(p.Name + ": " + p.Type.String())
	}
	b.WriteByte(')')
	if f.Result != nil {
		b.WriteString(" -> " + f.Result.String())
	}
	return b.String()
}

// SplitExport splits an export path: "ns:pkg/iface@1.0.0#func" into the
// exported instance and the function in it, and a world-level "func" into
// "" and "func".
func SplitExport(export string) (instance, fn string, err error) {
	instance, fn, ok := strings.Cut(export, "#")
	if !ok {
		instance, fn = "", export
	}
	if fn == "" || strings.Contains(fn, "#") || (ok && instance == "") {
		return "", "", fmt.Errorf("interop: bad export name %q: want \"ns:pkg/iface@ver#func\" or \"func\"", export)
	}
	return instance, fn, nil
}
