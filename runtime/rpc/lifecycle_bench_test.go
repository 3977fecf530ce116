package rpc_test

import (
	"context"
	"os"
	"testing"

	"github.com/wasifill/wasifill/runtime/rpc"
	"github.com/wasifill/wasifill/runtime/wasip2"
)

// BenchmarkColdStartKV: one get of the kv example's store — cold: the
// component scaled to zero, so the invocation starts an instance (from
// its pre-initialized snapshot) and the keep-alive closes it again;
// warm: an idle instance is kept (max-instances 1).
func BenchmarkColdStartKV(b *testing.B) {
	wasm, err := os.ReadFile("../../docs/examples/kv/build/kv.wasm")
	if err != nil {
		b.Fatal(err)
	}
	get := []byte{3, 'a', 'n', 'n'}
	for _, bc := range []struct {
		name string
		lc   rpc.Lifecycle
	}{{"cold", rpc.Lifecycle{}}, {"warm", rpc.Lifecycle{MaxInstances: 1}}} {
		b.Run(bc.name, func(b *testing.B) {
			rt, h, _ := setup(b, rpc.Config{})
			if err := wasip2.Define(rt, wasip2.Config{}); err != nil {
				b.Fatal(err)
			}
			kv, err := rt.Compile(context.Background(), wasm)
			if err != nil {
				b.Fatal(err)
			}
			if err := h.AddComponentLifecycle("kv", kv, 0, bc.lc); err != nil {
				b.Fatal(err)
			}
			defer h.Close(context.Background())
			for b.Loop() {
				if _, err := h.Call(context.Background(), "kv", "acme:kv/store@1.0.0", "get", get); err != nil {
					b.Fatal(err)
				}
			}
			if n := h.Instances("kv"); bc.name == "cold" && n.Idle != 0 {
				b.Fatalf("cold: %+v instances kept", n)
			}
		})
	}
}
