package main

import (
	"context"
	"os"
	"testing"
	"time"

	"github.com/wasifill/wasifill/docs/examples/kv/host/kvhost"
	"github.com/wasifill/wasifill/runtime"
	"github.com/wasifill/wasifill/runtime/rpc"
	"github.com/wasifill/wasifill/runtime/wasip2"
)

// The example app reaches the Go provider through its import fill and
// the rpc host; the provider's context ends at the invocation's deadline,
// and the app gets deadline-exceeded.
func TestGoProvider(t *testing.T) {
	ctx := context.Background()
	rt, err := runtime.New(ctx)
	if err != nil {
		t.Fatal(err)
	}
	defer rt.Close(ctx)
	if err := wasip2.Define(rt, wasip2.Config{}); err != nil {
		t.Fatal(err)
	}
	wasm, err := os.ReadFile("../build/app.wasm")
	if err != nil {
		t.Fatal(err)
	}
	app, err := rt.Compile(ctx, wasm)
	if err != nil {
		t.Fatal(err)
	}
	h := rpc.New(rt, rpc.Config{})
	h.AddComponent("app", app, 0)
	h.AddProvider("go-store", kvhost.NewStoreRPCProvider(&memStore{data: map[string][]byte{"ann": []byte("x")}}), 100*time.Millisecond)
	h.Link("app", "acme:kv/store@1.0.0", "go-store", 0)
	cases := map[string]string{
		"ann":  "hello, ann: x",
		"bob":  "hello, bob (unknown)",
		"slow": "hello, slow (the store did not answer in time: deadline-exceeded)",
	}
	for name, want := range cases {
		start := time.Now()
		got, err := greet(ctx, rt, h, app, name)
		if err != nil || got != want {
			t.Errorf("greet(%q) = %q, %v; want %q", name, got, err, want)
		}
		if took := time.Since(start); name == "slow" && took < 100*time.Millisecond {
			t.Errorf("greet(slow) returned after %v, before the provider's 100ms deadline", took)
		}
	}
}
