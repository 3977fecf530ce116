package interop_test

// Differential tests of the guest fixtures (testdata/guests/out, built by
// the wasm-tools oracle from C and Rust) in Wasmtime and jco: each call is
// made in both runtimes, and each result must be what the guest promises
// and the same in both.
//
// jco calls go through jco.CallBatch, one node process per component, so
// the hundred-odd calls below cost about as much as one jco.Call.

import (
	"context"
	"errors"
	"fmt"
	"math"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/wasifill/wasifill/internal/testenv"
	"github.com/wasifill/wasifill/interop"
	"github.com/wasifill/wasifill/interop/jco"
	"github.com/wasifill/wasifill/interop/wasmtime"
	"github.com/wasifill/wasifill/value"
)

const guestsDir = "../testdata/guests/out"

// readFile returns the contents of the file at path.
func readFile(t testing.TB, path string) []byte {
	t.Helper()
	return testenv.ReadFile(t, path)
}

func readGuest(t testing.TB, name string) []byte {
	t.Helper()
	return readFile(t, filepath.Join(guestsDir, name))
}

// TestFixturesValidate: every fixture component, and the hello command of
// wasmbin's tests, validates in Wasmtime.
func TestFixturesValidate(t *testing.T) {
	paths, err := filepath.Glob(filepath.Join(guestsDir, "*.wasm"))
	if err != nil {
		t.Fatal(err)
	}
	var comps []string
	for _, p := range paths {
		if !strings.HasSuffix(p, ".core.wasm") {
			comps = append(comps, p)
		}
	}
	for _, want := range []string{"all-types.wasm", "resources.wasm", "faulty.wasm", "client.wasm"} {
		found := false
		for _, p := range comps {
			found = found || filepath.Base(p) == want
		}
		if !found {
			t.Errorf("fixture %s missing from %s", want, guestsDir)
		}
	}
	comps = append(comps, "../internal/wasmbin/testdata/hello.wasm")
	for _, p := range comps {
		if err := wasmtime.Validate(readFile(t, p)); err != nil {
			t.Errorf("%s: %v", p, err)
		}
	}
}

const typesIface = "wasifill:guests/types@0.1.0#"

// person builds a value of record person.
func person(name string, age uint8, tags []string, home *[2]int32) value.Value {
	ts := make([]value.Value, len(tags))
	for i, s := range tags {
		ts[i] = s
	}
	h := value.None
	if home != nil {
		h = value.Some([]value.Value{home[0], home[1]})
	}
	return []value.Value{name, age, ts, h}
}

func manyStrings(n int) []value.Value {
	out := make([]value.Value, n)
	for i := range out {
		out[i] = fmt.Sprintf("s%d-ü", i)
	}
	return out
}

func longBytes(n int) []byte {
	b := make([]byte, n)
	for i := range b {
		b[i] = byte(i * 7)
	}
	return b
}

// echoCases are arguments for every echo-* export of all-types.wasm, which
// must come back unchanged.
var echoCases = []struct {
	fn   string
	args []value.Value
}{
	{"echo-bool", []value.Value{true, false}},
	{"echo-s8", []value.Value{int8(math.MinInt8), int8(math.MaxInt8), int8(0), int8(-1)}},
	{"echo-u8", []value.Value{uint8(0), uint8(math.MaxUint8), uint8(128)}},
	{"echo-s16", []value.Value{int16(math.MinInt16), int16(math.MaxInt16), int16(-1)}},
	{"echo-u16", []value.Value{uint16(0), uint16(math.MaxUint16), uint16(32768)}},
	{"echo-s32", []value.Value{int32(math.MinInt32), int32(math.MaxInt32), int32(-1), int32(0)}},
	{"echo-u32", []value.Value{uint32(0), uint32(math.MaxUint32), uint32(1 << 31)}},
	{"echo-s64", []value.Value{int64(math.MinInt64), int64(math.MaxInt64), int64(-1), int64(1<<53 + 1)}},
	{"echo-u64", []value.Value{uint64(0), uint64(math.MaxUint64), uint64(1<<53 + 1), uint64(1 << 63)}},
	{"echo-f32", []value.Value{float32(math.NaN()), float32(math.Inf(1)), float32(math.Inf(-1)),
		float32(math.Copysign(0, -1)), float32(math.SmallestNonzeroFloat32), float32(math.MaxFloat32), float32(-1.5)}},
	{"echo-f64", []value.Value{math.NaN(), math.Inf(1), math.Inf(-1), math.Copysign(0, -1),
		math.SmallestNonzeroFloat64, math.MaxFloat64, 0.1}},
	{"echo-char", []value.Value{'a', rune(0), 'é', '😀', rune(0x10FFFF), rune(0xFFFD)}},
	{"echo-string", []value.Value{"", "héllo, wörld 😀", "nul\x00inside", strings.Repeat("long ✓ ", 5000)}},
	{"echo-bytes", []value.Value{[]byte{}, []byte{0, 1, 255}, longBytes(20000)}},
	{"echo-strings", []value.Value{[]value.Value{}, []value.Value{"", "a", "ü😀"}, manyStrings(1000)}},
	{"echo-person", []value.Value{
		person("ann", 7, []string{"a", "bee"}, &[2]int32{-1, 2}),
		person("", 0, nil, nil),
		person("zoë 😀", 255, []string{"", "x"}, &[2]int32{math.MinInt32, math.MaxInt32}),
	}},
	{"echo-shape", []value.Value{
		value.Variant{Case: 0, Payload: -1.5},
		value.Variant{Case: 0, Payload: math.Inf(-1)},
		value.Variant{Case: 0, Payload: math.NaN()},
		value.Variant{Case: 1, Payload: []value.Value{int32(math.MinInt32), int32(math.MaxInt32)}},
		value.Variant{Case: 2},
		value.Variant{Case: 3, Payload: ""},
		value.Variant{Case: 3, Payload: "a label ✓"},
	}},
	{"echo-color", []value.Value{value.Enum(0), value.Enum(1), value.Enum(2)}},
	{"echo-perms", []value.Value{
		value.Flags{false, false, false}, value.Flags{true, false, false}, value.Flags{false, true, true},
		value.Flags{true, true, true},
	}},
	{"echo-option", []value.Value{value.None, value.Some(""), value.Some("some ✓")}},
	{"echo-result", []value.Value{value.Ok(uint32(0)), value.Ok(uint32(math.MaxUint32)), value.Err(""), value.Err("bad ✗")}},
	{"echo-tuple", []value.Value{
		[]value.Value{uint8(0), "", 0.0},
		[]value.Value{uint8(255), "ü", math.Inf(-1)},
		[]value.Value{uint8(7), "seven", math.NaN()},
	}},
}

// call is one call of the differential table with what it must return.
type call struct {
	name   string        // for messages
	export string        // full export path
	args   []value.Value // arguments
	want   []value.Value // expected results
}

func allTypesCalls() []call {
	var calls []call
	for _, c := range echoCases {
		for _, a := range c.args {
			calls = append(calls, call{
				name:   fmt.Sprintf("%s(%s)", c.fn, short(a)),
				export: typesIface + c.fn,
				args:   []value.Value{a},
				want:   []value.Value{a},
			})
		}
	}
	// sum-many: 20 params, passed in memory; the sum wraps.
	for _, base := range []uint64{1, math.MaxUint32, math.MaxUint64 / 4} {
		var args []value.Value
		var sum uint64
		for k := range 20 {
			if k < 10 {
				x := uint32(base) - uint32(k)
				args = append(args, x)
				sum += uint64(x)
			} else {
				x := base*uint64(k) + 3
				args = append(args, x)
				sum += x
			}
		}
		calls = append(calls, call{name: fmt.Sprintf("sum-many(base %d)", base), export: typesIface + "sum-many", args: args,
			want: []value.Value{sum}})
	}
	calls = append(calls,
		call{name: "no-result(7)", export: typesIface + "no-result", args: []value.Value{uint32(7)}},
		call{name: "no-result(max)", export: typesIface + "no-result", args: []value.Value{uint32(math.MaxUint32)}})
	// describe: "NAME (AGE) [TAG, TAG] at (X, Y)" or "... at nowhere".
	for _, d := range []struct {
		p    value.Value
		want string
	}{
		{person("ann", 7, []string{"a", "bee"}, &[2]int32{-1, 2}), "ann (7) [a, bee] at (-1, 2)"},
		{person("bob", 30, nil, nil), "bob (30) [] at nowhere"},
		{person("", 0, []string{""}, nil), " (0) [] at nowhere"},
		{person("zoë 😀", 255, []string{"x", "ü"}, &[2]int32{math.MinInt32, math.MaxInt32}),
			"zoë 😀 (255) [x, ü] at (-2147483648, 2147483647)"},
	} {
		calls = append(calls, call{name: "describe(" + d.want + ")", export: typesIface + "describe",
			args: []value.Value{d.p}, want: []value.Value{d.want}})
	}
	return calls
}

// short prints v for a test name, cut to a sensible length.
func short(v value.Value) string {
	s := fmt.Sprint(v)
	if b, ok := v.([]byte); ok {
		s = fmt.Sprintf("%d bytes", len(b))
	}
	if len(s) > 40 {
		s = s[:40] + "…"
	}
	return s
}

// funcTypes returns the type of every export the calls use.
func funcTypes(t *testing.T, component []byte, calls []call) map[string]*interop.Func {
	t.Helper()
	types := map[string]*interop.Func{}
	for _, c := range calls {
		if _, ok := types[c.export]; ok {
			continue
		}
		fn, err := wasmtime.FuncType(component, c.export)
		if err != nil {
			t.Fatal(err)
		}
		types[c.export] = fn
	}
	return types
}

// resultsEqual compares results of fn.
func resultsEqual(fn *interop.Func, a, b []value.Value) bool {
	if len(a) != len(b) {
		return false
	}
	if fn.Result == nil {
		return len(a) == 0
	}
	return len(a) == 1 && value.Equal(fn.Result, a[0], b[0])
}

// runBoth makes the calls in Wasmtime (one instance) and, when jco is
// there, in jco (one batch), checks every result against the call's want,
// and the two runtimes against each other.
func runBoth(t *testing.T, ctx context.Context, component []byte, calls []call) {
	t.Helper()
	types := funcTypes(t, component, calls)

	inst, err := wasmtime.Instantiate(ctx, component, nil)
	if err != nil {
		t.Fatal(err)
	}
	defer inst.Close()
	wt := make([][]value.Value, len(calls))
	for k, c := range calls {
		res, err := inst.Call(ctx, c.export, c.args...)
		if err != nil {
			t.Errorf("wasmtime %s: %v", c.name, err)
			continue
		}
		wt[k] = res
		if !resultsEqual(types[c.export], res, c.want) {
			t.Errorf("wasmtime %s = %v, want %v", c.name, short(res), short(c.want))
		}
	}

	if !jcoAvailable(t) {
		return
	}
	reqs := make([]jco.Request, len(calls))
	for k, c := range calls {
		reqs[k] = jco.Request{Export: c.export, Func: types[c.export], Args: c.args}
	}
	resps, err := jco.CallBatch(ctx, component, reqs)
	if err != nil {
		t.Fatalf("jco: %v", err)
	}
	for k, c := range calls {
		r := resps[k]
		if r.Err != nil {
			t.Errorf("jco %s: %v", c.name, r.Err)
			continue
		}
		if !resultsEqual(types[c.export], r.Results, c.want) {
			t.Errorf("jco %s = %v, want %v", c.name, short(r.Results), short(c.want))
		}
		if wt[k] != nil && !resultsEqual(types[c.export], r.Results, wt[k]) {
			t.Errorf("%s: jco gives %v, wasmtime %v", c.name, short(r.Results), short(wt[k]))
		}
	}
}

// TestAllTypes calls every export of all-types.wasm with edge-case values
// in both runtimes.
func TestAllTypes(t *testing.T) {
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	calls := allTypesCalls()
	comp := readGuest(t, "all-types.wasm")

	// Every export is covered.
	exports, err := wasmtime.Exports(comp)
	if err != nil {
		t.Fatal(err)
	}
	covered := map[string]bool{}
	for _, c := range calls {
		covered[c.export] = true
	}
	for _, e := range exports {
		if !covered[e] {
			t.Errorf("export %s has no test call", e)
		}
	}
	t.Logf("%d calls of %d exports", len(calls), len(exports))
	runBoth(t, ctx, comp, calls)
}

const faultsIface = "wasifill:guests/faults@0.1.0#"

// TestFaulty checks that both runtimes contain guests that fail: a trap is
// a trap in both, and for memory exhaustion whatever Wasmtime does (a
// result or a trap), jco does the same kind of thing.
func TestFaulty(t *testing.T) {
	comp := readGuest(t, "faulty.wasm")
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()

	type outcome struct {
		res []value.Value
		err error
	}
	calls := []struct {
		export string
		args   []value.Value
		slow   bool // in jco; see below
	}{
		{"trap", []value.Value{"boom"}, false},
		{"grow", []value.Value{uint32(0)}, false},
		{"grow", []value.Value{uint32(1000)}, false},
		{"grow", []value.Value{uint32(100)}, false},
		{"grow", []value.Value{uint32(70000)}, false}, // more than a 32-bit memory can hold at once
		{"alloc-forever", nil, true},
	}
	// alloc-forever grows memory some 30,000 times (wasi-libc's malloc asks
	// sbrk for a little more at a time): Wasmtime is done in under a
	// second, but each memory.grow costs node 20 (V8) about 1.3 ms, so jco
	// takes 1.5 to 3 minutes to reach the same trap. It runs in jco only with
	// WASIFILL_INTEROP_SLOW set, to keep the interop tests fast.
	slowOK := os.Getenv("WASIFILL_INTEROP_SLOW") != ""
	// Wasmtime: a fresh instance for every call, since a trap ends one.
	wt := make([]outcome, len(calls))
	for k, c := range calls {
		start := time.Now()
		res, err := wasmtime.Call(ctx, comp, faultsIface+c.export, c.args)
		wt[k] = outcome{res, err}
		t.Logf("wasmtime %s%v: %v, %v (%v)", c.export, c.args, res, oneLine(err), time.Since(start).Round(time.Millisecond))
	}
	var trap *wasmtime.Trap
	if !errors.As(wt[0].err, &trap) || !strings.Contains(trap.Message, "unreachable") {
		t.Errorf("wasmtime trap(\"boom\"): got %v, want a *wasmtime.Trap about unreachable", wt[0].err)
	}
	for k, want := range map[int]uint32{1: 2, 2: 65002, 3: 65502, 4: 2} {
		// From 2 pages, n at a time until the 4 GiB (65536 pages) limit;
		// 70000 pages never fit, so memory stays at 2.
		if wt[k].err != nil || len(wt[k].res) != 1 || wt[k].res[0] != want {
			t.Errorf("wasmtime grow%v: got %v, %v; want %d", calls[k].args, wt[k].res, wt[k].err, want)
		}
	}
	if !errors.As(wt[5].err, &trap) {
		t.Errorf("wasmtime alloc-forever: got %v, want a *wasmtime.Trap", wt[5].err)
	}

	// spin() loops forever without calls: only Wasmtime's epoch
	// interruption stops it. It is not run in jco: node would spin until
	// killed (jco.Call's ctx kills node, but that proves nothing of jco).
	t.Run("spin", func(t *testing.T) {
		sctx, scancel := context.WithTimeout(ctx, 300*time.Millisecond)
		defer scancel()
		start := time.Now()
		_, err := wasmtime.Call(sctx, comp, faultsIface+"spin", nil)
		if !errors.Is(err, context.DeadlineExceeded) {
			t.Errorf("spin: got %v, want an error wrapping context.DeadlineExceeded", err)
		}
		if d := time.Since(start); d > 5*time.Second {
			t.Errorf("spin: interrupting took %v", d)
		}
	})

	if !jcoAvailable(t) {
		return
	}
	var reqs []jco.Request
	var idx []int // which call each request is
	for k, c := range calls {
		if c.slow && !slowOK {
			t.Logf("NOT RUN in jco: %s (1.5 to 3 minutes on node; set WASIFILL_INTEROP_SLOW=1 to run it)", c.export)
			continue
		}
		fn, err := wasmtime.FuncType(comp, faultsIface+c.export)
		if err != nil {
			t.Fatal(err)
		}
		reqs = append(reqs, jco.Request{Export: faultsIface + c.export, Func: fn, Args: c.args, Fresh: true})
		idx = append(idx, k)
	}
	jctx := ctx
	if slowOK {
		var jcancel context.CancelFunc
		jctx, jcancel = context.WithTimeout(context.Background(), 5*time.Minute)
		defer jcancel()
	}
	start := time.Now()
	resps, err := jco.CallBatch(jctx, comp, reqs)
	if err != nil {
		t.Fatalf("jco: %v", err)
	}
	t.Logf("jco batch of %d calls: %v", len(reqs), time.Since(start).Round(time.Millisecond))
	var jtrap *jco.Trap
	if !errors.As(resps[0].Err, &jtrap) || !strings.Contains(jtrap.Message, "unreachable") {
		t.Errorf("jco trap(\"boom\"): got %v, want a *jco.Trap about unreachable", resps[0].Err)
	}
	for n, r := range resps {
		k := idx[n]
		c := calls[k]
		t.Logf("jco %s%v: %v, %v", c.export, c.args, r.Results, oneLine(r.Err))
		var jt *jco.Trap
		var wtt *wasmtime.Trap
		switch {
		case r.Err != nil && !errors.As(r.Err, &jt):
			t.Errorf("jco %s%v: harness error %v", c.export, c.args, r.Err)
		case errors.As(wt[k].err, &wtt) != (jt != nil):
			t.Errorf("%s%v: wasmtime gives %v, %v but jco %v, %v (one traps, the other does not)",
				c.export, c.args, wt[k].res, wt[k].err, r.Results, r.Err)
		case r.Err == nil && !resultsEqual(&interop.Func{Result: value.U32}, r.Results, wt[k].res):
			// Both runtimes allow a 32-bit memory its full 4 GiB, so
			// memory.grow fails at the same size in both.
			t.Errorf("%s%v: wasmtime gives %v, jco %v", c.export, c.args, wt[k].res, r.Results)
		}
	}
}

// oneLine shortens an error for a log: Wasmtime's traps carry backtraces.
func oneLine(err error) string {
	if err == nil {
		return "<nil>"
	}
	lines := strings.Split(err.Error(), "\n")
	for _, l := range lines {
		if strings.Contains(l, "wasm trap:") {
			return strings.TrimSpace(l)
		}
	}
	return lines[0]
}

// TestHello runs wasmbin's hello command in both runtimes.
func TestHello(t *testing.T) {
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	comp := readFile(t, "../internal/wasmbin/testdata/hello.wasm")
	rts := runners(t)
	for _, rt := range rts {
		stdout, stderr, code, err := rt.run(ctx, comp, []string{"hello"})
		if err != nil {
			t.Errorf("%s: %v", rt.name, err)
			continue
		}
		if string(stdout) != "hello\n" || code != 0 {
			t.Errorf("%s: stdout %q, exit code %d (stderr %q); want %q, 0", rt.name, stdout, code, stderr, "hello\n")
		}
	}
}

const countersIface = "wasifill:guests/counters@0.1.0#"

// counterStep is one step of the script that TestResources (and
// TestComponentizeFixtures) drive resources.wasm's counter through.
type counterStep struct {
	fn   string // in countersIface
	args []value.Value
	want []value.Value
}

const counterDrop = "[resource-drop]counter"

// counterSteps: constructor and static constructor give own handles
// (numbered 0, 1, … in both harnesses), methods and total borrow them, and
// dropping a handle runs the guest's destructor, which live() shows.
func counterSteps() []counterStep {
	h := func(n uint32) value.Value { return value.Handle(n) }
	return []counterStep{
		{"live", nil, []value.Value{uint32(0)}},
		{"[constructor]counter", []value.Value{uint64(5)}, []value.Value{h(0)}},
		{"[static]counter.zero", nil, []value.Value{h(1)}},
		{"[constructor]counter", []value.Value{uint64(math.MaxUint64)}, []value.Value{h(2)}},
		{"live", nil, []value.Value{uint32(3)}},
		{"[method]counter.add", []value.Value{h(0), uint64(10)}, []value.Value{uint64(15)}},
		{"[method]counter.get", []value.Value{h(0)}, []value.Value{uint64(15)}},
		{"[method]counter.get", []value.Value{h(1)}, []value.Value{uint64(0)}},
		{"[method]counter.add", []value.Value{h(2), uint64(2)}, []value.Value{uint64(1)}}, // wraps
		{"total", []value.Value{h(0), h(1)}, []value.Value{uint64(15)}},
		{"total", []value.Value{h(0), h(0)}, []value.Value{uint64(30)}}, // one handle borrowed twice
		{"total", []value.Value{h(2), h(0)}, []value.Value{uint64(16)}},
		{counterDrop, []value.Value{h(0)}, nil},
		{"live", nil, []value.Value{uint32(2)}},
		{"[method]counter.get", []value.Value{h(2)}, []value.Value{uint64(1)}},
		{counterDrop, []value.Value{h(1)}, nil},
		{counterDrop, []value.Value{h(2)}, nil},
		{"live", nil, []value.Value{uint32(0)}},
		{"[constructor]counter", []value.Value{uint64(7)}, []value.Value{h(3)}},
		{"live", nil, []value.Value{uint32(1)}},
	}
}

// TestResources drives the counter resource of resources.wasm through
// counterSteps in both runtimes.
func TestResources(t *testing.T) {
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	comp := readGuest(t, "resources.wasm")
	steps := counterSteps()
	const drop = counterDrop
	types := map[string]*interop.Func{}
	for _, s := range steps {
		if s.fn == drop || types[s.fn] != nil {
			continue
		}
		fn, err := wasmtime.FuncType(comp, countersIface+s.fn)
		if err != nil {
			t.Fatal(err)
		}
		types[s.fn] = fn
	}
	if got, want := types["total"].String(), "func(a: borrow<counter>, b: borrow<counter>) -> u64"; got != want {
		t.Errorf("type of total: %s, want %s", got, want)
	}
	if got, want := types["[constructor]counter"].String(), "func(start: u64) -> counter"; got != want {
		t.Errorf("type of the constructor: %s, want %s", got, want)
	}
	check := func(rt string, k int, res []value.Value, err error) {
		s := steps[k]
		if err != nil {
			t.Errorf("%s step %d %s%v: %v", rt, k, s.fn, s.args, err)
			return
		}
		if len(res) != len(s.want) {
			t.Errorf("%s step %d %s%v = %v, want %v", rt, k, s.fn, s.args, res, s.want)
			return
		}
		for i := range res {
			if res[i] != s.want[i] {
				t.Errorf("%s step %d %s%v = %v, want %v", rt, k, s.fn, s.args, res, s.want)
			}
		}
	}

	inst, err := wasmtime.Instantiate(ctx, comp, nil)
	if err != nil {
		t.Fatal(err)
	}
	defer inst.Close()
	for k, s := range steps {
		var res []value.Value
		var err error
		if s.fn == drop {
			err = inst.Drop(ctx, s.args[0].(value.Handle))
		} else {
			res, err = inst.Call(ctx, countersIface+s.fn, s.args...)
		}
		check("wasmtime", k, res, err)
	}
	if n := inst.Handles(); n != 1 {
		t.Errorf("wasmtime: the host holds %d handles at the end, want 1", n)
	}
	// A dropped handle is gone.
	if _, err := inst.Call(ctx, countersIface+"[method]counter.get", value.Handle(0)); err == nil {
		t.Error("wasmtime: get on a dropped handle: no error")
	}

	if !jcoAvailable(t) {
		return
	}
	reqs := make([]jco.Request, len(steps))
	for k, s := range steps {
		reqs[k] = jco.Request{Export: countersIface + s.fn, Func: types[s.fn], Args: s.args}
	}
	resps, err := jco.CallBatch(ctx, comp, reqs)
	if err != nil {
		t.Fatalf("jco: %v", err)
	}
	for k, r := range resps {
		check("jco", k, r.Results, r.Err)
	}
}
