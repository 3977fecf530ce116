package instrument

import (
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/wasifill/wasifill/internal/wasmbin"
)

// wat2wasm compiles WebAssembly text with wabt's wat2wasm (which
// validates it), with flags such as --enable-threads. Without it the test
// fails in CI and skips loudly elsewhere.
func wat2wasm(t testing.TB, wat string, flags ...string) []byte {
	t.Helper()
	if _, err := exec.LookPath("wat2wasm"); err != nil {
		if os.Getenv("CI") != "" {
			t.Fatal("wat2wasm (wabt) is missing")
		}
		t.Skip("SKIPPING: wat2wasm (wabt) is not installed")
	}
	dir := t.TempDir()
	in, out := filepath.Join(dir, "m.wat"), filepath.Join(dir, "m.wasm")
	if err := os.WriteFile(in, []byte(wat), 0o644); err != nil {
		t.Fatal(err)
	}
	if msg, err := exec.Command("wat2wasm", append([]string{in, "-o", out}, flags...)...).CombinedOutput(); err != nil {
		t.Fatalf("wat2wasm: %v\n%s\n%s", err, msg, wat)
	}
	b, err := os.ReadFile(out)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// stripped is the charge loopCharges reports for a strip-mined loop.
const stripped = ^uint32(0)

// loopCharges returns, for each defined function of the module, what
// the rewrite charges at the entry of each of its loops (0: checked at
// its header; stripped: strip-mined).
func loopCharges(t *testing.T, wasm []byte) [][]uint32 {
	t.Helper()
	var out [][]uint32
	for _, loops := range loopPlans(t, wasm) {
		var c []uint32
		for _, l := range loops {
			if l.strip != nil {
				c = append(c, stripped)
			} else {
				c = append(c, l.charge)
			}
		}
		out = append(out, c)
	}
	return out
}

// loopPlans returns what the rewrite plans for the loops of each function
// of wasm.
func loopPlans(t *testing.T, wasm []byte) [][]loopInfo {
	t.Helper()
	m, err := wasmbin.Decode(wasm)
	if err != nil {
		t.Fatal(err)
	}
	mod, err := inspect(m)
	if err != nil {
		t.Fatal(err)
	}
	var out [][]loopInfo
	for _, s := range m.Sections {
		if s.ID != secCode {
			continue
		}
		bodies, err := mod.plan(s.Payload)
		if err != nil {
			t.Fatal(err)
		}
		for _, f := range bodies {
			out = append(out, f.loops)
		}
	}
	return out
}

// A strip-mined loop's chunks run LoopBudget iterations times its scale:
// stripWork over the instructions of an iteration, at most maxStripScale,
// and no more than keeps LoopBudget·scale steps in an i32.
func TestStripScale(t *testing.T) {
	const add = ` (local.set $s (i32.add (local.get $s) (local.get $i)))`
	top := func(body, step string) string {
		return `(block $done (loop $l (br_if $done (i32.ge_u (local.get $i) (local.get $n)))` + body + `
			(local.set $i (i32.add (local.get $i) (i32.const ` + step + `))) (br $l)))`
	}
	for _, c := range []struct {
		name, body string
		want       uint32
	}{
		{"tiny, top-tested", top(add, "1"), maxStripScale},
		{"tiny, bottom-tested", `(loop $l` + add + `
			(br_if $l (i32.lt_u (local.tee $i (i32.add (local.get $i) (i32.const 1))) (local.get $n))))`, maxStripScale},
		// 1 + 4 + 40·4 + 4 + 1 = 170 instructions: 200/170.
		{"170 instructions", top(strings.Repeat(add, 40), "1"), 1},
		// 1 + 4 + 15·4 + 4 + 1 = 70: 200/70.
		{"70 instructions", top(strings.Repeat(add, 15), "1"), 2},
		{"saturating truncation", top(` (local.set $x (i32.trunc_sat_f32_s (f32.const 1)))`, "1"), maxStripScale},
		// LoopBudget·2·999999 < 2^31 <= LoopBudget·3·999999.
		{"large step", top(add, "999999"), 2},
	} {
		t.Run(c.name, func(t *testing.T) {
			plans := loopPlans(t, wat2wasm(t, loopFunc(c.body)))
			if len(plans) != 1 || len(plans[0]) != 1 || plans[0][0].strip == nil {
				t.Fatalf("want one strip-mined loop, got %+v", plans)
			}
			if got := plans[0][0].strip.scale; got != c.want {
				t.Errorf("scale %d, want %d", got, c.want)
			}
		})
	}
}

// loopFunc is a module of one function with the given body; $n is its
// parameter, $i, $s and $x i32 locals; it also has a mutable global $g
// and a memory.
func loopFunc(body string) string {
	return `(module (global $g (mut i32) (i32.const 5)) (memory 1)
  (func (param $n i32) (result i32) (local $i i32) (local $s i32) (local $x i32)
    ` + body + `
    (local.get $s)))`
}

// The classifier: loops whose only back-edge is a final br_if on an
// unsigned comparison of a local, advanced once per iteration by a
// positive constant, with a constant are charged their iteration bound
// at entry (computed by hand below, from the spec's semantics of each
// instruction); any other loop keeps its check.
func TestClassifyLoops(t *testing.T) {
	const add = `(local.set $s (i32.add (local.get $s) (local.get $i)))`
	for _, c := range []struct {
		name, body string
		want       uint32
	}{
		// Charged: i starts at 0 (a local never written before the
		// loop), so i <u 100 by 1 runs 100 times.
		{"lt_u, tee, zero start", `(loop $l ` + add + `
			(br_if $l (i32.lt_u (local.tee $i (i32.add (local.get $i) (i32.const 1))) (i32.const 100))))`, 100},
		// Unknown start (a parameter's value): ceil(1000/4)+1.
		{"lt_u, get after set, unknown start", `(local.set $i (local.get $n)) (loop $l ` + add + `
			(local.set $i (i32.add (i32.const 4) (local.get $i)))
			(local.set $x (i32.const 1))
			(br_if $l (i32.lt_u (local.get $i) (i32.const 1000))))`, 251},
		// i != K from a known start, K reached exactly: (65544-8)/4.
		{"ne, known start", `(local.set $i (i32.const 8)) (block (loop $l ` + add + `
			(br_if $l (i32.ne (local.tee $i (i32.add (local.get $i) (i32.const 4))) (i32.const 65544)))))`, 16384},
		// K >u i is i <u K.
		{"gt_u mirrored", `(loop $l ` + add + `
			(br_if $l (i32.gt_u (i32.const 10) (local.tee $i (i32.add (local.get $i) (i32.const 1))))))`, 10},
		// The induction local is the parameter: i <=u 9 by 3, ceil(10/3)+1.
		{"le_u, parameter", `(loop $l ` + add + `
			(br_if $l (i32.le_u (local.tee $n (i32.add (local.get $n) (i32.const 3))) (i32.const 9))))`, 5},
		// Known start beyond the bound: one iteration.
		{"start past bound", `(local.set $i (i32.const 500)) (loop $l ` + add + `
			(br_if $l (i32.lt_u (local.tee $i (i32.add (local.get $i) (i32.const 1))) (i32.const 100))))`, 1},
		// The empty bound: one iteration.
		{"lt_u 0", `(local.set $i (local.get $n)) (loop $l ` + add + `
			(br_if $l (i32.lt_u (local.tee $i (i32.add (local.get $i) (i32.const 1))) (i32.const 0))))`, 1},
		// A nested block in the body that branches out of itself and out
		// of the loop (not to it) is fine.
		{"branches out", `(block $out (loop $l (block $b (br_if $b (local.get $n)) (br_if $out (local.get $s)) ` + add + `)
			(br_if $l (i32.lt_u (local.tee $i (i32.add (local.get $i) (i32.const 2))) (i32.const 64)))))`, 32},

		// Checked.
		{"i written in a nested block", `(loop $l ` + add + `
			(if (local.get $n) (then (local.set $i (i32.const 0))))
			(br_if $l (i32.lt_u (local.tee $i (i32.add (local.get $i) (i32.const 1))) (i32.const 100))))`, 0},
		{"increment in a nested block", `(loop $l (block ` + add + `
			(local.set $i (i32.add (local.get $i) (i32.const 1))))
			(br_if $l (i32.lt_u (local.get $i) (i32.const 100))))`, 0},
		{"i written twice", `(loop $l ` + add + `
			(local.set $i (i32.add (local.get $i) (i32.const 1)))
			(br_if $l (i32.lt_u (local.tee $i (i32.add (local.get $i) (i32.const 1))) (i32.const 100))))`, 0},
		{"second back-edge", `(loop $l ` + add + `
			(br_if $l (local.get $n))
			(br_if $l (i32.lt_u (local.tee $i (i32.add (local.get $i) (i32.const 1))) (i32.const 100))))`, 0},
		{"br_table to the loop", `(loop $l (block $b ` + add + ` (br_table $b $l (local.get $n)))
			(br_if $l (i32.lt_u (local.tee $i (i32.add (local.get $i) (i32.const 1))) (i32.const 100))))`, 0},
		{"br to the loop from a nested block", `(loop $l (block (br_if $l (local.get $n)))
			(br_if $l (i32.lt_u (local.tee $i (i32.add (local.get $i) (i32.const 1))) (i32.const 100))))`, 0},
		{"signed compare", `(loop $l ` + add + `
			(br_if $l (i32.lt_s (local.tee $i (i32.add (local.get $i) (i32.const 1))) (i32.const 100))))`, 0},
		{"wrapping bound", `(loop $l ` + add + `
			(br_if $l (i32.lt_u (local.tee $i (i32.add (local.get $i) (i32.const 2))) (i32.const -1))))`, 0},
		{"le_u the largest", `(loop $l ` + add + `
			(br_if $l (i32.le_u (local.tee $i (i32.add (local.get $i) (i32.const 1))) (i32.const -1))))`, 0},
		{"step 0", `(loop $l ` + add + `
			(br_if $l (i32.lt_u (local.tee $i (i32.add (local.get $i) (i32.const 0))) (i32.const 100))))`, 0},
		{"negative step", `(local.set $i (i32.const 50)) (loop $l ` + add + `
			(br_if $l (i32.lt_u (local.tee $i (i32.add (local.get $i) (i32.const -1))) (i32.const 100))))`, 0},
		{"step from a local", `(loop $l ` + add + `
			(br_if $l (i32.lt_u (local.tee $i (i32.add (local.get $i) (local.get $n))) (i32.const 100))))`, 0},
		{"bound from a global", `(loop $l ` + add + `
			(br_if $l (i32.lt_u (local.tee $i (i32.add (local.get $i) (i32.const 1))) (global.get $g))))`, 0},
		{"bound from memory", `(loop $l ` + add + `
			(br_if $l (i32.lt_u (local.tee $i (i32.add (local.get $i) (i32.const 1))) (i32.load (i32.const 0)))))`, 0},
		// br_if on i itself is i != 0: up from -400 by 4, 100 times (the
		// offsets clang counts up to zero).
		{"up to zero", `(local.set $i (i32.const -400)) (loop $l ` + add + `
			(br_if $l (local.tee $i (i32.add (local.get $i) (i32.const 4)))))`, 100},
		{"up to zero, unknown start", `(local.set $i (local.get $n)) (loop $l ` + add + `
			(br_if $l (local.tee $i (i32.add (local.get $i) (i32.const 4)))))`, 0},
		{"up to zero, stride misses", `(local.set $i (i32.const -401)) (loop $l ` + add + `
			(br_if $l (local.tee $i (i32.add (local.get $i) (i32.const 4)))))`, 0},
		{"down to zero", `(local.set $i (i32.const 400)) (loop $l ` + add + `
			(br_if $l (local.tee $i (i32.sub (local.get $i) (i32.const 4)))))`, 0},
		// A bound in a local the loop does not write: strip-mined.
		{"bound from a local", `(loop $l ` + add + `
			(br_if $l (i32.lt_u (local.tee $i (i32.add (local.get $i) (i32.const 1))) (local.get $n))))`, stripped},
		{"ne a local, mirrored (clang)", `(loop $l ` + add + `
			(br_if $l (i32.ne (local.get $n) (local.tee $i (i32.add (local.get $i) (i32.const 4))))))`, stripped},
		{"gt_u a local", `(loop $l ` + add + `
			(local.set $i (i32.add (local.get $i) (i32.const 1)))
			(br_if $l (i32.gt_u (local.get $n) (local.get $i))))`, stripped},
		{"local bound grows away", `(loop $l ` + add + `
			(br_if $l (i32.gt_u (local.tee $i (i32.add (local.get $i) (i32.const 1))) (local.get $n))))`, 0},
		{"local bound written in the loop", `(loop $l ` + add + `
			(local.set $n (i32.const 7))
			(br_if $l (i32.lt_u (local.tee $i (i32.add (local.get $i) (i32.const 1))) (local.get $n))))`, 0},
		{"local bound, a call in the body", `(loop $l ` + add + ` (drop (call 0 (local.get $s)))
			(br_if $l (i32.lt_u (local.tee $i (i32.add (local.get $i) (i32.const 1))) (local.get $n))))`, 0},
		{"local bound, signed", `(loop $l ` + add + `
			(br_if $l (i32.lt_s (local.tee $i (i32.add (local.get $i) (i32.const 1))) (local.get $n))))`, 0},
		{"grows away from the bound", `(loop $l ` + add + `
			(br_if $l (i32.gt_u (local.tee $i (i32.add (local.get $i) (i32.const 1))) (i32.const 100))))`, 0},
		{"ne, unknown start", `(local.set $i (local.get $n)) (loop $l ` + add + `
			(br_if $l (i32.ne (local.tee $i (i32.add (local.get $i) (i32.const 1))) (i32.const 100))))`, 0},
		{"ne, stride misses", `(loop $l ` + add + `
			(br_if $l (i32.ne (local.tee $i (i32.add (local.get $i) (i32.const 3))) (i32.const 100))))`, 0},
		{"ne, start set in a branch", `(if (local.get $n) (then (local.set $i (i32.const 1)))) (loop $l ` + add + `
			(br_if $l (i32.ne (local.tee $i (i32.add (local.get $i) (i32.const 1))) (i32.const 100))))`, 0},
		{"compares i before its write", `(loop $l ` + add + `
			(local.get $i)
			(local.set $i (i32.add (local.get $i) (i32.const 1)))
			(br_if $l (i32.lt_u (i32.const 100)))
			(drop (i32.const 0)))`, 0},
		{"too many iterations", `(loop $l ` + add + `
			(br_if $l (i32.lt_u (local.tee $i (i32.add (local.get $i) (i32.const 1))) (i32.const 0x1000000))))`, 0},
		// Top-tested: the body runs while i <u K, i from 0: K/c times.
		{"top-tested", `(block $done (loop $l
			(br_if $done (i32.ge_u (local.get $i) (i32.const 100))) ` + add + `
			(local.set $i (i32.add (local.get $i) (i32.const 1)))
			(br $l)))`, 100},
		// From an unknown start, mirrored: ceil(100/3).
		{"top-tested, le_u, unknown start", `(local.set $i (local.get $n)) (block $done (loop $l
			(br_if $done (i32.le_u (i32.const 100) (local.get $i))) ` + add + `
			(local.set $i (i32.add (local.get $i) (i32.const 3)))
			(br $l)))`, 34},
		{"top-tested, bound from a local", `(block $done (loop $l
			(br_if $done (i32.ge_u (local.get $i) (local.get $n))) ` + add + `
			(local.set $i (i32.add (local.get $i) (i32.const 1)))
			(br $l)))`, stripped},
		{"top-tested, bound written in the loop", `(block $done (loop $l
			(br_if $done (i32.ge_u (local.get $i) (local.get $n))) ` + add + `
			(local.set $i (i32.add (local.get $i) (i32.const 1)))
			(local.set $n (i32.add (local.get $n) (i32.const 1)))
			(br $l)))`, 0},
		{"top-tested, bound is i", `(block $done (loop $l
			(br_if $done (i32.ge_u (local.get $i) (local.get $i))) ` + add + `
			(local.set $i (i32.add (local.get $i) (i32.const 1)))
			(br $l)))`, 0},
		{"top-tested, signed", `(block $done (loop $l
			(br_if $done (i32.ge_s (local.get $i) (local.get $n))) ` + add + `
			(local.set $i (i32.add (local.get $i) (i32.const 1)))
			(br $l)))`, 0},
		{"top-tested, wrapping bound", `(block $done (loop $l
			(br_if $done (i32.ge_u (local.get $i) (i32.const -1))) ` + add + `
			(local.set $i (i32.add (local.get $i) (i32.const 2)))
			(br $l)))`, 0},
		{"top-tested, a call in the body", `(block $done (loop $l
			(br_if $done (i32.ge_u (local.get $i) (local.get $n))) ` + add + `
			(drop (call 0 (local.get $i)))
			(local.set $i (i32.add (local.get $i) (i32.const 1)))
			(br $l)))`, 0},
		{"top-tested, a branch in the body", `(block $done (loop $l
			(br_if $done (i32.ge_u (local.get $i) (local.get $n))) ` + add + `
			(br_if $done (local.get $s))
			(local.set $i (i32.add (local.get $i) (i32.const 1)))
			(br $l)))`, 0},
		{"top-tested, exit test not first", `(block $done (loop $l ` + add + `
			(br_if $done (i32.ge_u (local.get $i) (local.get $n)))
			(local.set $i (i32.add (local.get $i) (i32.const 1)))
			(br $l)))`, 0},
		{"top-tested, second back-edge", `(block $done (loop $l
			(br_if $done (i32.ge_u (local.get $i) (local.get $n))) ` + add + `
			(local.set $i (i32.add (local.get $i) (i32.const 1)))
			(br_if $l (local.get $s))
			(br $l)))`, 0},
		{"with parameters", `(i32.const 0) (loop $l (param i32) (local.set $s) ` + add + ` (local.get $s)
			(br_if $l (i32.lt_u (local.tee $i (i32.add (local.get $i) (i32.const 1))) (i32.const 100)))
			(drop))`, 0},
	} {
		t.Run(c.name, func(t *testing.T) {
			got := loopCharges(t, wat2wasm(t, loopFunc(c.body)))
			if len(got) != 1 || len(got[0]) != 1 {
				t.Fatalf("loops: %v, want one function with one loop", got)
			}
			if got[0][0] != c.want {
				t.Errorf("charge %d, want %d", got[0][0], c.want)
			}
		})
	}
}

// Nested loops are classified each on its own: an inner loop that
// branches to the outer one is a second back-edge of the outer one; a
// bounded loop inside a checked one (the runtime's memory walk) is
// charged.
func TestClassifyNestedLoops(t *testing.T) {
	const inc = `(local.tee $i (i32.add (local.get $i) (i32.const 1)))`
	for _, c := range []struct {
		name, body string
		want       []uint32
	}{
		{"inner branches to outer", `(loop $o (local.set $x (i32.const 0)) (loop $in
			(br_if $o (local.get $n))
			(br_if $in (i32.lt_u (local.tee $x (i32.add (local.get $x) (i32.const 1))) (i32.const 10))))
			(br_if $o (i32.lt_u ` + inc + ` (i32.const 10))))`, []uint32{0, 10}},
		{"both bounded", `(loop $o (local.set $x (i32.const 0)) (loop $in
			(local.set $s (i32.add (local.get $s) (local.get $x)))
			(br_if $in (i32.lt_u (local.tee $x (i32.add (local.get $x) (i32.const 1))) (i32.const 10))))
			(br_if $o (i32.lt_u ` + inc + ` (i32.const 10))))`, []uint32{10, 10}},
		{"inner resets the outer's induction", `(loop $o (local.set $i (i32.const 0)) (loop $in
			(br_if $in (i32.lt_u (local.tee $x (i32.add (local.get $x) (i32.const 1))) (i32.const 10))))
			(br_if $o (i32.lt_u ` + inc + ` (i32.const 10))))`, []uint32{0, 11}},
		{"memory walk", `(block $done (loop $rounds
			(br_if $done (i32.eqz (local.get $n)))
			(local.set $i (i32.const 0))
			(loop $bytes
				(local.set $s (i32.add (local.get $s) (i32.load8_u (local.get $i))))
				(local.set $i (i32.add (local.get $i) (i32.const 1)))
				(br_if $bytes (i32.lt_u (local.get $i) (i32.const 65536))))
			(local.set $n (i32.sub (local.get $n) (i32.const 1)))
			(br $rounds)))`, []uint32{0, 65536}},
	} {
		t.Run(c.name, func(t *testing.T) {
			got := loopCharges(t, wat2wasm(t, loopFunc(c.body)))
			if len(got) != 1 || len(got[0]) != len(c.want) {
				t.Fatalf("loops: %v, want one function with %d loops", got, len(c.want))
			}
			for i, w := range c.want {
				if got[0][i] != w {
					t.Errorf("loop %d: charge %d, want %d", i, got[0][i], w)
				}
			}
		})
	}
}
