package runtime_test

import (
	"context"
	"os"
	"testing"

	"github.com/wasifill/wasifill/runtime"
	"github.com/wasifill/wasifill/value"
)

func load(t *testing.T, rt *runtime.Runtime, name string) *runtime.Instance {
	t.Helper()
	b, err := os.ReadFile("../testdata/guests/out/" + name)
	if err != nil {
		t.Fatal(err)
	}
	ctx := context.Background()
	c, err := rt.Compile(ctx, b)
	if err != nil {
		t.Fatal(err)
	}
	inst, err := rt.Instantiate(ctx, c)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { inst.Close(ctx) })
	return inst
}

func TestEchoSmoke(t *testing.T) {
	ctx := context.Background()
	rt, err := runtime.New(ctx)
	if err != nil {
		t.Fatal(err)
	}
	defer rt.Close(ctx)
	inst := load(t, rt, "all-types.wasm")
	for _, c := range []struct {
		fn  string
		arg value.Value
	}{
		{"echo-u32", uint32(7)}, {"echo-string", "héllo"}, {"echo-f64", 1.5},
		{"echo-strings", []value.Value{"a", "bc"}},
	} {
		out, err := inst.Call(ctx, "wasifill:guests/types@0.1.0#"+c.fn, c.arg)
		if err != nil {
			t.Fatalf("%s: %v", c.fn, err)
		}
		f, _ := inst.Func("wasifill:guests/types@0.1.0#" + c.fn)
		if !value.Equal(f.Results()[0], out[0], c.arg) {
			t.Errorf("%s(%v) = %v", c.fn, c.arg, out[0])
		}
	}
}
