package runtime_test

import (
	"context"
	"errors"
	"os"
	"strings"
	"testing"

	"github.com/wasifill/wasifill/runtime"
)

// Canonical options are checked at compile time (testdata/canonopts): a
// post-return, realloc or lifted core function of the wrong type, a
// missing memory or realloc that the function's values need, two string
// encodings and a post-return on a lower are a *runtime.CanonOptionError inside the
// *runtime.CompileError; a post-return of the right type compiles and
// runs.
func TestCanonOptionsChecked(t *testing.T) {
	ctx := context.Background()
	rt := newRuntime(t)
	cases := map[string]string{ // file: what the error says
		"post-bad":        "post-return: core function 1 has type (func (param i32 i32) (result )), want (func (param i32) (result ))",
		"realloc-bad":     "realloc: core function 1 has type (func (param i32) (result i32))",
		"lift-type-bad":   "the lifted core function: core function 0 has type (func (param i64) (result i32))",
		"memory-missing":  "the memory option is required",
		"realloc-missing": "the realloc option is required",
		"encoding-twice":  "two string encodings",
		"lower-post":      "post-return cannot be given to a lower",
	}
	for name, want := range cases {
		b, err := os.ReadFile("testdata/canonopts/" + name + ".wasm")
		if err != nil {
			t.Fatal(err)
		}
		_, err = rt.Compile(ctx, b)
		var ce *runtime.CompileError
		var oe *runtime.CanonOptionError
		if !errors.As(err, &ce) || !errors.As(err, &oe) || !strings.Contains(err.Error(), want) {
			t.Errorf("%s: %v, want a compile error saying %q", name, err, want)
		}
	}
	b, err := os.ReadFile("testdata/canonopts/post-good.wasm")
	if err != nil {
		t.Fatal(err)
	}
	c, err := rt.Compile(ctx, b)
	if err != nil {
		t.Fatalf("post-good: %v", err)
	}
	inst, err := rt.Instantiate(ctx, c)
	if err != nil {
		t.Fatal(err)
	}
	defer inst.Close(ctx)
	f, _ := inst.Func("f")
	if out, err := f.Call(ctx, uint32(7)); err != nil || len(out) != 1 || out[0] != uint32(7) {
		t.Errorf("post-good f(7) = %v, %v", out, err)
	}
}
