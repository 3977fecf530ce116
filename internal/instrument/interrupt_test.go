package instrument

import (
	"context"
	"os"
	"os/exec"
	"path/filepath"
	goruntime "runtime"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/tetratelabs/wazero"
	"github.com/tetratelabs/wazero/api"

	"github.com/wasifill/wasifill/internal/wasmbin"
)

func instrumented(t *testing.T, file string) []byte {
	t.Helper()
	wasm, err := os.ReadFile(filepath.Join("testdata", file))
	if err != nil {
		t.Fatal(err)
	}
	return instrumentedBytes(t, wasm)
}

// instrumentedBytes returns the module wasm with the checks in.
func instrumentedBytes(t *testing.T, wasm []byte) []byte {
	t.Helper()
	m, err := wasmbin.Decode(wasm)
	if err != nil {
		t.Fatal(err)
	}
	if err := AddInterruptChecks(m); err != nil {
		t.Fatal(err)
	}
	return m.Encode()
}

// checkAt reports whether the four instructions from instrs[i] are the
// check on global flag.
func checkAt(code []byte, instrs []Instr, i int, flag uint32) bool {
	if i+4 > len(instrs) {
		return false
	}
	want := appendU32([]byte{opGlobalGet}, flag)
	want = append(want, opIf, emptyBlock, opUnreachable, opEnd)
	return string(code[instrs[i].Offset:instrs[i+3].End]) == string(want)
}

// The rewritten ops module is valid (wabt's validator) and carries a check
// at every function entry and after every loop, on the new global,
// exported under the reserved name.
func TestChecksPlaced(t *testing.T) {
	out := instrumented(t, "ops.wasm")
	if _, err := exec.LookPath("wasm-validate"); err == nil {
		f := filepath.Join(t.TempDir(), "out.wasm")
		if err := os.WriteFile(f, out, 0o644); err != nil {
			t.Fatal(err)
		}
		cmd := exec.Command("wasm-validate", "--enable-threads", "--enable-tail-call", "--enable-exceptions", f)
		if msg, err := cmd.CombinedOutput(); err != nil {
			t.Fatalf("wasm-validate: %v\n%s", err, msg)
		}
	} else if os.Getenv("CI") != "" {
		t.Fatal("wasm-validate is missing")
	} else {
		t.Log("SKIPPING validation of the rewritten module: wasm-validate (wabt) is not installed")
	}
	m, err := wasmbin.Decode(out)
	if err != nil {
		t.Fatal(err)
	}
	exports, err := m.CoreExports()
	if err != nil {
		t.Fatal(err)
	}
	// ops.wat imports one global and defines one: the flag is global 2.
	const flag = 2
	found := false
	for _, e := range exports {
		found = found || (e.Name == FlagExport && e.Kind == wasmbin.ExternGlobal && e.Index == flag)
	}
	if !found {
		t.Fatalf("no global %d exported as %q: %v", flag, FlagExport, exports)
	}
	orig, err := wasmbin.Decode(mustRead(t, "ops.wasm"))
	if err != nil {
		t.Fatal(err)
	}
	origBodies := bodies(t, orig)
	got := bodies(t, m)
	if len(got) != len(origBodies)+2 {
		t.Fatalf("%d function bodies, want the %d of the module and yield and tick", len(got), len(origBodies))
	}
	// ops.wat imports one function: the check import is function 1, the
	// module's own follow, then yield and tick.
	mod := &module{flag: flag, budget: flag + 1, check: 1, yield: uint32(2 + len(origBodies)), tick: uint32(3 + len(origBodies))}
	for i, want := range [][]byte{mod.yieldBody(), mod.tickBody()} {
		if body := got[len(origBodies)+i]; string(body) != string(append(append([]byte{0}, want...), opEnd)) {
			want = append(append([]byte{0}, want...), opEnd)
			t.Errorf("appended function %d is % x, want % x", i, body, want)
		}
	}
	checked, leaves, loops := 0, 0, 0
	for i, body := range got[:len(origBodies)] {
		code, instrs := decodeBody(t, body)
		_, origInstrs := decodeBody(t, origBodies[i])
		leaf := true
		for _, in := range origInstrs {
			if in.Prefix == 0 && (in.Code == opLoop || (in.Code >= opCall && in.Code <= opReturnCallRef)) {
				leaf = false
			}
		}
		if leaf {
			leaves++
			if string(body) != string(origBodies[i]) {
				t.Errorf("function %d, a leaf, was changed", i)
			}
			continue
		}
		checked++
		if !checkAt(body[code:], instrs, 0, flag) {
			t.Errorf("function %d does not start with the check", i)
		}
		for j, in := range instrs {
			if in.Prefix != 0 || in.Code != opLoop {
				continue
			}
			loops++
			// local.get $b; i32.const 1; i32.sub; local.tee $b; i32.eqz;
			// if; ...; call $tick
			if j+6 >= len(instrs) || body[code+instrs[j+1].Offset] != opLocalGet || body[code+instrs[j+4].Offset] != opLocalTee ||
				body[code+instrs[j+6].Offset] != opIf {
				t.Errorf("function %d: no loop check after the loop at %d", i, in.Offset)
				continue
			}
			found := false
			for _, x := range instrs[j+7:] {
				if x.Prefix == 0 && x.Code == opCall && string(body[code+x.Offset:code+x.End]) == string(appendU32([]byte{opCall}, mod.tick)) {
					found = true
					break
				}
			}
			if !found {
				t.Errorf("function %d: the loop check at %d does not call tick", i, in.Offset)
			}
		}
	}
	if checked != 2 || loops != 2 || leaves != 0 {
		t.Errorf("%d functions and %d loops checked, %d leaves; want 2, 2 and 0", checked, loops, leaves)
	}
}

// A leaf (no loop, no call) runs only its own straight code before it
// returns: it is left as it is. A function that calls is checked.
func TestLeafUnchanged(t *testing.T) {
	b := &wasmbin.ModuleBuilder{}
	leaf := []byte{0x20, 0x00, 0x41, 0x01, 0x6a, 0x1a} // local.get 0; i32.const 1; i32.add; drop
	b.DefineFunc(wasmbin.CoreFuncType{Params: []byte{0x7f}}, 0, leaf)
	b.DefineFunc(wasmbin.CoreFuncType{Params: []byte{0x7f}}, 0, []byte{0x20, 0x00, 0x10, 0x00}) // calls the leaf
	m, err := wasmbin.Decode(b.Encode())
	if err != nil {
		t.Fatal(err)
	}
	before := bodies(t, m)
	if err := AddInterruptChecks(m); err != nil {
		t.Fatal(err)
	}
	after := bodies(t, m)
	if string(after[0]) != string(before[0]) {
		t.Errorf("the leaf was changed: % x, was % x", after[0], before[0])
	}
	code, instrs := decodeBody(t, after[1])
	if !checkAt(after[1][code:], instrs, 0, 0) {
		t.Errorf("the caller does not start with the check: % x", after[1])
	}
}

func mustRead(t testing.TB, file string) []byte {
	t.Helper()
	b, err := os.ReadFile(filepath.Join("testdata", file))
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// bodies returns the function bodies of m's code section.
func bodies(t *testing.T, m *wasmbin.Binary) [][]byte {
	t.Helper()
	var out [][]byte
	for _, s := range m.Sections {
		if s.ID != secCode {
			continue
		}
		r := &reader{b: s.Payload}
		n, err := r.count(1)
		if err != nil {
			t.Fatal(err)
		}
		for range n {
			size, err := r.u32()
			if err != nil {
				t.Fatal(err)
			}
			out = append(out, s.Payload[r.pos:r.pos+int(size)])
			r.pos += int(size)
		}
	}
	return out
}

// decodeBody returns where a body's code starts and its instructions,
// with offsets from there.
func decodeBody(t *testing.T, body []byte) (int, []Instr) {
	t.Helper()
	br := &reader{b: body}
	groups, _ := br.count(2)
	for range groups {
		br.u32()
		br.valType()
	}
	var instrs []Instr
	if err := Expr(body[br.pos:], 0, func(in Instr) error { instrs = append(instrs, in); return nil }); err != nil {
		t.Fatal(err)
	}
	return br.pos, instrs
}

// A module that names the reserved export is refused.
func TestReservedName(t *testing.T) {
	b := &wasmbin.ModuleBuilder{}
	b.ImportFunc("env", FlagExport, wasmbin.CoreFuncType{})
	m, err := wasmbin.Decode(b.Encode())
	if err != nil {
		t.Fatal(err)
	}
	if err := AddInterruptChecks(m); err == nil || !strings.Contains(err.Error(), "reserve") {
		t.Errorf("import of the flag's name: err = %v", err)
	}
}

// Code that names an index the module does not define (invalid as
// written, but valid once the rewrite adds its items) is refused: a guest
// cannot reach the flag, the budgets or the yield function.
func TestGuestCannotReachNewItems(t *testing.T) {
	for name, body := range map[string][]byte{
		"global.set of the flag":   {0x41, 0x00, 0x24, 0x00}, // the module has no globals
		"global.get of the budget": {0x23, 0x01, 0x1a},
		"local.tee of the budget":  {0x41, 0x00, 0x22, 0x01, 0x1a, 0x03, 0x40, 0x0b}, // one param; a loop
		"call of yield":            {0x10, 0x01},
		"ref.func of yield":        {0xd2, 0x01, 0x1a},
	} {
		b := &wasmbin.ModuleBuilder{}
		b.DefineFunc(wasmbin.CoreFuncType{Params: []byte{0x7f}}, 0, body)
		m, err := wasmbin.Decode(b.Encode())
		if err != nil {
			t.Fatal(err)
		}
		if err := AddInterruptChecks(m); err == nil || !strings.Contains(err.Error(), "does not define") {
			t.Errorf("%s: err = %v", name, err)
		}
	}
}

// On wazero: the rewritten guest computes what the original does while
// the flag is clear; while it spins, a garbage collection completes; once
// the flag is set, a loop-free recursion, an empty loop and a memory walk
// all trap.
func TestInterruptOnWazero(t *testing.T) {
	ctx := context.Background()
	rt := wazero.NewRuntimeWithConfig(ctx, wazero.NewRuntimeConfig().WithCloseOnContextDone(false))
	defer rt.Close(ctx)
	checks := instantiateCheck(t, rt)
	mod, err := rt.Instantiate(ctx, instrumented(t, "loops.wasm"))
	if err != nil {
		t.Fatal(err)
	}
	res, err := mod.ExportedFunction("fib").Call(ctx, 20)
	if err != nil || res[0] != 6765 {
		t.Fatalf("fib(20) = %v, %v; want 6765", res, err)
	}
	res, err = mod.ExportedFunction("walk").Call(ctx, 2)
	if err != nil || res[0] != 12 {
		t.Fatalf("walk(2) = %v, %v; want 12", res, err)
	}
	flag, ok := mod.ExportedGlobal(FlagExport).(api.MutableGlobal)
	if !ok {
		t.Fatal("the flag is not an exported mutable global")
	}
	for _, call := range []struct {
		fn  string
		arg []uint64
	}{{"fib", []uint64{90}}, {"spin", nil}, {"walk", []uint64{1 << 31}}} {
		flag.Set(0)
		done := make(chan error, 1)
		go func() {
			_, err := mod.ExportedFunction(call.fn).Call(ctx, call.arg...)
			done <- err
		}()
		time.Sleep(20 * time.Millisecond)
		// A collection stops the world, which waits for the spinning
		// guest to call into Go: without the yields it never returns.
		gc := make(chan struct{})
		start := time.Now()
		go func() { goruntime.GC(); close(gc) }()
		select {
		case <-gc:
			// Not a speed assertion: without the calls into Go the
			// collection waits as long as the guest spins.
			if took := time.Since(start); took > 10*time.Second {
				t.Errorf("%s: a garbage collection waited %v for the guest", call.fn, took)
			}
		case <-time.After(time.Minute):
			t.Fatalf("%s: a garbage collection still waits for the guest after a minute", call.fn)
		}
		if checks.Load() == 0 {
			t.Errorf("%s: the check import was never called", call.fn)
		}
		flag.Set(1)
		select {
		case err := <-done:
			if err == nil || !strings.Contains(err.Error(), "unreachable") {
				t.Errorf("%s: err = %v, want the check's trap", call.fn, err)
			}
		case <-time.After(time.Minute):
			t.Fatalf("%s still runs a minute after the flag was set", call.fn)
		}
	}
}

// Values a loop carries through many calls to tick (every type the
// rewrite saves, a reference it does not, a loop with parameters) come
// out as they do from the module as written.
func TestSavedLocalsKeepValues(t *testing.T) {
	ctx := context.Background()
	rt := wazero.NewRuntimeWithConfig(ctx, wazero.NewRuntimeConfig().WithCloseOnContextDone(false))
	defer rt.Close(ctx)
	instantiateCheck(t, rt)
	orig, err := rt.Instantiate(ctx, mustRead(t, "saves.wasm"))
	if err != nil {
		t.Fatal(err)
	}
	out := instrumented(t, "saves.wasm")
	mod, err := rt.InstantiateWithConfig(ctx, out, wazero.NewModuleConfig().WithName("instrumented"))
	if err != nil {
		t.Fatal(err)
	}
	for _, fn := range []string{"mix", "params"} {
		for _, n := range []uint64{1, 999, 1000, 1001, 123_457} {
			want, err := orig.ExportedFunction(fn).Call(ctx, n)
			if err != nil {
				t.Fatal(err)
			}
			got, err := mod.ExportedFunction(fn).Call(ctx, n)
			if err != nil || got[0] != want[0] {
				t.Errorf("%s(%d) = %v, %v; as written: %v", fn, n, got, err, want)
			}
		}
	}
}

// instantiateCheck instantiates the module the rewritten modules import
// the check from, counting its calls.
func instantiateCheck(t testing.TB, rt wazero.Runtime) *atomic.Int64 {
	t.Helper()
	n := &atomic.Int64{}
	_, err := rt.NewHostModuleBuilder(CheckModule).NewFunctionBuilder().
		WithFunc(func(context.Context, api.Module) { n.Add(1) }).Export(CheckFunc).
		Instantiate(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	return n
}

// The check import moves every defined function up by one: the module
// still calls, exports, starts with and fills its table with the same
// functions (compared with the module as written), and its name section
// still names them.
func TestRenumbering(t *testing.T) {
	ctx := context.Background()
	rt := wazero.NewRuntimeWithConfig(ctx, wazero.NewRuntimeConfig().WithCloseOnContextDone(false))
	defer rt.Close(ctx)
	instantiateCheck(t, rt)
	_, err := rt.NewHostModuleBuilder("env").NewFunctionBuilder().
		WithFunc(func(x uint32) uint32 { return 2 * x }).Export("twice").Instantiate(ctx)
	if err != nil {
		t.Fatal(err)
	}
	orig, err := rt.InstantiateWithConfig(ctx, mustRead(t, "renum.wasm"), wazero.NewModuleConfig().WithName("orig"))
	if err != nil {
		t.Fatal(err)
	}
	out := instrumented(t, "renum.wasm")
	mod, err := rt.InstantiateWithConfig(ctx, out, wazero.NewModuleConfig().WithName("instrumented"))
	if err != nil {
		t.Fatal(err)
	}
	calls := [][]uint64{{0, 5}, {1, 5}, {2, 5}, {4, 5}, {5, 5}, {6, 5}, {7, 5}}
	for _, c := range calls {
		want, err := orig.ExportedFunction("run").Call(ctx, c...)
		if err != nil {
			t.Fatal(err)
		}
		if got, err := mod.ExportedFunction("run").Call(ctx, c...); err != nil || got[0] != want[0] {
			t.Errorf("run(%v) = %v, %v; as written: %v", c, got, err, want)
		}
	}
	for _, fn := range []string{"add1", "tail"} {
		want, _ := orig.ExportedFunction(fn).Call(ctx, 7)
		if got, err := mod.ExportedFunction(fn).Call(ctx, 7); err != nil || got[0] != want[0] {
			t.Errorf("%s(7) = %v, %v; as written: %v", fn, got, err, want)
		}
	}
	// The name section: function 1 (the first defined) was "add1" and
	// is now function 2; the import keeps index 0.
	m, err := wasmbin.Decode(out)
	if err != nil {
		t.Fatal(err)
	}
	var names []byte
	for _, s := range m.Sections {
		if s.ID == wasmbin.SecCustom && s.Name == "name" {
			names = s.Data
		}
	}
	for _, want := range []string{"\x00\x05twice", "\x02\x04add1", "\x05\x04tail"} {
		if !strings.Contains(string(names), want) {
			t.Errorf("the name section lacks %q: % x", want, names)
		}
	}
}

// An element segment, a global initializer or a start section naming the
// function one past the module's own (invalid as written; once renumbered
// it would be yield) is refused.
func TestRenumberingRefusesNewItems(t *testing.T) {
	// (module (func) (elem declare func 1)), (global funcref (ref.func 1)),
	// (start 1), each with the index patched past the one function.
	for name, wasm := range map[string][]byte{
		"element segment": append(moduleHead()[:len(moduleHead())-6],
			0x09, 0x05, 0x01, 0x03, 0x00, 0x01, 0x01, 0x0a, 0x04, 0x01, 0x02, 0x00, 0x0b),
		"global initializer": append(moduleHead()[:len(moduleHead())-6],
			0x06, 0x06, 0x01, 0x70, 0x00, 0xd2, 0x01, 0x0b, 0x0a, 0x04, 0x01, 0x02, 0x00, 0x0b),
		"start section": append(moduleHead()[:len(moduleHead())-6], 0x08, 0x01, 0x01, 0x0a, 0x04, 0x01, 0x02, 0x00, 0x0b),
	} {
		m, err := wasmbin.Decode(wasm)
		if err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		err = AddInterruptChecks(m)
		t.Logf("%s: %v", name, err)
		if err == nil || !strings.Contains(err.Error(), "function 1, which the module does not define") {
			t.Errorf("%s: err = %v", name, err)
		}
	}
}

// moduleHead is (module (func)) ending with its code section (6 bytes).
func moduleHead() []byte {
	return []byte{0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00,
		0x01, 0x04, 0x01, 0x60, 0x00, 0x00, // type () -> ()
		0x03, 0x02, 0x01, 0x00, // one function of type 0
		0x0a, 0x04, 0x01, 0x02, 0x00, 0x0b} // its body
}
