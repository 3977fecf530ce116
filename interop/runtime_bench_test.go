package interop_test

// Side-by-side benchmarks of wasifill's runtime against a hand-written
// wazero binding of the same core function, Wasmtime 39 and jco; see
// docs/benchmarks.md ("## runtime") for the numbers and how to run them:
//
//	cd interop && go test -run '^$' -bench . -benchtime 2s ./...

import (
	"context"
	"encoding/binary"
	"fmt"
	"slices"
	"strings"
	"testing"
	"time"
	"unicode/utf8"

	wasmtimego "github.com/bytecodealliance/wasmtime-go/v39"
	"github.com/tetratelabs/wazero"
	"github.com/tetratelabs/wazero/api"

	"github.com/wasifill/wasifill/interop/jco"
	"github.com/wasifill/wasifill/interop/wasmtime"
	"github.com/wasifill/wasifill/value"
)

const echoString = typesIface + "echo-string"

// kib is the benchmarks' 1 KiB string argument (ASCII plus a few
// multi-byte characters, so UTF-8 validation has work to do).
var kib = func() string {
	s := strings.Repeat("abcdefgh-ü-✓-", 64) // 16 bytes each
	if len(s) != 1024 || !utf8.ValidString(s) {
		panic("kib is not 1 KiB of UTF-8")
	}
	return s
}()

// coreBinding is echo-string of all-types.core.wasm called by hand, as a
// binding generator would: cabi_realloc for the argument, write it, call
// the export, read (ptr, len) from the return area, copy and validate the
// string, call the post-return.
type coreBinding struct {
	realloc, echo, post func(args ...uint64) ([]uint64, error)
	mem                 func() []byte // the current memory
}

// value is call(kib) as a value.Value.
func (cb *coreBinding) value() (value.Value, error) {
	s, err := cb.call(kib)
	if err != nil {
		return nil, err
	}
	return s, nil
}

func (cb *coreBinding) call(s string) (string, error) {
	r, err := cb.realloc(0, 0, 1, uint64(len(s)))
	if err != nil {
		return "", err
	}
	ptr := uint32(r[0])
	m := cb.mem()
	if uint64(ptr)+uint64(len(s)) > uint64(len(m)) {
		return "", fmt.Errorf("realloc gave %#x", ptr)
	}
	copy(m[ptr:], s)
	ret, err := cb.echo(uint64(ptr), uint64(len(s)))
	if err != nil {
		return "", err
	}
	m = cb.mem()
	ra := uint32(ret[0])
	if uint64(ra)+8 > uint64(len(m)) {
		return "", fmt.Errorf("return area %#x out of bounds", ra)
	}
	p, n := binary.LittleEndian.Uint32(m[ra:]), binary.LittleEndian.Uint32(m[ra+4:])
	if uint64(p)+uint64(n) > uint64(len(m)) {
		return "", fmt.Errorf("string %#x+%d out of bounds", p, n)
	}
	out := m[p : p+n]
	if !utf8.Valid(out) {
		return "", fmt.Errorf("invalid UTF-8")
	}
	res := string(out)
	if _, err := cb.post(ret[0]); err != nil {
		return "", err
	}
	return res, nil
}

// wazeroBinding instantiates all-types.core.wasm (compiled as cm) in wz and
// runs its _initialize. Interruption is as wasifill's runtime has it by
// default (close on context done).
func wazeroBinding(ctx context.Context, wz wazero.Runtime, cm wazero.CompiledModule) (api.Module, *coreBinding, error) {
	mod, err := wz.InstantiateModule(ctx, cm, wazero.NewModuleConfig().WithName("").WithStartFunctions("_initialize"))
	if err != nil {
		return nil, nil, err
	}
	fn := func(name string) func(args ...uint64) ([]uint64, error) {
		f := mod.ExportedFunction(name)
		return func(args ...uint64) ([]uint64, error) { return f.Call(ctx, args...) }
	}
	mem := mod.ExportedMemory("memory")
	return mod, &coreBinding{
		realloc: fn("cabi_realloc"),
		echo:    fn(echoString),
		post:    fn("cabi_post_" + echoString),
		mem: func() []byte {
			b, _ := mem.Read(0, mem.Size())
			return b
		},
	}, nil
}

// wasmtimeBinding instantiates all-types.core.wasm (precompiled as m) in a
// new store with Wasmtime's core API (wasmtime-go), and runs _initialize.
func wasmtimeBinding(engine *wasmtimego.Engine, m *wasmtimego.Module) (*wasmtimego.Store, *coreBinding, error) {
	store := wasmtimego.NewStore(engine)
	inst, err := wasmtimego.NewInstance(store, m, nil)
	if err != nil {
		store.Close()
		return nil, nil, err
	}
	fn := func(name string) func(args ...uint64) ([]uint64, error) {
		f := inst.GetFunc(store, name)
		return func(args ...uint64) ([]uint64, error) {
			iargs := make([]any, len(args))
			for i, a := range args {
				iargs[i] = int32(a)
			}
			r, err := f.Call(store, iargs...)
			if err != nil {
				return nil, err
			}
			if r == nil {
				return nil, nil
			}
			return []uint64{uint64(uint32(r.(int32)))}, nil
		}
	}
	if _, err := fn("_initialize")(); err != nil {
		store.Close()
		return nil, nil, err
	}
	mem := inst.GetExport(store, "memory").Memory()
	return store, &coreBinding{
		realloc: fn("cabi_realloc"),
		echo:    fn(echoString),
		post:    fn("cabi_post_" + echoString),
		mem:     func() []byte { return mem.UnsafeData(store) },
	}, nil
}

// first is the first result of a call, or its error.
func first(out []value.Value, err error) (value.Value, error) {
	if err != nil || len(out) == 0 {
		return nil, err
	}
	return out[0], nil
}

// benchCalls times call on a warm instance; every result must be kib.
func benchCalls(b *testing.B, call func() (value.Value, error)) {
	b.ReportAllocs()
	b.ResetTimer()
	for b.Loop() {
		out, err := call()
		if err != nil {
			b.Fatal(err)
		}
		if out != kib {
			b.Fatalf("echo-string gave %v", short(out))
		}
	}
}

// BenchmarkEchoString1KiB: one typed call echo-string(1 KiB) -> string on
// a warm instance, in each runtime.
func BenchmarkEchoString1KiB(b *testing.B) {
	ctx := context.Background()
	comp := readGuest(b, "all-types.wasm")
	core := readGuest(b, "all-types.core.wasm")
	check := func(b *testing.B, got any) {
		if got != kib {
			b.Fatalf("echo-string gave %v", short(got))
		}
	}

	b.Run("wasifill", func(b *testing.B) {
		f, _ := wfInstance(b, comp).Func(echoString)
		arg := value.Value(kib)
		benchCalls(b, func() (value.Value, error) { return first(f.Call(ctx, arg)) })
	})

	b.Run("wazero-hand", func(b *testing.B) {
		wz := wazero.NewRuntimeWithConfig(ctx, wazero.NewRuntimeConfig().WithCloseOnContextDone(true))
		defer wz.Close(ctx)
		cm, err := wz.CompileModule(ctx, core)
		if err != nil {
			b.Fatal(err)
		}
		_, cb, err := wazeroBinding(ctx, wz, cm)
		if err != nil {
			b.Fatal(err)
		}
		benchCalls(b, cb.value)
	})

	b.Run("wasmtime", func(b *testing.B) {
		inst := wtInstantiate(b, ctx, comp)
		benchCalls(b, func() (value.Value, error) { return first(inst.Call(ctx, echoString, kib)) })
	})

	b.Run("wasmtime-core-hand", func(b *testing.B) {
		engine := wasmtimego.NewEngine()
		m, err := wasmtimego.NewModule(engine, core)
		if err != nil {
			b.Fatal(err)
		}
		store, cb, err := wasmtimeBinding(engine, m)
		if err != nil {
			b.Fatal(err)
		}
		defer store.Close()
		benchCalls(b, cb.value)
	})

	// jco: CallBatch runs a whole batch in one node process (transpile,
	// start, instantiate, calls, JSON both ways), so one call cannot be
	// timed alone. The marginal cost is: (time of a batch of 1+n calls -
	// time of a batch of 1 call) / n, reported as ns/op (overriding the
	// testing package's own, which would be the two batches' total).
	b.Run("jco-batch-marginal", func(b *testing.B) {
		if err := jco.Available(); err != nil {
			b.Skipf("SKIPPING: jco is not installed: %v (run scripts/install-tools.sh)", err)
		}
		fn, err := wasmtime.FuncType(comp, echoString)
		if err != nil {
			b.Fatal(err)
		}
		const n = 20000
		batch := func(k int) time.Duration {
			reqs := make([]jco.Request, k)
			for i := range reqs {
				reqs[i] = jco.Request{Export: echoString, Func: fn, Args: []value.Value{kib}}
			}
			start := time.Now()
			resps, err := jco.CallBatch(ctx, comp, reqs)
			d := time.Since(start)
			if err != nil {
				b.Fatal(err)
			}
			for _, r := range resps {
				if r.Err != nil {
					b.Fatal(r.Err)
				}
				check(b, r.Results[0])
			}
			return d
		}
		// The timer runs: two batches take longer than -benchtime, so
		// the testing package stops after this one round (b.N = 1).
		one := batch(1)
		many := batch(1 + n)
		b.ReportMetric(float64((many-one).Nanoseconds())/n, "ns/op")
		b.ReportMetric(float64(one.Milliseconds()), "ms-batch-of-1")
		b.ReportMetric(float64(many.Milliseconds()), fmt.Sprintf("ms-batch-of-%d", 1+n))
	})
}

// reportPercentiles reports the p50 and p99 of samples.
func reportPercentiles(b *testing.B, samples []time.Duration) {
	if len(samples) == 0 {
		return
	}
	slices.Sort(samples)
	at := func(p float64) float64 {
		return float64(samples[min(len(samples)-1, int(p*float64(len(samples))))].Nanoseconds())
	}
	b.ReportMetric(at(0.50), "p50-ns")
	b.ReportMetric(at(0.99), "p99-ns")
}

// benchFirstCalls times once, a new instance and its first call, and
// reports the percentiles; every result must be kib. done closes what once
// made, outside the timing.
func benchFirstCalls(b *testing.B, once func() (out value.Value, done func(), err error)) {
	var samples []time.Duration
	b.ReportAllocs()
	b.ResetTimer()
	for b.Loop() {
		start := time.Now()
		out, done, err := once()
		if err != nil || out != kib {
			b.Fatalf("%v, %v", short(out), err)
		}
		samples = append(samples, time.Since(start))
		done()
	}
	reportPercentiles(b, samples)
}

// BenchmarkInstantiateFirstCall: a new instance and its first
// echo-string(1 KiB) call, with the compiled form cached.
func BenchmarkInstantiateFirstCall(b *testing.B) {
	ctx := context.Background()
	comp := readGuest(b, "all-types.wasm")
	core := readGuest(b, "all-types.core.wasm")

	b.Run("wasifill-cached", func(b *testing.B) {
		rt := wfRuntime(b)
		c := wfCompile(b, rt, comp)
		benchFirstCalls(b, func() (value.Value, func(), error) {
			inst, err := rt.Instantiate(ctx, c)
			if err != nil {
				return nil, nil, err
			}
			out, err := first(inst.Call(ctx, echoString, kib))
			return out, func() { inst.Close(ctx) }, err
		})
	})

	b.Run("wazero-hand-cached", func(b *testing.B) {
		wz := wazero.NewRuntimeWithConfig(ctx, wazero.NewRuntimeConfig().WithCloseOnContextDone(true))
		defer wz.Close(ctx)
		cm, err := wz.CompileModule(ctx, core)
		if err != nil {
			b.Fatal(err)
		}
		benchFirstCalls(b, func() (value.Value, func(), error) {
			mod, cb, err := wazeroBinding(ctx, wz, cm)
			if err != nil {
				return nil, nil, err
			}
			out, err := cb.value()
			return out, func() { mod.Close(ctx) }, err
		})
	})

	// Wasmtime's component path with the compiled form cached: the
	// component compiled once (wasmtime.Compile: engine, compiled
	// component, WASI linker built on the first Instantiate), then a new
	// store + instance and the first call per iteration. The guest writes
	// nothing, so output goes nowhere (DiscardOutput), as in wasifill's
	// runtime; "-capture" adds the harness's default capture files.
	for _, tc := range []struct {
		name string
		opts *wasmtime.Options
	}{
		{"wasmtime-component-cached", &wasmtime.Options{DiscardOutput: true}},
		{"wasmtime-component-cached-capture", nil},
	} {
		b.Run(tc.name, func(b *testing.B) {
			c, err := wasmtime.Compile(comp)
			if err != nil {
				b.Fatal(err)
			}
			defer c.Close()
			benchFirstCalls(b, func() (value.Value, func(), error) {
				inst, err := c.Instantiate(ctx, tc.opts)
				if err != nil {
					return nil, nil, err
				}
				out, err := first(inst.Call(ctx, echoString, kib))
				return out, func() { inst.Close() }, err
			})
		})
	}

	// The core module alone, precompiled with Wasmtime's core API
	// (wasmtime-go): a new store and instance per iteration, no component
	// layer (trampolines, type checks, value conversion).
	b.Run("wasmtime-core-precompiled", func(b *testing.B) {
		engine := wasmtimego.NewEngine()
		m, err := wasmtimego.NewModule(engine, core)
		if err != nil {
			b.Fatal(err)
		}
		benchFirstCalls(b, func() (value.Value, func(), error) {
			store, cb, err := wasmtimeBinding(engine, m)
			if err != nil {
				return nil, nil, err
			}
			out, err := cb.value()
			return out, store.Close, err
		})
	})

	b.Run("wasmtime-component-uncached", func(b *testing.B) {
		benchFirstCalls(b, func() (value.Value, func(), error) {
			inst, err := wasmtime.Instantiate(ctx, comp, nil)
			if err != nil {
				return nil, nil, err
			}
			out, err := first(inst.Call(ctx, echoString, kib))
			return out, func() { inst.Close() }, err
		})
	})
}
