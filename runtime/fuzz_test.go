package runtime_test

import (
	"context"
	"errors"
	"testing"
	"time"

	"github.com/wasifill/wasifill/internal/guard"
	"github.com/wasifill/wasifill/internal/hostile"
	"github.com/wasifill/wasifill/internal/testenv"
	"github.com/wasifill/wasifill/internal/valuetest"
	"github.com/wasifill/wasifill/runtime"
	"github.com/wasifill/wasifill/runtime/wasip2"
	"github.com/wasifill/wasifill/value"
)

// Per input: the whole of compile → instantiate → calls runs under
// fuzzDeadline, each call under fuzzCallDeadline, every memory is capped
// at fuzzMemoryPages and every table at fuzzTableLimit, and inputs past
// fuzzMaxInput are skipped.
const (
	fuzzDeadline     = 2 * time.Second
	fuzzCallDeadline = 250 * time.Millisecond
	fuzzMemoryPages  = 256 // 16 MiB
	fuzzTableLimit   = 1 << 16
	fuzzMaxInput     = 64 << 10 // keeps compiling cheap: the Go guests (MBs) are left out
)

// FuzzRunComponent compiles mutated components and core modules (seeded
// with every committed guest and the hostile modules), instantiates them
// with WASI 0.2 and a failing host for any other import, and calls every
// exported function with zero-ish arguments. Any error is fine; a panic
// caught at the runtime's boundary (a *guard.InternalError) is a defect.
func FuzzRunComponent(f *testing.F) {
	for _, pattern := range []string{"../testdata/guests/out/*.wasm", "../testdata/guests/rpc/out/*.wasm", "../internal/wasmbin/testdata/*.wasm"} {
		for _, b := range testenv.Seeds(f, pattern, fuzzMaxInput) {
			f.Add(b)
		}
	}
	for _, c := range append(hostile.Modules(), hostile.NameSections()...) {
		f.Add(c.Wasm)
	}
	f.Fuzz(func(t *testing.T, b []byte) {
		if len(b) > fuzzMaxInput {
			return
		}
		runInput(t, b)
	})
}

func runInput(t *testing.T, b []byte) {
	ctx, cancel := context.WithTimeout(context.Background(), fuzzDeadline)
	defer cancel()
	rt, err := runtime.New(ctx, runtime.WithMemoryLimitPages(fuzzMemoryPages), runtime.WithTableLimit(fuzzTableLimit))
	if err != nil {
		t.Fatal(err)
	}
	defer rt.Close(context.Background())
	if err := wasip2.Define(rt, wasip2.Config{}); err != nil {
		t.Fatal(err)
	}
	c, err := rt.Compile(ctx, b)
	if err != nil {
		noDefect(t, "compile", err)
		return
	}
	inst, err := rt.Instantiate(ctx, c)
	var ie *runtime.InstantiateError
	if errors.As(err, &ie) && len(ie.Missing) > 0 {
		for _, name := range ie.Missing {
			rt.DefineInstanceMaker(name, func(fn string, _, _ []*value.Type) runtime.HostFunc {
				return func(context.Context, []value.Value) ([]value.Value, error) {
					return nil, errors.New("fuzz host: " + name + "#" + fn + " is not implemented")
				}
			})
		}
		inst, err = rt.Instantiate(ctx, c)
	}
	if err != nil {
		noDefect(t, "instantiate", err)
		return
	}
	defer inst.Close(context.Background())
	for _, name := range inst.Funcs() {
		f, ok := inst.Func(name)
		if !ok {
			t.Fatalf("export %s is listed but not found", name)
		}
		args := make([]value.Value, len(f.Params()))
		for i, p := range f.Params() {
			args[i] = valuetest.Value(&valuetest.FromBytes{}, p)
		}
		callCtx, cancel := context.WithTimeout(ctx, fuzzCallDeadline)
		_, err := f.Call(callCtx, args...)
		cancel()
		if err != nil {
			noDefect(t, "call "+name, err)
		}
	}
}

func noDefect(t *testing.T, stage string, err error) {
	var ie *guard.InternalError
	if errors.As(err, &ie) {
		t.Fatalf("%s: %v\n%s", stage, err, ie.Stack)
	}
}
