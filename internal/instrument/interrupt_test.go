package instrument

import (
	"context"
	"os"
	"os/exec"
	"path/filepath"
	goruntime "runtime"
	"strings"
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
	funcs, loops := 0, 0
	for _, s := range m.Sections {
		if s.ID != secCode {
			continue
		}
		r := &reader{b: s.Payload}
		n, _ := r.count(1)
		for i := range n {
			size, _ := r.u32()
			body := s.Payload[r.pos : r.pos+int(size)]
			r.pos += int(size)
			if i == n-1 { // the yield function the rewrite appends
				mod := &module{flag: flag, budget: flag + 1, yield: 3}
				if want := append(append([]byte{0}, mod.yieldBody()...), opEnd); string(body) != string(want) {
					t.Errorf("the last function is % x, want the yield function % x", body, want)
				}
				continue
			}
			br := &reader{b: body}
			groups, _ := br.count(2)
			for range groups {
				br.u32()
				br.valType()
			}
			var instrs []Instr
			if err := Expr(body, br.pos, func(in Instr) error { instrs = append(instrs, in); return nil }); err != nil {
				t.Fatal(err)
			}
			if !checkAt(body, instrs, 0, flag) {
				t.Errorf("function %d does not start with the check", funcs)
			}
			funcs++
			for i, in := range instrs {
				if in.Prefix == 0 && in.Code == opLoop {
					loops++
					if !checkAt(body, instrs, i+1, flag) {
						t.Errorf("function %d: no check after the loop at %d", funcs-1, in.Offset)
					}
				}
			}
		}
	}
	if funcs != 2 || loops != 2 {
		t.Errorf("%d functions and %d loops checked, want 2 and 2", funcs, loops)
	}
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
		go func() { goruntime.GC(); close(gc) }()
		select {
		case <-gc:
		case <-time.After(time.Minute):
			t.Fatalf("%s: a garbage collection still waits for the guest after a minute", call.fn)
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
