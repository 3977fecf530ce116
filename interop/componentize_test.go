package interop_test

// Components made by wasifill's componentize.New (core module + WIT
// world [+ jco's preview1 adapter]), run in Wasmtime and jco: the C and Go
// commands, the Go reactor plugged with host-impl, and the all-types,
// faulty and resources fixtures, which must behave exactly like the
// components the wasm-tools oracle built from the same core modules.

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/wasifill/wasifill/compose"
	"github.com/wasifill/wasifill/internal/component"
	"github.com/wasifill/wasifill/internal/componentize"
	"github.com/wasifill/wasifill/internal/testenv"
	"github.com/wasifill/wasifill/interop"
	"github.com/wasifill/wasifill/interop/jco"
	"github.com/wasifill/wasifill/interop/wasmtime"
	"github.com/wasifill/wasifill/value"
	"github.com/wasifill/wasifill/witparse"
)

// adapter returns jco's WASI preview1 adapter of kind "command" or
// "reactor": from $WASIFILL_JCO_MODULES when it has it, else as
// testenv.Adapter finds it (in .tools/node_modules of the working
// directory or a parent; without it the test fails when CI is set and is
// skipped loudly otherwise).
func adapter(t *testing.T, kind string) []byte {
	t.Helper()
	if d := os.Getenv("WASIFILL_JCO_MODULES"); d != "" {
		rel := filepath.Join("@bytecodealliance", "jco", "lib", "wasi_snapshot_preview1."+kind+".wasm")
		if b, err := os.ReadFile(filepath.Join(d, rel)); err == nil {
			return b
		}
	}
	return testenv.Adapter(t, kind)
}

var guestWIT struct {
	once sync.Once
	r    *witparse.Resolve
	pkg  witparse.PackageID
	err  error
}

// world returns the component type of world name in
// testdata/guests/wit/guests.wit.
func world(t *testing.T, name string) *component.Type {
	t.Helper()
	guestWIT.once.Do(func() {
		guestWIT.r, guestWIT.pkg, guestWIT.err = witparse.Load("../testdata/guests/wit", witparse.Options{})
	})
	if guestWIT.err != nil {
		t.Fatal(guestWIT.err)
	}
	r := guestWIT.r
	for _, w := range r.Packages[guestWIT.pkg].Worlds {
		if w.Name == name {
			ct, err := component.FromWorld(r, w.ID)
			if err != nil {
				t.Fatal(err)
			}
			return ct
		}
	}
	t.Fatalf("guests.wit has no world %s", name)
	return nil
}

// componentizeCore runs componentize.New and fails the test on error.
func componentizeCore(t *testing.T, core []byte, opts componentize.Options) []byte {
	t.Helper()
	out, err := componentize.New(core, opts)
	if err != nil {
		t.Fatalf("componentize: %v", err)
	}
	return out
}

func preview1(b []byte) map[string][]byte {
	return map[string][]byte{"wasi_snapshot_preview1": b}
}

type runFunc func(ctx context.Context, component []byte, args []string) ([]byte, []byte, int, error)

type runner struct {
	name string
	run  runFunc
}

// runners are the runtimes that can run commands: Wasmtime, and jco when
// it is there.
func runners(t *testing.T) []runner {
	rs := []runner{{"wasmtime", wasmtime.Run}}
	if jcoAvailable(t) {
		rs = append(rs, runner{"jco", jco.Run})
	}
	return rs
}

// commandCase runs comp with args: it must print stdout, exit with code
// and say stderr (when set) on stderr.
type commandCase struct {
	name   string
	comp   []byte
	args   []string
	stdout string
	code   int
	stderr string // what stderr must contain
}

// TestComponentizeCommands componentizes the C and Go preview1 commands and
// wasmbin's hello with the command adapter and runs them in both runtimes:
// the same stdout and exit code in each, as the guest promises. hello is
// also compared with the oracle's componentization of the same module.
func TestComponentizeCommands(t *testing.T) {
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	command := preview1(adapter(t, "command"))
	built := map[string][]byte{}
	for _, p := range []string{guestsDir + "/c-command.core.wasm", guestsDir + "/go-command.core.wasm", "../internal/wasmbin/testdata/hello.core.wasm"} {
		built[p] = componentizeCore(t, readFile(t, p), componentize.Options{Adapters: command})
		if err := wasmtime.Validate(built[p]); err != nil {
			t.Fatalf("%s: %v", p, err)
		}
	}
	cases := []commandCase{
		{"c-command a b", built[guestsDir+"/c-command.core.wasm"], []string{"prog", "a", "b"}, "hello from c a b\n", 0, ""},
		{"c-command", built[guestsDir+"/c-command.core.wasm"], []string{"prog"}, "hello from c\n", 0, ""},
		{"go-command a b", built[guestsDir+"/go-command.core.wasm"], []string{"prog", "a", "b"}, "hello from go a b\n", 0, ""},
		// No empty argument: jco 1.35 lowers "" as pointer 1 without calling
		// cabi_realloc, so the preview1 adapter's args_get hands the guest
		// argv[i] = 1, outside argv_buf, and Go's runtime panics with an
		// index out of range (C does not mind).
		{"go-command ü ✓", built[guestsDir+"/go-command.core.wasm"], []string{"prog", "ü", "✓ x"}, "hello from go ü ✓ x\n", 0, ""},
		// os.Exit(3): WASI 0.2's exit carries only ok or err, so 1.
		{"go-command fail", built[guestsDir+"/go-command.core.wasm"], []string{"prog", "fail"}, "hello from go fail\n", 1, "failing as asked"},
		{"hello (ours)", built["../internal/wasmbin/testdata/hello.core.wasm"], []string{"hello"}, "hello\n", 0, ""},
		{"hello (oracle)", readFile(t, "../internal/wasmbin/testdata/hello.wasm"), []string{"hello"}, "hello\n", 0, ""},
	}
	type got struct {
		stdout string
		code   int
	}
	first := map[string]got{} // the first runtime's outcome by case
	for _, rt := range runners(t) {
		for _, c := range cases {
			start := time.Now()
			stdout, stderr, code, err := rt.run(ctx, c.comp, c.args)
			if err != nil {
				t.Errorf("%s %s: %v (stdout %q, stderr %q)", rt.name, c.name, noBacktrace(err), stdout, stderr)
				continue
			}
			t.Logf("%s %s: exit %d (%v)", rt.name, c.name, code, time.Since(start).Round(time.Millisecond))
			if string(stdout) != c.stdout || code != c.code || !strings.Contains(string(stderr), c.stderr) {
				t.Errorf("%s %s: stdout %q, stderr %q, exit code %d; want %q, stderr containing %q, %d",
					rt.name, c.name, stdout, stderr, code, c.stdout, c.stderr, c.code)
			}
			g := got{string(stdout), code}
			if f, ok := first[c.name]; !ok {
				first[c.name] = g
			} else if f != g {
				t.Errorf("%s: wasmtime gives stdout %q, exit %d; %s %q, exit %d", c.name, f.stdout, f.code, rt.name, g.stdout, g.code)
			}
		}
	}
	if o, ok := first["hello (oracle)"]; ok && first["hello (ours)"] != o {
		t.Errorf("hello: ours gives %+v, the oracle's %+v", first["hello (ours)"], o)
	}
}

// goReactorApp is go-reactor.core.wasm componentized with the reactor
// adapter and plugged with host-impl.wasm: a component that imports only
// WASI and exports greeter.
func goReactorApp(t *testing.T) []byte {
	t.Helper()
	reactor := componentizeCore(t, readGuest(t, "go-reactor.core.wasm"), componentize.Options{
		World: world(t, "go-reactor"), Adapters: preview1(adapter(t, "reactor"))})
	app, err := compose.Plug(compose.Part{Name: "go-reactor.wasm", Bytes: reactor},
		[]compose.Part{{Name: "host-impl.wasm", Bytes: readGuest(t, "host-impl.wasm")}})
	if err != nil {
		t.Fatalf("Plug: %v", err)
	}
	for _, im := range app.Imports {
		if !strings.HasPrefix(im, "wasi:") {
			t.Errorf("the app imports %s, want WASI only (all imports: %v)", im, app.Imports)
		}
	}
	return app.Bytes
}

const greeterIface = "wasifill:guests/greeter@0.1.0#"

// bigName is the name for greet call k: 10 KiB, different for every k.
func bigName(k int) string {
	prefix := fmt.Sprintf("%05d-ü-", k)
	return prefix + strings.Repeat(string(rune('a'+k%26)), 10*1024-len(prefix))
}

// TestComponentizeGoReactor runs the Go reactor app: one instance serves a
// greeting, thousands of greetings of 10 KiB names (each allocating in the
// guest, so Go's collector runs while the adapter's state lives in the
// same memory), and churn, which allocates 32 MB and makes 1000 calls to
// host-impl. jco makes the same calls in one batch.
func TestComponentizeGoReactor(t *testing.T) {
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	app := goReactorApp(t)
	if err := wasmtime.Validate(app); err != nil {
		t.Fatalf("the app: %v", err)
	}
	exports, err := wasmtime.Exports(app)
	if err != nil {
		t.Fatal(err)
	}
	if strings.Join(exports, " ") != greeterIface+"greet "+greeterIface+"churn" {
		t.Errorf("the app exports %v, want greet and churn", exports)
	}
	greetFn, err := wasmtime.FuncType(app, greeterIface+"greet")
	if err != nil {
		t.Fatal(err)
	}
	churnFn, err := wasmtime.FuncType(app, greeterIface+"churn")
	if err != nil {
		t.Fatal(err)
	}
	if got := greetFn.String() + "; " + churnFn.String(); got != "func(name: string) -> string; func(rounds: u32, size: u32) -> u64" {
		t.Errorf("types: %s", got)
	}

	const (
		greets    = 3000 // of 10 KiB names
		rounds    = 500  // of churn
		churnSize = 65536
	)
	// Every call's result is known in advance ("hello, " + the name, or
	// rounds*size), so checking each against it in both runtimes checks
	// that they agree.
	t.Run("wasmtime", func(t *testing.T) {
		inst, err := wasmtime.Instantiate(ctx, app, nil)
		if err != nil {
			t.Fatalf("instantiate: %v", noBacktrace(err))
		}
		defer inst.Close()
		res, err := inst.Call(ctx, greeterIface+"greet", "wasm")
		if err != nil || len(res) != 1 || res[0] != "hello, wasm" {
			t.Fatalf("greet(\"wasm\") = %v, %v; want \"hello, wasm\"", res, oneLine(err))
		}
		start := time.Now()
		for k := range greets {
			name := bigName(k)
			res, err := inst.Call(ctx, greeterIface+"greet", name)
			if err != nil {
				t.Fatalf("greet call %d: %v", k, oneLine(err))
			}
			if len(res) != 1 || res[0] != "hello, "+name {
				t.Fatalf("greet call %d = %s, want \"hello, \" + its 10 KiB name", k, short(res))
			}
		}
		t.Logf("%d greets of 10 KiB names in %v", greets, time.Since(start).Round(time.Millisecond))
		start = time.Now()
		res, err = inst.Call(ctx, greeterIface+"churn", uint32(rounds), uint32(churnSize))
		if err != nil || len(res) != 1 || res[0] != uint64(rounds*churnSize) {
			t.Errorf("churn(%d, %d) = %v, %v; want %d", rounds, churnSize, res, oneLine(err), rounds*churnSize)
		}
		t.Logf("churn(%d, %d) in %v", rounds, churnSize, time.Since(start).Round(time.Millisecond))
		// The same instance still works after all that.
		res, err = inst.Call(ctx, greeterIface+"greet", "again")
		if err != nil || len(res) != 1 || res[0] != "hello, again" {
			t.Errorf("greet(\"again\") at the end = %v, %v", res, oneLine(err))
		}
		// _initialize wrote to stderr through the adapter.
		if stderr := string(inst.Stderr()); !strings.Contains(stderr, "go-reactor: starting\n") {
			t.Errorf("stderr %q, want it to contain \"go-reactor: starting\"", stderr)
		}
	})

	t.Run("jco", func(t *testing.T) {
		if !jcoAvailable(t) {
			return
		}
		type call struct {
			req  jco.Request
			want value.Value
		}
		greet := func(name string) call {
			return call{jco.Request{Export: greeterIface + "greet", Func: greetFn, Args: []value.Value{name}}, "hello, " + name}
		}
		calls := []call{greet("wasm")}
		for k := range greets {
			calls = append(calls, greet(bigName(k)))
		}
		calls = append(calls,
			call{jco.Request{Export: greeterIface + "churn", Func: churnFn, Args: []value.Value{uint32(rounds), uint32(churnSize)}},
				uint64(rounds * churnSize)},
			greet("again"))
		reqs := make([]jco.Request, len(calls))
		for k, c := range calls {
			reqs[k] = c.req
		}
		start := time.Now()
		resps, err := jco.CallBatch(ctx, app, reqs)
		if err != nil {
			t.Fatal(err)
		}
		t.Logf("one batch: %d greets, %d of 10 KiB names, and churn(%d, %d) in %v",
			greets+2, greets, rounds, churnSize, time.Since(start).Round(time.Millisecond))
		for k, r := range resps {
			if r.Err != nil {
				t.Errorf("call %d (%s): %v", k, reqs[k].Export, r.Err)
				continue
			}
			if len(r.Results) != 1 || r.Results[0] != calls[k].want {
				t.Errorf("call %d (%s) = %s, want %s", k, reqs[k].Export, short(r.Results), short(calls[k].want))
			}
		}
	})
}

// noBacktrace is err's message without the Rust stack backtrace that some
// of Wasmtime's errors end with.
func noBacktrace(err error) string {
	msg, _, _ := strings.Cut(err.Error(), "\n\nStack backtrace:")
	return strings.TrimSpace(msg)
}

// outcome is what one call gave.
type outcome struct {
	res []value.Value
	err error
}

// String prints o for a message: the result, or the error's gist.
func (o outcome) String() string {
	if o.err != nil {
		return "error: " + oneLine(o.err)
	}
	return short(o.res)
}

// step is one call of a script run on a Wasmtime instance.
type step struct {
	name   string
	export string // "[resource-drop]R" drops args[0]
	args   []value.Value
	fresh  bool // a new instance for this call and the ones after it
}

// wasmtimeScript runs steps on an instance of comp, a fresh one where a step
// asks for it.
func wasmtimeScript(t *testing.T, ctx context.Context, comp []byte, steps []step) []outcome {
	t.Helper()
	out := make([]outcome, len(steps))
	var inst *wasmtime.Instance
	defer func() {
		if inst != nil {
			inst.Close()
		}
	}()
	for k, s := range steps {
		if inst == nil || s.fresh {
			if inst != nil {
				inst.Close()
			}
			var err error
			if inst, err = wasmtime.Instantiate(ctx, comp, nil); err != nil {
				t.Fatalf("instantiate: %v", noBacktrace(err))
			}
		}
		if _, fn, _ := interop.SplitExport(s.export); strings.HasPrefix(fn, "[resource-drop]") {
			out[k].err = inst.Drop(ctx, s.args[0].(value.Handle))
		} else {
			out[k].res, out[k].err = inst.Call(ctx, s.export, s.args...)
		}
	}
	return out
}

// sameOutcome reports whether two calls of fn (nil for a drop) did the
// same: equal results, or traps with the same trap message (Wasmtime's
// backtraces name functions and offsets, which differ between builds).
func sameOutcome(fn *interop.Func, a, b outcome) bool {
	if a.err != nil || b.err != nil {
		var ta, tb *wasmtime.Trap
		if errors.As(a.err, &ta) && errors.As(b.err, &tb) {
			return oneLine(ta) == oneLine(tb)
		}
		return a.err != nil && b.err != nil && a.err.Error() == b.err.Error()
	}
	if fn == nil {
		return len(a.res) == 0 && len(b.res) == 0
	}
	return resultsEqual(fn, a.res, b.res)
}

// TestComponentizeFixtures componentizes all-types, faulty and resources
// from their core modules with wasifill (no adapter: the modules import
// nothing from WASI) and checks that the result has the oracle's exports
// and function types, and that every call of the fixture tests gives in
// Wasmtime exactly what it gives with the oracle's component. Ours also
// goes through runBoth (all-types), trap and grow, and the counter script
// in jco.
func TestComponentizeFixtures(t *testing.T) {
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	ours := map[string][]byte{}
	for _, name := range []string{"all-types", "faulty", "resources"} {
		ours[name] = componentizeCore(t, readGuest(t, name+".core.wasm"), componentize.Options{World: world(t, name)})
	}

	// compare runs steps against the oracle's component and ours in
	// Wasmtime and reports every difference; it returns ours' outcomes.
	compare := func(t *testing.T, name string, steps []step) []outcome {
		t.Helper()
		oracle := readGuest(t, name+".wasm")
		if err := wasmtime.Validate(ours[name]); err != nil {
			t.Fatalf("ours: %v", err)
		}
		oe, err := wasmtime.Exports(oracle)
		if err != nil {
			t.Fatal(err)
		}
		we, err := wasmtime.Exports(ours[name])
		if err != nil {
			t.Fatal(err)
		}
		if strings.Join(oe, " ") != strings.Join(we, " ") {
			so, sw := slices.Sorted(slices.Values(oe)), slices.Sorted(slices.Values(we))
			if !slices.Equal(so, sw) {
				t.Errorf("exports: ours %v, the oracle's %v", we, oe)
			} else {
				// The order of an instance's exports means nothing to
				// a caller, but wasm-tools follows the WIT.
				t.Logf("exports in another order: ours %v, the oracle's %v", we, oe)
			}
		}
		types := map[string]*interop.Func{}
		for _, e := range oe {
			ot, err := wasmtime.FuncType(oracle, e)
			if err != nil {
				t.Fatal(err)
			}
			wt, err := wasmtime.FuncType(ours[name], e)
			if err != nil {
				t.Errorf("ours: %v", err)
				continue
			}
			if ot.String() != wt.String() {
				t.Errorf("%s: ours has type %s, the oracle's %s", e, wt, ot)
			}
			types[e] = ot
		}
		start := time.Now()
		want := wasmtimeScript(t, ctx, oracle, steps)
		got := wasmtimeScript(t, ctx, ours[name], steps)
		t.Logf("%d calls in Wasmtime, each with both components: %v", len(steps), time.Since(start).Round(time.Millisecond))
		for k, s := range steps {
			if !sameOutcome(types[s.export], got[k], want[k]) {
				t.Errorf("%s: ours gives %v, the oracle's %v", s.name, got[k], want[k])
			}
		}
		return got
	}

	t.Run("all-types", func(t *testing.T) {
		calls := allTypesCalls()
		steps := make([]step, len(calls))
		for k, c := range calls {
			steps[k] = step{name: c.name, export: c.export, args: c.args}
		}
		compare(t, "all-types", steps)
		// And against what each call must return, in both runtimes.
		runBoth(t, ctx, ours["all-types"], calls)
	})

	t.Run("faulty", func(t *testing.T) {
		var steps []step
		for _, c := range []struct {
			fn   string
			args []value.Value
		}{
			{"trap", []value.Value{"boom"}},
			{"grow", []value.Value{uint32(0)}},
			{"grow", []value.Value{uint32(1000)}},
			{"grow", []value.Value{uint32(100)}},
			{"grow", []value.Value{uint32(70000)}},
			{"alloc-forever", nil},
		} {
			steps = append(steps, step{name: fmt.Sprintf("%s%v", c.fn, c.args), export: faultsIface + c.fn, args: c.args, fresh: true})
		}
		got := compare(t, "faulty", steps)
		var trap *wasmtime.Trap
		if !errors.As(got[0].err, &trap) || !strings.Contains(trap.Message, "unreachable") {
			t.Errorf("ours: trap(\"boom\"): got %v, want a trap about unreachable", got[0])
		}
		if !errors.As(got[5].err, &trap) {
			t.Errorf("ours: alloc-forever: got %v, want a trap", got[5])
		}
		sctx, scancel := context.WithTimeout(ctx, 300*time.Millisecond)
		defer scancel()
		if _, err := wasmtime.Call(sctx, ours["faulty"], faultsIface+"spin", nil); !errors.Is(err, context.DeadlineExceeded) {
			t.Errorf("ours: spin: got %v, want an error wrapping context.DeadlineExceeded", err)
		}
		if !jcoAvailable(t) {
			return
		}
		// trap and grow in jco (not alloc-forever: minutes on node, see
		// TestFaulty).
		var reqs []jco.Request
		for _, s := range steps[:5] {
			fn, err := wasmtime.FuncType(ours["faulty"], s.export)
			if err != nil {
				t.Fatal(err)
			}
			reqs = append(reqs, jco.Request{Export: s.export, Func: fn, Args: s.args, Fresh: true})
		}
		resps, err := jco.CallBatch(ctx, ours["faulty"], reqs)
		if err != nil {
			t.Fatalf("jco: %v", err)
		}
		var jtrap *jco.Trap
		if !errors.As(resps[0].Err, &jtrap) || !strings.Contains(jtrap.Message, "unreachable") {
			t.Errorf("jco trap(\"boom\"): got %v, want a *jco.Trap about unreachable", resps[0].Err)
		}
		for k := 1; k < 5; k++ {
			if resps[k].Err != nil || !resultsEqual(reqs[k].Func, resps[k].Results, got[k].res) {
				t.Errorf("%s: jco gives %v, %v; wasmtime %v", steps[k].name, resps[k].Results, resps[k].Err, got[k])
			}
		}
	})

	t.Run("resources", func(t *testing.T) {
		cs := counterSteps()
		steps := make([]step, len(cs))
		for k, c := range cs {
			steps[k] = step{name: fmt.Sprintf("step %d %s%v", k, c.fn, c.args), export: countersIface + c.fn, args: c.args}
		}
		// After the script: a method on a dropped handle fails in both.
		steps = append(steps, step{name: "get on dropped handle 0", export: countersIface + "[method]counter.get", args: []value.Value{value.Handle(0)}})
		got := compare(t, "resources", steps)
		for k, c := range cs {
			if got[k].err != nil || len(got[k].res) != len(c.want) || (len(c.want) == 1 && got[k].res[0] != c.want[0]) {
				t.Errorf("ours, %s = %v, want %v", steps[k].name, got[k], c.want)
			}
		}
		if got[len(cs)].err == nil {
			t.Error("ours: get on a dropped handle: no error")
		}
		if !jcoAvailable(t) {
			return
		}
		reqs := make([]jco.Request, len(cs))
		for k, c := range cs {
			var fn *interop.Func
			if c.fn != counterDrop {
				var err error
				if fn, err = wasmtime.FuncType(ours["resources"], countersIface+c.fn); err != nil {
					t.Fatal(err)
				}
			}
			reqs[k] = jco.Request{Export: countersIface + c.fn, Func: fn, Args: c.args}
		}
		resps, err := jco.CallBatch(ctx, ours["resources"], reqs)
		if err != nil {
			t.Fatalf("jco: %v", err)
		}
		for k, r := range resps {
			if r.Err != nil || len(r.Results) != len(cs[k].want) || (len(r.Results) == 1 && r.Results[0] != cs[k].want[0]) {
				t.Errorf("jco %s = %v, %v; want %v", steps[k].name, r.Results, r.Err, cs[k].want)
			}
		}
	})
}
