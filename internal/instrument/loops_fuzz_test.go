package instrument

import (
	"context"
	"sort"
	"testing"
	"time"

	"github.com/tetratelabs/wazero"

	"github.com/wasifill/wasifill/internal/wasmbin"
)

// FuzzLoopsDifferential calls the loops of bounded.wasm and cloops.wasm
// (charged at entry, strip-mined, checked) with arguments the fuzzer
// picks, as written and rewritten, each in a fresh instance, and wants the
// same results and the same trap or none. A call that runs past
// asWrittenLimit as written is skipped (a loop the arguments make run
// for 2^32 steps or forever); the rewritten one then gets a generous
// limit, so a rewrite that runs on where the original ended fails.
func FuzzLoopsDifferential(f *testing.F) {
	const top = 1<<32 - 1
	for _, s := range [][3]uint32{{0, 0, 1000}, {1, 5, 123_457}, {2, top - 2500, top}, {3, top - 3, top},
		{4, 4293967297, 4293967302}, {5, 0, 1001}, {6, top - 10, top - 3}, {7, 7, 7}, {8, 1000, 999}} {
		f.Add(uint8(s[0]), s[1], s[2])
	}
	ctx := context.Background()
	rt := wazero.NewRuntimeWithConfig(ctx, wazero.NewRuntimeConfigInterpreter().WithCloseOnContextDone(true))
	defer rt.Close(ctx)
	instantiateCheck(f, rt)
	type pair struct{ orig, inst wazero.CompiledModule }
	type loopFunc struct {
		name   string
		module pair
		params int
	}
	var funcs []loopFunc
	for _, file := range []string{"bounded.wasm", "cloops.wasm"} {
		wasm := mustRead(f, file)
		m, err := wasmbin.Decode(wasm)
		if err != nil {
			f.Fatal(err)
		}
		if err := AddInterruptChecks(m); err != nil {
			f.Fatal(err)
		}
		var p pair
		if p.orig, err = rt.CompileModule(ctx, wasm); err != nil {
			f.Fatal(err)
		}
		if p.inst, err = rt.CompileModule(ctx, m.Encode()); err != nil {
			f.Fatal(err)
		}
		for name, def := range p.orig.ExportedFunctions() {
			if n := len(def.ParamTypes()); n <= 2 {
				funcs = append(funcs, loopFunc{name, p, n})
			}
		}
	}
	sort.Slice(funcs, func(i, j int) bool { return funcs[i].name < funcs[j].name })
	call := func(cm wazero.CompiledModule, fn string, limit time.Duration, args []uint64) ([]uint64, error, bool) {
		cctx, cancel := context.WithTimeout(ctx, limit)
		defer cancel()
		mod, err := rt.InstantiateModule(cctx, cm, wazero.NewModuleConfig().WithName(""))
		if err != nil {
			return nil, err, false
		}
		defer mod.Close(ctx)
		out, err := mod.ExportedFunction(fn).Call(cctx, args...)
		return out, err, cctx.Err() != nil
	}
	const asWrittenLimit = 50 * time.Millisecond
	f.Fuzz(func(t *testing.T, k uint8, a, b uint32) {
		fn := funcs[int(k)%len(funcs)]
		args := []uint64{uint64(a), uint64(b)}[:fn.params]
		want, werr, late := call(fn.module.orig, fn.name, asWrittenLimit, args)
		if late {
			return
		}
		got, gerr, late := call(fn.module.inst, fn.name, time.Minute, args)
		if late {
			t.Fatalf("%s%v ends within %v as written, runs on for a minute rewritten", fn.name, args, asWrittenLimit)
		}
		if (werr != nil) != (gerr != nil) || len(got) != len(want) {
			t.Fatalf("%s%v: rewritten %v, %v; as written %v, %v", fn.name, args, got, gerr, want, werr)
		}
		for i := range want {
			if got[i] != want[i] {
				t.Fatalf("%s%v = %v rewritten, %v as written", fn.name, args, got, want)
			}
		}
	})
}
