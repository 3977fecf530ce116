package runtime_test

import (
	"context"
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/wasifill/wasifill/internal/dwarfcheck/dwarftest"
	"github.com/wasifill/wasifill/internal/guard"
	"github.com/wasifill/wasifill/internal/testenv"
	"github.com/wasifill/wasifill/internal/wasmbin"
	"github.com/wasifill/wasifill/runtime"
)

// dwarfGuest is testdata/dwarf/dwarf.wasm, built with DWARF:
//
//	clang-14 --target=wasm32 -gdwarf-4 -O0 -fdebug-prefix-map=$PWD=. -nostdlib -Wl,--no-entry -Wl,--export-dynamic -o dwarf.wasm dwarf.c
//
// Its functions (the spinner world's) trap.
const dwarfGuest = "testdata/dwarf/dwarf.wasm"

// withDebugSections returns the guest with its .debug_* sections replaced
// by sections (name → contents).
func withDebugSections(t testing.TB, sections map[string][]byte) []byte {
	t.Helper()
	m, err := wasmbin.Decode(testenv.ReadFile(t, dwarfGuest))
	if err != nil {
		t.Fatal(err)
	}
	kept := m.Sections[:0]
	for _, s := range m.Sections {
		if s.ID != wasmbin.SecCustom || !strings.HasPrefix(s.Name, ".debug_") {
			kept = append(kept, s)
		}
	}
	m.Sections = kept
	for _, name := range debugSectionNames {
		if b, ok := sections[name]; ok {
			m.Sections = append(m.Sections, wasmbin.NewCustomSection(name, b))
		}
	}
	return m.Encode()
}

var debugSectionNames = []string{".debug_abbrev", ".debug_info", ".debug_line", ".debug_str", ".debug_ranges"}

// trapWithDWARF compiles core against the spinner world on a runtime with
// opts, calls fib and returns the trap, failing the test on a panic caught
// at the runtime's boundary or on a call that does not trap.
func trapWithDWARF(t *testing.T, core []byte, opts ...runtime.Option) *runtime.TrapError {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), fuzzDeadline)
	defer cancel()
	rt := newRuntime(t, opts...)
	wit, world := testenv.WIT(t, "testdata/interrupt", "spinner")
	c, err := rt.CompileCore(ctx, core, wit, world)
	if err != nil {
		noDefect(t, "compile", err)
		return nil
	}
	inst, err := rt.Instantiate(ctx, c)
	if err != nil {
		noDefect(t, "instantiate", err)
		return nil
	}
	defer inst.Close(ctx)
	_, err = inst.Call(ctx, loops+"fib", uint64(1))
	var ie *guard.InternalError
	if errors.As(err, &ie) {
		t.Fatalf("the host panicked formatting a trap: %v\n%s", ie, ie.Stack)
	}
	var trap *runtime.TrapError
	if !errors.As(err, &trap) {
		t.Fatalf("fib: %v, want a trap", err)
	}
	return trap
}

// TestDWARFTrap: in trusted mode a trap in a guest built with DWARF names
// the source line clang recorded (wazero reads the guest's DWARF, so
// hostile debug sections reach it: FuzzDWARF). With interruption on the
// rewrite moves code and drops the DWARF: no line, rather than a wrong one.
func TestDWARFTrap(t *testing.T) {
	guest := testenv.ReadFile(t, dwarfGuest)
	if trap := trapWithDWARF(t, guest, runtime.WithInterruption(false)); !strings.Contains(trap.Error(), "dwarf.c:6") {
		t.Errorf("trusted mode: the trap does not name dwarf.c:6 (__builtin_trap in fib): %v", trap)
	}
	if trap := trapWithDWARF(t, guest); strings.Contains(trap.Error(), "dwarf.c") {
		t.Errorf("interruption on: the trap names a source line of code the rewrite moved: %v", trap)
	}
}

// TestHostileDWARFTrap: in trusted mode, DWARF that would make wazero
// panic while it formats a trap (a line-table row or an inlined call that
// names no file: dwarfcheck) is dropped at compile time; the call traps
// with no source line. The same unit with a file names it.
func TestHostileDWARFTrap(t *testing.T) {
	zero := uint64(0)
	cases := []struct {
		name string
		unit dwarftest.Unit
		want string
	}{
		{"a file", dwarftest.Unit{Files: []string{"a.c"}}, "a.c:1"},
		{"rows without a file table", dwarftest.Unit{}, ""},
		{"rows set to file 0", dwarftest.Unit{Files: []string{"a.c"}, RowFile: &zero}, ""},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			s := c.unit.Sections()
			trap := trapWithDWARF(t, withDebugSections(t, map[string][]byte{
				".debug_abbrev": s.Abbrev, ".debug_info": s.Info, ".debug_line": s.Line,
			}), runtime.WithInterruption(false))
			if got := strings.Contains(trap.Error(), "a.c"); got != (c.want != "") || !strings.Contains(trap.Error(), c.want) {
				t.Errorf("trap %q, want it to name %q", trap, c.want)
			}
		})
	}
}

// FuzzDWARF: in trusted mode (where wazero reads a guest's DWARF to format
// a trap) hostile DWARF sections in a guest that traps give a trap, never
// a panic, a hang or memory by declared sizes (the whole input is at most
// 16 KB; the call runs under fuzzDeadline).
func FuzzDWARF(f *testing.F) {
	orig, err := wasmbin.Decode(testenv.ReadFile(f, dwarfGuest))
	if err != nil {
		f.Fatal(err)
	}
	seed := map[string][]byte{}
	for _, s := range orig.Sections {
		if s.ID == wasmbin.SecCustom {
			seed[s.Name] = s.Data
		}
	}
	f.Add(seed[".debug_abbrev"], seed[".debug_info"], seed[".debug_line"], seed[".debug_str"], seed[".debug_ranges"])
	f.Add([]byte{}, []byte{0xff, 0xff, 0xff, 0xff}, []byte{}, []byte{}, []byte{})
	f.Fuzz(func(t *testing.T, abbrev, info, line, str, ranges []byte) {
		if len(abbrev)+len(info)+len(line)+len(str)+len(ranges) > 16<<10 {
			return
		}
		start := time.Now()
		trapWithDWARF(t, withDebugSections(t, map[string][]byte{
			".debug_abbrev": abbrev, ".debug_info": info, ".debug_line": line, ".debug_str": str, ".debug_ranges": ranges,
		}), runtime.WithInterruption(false))
		if d := time.Since(start); d > 10*fuzzDeadline {
			t.Fatalf("took %v", d)
		}
	})
}
