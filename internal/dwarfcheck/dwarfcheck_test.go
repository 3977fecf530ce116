package dwarfcheck_test

import (
	"context"
	"testing"

	"github.com/tetratelabs/wazero"

	"github.com/wasifill/wasifill/internal/dwarfcheck"
	"github.com/wasifill/wasifill/internal/dwarfcheck/dwarftest"
	"github.com/wasifill/wasifill/internal/testenv"
	"github.com/wasifill/wasifill/internal/wasmbin"
)

// trapGuest is built with DWARF (see runtime/testdata/dwarf); its export
// fib traps at code offset 0x66, inside [1, 0x10000) that dwarftest units
// cover.
const (
	trapGuest = "../../runtime/testdata/dwarf/dwarf.wasm"
	trapFunc  = "wasifill:interrupt-test/loops#fib"
)

// withSections returns the trap guest with its DWARF replaced by s.
func withSections(t testing.TB, s dwarfcheck.Sections) []byte {
	t.Helper()
	m, err := wasmbin.Decode(testenv.ReadFile(t, trapGuest))
	if err != nil {
		t.Fatal(err)
	}
	kept := m.Sections[:0]
	for _, sec := range m.Sections {
		if _, isDWARF := dwarfcheck.Collect(&wasmbin.Binary{Sections: []*wasmbin.Section{sec}}); !isDWARF {
			kept = append(kept, sec)
		}
	}
	m.Sections = kept
	for _, sec := range []struct {
		name string
		data []byte
	}{{".debug_abbrev", s.Abbrev}, {".debug_info", s.Info}, {".debug_line", s.Line}, {".debug_str", s.Str}, {".debug_ranges", s.Ranges}} {
		if len(sec.data) > 0 { // wazero cannot read an empty custom section
			m.Sections = append(m.Sections, wasmbin.NewCustomSection(sec.name, sec.data))
		}
	}
	return m.Encode()
}

// wazeroPanics runs the trapping export on bare wazero, with its DWARF
// reading on, and reports whether formatting the trap panicked.
func wazeroPanics(t testing.TB, guest []byte) (panicked bool) {
	t.Helper()
	ctx := context.Background()
	rt := wazero.NewRuntimeWithConfig(ctx, wazero.NewRuntimeConfigCompiler().WithDebugInfoEnabled(true))
	defer rt.Close(ctx)
	mod, err := rt.Instantiate(ctx, guest)
	if err != nil {
		t.Fatalf("instantiate: %v", err)
	}
	defer func() {
		if p := recover(); p != nil {
			panicked = true
		}
	}()
	if _, err := mod.ExportedFunction(trapFunc).Call(ctx, 1); err == nil {
		t.Fatal("fib did not trap")
	}
	return false
}

func u8(v uint8) *uint8    { return &v }
func u64(v uint64) *uint64 { return &v }

// TestCheckAgreesWithWazero: each unit is checked, then run on wazero;
// Check refuses exactly the ones wazero panics on.
func TestCheckAgreesWithWazero(t *testing.T) {
	orig, err := wasmbin.Decode(testenv.ReadFile(t, trapGuest))
	if err != nil {
		t.Fatal(err)
	}
	clang, _ := dwarfcheck.Collect(orig)
	cases := []struct {
		name   string
		s      dwarfcheck.Sections
		refuse bool
	}{
		{"clang-14", clang, false},
		{"one file", dwarftest.Unit{Files: []string{"a.c"}}.Sections(), false},
		{"rows without a file table", dwarftest.Unit{}.Sections(), true},
		{"rows set to file 0", dwarftest.Unit{Files: []string{"a.c"}, RowFile: u64(0)}.Sections(), true},
		{"rows set past the file table", dwarftest.Unit{Files: []string{"a.c"}, RowFile: u64(7)}.Sections(), true},
		{"inlined call in file 1", dwarftest.Unit{Files: []string{"a.c"}, CallFile: u8(1)}.Sections(), false},
		{"inlined call in file 0", dwarftest.Unit{Files: []string{"a.c"}, CallFile: u8(0)}.Sections(), true},
		{"inlined call past the file table", dwarftest.Unit{Files: []string{"a.c"}, CallFile: u8(9)}.Sections(), false},
		{"unreadable", dwarfcheck.Sections{Info: []byte{0xff, 0xff, 0xff, 0xff}}, false},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			err := dwarfcheck.Check(c.s)
			if refused := err != nil; refused != c.refuse {
				t.Errorf("Check = %v, want refused=%v", err, c.refuse)
			}
			if p := wazeroPanics(t, withSections(t, c.s)); p != c.refuse {
				t.Errorf("wazero panicked=%v, want %v (the case no longer shows what Check guards against)", p, c.refuse)
			}
		})
	}
}

// Check bounds the address ranges wazero would read per trap: a unit
// whose inlined calls number more than maxRanges (each with a range) is
// refused, one with fewer is not.
func TestCheckBoundsRanges(t *testing.T) {
	defer dwarfcheck.SetMaxRanges(100)()
	for _, c := range []struct {
		calls  int
		refuse bool
	}{{10, false}, {49, false}, {50, true}, {1000, true}} {
		// The unit and each call count 2 (a range, and the entry itself):
		// 2 + 2·49 = 100.
		err := dwarfcheck.Check(dwarftest.Unit{Files: []string{"a.c"}, CallFile: u8(1), Calls: c.calls}.Sections())
		if (err != nil) != c.refuse {
			t.Errorf("%d inlined calls: Check = %v, want refused=%v", c.calls, err, c.refuse)
		}
	}
}

// FuzzCheck: DWARF that Check accepts never makes wazero panic while it
// formats a trap (Check may refuse more: it reads all of the DWARF, one
// trap only the unit that covers it).
func FuzzCheck(f *testing.F) {
	orig, err := wasmbin.Decode(testenv.ReadFile(f, trapGuest))
	if err != nil {
		f.Fatal(err)
	}
	clang, _ := dwarfcheck.Collect(orig)
	f.Add(clang.Abbrev, clang.Info, clang.Line, clang.Str, clang.Ranges)
	for _, u := range []dwarftest.Unit{{Files: []string{"a.c"}, CallFile: u8(1)}, {Files: []string{"a.c"}, RowFile: u64(0)}} {
		s := u.Sections()
		f.Add(s.Abbrev, s.Info, s.Line, s.Str, s.Ranges)
	}
	f.Fuzz(func(t *testing.T, abbrev, info, line, str, ranges []byte) {
		if len(abbrev)+len(info)+len(line)+len(str)+len(ranges) > 16<<10 {
			return
		}
		s := dwarfcheck.Sections{Abbrev: abbrev, Info: info, Line: line, Str: str, Ranges: ranges}
		err := dwarfcheck.Check(s)
		if err == nil && wazeroPanics(t, withSections(t, s)) {
			t.Fatal("Check accepted DWARF that makes wazero panic")
		}
	})
}
