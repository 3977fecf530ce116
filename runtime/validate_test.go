package runtime_test

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"testing"

	"github.com/wasifill/wasifill/internal/hostile"
	"github.com/wasifill/wasifill/internal/wasmbin"
	"github.com/wasifill/wasifill/runtime"
)

// TestCompileHostileModules: each hostile core module (huge counts, out
// of range indices) is a *runtime.CompileError carrying the validator's
// *wasmbin.DecodeError, both as a core module and nested in a component,
// never an allocation by its counts or a panic in the compiler.
func TestCompileHostileModules(t *testing.T) {
	ctx := context.Background()
	rt := newRuntime(t)
	for _, c := range hostile.Modules() {
		t.Run(c.Name, func(t *testing.T) {
			for _, wasm := range [][]byte{c.Wasm, inComponent(c.Wasm)} {
				_, err := rt.Compile(ctx, wasm)
				var ce *runtime.CompileError
				var de *wasmbin.DecodeError
				if !errors.As(err, &ce) || !errors.As(err, &de) {
					t.Fatalf("want a CompileError with a DecodeError, got %T %v", err, err)
				}
				if !strings.Contains(err.Error(), c.Want) {
					t.Fatalf("error %q does not say %q", err, c.Want)
				}
			}
		})
	}
}

// inComponent wraps a core module in a component's core module section.
func inComponent(core []byte) []byte {
	out := []byte{0x00, 0x61, 0x73, 0x6d, 0x0d, 0x00, 0x01, 0x00}
	return append(out, hostile.Sec(wasmbin.SecCoreModule, core)...)
}

// TestCompileHostileNames: a valid module whose name section declares
// gigabytes of names compiles, as a core module and nested in a
// component, with interruption on and in trusted mode (which hands the
// module to wazero without the rewrite): its names are checked first.
func TestCompileHostileNames(t *testing.T) {
	ctx := context.Background()
	for _, interrupt := range []bool{true, false} {
		rt := newRuntime(t, runtime.WithInterruption(interrupt))
		for _, c := range hostile.NameSections() {
			t.Run(fmt.Sprintf("%s/interrupt=%v", c.Name, interrupt), func(t *testing.T) {
				for _, wasm := range [][]byte{c.Wasm, inComponent(c.Wasm)} {
					if _, err := rt.Compile(ctx, wasm); err != nil {
						t.Fatal(err)
					}
				}
			})
		}
	}
}
