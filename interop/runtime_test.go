package interop_test

// Differential tests of wasifill's own runtime (package runtime, on
// wazero) against Wasmtime 39: the call tables of the fixture, compose and
// componentize tests, made in both, must give equal values (value.Equal),
// trap in the same places, and print the same stdout with the same exit
// code. jco is not involved here: fixtures_test.go already holds Wasmtime
// and jco to each other.

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"math"
	"os"
	"strings"
	"testing"
	"time"

	"github.com/wasifill/wasifill/compose"
	"github.com/wasifill/wasifill/internal/componentize"
	"github.com/wasifill/wasifill/interop"
	"github.com/wasifill/wasifill/interop/wasmtime"
	wfrt "github.com/wasifill/wasifill/runtime"
	"github.com/wasifill/wasifill/runtime/wasip2"
	"github.com/wasifill/wasifill/value"
)

// wfRuntime returns a wasifill runtime, closed when the test ends.
func wfRuntime(t testing.TB, opts ...wfrt.Option) *wfrt.Runtime {
	t.Helper()
	ctx := context.Background()
	rt, err := wfrt.New(ctx, opts...)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { rt.Close(ctx) })
	return rt
}

// wfCompile compiles component in rt.
func wfCompile(t testing.TB, rt *wfrt.Runtime, component []byte) *wfrt.Compiled {
	t.Helper()
	c, err := rt.Compile(context.Background(), component)
	if err != nil {
		t.Fatalf("wasifill compile: %v", err)
	}
	return c
}

// wfInstantiate instantiates c in rt, closed when the test ends.
func wfInstantiate(t testing.TB, rt *wfrt.Runtime, c *wfrt.Compiled) *wfrt.Instance {
	t.Helper()
	ctx := context.Background()
	inst, err := rt.Instantiate(ctx, c)
	if err != nil {
		t.Fatalf("wasifill instantiate: %v", err)
	}
	t.Cleanup(func() { inst.Close(ctx) })
	return inst
}

// wtInstantiate instantiates component in Wasmtime, closed when the test
// ends.
func wtInstantiate(t testing.TB, ctx context.Context, component []byte) *wasmtime.Instance {
	t.Helper()
	inst, err := wasmtime.Instantiate(ctx, component, nil)
	if err != nil {
		t.Fatalf("wasmtime instantiate: %v", err)
	}
	t.Cleanup(func() { inst.Close() })
	return inst
}

// wfInstance instantiates component in a new wasifill runtime made with
// opts; both are closed when the test ends.
func wfInstance(t testing.TB, component []byte, opts ...wfrt.Option) *wfrt.Instance {
	t.Helper()
	rt := wfRuntime(t, opts...)
	return wfInstantiate(t, rt, wfCompile(t, rt, component))
}

// wfCall calls export of inst; a host panic is a test error, not a crash.
func wfCall(t *testing.T, ctx context.Context, inst *wfrt.Instance, export string, args ...value.Value) (out []value.Value, err error) {
	t.Helper()
	defer func() {
		if p := recover(); p != nil {
			t.Errorf("wasifill %s: the host panicked: %v", export, p)
			err = fmt.Errorf("panic: %v", p)
		}
	}()
	return inst.Call(ctx, export, args...)
}

// checkTypes checks that wasifill sees export with the parameter and result
// types that Wasmtime reports.
func checkTypes(t *testing.T, inst *wfrt.Instance, export string, want *interop.Func) {
	t.Helper()
	f, ok := inst.Func(export)
	if !ok {
		t.Errorf("wasifill: no export %s", export)
		return
	}
	var got, exp []string
	for _, p := range f.Params() {
		got = append(got, p.String())
	}
	for _, p := range want.Params {
		exp = append(exp, p.Type.String())
	}
	got = append(got, "->")
	exp = append(exp, "->")
	for _, r := range f.Results() {
		got = append(got, r.String())
	}
	if want.Result != nil {
		exp = append(exp, want.Result.String())
	}
	if strings.Join(got, " ") != strings.Join(exp, " ") {
		t.Errorf("%s: wasifill types %v, wasmtime %v", export, got, exp)
	}
}

// trapKind says whether err is a trap, for each harness: wasifill's
// *wfrt.TrapError, Wasmtime's *wasmtime.Trap.
func isWfTrap(err error) bool {
	var trap *wfrt.TrapError
	return errors.As(err, &trap)
}

func isWtTrap(err error) bool {
	var trap *wasmtime.Trap
	return errors.As(err, &trap)
}

// TestRuntimeAllTypes: all 96 calls of allTypesCalls, on one instance in
// each runtime, give equal values in both (and what the guest promises).
func TestRuntimeAllTypes(t *testing.T) {
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	comp := readGuest(t, "all-types.wasm")
	calls := allTypesCalls()
	types := funcTypes(t, comp, calls)

	wt := wtInstantiate(t, ctx, comp)
	wf := wfInstance(t, comp)
	for export, fn := range types {
		checkTypes(t, wf, export, fn)
	}
	agree := 0
	for _, c := range calls {
		wres, werr := wt.Call(ctx, c.export, c.args...)
		fres, ferr := wfCall(t, ctx, wf, c.export, c.args...)
		switch {
		case werr != nil || ferr != nil:
			t.Errorf("%s: wasmtime %v, %v; wasifill %v, %v", c.name, short(wres), oneLine(werr), short(fres), oneLine(ferr))
		case !resultsEqual(types[c.export], fres, wres):
			t.Errorf("%s: wasifill gives %v, wasmtime %v", c.name, short(fres), short(wres))
		case !resultsEqual(types[c.export], fres, c.want):
			t.Errorf("%s: both give %v, want %v", c.name, short(fres), short(c.want))
		default:
			agree++
		}
	}
	t.Logf("%d of %d calls agree", agree, len(calls))
}

// TestRuntimeFaulty: traps are traps in both runtimes and results equal.
// grow(0), grow(70000), trap and spin run always. grow(1000), grow(100)
// and alloc-forever take wazero's memory to 4 GiB, which wasifill's runtime
// (on wazero) commits as Go heap: about 24 s and 14 GB of RSS for grow(1000)
// alone (Wasmtime: under a second, its memory is reserved, not committed).
// They run with WASIFILL_INTEROP_SLOW set; by default they run under a
// 1024-page limit instead, where only trap/no-trap can be compared.
// With WASIFILL_INTEROP_SLOW, alloc-forever fails here: wazero 1.12's
// compiler mishandles a memory of exactly 65536 pages (memory.size gives
// 0 and every load and store traps out of bounds), so wasifill traps with
// "out of bounds memory access" where Wasmtime reaches abort()'s
// `unreachable`.
func TestRuntimeFaulty(t *testing.T) {
	ctx, cancel := context.WithTimeout(context.Background(), 3*time.Minute)
	defer cancel()
	comp := readGuest(t, "faulty.wasm")
	slowOK := os.Getenv("WASIFILL_INTEROP_SLOW") != ""
	type fcall struct {
		fn   string
		args []value.Value
		slow bool // to 4 GiB of memory; see above
	}
	calls := []fcall{
		{"trap", []value.Value{"boom"}, false},
		{"grow", []value.Value{uint32(0)}, false},
		{"grow", []value.Value{uint32(1000)}, true},
		{"grow", []value.Value{uint32(100)}, true},
		{"grow", []value.Value{uint32(70000)}, false},
		{"alloc-forever", nil, true},
	}
	growFn, err := wasmtime.FuncType(comp, faultsIface+"grow")
	if err != nil {
		t.Fatal(err)
	}
	rt := wfRuntime(t)
	compiled := wfCompile(t, rt, comp)
	limited := wfRuntime(t, wfrt.WithMemoryLimitPages(1024))
	limitedC := wfCompile(t, limited, comp)
	for _, c := range calls {
		name := fmt.Sprintf("%s%v", c.fn, c.args)
		start := time.Now()
		wres, werr := wasmtime.Call(ctx, comp, faultsIface+c.fn, c.args)
		wd := time.Since(start)
		if c.slow && !slowOK {
			// The same call under a 1024-page limit: grow stops at the
			// limit (a result, as in Wasmtime at 4 GiB), alloc-forever
			// traps (as in Wasmtime).
			start = time.Now()
			fres, ferr := wfCall(t, ctx, wfInstantiate(t, limited, limitedC), faultsIface+c.fn, c.args...)
			t.Logf("NOT RUN with wasifill's default 4 GiB limit: %s (set WASIFILL_INTEROP_SLOW=1); under a 1024-page limit: %v, %v (%v); wasmtime (4 GiB): %v, %v (%v)",
				name, fres, oneLine(ferr), time.Since(start).Round(time.Millisecond), wres, oneLine(werr), wd.Round(time.Millisecond))
			if isWfTrap(ferr) != isWtTrap(werr) {
				t.Errorf("%s: trap/no-trap differs: wasifill (1024-page limit) %v, %v; wasmtime %v, %v", name, fres, oneLine(ferr), wres, oneLine(werr))
			}
			continue
		}
		// Each call in its own instance, closed at once: two 4 GiB
		// memories at a time would be too much.
		inst, err := rt.Instantiate(ctx, compiled)
		if err != nil {
			t.Fatalf("wasifill instantiate: %v", err)
		}
		start = time.Now()
		fres, ferr := wfCall(t, ctx, inst, faultsIface+c.fn, c.args...)
		inst.Close(ctx)
		t.Logf("%s: wasifill %v, %v (%v); wasmtime %v, %v (%v)", name, fres, oneLine(ferr), time.Since(start).Round(time.Millisecond),
			wres, oneLine(werr), wd.Round(time.Millisecond))
		switch {
		case isWfTrap(ferr) != isWtTrap(werr):
			t.Errorf("%s: wasifill %v, %v; wasmtime %v, %v (one traps, the other does not)", name, fres, ferr, wres, werr)
		case ferr == nil && werr == nil && !resultsEqual(growFn, fres, wres):
			t.Errorf("%s: wasifill gives %v, wasmtime %v", name, fres, wres)
		case ferr != nil && !isWfTrap(ferr):
			t.Errorf("%s: wasifill: %v, not a *wfrt.TrapError", name, ferr)
		}
		// The same trap: where Wasmtime reports `unreachable` (trap, and
		// alloc-forever's abort() once malloc fails), wasifill must too.
		if strings.Contains(oneLine(werr), "unreachable") && !strings.Contains(oneLine(ferr), "unreachable") {
			t.Errorf("%s: wasifill traps with %q, wasmtime with %q", name, oneLine(ferr), oneLine(werr))
		}
	}

	// spin: both stop when the context is done.
	for _, r := range []struct {
		name string
		call func(ctx context.Context) error
	}{
		{"wasmtime", func(ctx context.Context) error {
			_, err := wasmtime.Call(ctx, comp, faultsIface+"spin", nil)
			return err
		}},
		{"wasifill", func(ctx context.Context) error {
			_, err := wfCall(t, ctx, wfInstantiate(t, rt, compiled), faultsIface+"spin")
			return err
		}},
	} {
		sctx, scancel := context.WithTimeout(ctx, 300*time.Millisecond)
		start := time.Now()
		err := r.call(sctx)
		scancel()
		d := time.Since(start)
		if err == nil || d > 5*time.Second {
			t.Errorf("%s spin: %v after %v, want an interruption", r.name, err, d)
		}
		if r.name == "wasifill" && !isWfTrap(err) {
			t.Errorf("wasifill spin: %v, want a *wfrt.TrapError", err)
		}
		t.Logf("%s spin: interrupted after %v: %v", r.name, d.Round(time.Millisecond), oneLine(err))
	}
}

// TestRuntimeResources drives counterSteps in both runtimes. Handles are
// numbered differently (Wasmtime's harness from 0, wasifill's from its
// runtime-wide table), so wasifill's are mapped to the script's numbers as
// calls return them and the behaviour is compared, not the numbers.
func TestRuntimeResources(t *testing.T) {
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	comp := readGuest(t, "resources.wasm")
	steps := counterSteps()
	types := map[string]*interop.Func{}
	for _, s := range steps {
		if s.fn != counterDrop && types[s.fn] == nil {
			fn, err := wasmtime.FuncType(comp, countersIface+s.fn)
			if err != nil {
				t.Fatal(err)
			}
			types[s.fn] = fn
		}
	}
	wt := wtInstantiate(t, ctx, comp)
	rt := wfRuntime(t)
	wf := wfInstantiate(t, rt, wfCompile(t, rt, comp))
	for fn, ft := range types {
		checkTypes(t, wf, countersIface+fn, ft)
	}

	// wtOf and wfOf map the script's handle numbers (Wasmtime's, as the
	// steps' wants give them) to each harness's handles.
	wtOf := map[value.Handle]value.Handle{}
	wfOf := map[value.Handle]value.Handle{}
	mapArgs := func(args []value.Value, of map[value.Handle]value.Handle) []value.Value {
		out := make([]value.Value, len(args))
		for i, a := range args {
			if h, ok := a.(value.Handle); ok {
				mh, ok := of[h]
				if !ok {
					t.Fatalf("script handle %d was never returned", h)
				}
				a = mh
			}
			out[i] = a
		}
		return out
	}
	// same compares results, handles by the script handle they stand for.
	record := func(want []value.Value, got []value.Value, of map[value.Handle]value.Handle) []value.Value {
		out := make([]value.Value, len(got))
		for i, g := range got {
			if h, ok := g.(value.Handle); ok && i < len(want) {
				if sh, ok := want[i].(value.Handle); ok {
					of[sh] = h
					g = sh // compare as the script's handle
				}
			}
			out[i] = g
		}
		return out
	}
	for k, s := range steps {
		name := fmt.Sprintf("step %d %s%v", k, s.fn, s.args)
		var wres, fres []value.Value
		var werr, ferr error
		if s.fn == counterDrop {
			werr = wt.Drop(ctx, mapArgs(s.args, wtOf)[0].(value.Handle))
			ferr = rt.DropHandle(ctx, mapArgs(s.args, wfOf)[0].(value.Handle))
		} else {
			wres, werr = wt.Call(ctx, countersIface+s.fn, mapArgs(s.args, wtOf)...)
			fres, ferr = wfCall(t, ctx, wf, countersIface+s.fn, mapArgs(s.args, wfOf)...)
			wres, fres = record(s.want, wres, wtOf), record(s.want, fres, wfOf)
		}
		switch {
		case werr != nil || ferr != nil:
			t.Errorf("%s: wasmtime %v, %v; wasifill %v, %v", name, wres, oneLine(werr), fres, oneLine(ferr))
		case len(wres) != len(fres) || len(fres) != len(s.want):
			t.Errorf("%s: wasmtime %v, wasifill %v, want %v", name, wres, fres, s.want)
		default:
			for i := range fres {
				if fres[i] != wres[i] || fres[i] != s.want[i] {
					t.Errorf("%s: wasmtime %v, wasifill %v (handles as script numbers), want %v", name, wres, fres, s.want)
				}
			}
		}
	}
	// A method on a dropped handle fails in both.
	h0 := value.Handle(0)
	_, werr := wt.Call(ctx, countersIface+"[method]counter.get", wtOf[h0])
	_, ferr := wfCall(t, ctx, wf, countersIface+"[method]counter.get", wfOf[h0])
	if werr == nil || ferr == nil {
		t.Errorf("get on dropped handle 0: wasmtime %v, wasifill %v; want errors from both", werr, ferr)
	}
	t.Logf("get on a dropped handle: wasmtime %v; wasifill %v", oneLine(werr), oneLine(ferr))
	// Dropping it again fails in wasifill too (Wasmtime's harness forgot it).
	if err := rt.DropHandle(ctx, wfOf[h0]); err == nil {
		t.Error("wasifill: dropping a dropped handle: no error")
	}
}

// TestRuntimeComposeClient: client.wasm plugged with all-types.wasm (as in
// TestComposeClient) gives the same run and twice in both runtimes.
func TestRuntimeComposeClient(t *testing.T) {
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	res, err := compose.Plug(compose.Part{Name: "client.wasm", Bytes: readGuest(t, "client.wasm")},
		[]compose.Part{{Name: "all-types.wasm", Bytes: readGuest(t, "all-types.wasm")}})
	if err != nil {
		t.Fatal(err)
	}
	composed := res.Bytes
	wt := wtInstantiate(t, ctx, composed)
	wf := wfInstance(t, composed)
	var calls []struct {
		fn   string
		arg  value.Value
		want value.Value
	}
	add := func(fn string, arg, want value.Value) {
		calls = append(calls, struct {
			fn   string
			arg  value.Value
			want value.Value
		}{fn, arg, want})
	}
	for _, x := range []uint32{41, 0, 1 << 31, math.MaxUint32} {
		add("run", x, x+1)
	}
	for _, x := range []float64{1.5, 0, math.Copysign(0, -1), -2.25, math.Inf(1), math.NaN(), math.MaxFloat64, 1e-300} {
		add("twice", x, x*2)
	}
	types := map[string]*interop.Func{}
	for _, fn := range []string{"run", "twice"} {
		if types[fn], err = wasmtime.FuncType(composed, fn); err != nil {
			t.Fatal(err)
		}
		checkTypes(t, wf, fn, types[fn])
	}
	for _, c := range calls {
		wres, werr := wt.Call(ctx, c.fn, c.arg)
		fres, ferr := wfCall(t, ctx, wf, c.fn, c.arg)
		switch {
		case werr != nil || ferr != nil:
			t.Errorf("%s(%v): wasmtime %v, %v; wasifill %v, %v", c.fn, c.arg, wres, oneLine(werr), fres, oneLine(ferr))
		case !resultsEqual(types[c.fn], fres, wres):
			t.Errorf("%s(%v): wasifill gives %v, wasmtime %v", c.fn, c.arg, fres, wres)
		case !resultsEqual(types[c.fn], fres, []value.Value{c.want}):
			t.Errorf("%s(%v): both give %v, want %v", c.fn, c.arg, fres, c.want)
		}
	}
}

// wfRun runs a command component in wasifill's runtime with wasip2.Run.
func wfRun(ctx context.Context, component []byte, args []string) (stdout, stderr []byte, code int, err error) {
	rt, err := wfrt.New(ctx)
	if err != nil {
		return nil, nil, 0, err
	}
	defer rt.Close(ctx)
	var out, errb bytes.Buffer
	wasip2.Define(rt, wasip2.Config{Args: args, Stdout: &out, Stderr: &errb})
	c, err := rt.Compile(ctx, component)
	if err != nil {
		return nil, nil, 0, err
	}
	inst, err := rt.Instantiate(ctx, c)
	if err != nil {
		return nil, nil, 0, err
	}
	defer inst.Close(ctx)
	code, err = wasip2.Run(ctx, inst)
	return out.Bytes(), errb.Bytes(), code, err
}

// TestRuntimeCommands: the componentized C and Go commands and hello (as
// in TestComponentizeCommands) print the same stdout and exit with the
// same code in both runtimes.
func TestRuntimeCommands(t *testing.T) {
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	command := preview1(adapter(t, "command"))
	cCmd := componentizeCore(t, readGuest(t, "c-command.core.wasm"), componentize.Options{Adapters: command})
	goCmd := componentizeCore(t, readGuest(t, "go-command.core.wasm"), componentize.Options{Adapters: command})
	hello := componentizeCore(t, readFile(t, "../internal/wasmbin/testdata/hello.core.wasm"), componentize.Options{Adapters: command})
	cases := []commandCase{
		{"c-command a b", cCmd, []string{"prog", "a", "b"}, "hello from c a b\n", 0, ""},
		{"c-command", cCmd, []string{"prog"}, "hello from c\n", 0, ""},
		{"c-command with an empty argument", cCmd, []string{"prog", "", "x"}, "hello from c  x\n", 0, ""},
		{"go-command a b", goCmd, []string{"prog", "a", "b"}, "hello from go a b\n", 0, ""},
		{"go-command ü ✓", goCmd, []string{"prog", "ü", "✓ x"}, "hello from go ü ✓ x\n", 0, ""},
		{"go-command fail", goCmd, []string{"prog", "fail"}, "hello from go fail\n", 1, ""},
		{"hello (ours)", hello, []string{"hello"}, "hello\n", 0, ""},
		{"hello (oracle)", readFile(t, "../internal/wasmbin/testdata/hello.wasm"), []string{"hello"}, "hello\n", 0, ""},
	}
	for _, c := range cases {
		start := time.Now()
		wout, werrb, wcode, werr := wasmtime.Run(ctx, c.comp, c.args)
		wd := time.Since(start)
		start = time.Now()
		fout, ferrb, fcode, ferr := wfRun(ctx, c.comp, c.args)
		fd := time.Since(start)
		t.Logf("%s: wasmtime exit %d (%v), wasifill exit %d (%v)", c.name, wcode, wd.Round(time.Millisecond), fcode, fd.Round(time.Millisecond))
		switch {
		case werr != nil || ferr != nil:
			t.Errorf("%s: wasmtime %v (stderr %q); wasifill %v (stderr %q)", c.name, werr, werrb, ferr, ferrb)
		case string(wout) != string(fout) || wcode != fcode:
			t.Errorf("%s: wasmtime stdout %q, exit %d; wasifill stdout %q, exit %d", c.name, wout, wcode, fout, fcode)
		case string(fout) != c.stdout || fcode != c.code:
			t.Errorf("%s: both give stdout %q, exit %d; want %q, %d", c.name, fout, fcode, c.stdout, c.code)
		}
	}
}

// TestRuntimeGoReactor: the Go reactor app (goReactorApp) greets and
// churns the same in both runtimes, on one instance each, and wrote the
// same to stderr during _initialize.
func TestRuntimeGoReactor(t *testing.T) {
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	app := goReactorApp(t)
	const (
		greets    = 1000 // of 10 KiB names
		rounds    = 500  // of churn
		churnSize = 65536
	)
	type gcall struct {
		fn   string
		args []value.Value
	}
	calls := []gcall{{"greet", []value.Value{"wasm"}}}
	for k := range greets {
		calls = append(calls, gcall{"greet", []value.Value{bigName(k)}})
	}
	calls = append(calls, gcall{"churn", []value.Value{uint32(rounds), uint32(churnSize)}}, gcall{"greet", []value.Value{"again"}})

	wt, err := wasmtime.Instantiate(ctx, app, nil)
	if err != nil {
		t.Fatalf("wasmtime instantiate: %v", noBacktrace(err))
	}
	defer wt.Close()
	rt := wfRuntime(t)
	var stderr bytes.Buffer
	wasip2.Define(rt, wasip2.Config{Stderr: &stderr})
	wf := wfInstantiate(t, rt, wfCompile(t, rt, app))
	types := map[string]*interop.Func{}
	for _, fn := range []string{"greet", "churn"} {
		if types[fn], err = wasmtime.FuncType(app, greeterIface+fn); err != nil {
			t.Fatal(err)
		}
		checkTypes(t, wf, greeterIface+fn, types[fn])
	}
	var wd, fd time.Duration
	bad := 0
	for k, c := range calls {
		start := time.Now()
		wres, werr := wt.Call(ctx, greeterIface+c.fn, c.args...)
		wd += time.Since(start)
		start = time.Now()
		fres, ferr := wfCall(t, ctx, wf, greeterIface+c.fn, c.args...)
		fd += time.Since(start)
		ok := werr == nil && ferr == nil && resultsEqual(types[c.fn], fres, wres)
		if !ok {
			t.Errorf("call %d %s(%s): wasmtime %s, %v; wasifill %s, %v", k, c.fn, short(c.args[0]), short(wres), oneLine(werr), short(fres), oneLine(ferr))
			if bad++; bad > 5 {
				t.Fatal("giving up")
			}
		}
	}
	t.Logf("%d calls (%d greets of 10 KiB names, churn(%d, %d)): wasmtime %v, wasifill %v",
		len(calls), greets, rounds, churnSize, wd.Round(time.Millisecond), fd.Round(time.Millisecond))
	if w, f := string(wt.Stderr()), stderr.String(); w != f || !strings.Contains(f, "go-reactor: starting\n") {
		t.Errorf("stderr: wasmtime %q, wasifill %q; want the same, with \"go-reactor: starting\"", w, f)
	}
}

// TestRuntimeHostile: hostile.wasm's functions trap in both runtimes (the
// canonical ABI refuses what they return) and good does not; both keep
// serving in a fresh instance.
func TestRuntimeHostile(t *testing.T) {
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	comp := readGuest(t, "hostile.wasm")
	const attacks = "wasifill:guests/attacks@0.1.0#"
	exports, err := wasmtime.Exports(comp)
	if err != nil {
		t.Fatal(err)
	}
	rt := wfRuntime(t)
	compiled := wfCompile(t, rt, comp)
	for _, e := range exports {
		fn := strings.TrimPrefix(e, attacks)
		var args []value.Value
		if fn == "good" {
			args = []value.Value{"héllo ✓"}
		}
		wres, werr := wasmtime.Call(ctx, comp, e, args)
		fres, ferr := wfCall(t, ctx, wfInstantiate(t, rt, compiled), e, args...)
		wantTrap := fn != "good"
		t.Logf("%s: wasmtime %v, %v; wasifill %v, %v", fn, wres, oneLine(werr), fres, oneLine(ferr))
		switch {
		case isWtTrap(werr) != isWfTrap(ferr):
			t.Errorf("%s: wasmtime %v, %v; wasifill %v, %v (one traps, the other does not)", fn, wres, oneLine(werr), fres, oneLine(ferr))
		case isWfTrap(ferr) != wantTrap:
			t.Errorf("%s: both give %v, %v; want trap = %v", fn, fres, oneLine(ferr), wantTrap)
		case ferr == nil && (len(fres) != 1 || fres[0] != args[0] || len(wres) != 1 || wres[0] != args[0]):
			t.Errorf("%s: wasmtime %v, wasifill %v; want %v", fn, wres, fres, args)
		case ferr != nil && werr == nil:
			t.Errorf("%s: wasifill %v, wasmtime %v", fn, ferr, werr)
		}
		if res, err := wfCall(t, ctx, wfInstantiate(t, rt, compiled), attacks+"good", "after"); err != nil || len(res) != 1 || res[0] != "after" {
			t.Errorf("wasifill: a fresh instance after %s: %v, %v", fn, res, err)
		}
	}
	if len(exports) != 9 {
		t.Errorf("hostile.wasm exports %d functions, want 9: %v", len(exports), exports)
	}
}
