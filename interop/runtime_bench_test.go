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
	"os"
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
	wfrt "github.com/wasifill/wasifill/runtime"
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

func benchGuest(b *testing.B, name string) []byte {
	b.Helper()
	data, err := os.ReadFile(guestsDir + "/" + name)
	if err != nil {
		b.Fatal(err)
	}
	return data
}

// coreBinding is echo-string of all-types.core.wasm called by hand, as a
// binding generator would: cabi_realloc for the argument, write it, call
// the export, read (ptr, len) from the return area, copy and validate the
// string, call the post-return.
type coreBinding struct {
	realloc, echo, post func(args ...uint64) ([]uint64, error)
	mem                 func() []byte // the current memory
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

// BenchmarkEchoString1KiB: one typed call echo-string(1 KiB) -> string on
// a warm instance, in each runtime.
func BenchmarkEchoString1KiB(b *testing.B) {
	ctx := context.Background()
	comp := benchGuest(b, "all-types.wasm")
	core := benchGuest(b, "all-types.core.wasm")
	check := func(b *testing.B, got any) {
		if got != kib {
			b.Fatalf("echo-string gave %v", short(got))
		}
	}

	b.Run("wasifill", func(b *testing.B) {
		rt, err := wfrt.New(ctx)
		if err != nil {
			b.Fatal(err)
		}
		defer rt.Close(ctx)
		c, err := rt.Compile(ctx, comp)
		if err != nil {
			b.Fatal(err)
		}
		inst, err := rt.Instantiate(ctx, c)
		if err != nil {
			b.Fatal(err)
		}
		f, _ := inst.Func(echoString)
		arg := value.Value(kib)
		b.ReportAllocs()
		b.ResetTimer()
		for b.Loop() {
			out, err := f.Call(ctx, arg)
			if err != nil {
				b.Fatal(err)
			}
			check(b, out[0])
		}
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
		b.ReportAllocs()
		b.ResetTimer()
		for b.Loop() {
			out, err := cb.call(kib)
			if err != nil {
				b.Fatal(err)
			}
			check(b, out)
		}
	})

	b.Run("wasmtime", func(b *testing.B) {
		inst, err := wasmtime.Instantiate(ctx, comp, nil)
		if err != nil {
			b.Fatal(err)
		}
		defer inst.Close()
		b.ReportAllocs()
		b.ResetTimer()
		for b.Loop() {
			out, err := inst.Call(ctx, echoString, kib)
			if err != nil {
				b.Fatal(err)
			}
			check(b, out[0])
		}
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
		b.ReportAllocs()
		b.ResetTimer()
		for b.Loop() {
			out, err := cb.call(kib)
			if err != nil {
				b.Fatal(err)
			}
			check(b, out)
		}
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

// BenchmarkInstantiateFirstCall: a new instance and its first
// echo-string(1 KiB) call, with the compiled form cached.
func BenchmarkInstantiateFirstCall(b *testing.B) {
	ctx := context.Background()
	comp := benchGuest(b, "all-types.wasm")
	core := benchGuest(b, "all-types.core.wasm")

	b.Run("wasifill-cached", func(b *testing.B) {
		rt, err := wfrt.New(ctx)
		if err != nil {
			b.Fatal(err)
		}
		defer rt.Close(ctx)
		c, err := rt.Compile(ctx, comp)
		if err != nil {
			b.Fatal(err)
		}
		var samples []time.Duration
		b.ReportAllocs()
		b.ResetTimer()
		for b.Loop() {
			start := time.Now()
			inst, err := rt.Instantiate(ctx, c)
			if err != nil {
				b.Fatal(err)
			}
			out, err := inst.Call(ctx, echoString, kib)
			if err != nil || out[0] != kib {
				b.Fatalf("%v, %v", short(out), err)
			}
			samples = append(samples, time.Since(start))
			inst.Close(ctx)
		}
		reportPercentiles(b, samples)
	})

	b.Run("wazero-hand-cached", func(b *testing.B) {
		wz := wazero.NewRuntimeWithConfig(ctx, wazero.NewRuntimeConfig().WithCloseOnContextDone(true))
		defer wz.Close(ctx)
		cm, err := wz.CompileModule(ctx, core)
		if err != nil {
			b.Fatal(err)
		}
		var samples []time.Duration
		b.ReportAllocs()
		b.ResetTimer()
		for b.Loop() {
			start := time.Now()
			mod, cb, err := wazeroBinding(ctx, wz, cm)
			if err != nil {
				b.Fatal(err)
			}
			if out, err := cb.call(kib); err != nil || out != kib {
				b.Fatalf("%v, %v", short(out), err)
			}
			samples = append(samples, time.Since(start))
			mod.Close(ctx)
		}
		reportPercentiles(b, samples)
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
			var samples []time.Duration
			b.ReportAllocs()
			b.ResetTimer()
			for b.Loop() {
				start := time.Now()
				inst, err := c.Instantiate(ctx, tc.opts)
				if err != nil {
					b.Fatal(err)
				}
				out, err := inst.Call(ctx, echoString, kib)
				if err != nil || out[0] != kib {
					b.Fatalf("%v, %v", short(out), err)
				}
				samples = append(samples, time.Since(start))
				inst.Close()
			}
			reportPercentiles(b, samples)
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
		var samples []time.Duration
		b.ReportAllocs()
		b.ResetTimer()
		for b.Loop() {
			start := time.Now()
			store, cb, err := wasmtimeBinding(engine, m)
			if err != nil {
				b.Fatal(err)
			}
			if out, err := cb.call(kib); err != nil || out != kib {
				b.Fatalf("%v, %v", short(out), err)
			}
			samples = append(samples, time.Since(start))
			store.Close()
		}
		reportPercentiles(b, samples)
	})

	b.Run("wasmtime-component-uncached", func(b *testing.B) {
		var samples []time.Duration
		b.ReportAllocs()
		b.ResetTimer()
		for b.Loop() {
			start := time.Now()
			inst, err := wasmtime.Instantiate(ctx, comp, nil)
			if err != nil {
				b.Fatal(err)
			}
			out, err := inst.Call(ctx, echoString, kib)
			if err != nil || out[0] != kib {
				b.Fatalf("%v, %v", short(out), err)
			}
			samples = append(samples, time.Since(start))
			inst.Close()
		}
		reportPercentiles(b, samples)
	})
}
