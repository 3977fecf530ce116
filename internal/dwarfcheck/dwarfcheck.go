// Package dwarfcheck decides whether a core module's DWARF is safe to hand
// to wazero. wazero reads a guest's DWARF to name the source line of a
// trap (internal/wasmdebug, DWARFLines.Line) and panics, inside the trap's
// unwinding, on a line-table row that names no file and on an inlined call
// whose DW_AT_call_file is negative or names no file. Check reads the
// sections the way that code does, all of it rather than the part one trap
// reaches, and refuses what would make it panic; the runtime drops the
// DWARF of a module it refuses.
package dwarfcheck

import (
	"debug/dwarf"
	"errors"
	"fmt"
	"io"

	"github.com/wasifill/wasifill/internal/wasmbin"
)

// Sections are the DWARF sections wazero reads from a core module.
type Sections struct {
	Abbrev, Info, Line, Str, Ranges []byte
}

// Collect returns the DWARF sections of m that wazero reads (the last
// section of each name, as its decoder keeps) and whether m has any.
func Collect(m *wasmbin.Binary) (s Sections, found bool) {
	for _, sec := range m.CustomSections(".debug_") {
		found = true
		switch sec.Name {
		case ".debug_abbrev":
			s.Abbrev = sec.Data
		case ".debug_info":
			s.Info = sec.Data
		case ".debug_line":
			s.Line = sec.Data
		case ".debug_str":
			s.Str = sec.Data
		case ".debug_ranges":
			s.Ranges = sec.Data
		}
	}
	return s, found
}

// maxRanges bounds the address ranges (of compile units and inlined
// calls) wazero may read to name one trap's source line: a few per
// function in a large program, but hostile DWARF can have every entry
// name one long list.
var maxRanges = 1 << 22

// Check returns nil if wazero can format any trap with s without
// panicking or reading more than maxRanges address ranges, and otherwise
// an error saying what it would trip on. DWARF that Go's debug/dwarf
// cannot open is safe: wazero ignores it.
func Check(s Sections) (err error) {
	defer func() {
		if p := recover(); p != nil {
			err = fmt.Errorf("dwarf: reading the DWARF panicked: %v", p)
		}
	}()
	d, err := dwarf.New(s.Abbrev, nil, nil, s.Info, s.Line, nil, s.Ranges, s.Str)
	if err != nil {
		return nil
	}
	noFile := map[int64]bool{} // file indices some line table leaves without a file
	var callFiles []int64
	ranges := 0 // address ranges read so far
	r := d.Reader()
	for {
		ent, err := r.Next()
		if err != nil || ent == nil {
			break
		}
		if ent.Tag != dwarf.TagCompileUnit && ent.Tag != dwarf.TagInlinedSubroutine {
			continue
		}
		// wazero reads the ranges of every such entry on every trap (a
		// panic in it is caught above); entries can share one long list,
		// so what that costs is bounded here, not by the sections' size.
		rs, _ := d.Ranges(ent)
		if ranges += len(rs) + 1; ranges > maxRanges {
			return fmt.Errorf("dwarf: more than %d address ranges to read per trap", maxRanges)
		}
		if ent.Tag == dwarf.TagCompileUnit {
			if err := checkLines(d, ent, noFile); err != nil {
				return err
			}
		} else if i, ok := ent.Val(dwarf.AttrCallFile).(int64); ok {
			callFiles = append(callFiles, i)
		}
	}
	// An inlined call is resolved against the file table of whichever
	// compile unit covers the trap, so each index must name a file in all
	// of them (or lie past their end, which wazero handles).
	for _, i := range callFiles {
		if i < 0 || noFile[i] {
			return fmt.Errorf("dwarf: an inlined call names file %d, which no file table holds", i)
		}
	}
	return nil
}

// checkLines reads the line table of compile unit cu to its end (as wazero
// does once per unit), refuses a row without a file and adds to noFile
// the indices its file table leaves empty.
func checkLines(d *dwarf.Data, cu *dwarf.Entry, noFile map[int64]bool) error {
	lr, err := d.LineReader(cu)
	if err != nil || lr == nil {
		return nil // wazero gives up on this unit
	}
	var le dwarf.LineEntry
	for {
		err := lr.Next(&le)
		if errors.Is(err, io.EOF) {
			break
		} else if err != nil {
			return nil // wazero gives up on this unit before formatting a row
		}
		if le.File == nil {
			return fmt.Errorf("dwarf: the line-table row at address %#x names no file", le.Address)
		}
	}
	for i, f := range lr.Files() {
		if f == nil {
			noFile[int64(i)] = true
		}
	}
	return nil
}
