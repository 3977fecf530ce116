package runtime_test

import (
	"context"
	"fmt"
	"os"
	"sort"
	"testing"
	"time"

	"github.com/tetratelabs/wazero"
	"github.com/tetratelabs/wazero/api"
	"github.com/tetratelabs/wazero/imports/wasi_snapshot_preview1"

	"github.com/wasifill/wasifill/internal/testenv"
	"github.com/wasifill/wasifill/internal/wasmbin"
	"github.com/wasifill/wasifill/runtime"
	"github.com/wasifill/wasifill/runtime/wasip2"
	"github.com/wasifill/wasifill/value"
)

// instantiateSubjects are the components BenchmarkInstantiate measures:
// a Go component (export fill + store, both Go), a Rust fill, a C
// component.
var instantiateSubjects = []struct{ name, path string }{
	{"go-kv", "../docs/examples/kv/build/kv.wasm"},
	{"rust-fill", "../docs/examples/kv/build/import-fill.wasm"},
	{"c-all-types", "../testdata/guests/out/all-types.wasm"},
	{"go-reactor-core", "../testdata/guests/out/go-reactor.core.wasm"},
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
	rt.DefineInstanceMaker("wasifill:guests/host@0.1.0", func(string, []*value.Type, []*value.Type) runtime.HostFunc {
		return func(context.Context, []value.Value) ([]value.Value, error) { return []value.Value{uint64(0)}, nil }
	})
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
		b.Run(subj.name, func(b *testing.B) {
			rt := benchRuntime(b)
			var fresh *runtime.Compiled
			if subj.name == "go-reactor-core" {
				wit, world := testenv.WIT(b, "../testdata/guests/wit", "go-reactor")
				fresh, err = rt.CompileCore(ctx, wasm, wit, world)
			} else {
				fresh, err = rt.Compile(ctx, wasm)
			}
			if err != nil {
				b.Fatal(err)
			}
			preinit, err := rt.Preinitialize(ctx, fresh)
			if err != nil {
				b.Fatal(err)
			}
			for _, mode := range []struct {
				name string
				c    *runtime.Compiled
			}{{"fresh", fresh}, {"preinit", preinit}} {
				b.Run(mode.name, func(b *testing.B) {
					var times []time.Duration
					for b.Loop() {
						start := time.Now()
						inst, err := rt.Instantiate(ctx, mode.c)
						times = append(times, time.Since(start))
						if err != nil {
							b.Fatal(err)
						}
						inst.Close(ctx)
					}
					reportPercentiles(b, times)
				})
			}
		})
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

// BenchmarkInstantiateWazero: the same kind of work written by hand
// against wazero, in the same run as BenchmarkInstantiate — each core
// module compiled once, its imports stubbed by host modules instantiated
// once, and per instantiation only wazero's InstantiateModule (plus, for
// the Go reactor, its _initialize: Go's runtime start). The Rust fill's
// and the C component's core modules are the ones inside the components
// BenchmarkInstantiate instantiates; a Go component holds several core
// modules wired by the component, so the Go subject here is a Go
// reactor's core module, compared with the runtime instantiating the same
// module (go-reactor-core in BenchmarkInstantiate).
func BenchmarkInstantiateWazero(b *testing.B) {
	ctx := context.Background()
	fill, err := os.ReadFile("../docs/examples/kv/build/import-fill.wasm")
	if err != nil {
		b.Fatal(err)
	}
	comp, err := wasmbin.DecodeComponent(fill)
	if err != nil {
		b.Fatal(err)
	}
	var fillCore []byte
	for _, d := range comp.Defs {
		if m, ok := d.(*wasmbin.CoreModuleDef); ok && fillCore == nil {
			fillCore = m.Module.Encode()
		}
	}
	for _, subj := range []struct{ name, path string }{
		{"rust-fill-core", ""}, {"c-all-types-core", "../testdata/guests/out/all-types.core.wasm"},
		{"go-reactor-core", "../testdata/guests/out/go-reactor.core.wasm"},
	} {
		wasm := fillCore
		if subj.path != "" {
			if wasm, err = os.ReadFile(subj.path); err != nil {
				b.Fatal(err)
			}
		}
		b.Run(subj.name, func(b *testing.B) {
			wz := wazero.NewRuntime(ctx)
			defer wz.Close(ctx)
			if _, err := wasi_snapshot_preview1.Instantiate(ctx, wz); err != nil {
				b.Fatal(err)
			}
			if err := stubImports(ctx, wz, wasm); err != nil {
				b.Fatal(err)
			}
			cm, err := wz.CompileModule(ctx, wasm)
			if err != nil {
				b.Fatal(err)
			}
			cfg := wazero.NewModuleConfig().WithStartFunctions()
			var times []time.Duration
			for b.Loop() {
				start := time.Now()
				mod, err := wz.InstantiateModule(ctx, cm, cfg.WithName(""))
				if err != nil {
					b.Fatal(err)
				}
				if f := mod.ExportedFunction("_initialize"); f != nil {
					if _, err := f.Call(ctx); err != nil {
						b.Fatal(err)
					}
				}
				times = append(times, time.Since(start))
				mod.Close(ctx)
			}
			reportPercentiles(b, times)
		})
	}
}

// stubImports instantiates, for each module a core module imports
// functions from (but WASI preview 1), a host module whose functions
// return zeros.
func stubImports(ctx context.Context, wz wazero.Runtime, wasm []byte) error {
	bin, err := wasmbin.Decode(wasm)
	if err != nil {
		return err
	}
	imports, err := bin.CoreImports()
	if err != nil {
		return err
	}
	types, err := bin.CoreFuncTypes()
	if err != nil {
		return err
	}
	builders := map[string]wazero.HostModuleBuilder{}
	for _, im := range imports {
		if im.Module == "wasi_snapshot_preview1" {
			continue
		}
		if im.Kind != wasmbin.ExternFunc || len(im.Desc) < 2 || int(im.Desc[1]) >= len(types) {
			return fmt.Errorf("import %s.%s: only functions are stubbed", im.Module, im.Name)
		}
		ft := types[im.Desc[1]]
		hb, ok := builders[im.Module]
		if !ok {
			hb = wz.NewHostModuleBuilder(im.Module)
			builders[im.Module] = hb
		}
		vt := func(b []byte) []api.ValueType { return append([]api.ValueType(nil), b...) }
		hb.NewFunctionBuilder().WithGoModuleFunction(api.GoModuleFunc(func(context.Context, api.Module, []uint64) {}),
			vt(ft.Params), vt(ft.Results)).Export(im.Name)
	}
	for _, hb := range builders {
		if _, err := hb.Instantiate(ctx); err != nil {
			return err
		}
	}
	return nil
}
