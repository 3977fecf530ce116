package runtime_test

import (
	"context"
	"os"
	"sort"
	"testing"
	"time"

	"github.com/wasifill/wasifill/runtime"
	"github.com/wasifill/wasifill/runtime/wasip2"
)

// instantiateSubjects are the components BenchmarkInstantiate measures:
// a Go component (export fill + store, both Go), a Rust fill, a C
// component.
var instantiateSubjects = []struct{ name, path string }{
	{"go-kv", "../docs/examples/kv/build/kv.wasm"},
	{"rust-fill", "../docs/examples/kv/build/import-fill.wasm"},
	{"c-all-types", "../testdata/guests/out/all-types.wasm"},
}

// benchRuntime is a runtime with WASI 0.2 and the wasifill:rpc interfaces
// the subjects import (as functions that are never called).
func benchRuntime(b *testing.B) *runtime.Runtime {
	ctx := context.Background()
	rt, err := runtime.New(ctx)
	if err != nil {
		b.Fatal(err)
	}
	b.Cleanup(func() { rt.Close(ctx) })
	if err := wasip2.Define(rt, wasip2.Config{}); err != nil {
		b.Fatal(err)
	}
	for _, n := range []string{"wasifill:rpc/transport@0.1.0", "wasifill:rpc/deadline@0.1.0", "wasifill:rpc/types@0.1.0"} {
		rt.DefineInstance(n, nil)
	}
	return rt
}

// BenchmarkInstantiate: instantiating each subject from its compiled form
// ("fresh": initialization runs every time) and from a snapshot
// ("preinit"), side by side; p50-ns and p99-ns are per instantiation.
func BenchmarkInstantiate(b *testing.B) {
	ctx := context.Background()
	for _, subj := range instantiateSubjects {
		wasm, err := os.ReadFile(subj.path)
		if err != nil {
			b.Fatal(err)
		}
		for _, mode := range []string{"fresh", "preinit"} {
			b.Run(subj.name+"/"+mode, func(b *testing.B) {
				rt := benchRuntime(b)
				c, err := rt.Compile(ctx, wasm)
				if err != nil {
					b.Fatal(err)
				}
				if mode == "preinit" {
					if c, err = rt.Preinitialize(ctx, c); err != nil {
						b.Fatal(err)
					}
				}
				var times []time.Duration
				for b.Loop() {
					start := time.Now()
					inst, err := rt.Instantiate(ctx, c)
					times = append(times, time.Since(start))
					if err != nil {
						b.Fatal(err)
					}
					inst.Close(ctx)
				}
				reportPercentiles(b, times)
			})
		}
	}
}

// reportPercentiles adds p50-ns and p99-ns metrics.
func reportPercentiles(b *testing.B, times []time.Duration) {
	if len(times) == 0 {
		return
	}
	sort.Slice(times, func(i, j int) bool { return times[i] < times[j] })
	b.ReportMetric(float64(times[len(times)/2].Nanoseconds()), "p50-ns")
	b.ReportMetric(float64(times[len(times)*99/100].Nanoseconds()), "p99-ns")
}
