// Command host embeds wasifill in a Go program: it runs the example app
// with its store import served by a Go provider instead of a component.
// The provider implements the typed interface of the host bindings that
// `wasifill gen go --host` generated (package kvhost); the app is the same
// binary, and reaches the provider through the same import fill and rpc
// host as it reaches the kv component. The provider sees each
// invocation's deadline on its context.
//
//	go run ./docs/examples/kv/host [-app docs/examples/kv/build/app.wasm] [-timeout 300ms]
package main

import (
	"context"
	"flag"
	"fmt"
	"os"
	"time"

	"github.com/wasifill/wasifill/docs/examples/kv/host/kvhost"
	"github.com/wasifill/wasifill/runtime"
	"github.com/wasifill/wasifill/runtime/rpc"
	"github.com/wasifill/wasifill/runtime/wasip2"
)

func main() {
	appPath := flag.String("app", "docs/examples/kv/build/app.wasm", "the composed app (app + import fill)")
	timeout := flag.Duration("timeout", 300*time.Millisecond, "the provider's timeout")
	flag.Parse()
	if err := run(context.Background(), *appPath, *timeout); err != nil {
		fmt.Fprintln(os.Stderr, "host:", err)
		os.Exit(1)
	}
}

func run(ctx context.Context, appPath string, timeout time.Duration) error {
	rt, err := runtime.New(ctx)
	if err != nil {
		return err
	}
	defer rt.Close(ctx)
	if err := wasip2.Define(rt, wasip2.Config{Stdout: os.Stdout, Stderr: os.Stderr}); err != nil {
		return err
	}
	wasm, err := os.ReadFile(appPath)
	if err != nil {
		return err
	}
	app, err := rt.Compile(ctx, wasm)
	if err != nil {
		return fmt.Errorf("compiling %s: %w", appPath, err)
	}
	h := rpc.New(rt, rpc.Config{DefaultTimeout: 2 * time.Second})
	defer h.Close(ctx)
	h.AddComponent("app", app, 0)
	store := &memStore{data: map[string][]byte{"ann": []byte("likes rooibos (says the Go provider)")}}
	h.AddProvider("go-store", kvhost.NewStoreRPCProvider(store), timeout)
	h.Link("app", "acme:kv/store@1.0.0", "go-store", 0)
	fmt.Printf("app's acme:kv/store@1.0.0 → Go provider go-store (timeout %v)\n", timeout)

	for _, name := range []string{"ann", "slow"} {
		start := time.Now()
		out, err := greet(ctx, rt, h, app, name)
		if err != nil {
			return err
		}
		fmt.Printf("greet(%q) = %q  [%d ms]\n", name, out, time.Since(start).Milliseconds())
	}
	return nil
}

// greet calls the app's greet export as an invocation of the rpc host, so
// the store calls it makes go through the app's links.
func greet(ctx context.Context, rt *runtime.Runtime, h *rpc.Host, app *runtime.Compiled, name string) (string, error) {
	inv, release, err := h.Enter(ctx, "app")
	if err != nil {
		return "", err
	}
	defer release()
	inst, err := rt.Instantiate(inv, app)
	if err != nil {
		return "", err
	}
	defer inst.Close(ctx)
	out, err := inst.Call(inv, "greet", name)
	if err != nil {
		return "", err
	}
	return out[0].(string), nil
}

// memStore is the Go provider: a map. On "slow" it waits for its
// context, which ends at the invocation's deadline.
type memStore struct{ data map[string][]byte }

// Get returns the value of key.
func (s *memStore) Get(ctx context.Context, key string) (kvhost.Result[kvhost.Option[[]byte], kvhost.Error], error) {
	if key == "slow" {
		d, _ := ctx.Deadline()
		fmt.Printf("  go-store: get(%q) has %d ms left; waiting on its context\n", key, time.Until(d).Milliseconds())
		<-ctx.Done()
		fmt.Printf("  go-store: context done (%v)\n", ctx.Err())
		return kvhost.Result[kvhost.Option[[]byte], kvhost.Error]{}, ctx.Err()
	}
	v, ok := s.data[key]
	return kvhost.Result[kvhost.Option[[]byte], kvhost.Error]{Ok: kvhost.Option[[]byte]{Some: ok, Value: v}}, nil
}

// Set stores value under key.
func (s *memStore) Set(_ context.Context, key string, value []byte) (kvhost.Result[struct{}, kvhost.Error], error) {
	s.data[key] = value
	return kvhost.Result[struct{}, kvhost.Error]{}, nil
}

// Keys is not needed by the app.
func (s *memStore) Keys(context.Context, string) (kvhost.Result[[]string, kvhost.Error], error) {
	return kvhost.Result[[]string, kvhost.Error]{Err: kvhost.Error{Case: kvhost.ErrorCaseUnavailable}, IsErr: true}, nil
}
