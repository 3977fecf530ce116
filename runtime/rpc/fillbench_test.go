package rpc_test

import (
	"context"
	"os"
	"testing"

	"github.com/wasifill/wasifill/runtime"
	"github.com/wasifill/wasifill/runtime/rpc"
	"github.com/wasifill/wasifill/runtime/wasip2"
)

// BenchmarkKVGreet: the bundled example's greet("ann"), side by side in
// one run — through the fills (app → import fill → transport.invoke → rpc
// host → export fill → store, the kv instance pooled) and with the store
// plugged straight into the app (app-direct.wasm: no fills, no rpc). Both
// keep the app's instance; the user code is the same Go.
func BenchmarkKVGreet(b *testing.B) {
	ctx := context.Background()
	rt, err := runtime.New(ctx)
	if err != nil {
		b.Fatal(err)
	}
	defer rt.Close(ctx)
	if err := wasip2.Define(rt, wasip2.Config{}); err != nil {
		b.Fatal(err)
	}
	h := rpc.New(rt, rpc.Config{PoolSize: 1})
	defer h.Close(ctx)
	compiled := map[string]*runtime.Compiled{}
	for _, name := range []string{"app", "kv", "app-direct"} {
		wasm, err := os.ReadFile("../../docs/examples/kv/build/" + name + ".wasm")
		if err != nil {
			b.Fatal(err)
		}
		if compiled[name], err = rt.Compile(ctx, wasm); err != nil {
			b.Fatal(err)
		}
	}
	h.AddComponent("app", compiled["app"], 0)
	h.AddComponent("kv", compiled["kv"], 0)
	h.Link("app", "acme:kv/store@1.0.0", "kv", 0)

	greet := func(ctx context.Context, b *testing.B, inst *runtime.Instance) {
		out, err := inst.Call(ctx, "greet", "ann")
		if err != nil {
			b.Fatal(err)
		}
		if out[0] != "hello, ann: likes green tea" {
			b.Fatalf("greet = %v", out)
		}
	}
	b.Run("fills", func(b *testing.B) {
		inst, err := rt.Instantiate(ctx, compiled["app"])
		if err != nil {
			b.Fatal(err)
		}
		defer inst.Close(ctx)
		for b.Loop() {
			inv, release, err := h.Enter(ctx, "app")
			if err != nil {
				b.Fatal(err)
			}
			greet(inv, b, inst)
			release()
		}
	})
	b.Run("direct", func(b *testing.B) {
		inst, err := rt.Instantiate(ctx, compiled["app-direct"])
		if err != nil {
			b.Fatal(err)
		}
		defer inst.Close(ctx)
		for b.Loop() {
			greet(ctx, b, inst)
		}
	})
}
