// Package instrument rewrites core WebAssembly modules so that a host can
// interrupt them: every function entry and every loop header reads an
// interrupt flag, a global the module itself never names, and traps when
// it is set.
//
// The check is four instructions, "global.get $flag; if; unreachable;
// end", placed where Wasmtime places its epoch checks: at the start of
// every function body (so recursion without loops is caught) and right
// after every loop instruction (so every back-edge passes one). Straight
// code between checks is bounded by the size of one function body, so a
// guest reaches a check in bounded time however it spins.
package instrument

import (
	"fmt"
	"strings"

	"github.com/wasifill/wasifill/wasmbin"
)

// FlagExport is the export name of the interrupt flag: a mutable i32
// global, 0 while the guest may run. The name is reserved: a module that
// imports or exports it is refused.
const FlagExport = "wasifill:interrupt"

// Core module section ids.
const (
	secGlobal = 6
	secExport = 7
	secCode   = 10
)

// AddInterruptChecks rewrites m in place: it appends the flag global
// (after every existing global, so no index moves), exports it as
// FlagExport, and puts a check at the start of every function body and
// after every loop instruction. DWARF sections are dropped: their code
// offsets no longer hold.
func AddInterruptChecks(m *wasmbin.Binary) error {
	if m.Kind != wasmbin.KindCoreModule {
		return fmt.Errorf("instrument: not a core module")
	}
	imports, err := m.CoreImports()
	if err != nil {
		return err
	}
	var globals uint32
	for _, im := range imports {
		if im.Name == FlagExport || im.Module == FlagExport {
			return fmt.Errorf("instrument: the module imports %q, a name the runtime reserves", FlagExport)
		}
		if im.Kind == wasmbin.ExternGlobal {
			globals++
		}
	}
	exports, err := m.CoreExports()
	if err != nil {
		return err
	}
	for _, e := range exports {
		if e.Name == FlagExport {
			return fmt.Errorf("instrument: the module exports %q, a name the runtime reserves", FlagExport)
		}
	}
	defined, err := appendEntry(m, secGlobal, []byte{0x7f, 0x01, 0x41, 0x00, opEnd}) // (mut i32) (i32.const 0)
	if err != nil {
		return fmt.Errorf("instrument: global section: %w", err)
	}
	flag := globals + defined
	export := appendU32(nil, uint32(len(FlagExport)))
	export = append(export, FlagExport...)
	export = append(export, byte(wasmbin.ExternGlobal))
	export = appendU32(export, flag)
	if _, err := appendEntry(m, secExport, export); err != nil {
		return fmt.Errorf("instrument: export section: %w", err)
	}
	check := appendU32([]byte{opGlobalGet}, flag)
	check = append(check, opIf, emptyBlock, opUnreachable, opEnd)
	kept := m.Sections[:0]
	for _, s := range m.Sections {
		switch {
		case s.ID == wasmbin.SecCustom && strings.HasPrefix(s.Name, ".debug_"):
			continue
		case s.ID == secCode:
			p, err := instrumentCode(s.Payload, check)
			if err != nil {
				return fmt.Errorf("instrument: code section: %w", err)
			}
			s.Payload, s.SizeBytes = p, nil
		}
		kept = append(kept, s)
	}
	m.Sections = kept
	return nil
}

// appendEntry adds an encoded entry to the vector section id (making the
// section if there is none) and returns how many entries were there
// before.
func appendEntry(m *wasmbin.Binary, id byte, entry []byte) (uint32, error) {
	for _, s := range m.Sections {
		if s.ID != id {
			continue
		}
		r := &reader{b: s.Payload}
		n, err := r.u32()
		if err != nil {
			return 0, err
		}
		if n == 1<<32-1 {
			return 0, fmt.Errorf("section %d is full", id)
		}
		p := appendU32(make([]byte, 0, len(s.Payload)+len(entry)+5), n+1)
		p = append(p, s.Payload[r.pos:]...)
		s.Payload, s.SizeBytes = append(p, entry...), nil
		return n, nil
	}
	s := &wasmbin.Section{ID: id, Payload: append([]byte{1}, entry...)}
	// Known sections go in module order: global (6) before export (7),
	// export before start (8), element (9), data count (12), code (10)
	// and data (11).
	at := len(m.Sections)
	for i, x := range m.Sections {
		if x.ID != wasmbin.SecCustom && x.ID != 13 && x.ID >= id {
			at = i
			break
		}
	}
	m.Sections = append(m.Sections[:at], append([]*wasmbin.Section{s}, m.Sections[at:]...)...)
	return 0, nil
}

// instrumentCode returns the code section payload with check at the start
// of every function body and after every loop instruction.
func instrumentCode(payload, check []byte) ([]byte, error) {
	r := &reader{b: payload}
	n, err := r.count(1)
	if err != nil {
		return nil, err
	}
	out := appendU32(make([]byte, 0, len(payload)+len(payload)/8+n*len(check)), uint32(n))
	var body []byte
	for i := 0; i < n; i++ {
		size, err := r.u32()
		if err != nil {
			return nil, err
		}
		start := r.pos
		if err := r.skip(int(size)); err != nil {
			return nil, err
		}
		if body, err = instrumentBody(body[:0], payload[start:r.pos], check); err != nil {
			return nil, fmt.Errorf("function body %d: %w", i, err)
		}
		out = appendU32(out, uint32(len(body)))
		out = append(out, body...)
	}
	if r.pos != len(payload) {
		return nil, r.fail("%d bytes after the last function body", len(payload)-r.pos)
	}
	return out, nil
}

// instrumentBody appends to out the function body b with the checks in.
func instrumentBody(out, b, check []byte) ([]byte, error) {
	r := &reader{b: b}
	groups, err := r.count(2)
	if err != nil {
		return nil, err
	}
	for i := 0; i < groups; i++ {
		if _, err := r.u32(); err != nil {
			return nil, err
		}
		if err := r.valType(); err != nil {
			return nil, err
		}
	}
	out = append(out, b[:r.pos]...)
	out = append(out, check...)
	copied := r.pos
	err = Expr(b, r.pos, func(in Instr) error {
		if in.Prefix == 0 && in.Code == opLoop {
			out = append(out, b[copied:in.End]...)
			out = append(out, check...)
			copied = in.End
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	return append(out, b[copied:]...), nil
}
