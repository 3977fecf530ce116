// Package dwarftest assembles small DWARF 4 sections for tests: one
// compile unit covering code addresses [1, 0x10000), its line table, and
// optionally one inlined call, so a test can give a guest a line table
// (or a call-file attribute) that no compiler would emit.
package dwarftest

import (
	"encoding/binary"

	"github.com/wasifill/wasifill/internal/dwarfcheck"
)

// Unit describes the compile unit to assemble.
type Unit struct {
	// Files are the file names of the line table (indices 1, 2, …).
	Files []string
	// RowFile, if not nil, is set (DW_LNS_set_file) before the rows.
	RowFile *uint64
	// CallFile, if not nil, adds an inlined call over the whole unit with
	// this DW_AT_call_file.
	CallFile *uint8
	// Calls is how many such calls to add (1 if zero).
	Calls int
}

// Sections assembles u.
func (u Unit) Sections() dwarfcheck.Sections {
	const (
		tagCompileUnit, tagInlined                = 0x11, 0x1d
		atStmtList, atLowPC, atHighPC, atCallFile = 0x10, 0x11, 0x12, 0x58
		formAddr, formData4, formData1, formSecOf = 0x01, 0x06, 0x0b, 0x17
	)
	abbrev := []byte{1, tagCompileUnit, 1, atStmtList, formSecOf, atLowPC, formAddr, atHighPC, formData4, 0, 0,
		2, tagInlined, 0, atLowPC, formAddr, atHighPC, formData4, atCallFile, formData1, 0, 0, 0}

	die := []byte{1}
	die = binary.LittleEndian.AppendUint32(die, 0)      // stmt_list
	die = binary.LittleEndian.AppendUint32(die, 1)      // low_pc (wazero takes 0 for a dead address)
	die = binary.LittleEndian.AppendUint32(die, 0xffff) // high_pc (a length)
	for i := 0; u.CallFile != nil && i < max(u.Calls, 1); i++ {
		die = append(die, 2)
		die = binary.LittleEndian.AppendUint32(die, 1)
		die = binary.LittleEndian.AppendUint32(die, 0xffff)
		die = append(die, *u.CallFile)
	}
	die = append(die, 0)                             // end of the unit's children
	info := binary.LittleEndian.AppendUint16(nil, 4) // version
	info = binary.LittleEndian.AppendUint32(info, 0) // abbrev offset
	info = append(info, 4)                           // address size
	info = append(info, die...)
	info = append(binary.LittleEndian.AppendUint32(nil, uint32(len(info))), info...)

	head := []byte{1, 1, 1, 0xfb, 14, 13, 0, 1, 1, 1, 1, 0, 0, 0, 1, 0, 0, 1}
	head = append(head, 0) // no include directories
	for _, f := range u.Files {
		head = append(head, f...)
		head = append(head, 0, 0, 0, 0)
	}
	head = append(head, 0)
	prog := []byte{0, 5, 2, 1, 0, 0, 0} // DW_LNE_set_address 1
	if u.RowFile != nil {
		prog = binary.AppendUvarint(append(prog, 4), *u.RowFile)
	}
	prog = append(prog, 1)                // DW_LNS_copy: a row at 1
	prog = append(prog, 2, 0x80, 0x80, 4) // DW_LNS_advance_pc 0x10000
	prog = append(prog, 0, 1, 1)          // DW_LNE_end_sequence
	line := binary.LittleEndian.AppendUint16(nil, 4)
	line = binary.LittleEndian.AppendUint32(line, uint32(len(head)))
	line = append(line, head...)
	line = append(line, prog...)
	line = append(binary.LittleEndian.AppendUint32(nil, uint32(len(line))), line...)

	return dwarfcheck.Sections{Abbrev: abbrev, Info: info, Line: line}
}
