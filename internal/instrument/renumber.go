package instrument

// Making room for the check import. An imported function takes an index
// before every defined function, so adding one moves each defined
// function up by one: every place a module names a function by index is
// rewritten (calls and ref.func in code, exports, the start function,
// element segments, ref.func in global initializers, the name section).

import (
	"fmt"

	"github.com/wasifill/wasifill/internal/wasmbin"
)

// Core module section ids beyond those in interrupt.go.
const (
	secType   = 1
	secImport = 2
	secStart  = 8
)

// CheckModule and CheckFunc name the function the rewritten module
// imports: a host function, provided by the runtime, that the module
// calls every so often (see Budget) with nothing on its stack, so that Go
// may stop it there and the host may decide to interrupt it. Its type is
// [] -> []. The module name is reserved: a module that imports from it is
// refused.
const (
	CheckModule = FlagExport
	CheckFunc   = "check"
)

// shift is the index of function f after the check import is added.
func (mod *module) shift(f uint32) uint32 {
	if f < mod.imported {
		return f
	}
	return f + 1
}

// shiftOwn is shift for an index the module names outside its code: one
// past its own functions (invalid as written, but it would name yield or
// tick once renumbered) is refused.
func (mod *module) shiftOwn(f uint32) (uint32, error) {
	if f >= mod.funcs {
		return 0, fmt.Errorf("function %d, which the module does not define", f)
	}
	return mod.shift(f), nil
}

// addCheckImport adds the check import after the module's other imports
// and renumbers the defined functions everywhere outside the code section
// (instrumentBody renumbers code).
func (mod *module) addCheckImport(m *wasmbin.Binary) error {
	types, err := m.CoreFuncTypes()
	if err != nil {
		return err
	}
	typ := uint32(len(types))
	for i, t := range types {
		if len(t.Params) == 0 && len(t.Results) == 0 {
			typ = uint32(i)
			break
		}
	}
	if typ == uint32(len(types)) {
		if err := appendEntry(m, secType, []byte{0x60, 0, 0}); err != nil {
			return fmt.Errorf("type section: %w", err)
		}
	}
	for _, s := range m.Sections {
		var err error
		switch {
		case s.ID == secExport:
			s.Payload, err = mod.renumberExports(s.Payload)
		case s.ID == secStart:
			r := &reader{b: s.Payload}
			var f uint32
			if f, err = r.u32(); err == nil {
				if f, err = mod.shiftOwn(f); err == nil {
					s.Payload = appendU32(nil, f)
				}
			}
		case s.ID == secElem:
			s.Payload, err = mod.renumberElems(s.Payload)
		case s.ID == secGlobal:
			s.Payload, err = mod.renumberGlobals(s.Payload)
		default:
			continue
		}
		if err != nil {
			return fmt.Errorf("section %d: %w", s.ID, err)
		}
		s.SizeBytes = nil
	}
	m.RewriteNames(mod.shift)
	entry := appendName(nil, CheckModule)
	entry = append(appendName(entry, CheckFunc), byte(wasmbin.ExternFunc))
	if err := appendEntry(m, secImport, appendU32(entry, typ)); err != nil {
		return fmt.Errorf("import section: %w", err)
	}
	return nil
}

func appendName(out []byte, s string) []byte {
	return append(appendU32(out, uint32(len(s))), s...)
}

// name reads a name (its bytes are not checked: they are copied).
func (r *reader) name() ([]byte, error) {
	n, err := r.u32()
	if err != nil {
		return nil, err
	}
	start := r.pos
	if err := r.skip(int(n)); err != nil {
		return nil, err
	}
	return r.b[start:r.pos], nil
}

// renumberExports rewrites the export section payload p.
func (mod *module) renumberExports(p []byte) ([]byte, error) {
	r := &reader{b: p}
	n, err := r.count(3)
	if err != nil {
		return nil, err
	}
	out := appendU32(make([]byte, 0, len(p)+n), uint32(n))
	for range n {
		name, err := r.name()
		if err != nil {
			return nil, err
		}
		kind, err := r.byte()
		if err != nil {
			return nil, err
		}
		idx, err := r.u32()
		if err != nil {
			return nil, err
		}
		if kind == byte(wasmbin.ExternFunc) {
			idx = mod.shift(idx)
		}
		out = appendU32(append(appendName(out, string(name)), kind), idx)
	}
	return out, r.end()
}

// end fails unless the reader is at the end of its bytes.
func (r *reader) end() error {
	if r.pos != len(r.b) {
		return r.fail("%d bytes after the last entry", len(r.b)-r.pos)
	}
	return nil
}

// renumberExpr copies the constant expression at r's position (up to and
// including its end) to out, renumbering ref.func.
func (mod *module) renumberExpr(out []byte, r *reader) ([]byte, error) {
	for {
		in, err := r.instr()
		if err != nil {
			return nil, err
		}
		if in.Prefix == 0 && in.Code == opRefFunc {
			ir := &reader{b: r.b, pos: in.Offset + 1}
			f, err := ir.u32()
			if err != nil {
				return nil, err
			}
			if f, err = mod.shiftOwn(f); err != nil {
				return nil, err
			}
			out = appendU32(append(out, opRefFunc), f)
		} else {
			out = append(out, r.b[in.Offset:in.End]...)
		}
		if in.Prefix == 0 && in.Code == opEnd {
			return out, nil
		}
	}
}

// renumberGlobals rewrites the global section payload p.
func (mod *module) renumberGlobals(p []byte) ([]byte, error) {
	r := &reader{b: p}
	n, err := r.count(3)
	if err != nil {
		return nil, err
	}
	out := appendU32(make([]byte, 0, len(p)+8), uint32(n))
	for range n {
		start := r.pos
		if err := r.valType(); err != nil {
			return nil, err
		}
		if err := r.skip(1); err != nil { // mutability
			return nil, err
		}
		out = append(out, p[start:r.pos]...)
		if out, err = mod.renumberExpr(out, r); err != nil {
			return nil, err
		}
	}
	return out, r.end()
}

// renumberElems rewrites the element section payload p (the eight
// segment encodings of the core specification).
func (mod *module) renumberElems(p []byte) ([]byte, error) {
	r := &reader{b: p}
	n, err := r.count(2)
	if err != nil {
		return nil, err
	}
	out := appendU32(make([]byte, 0, len(p)+8), uint32(n))
	for range n {
		flags, err := r.u32()
		if err != nil {
			return nil, err
		}
		if flags > 7 {
			return nil, r.fail("element segment flags %d", flags)
		}
		out = appendU32(out, flags)
		if flags&2 != 0 && flags&1 == 0 { // an explicit table index
			t, err := r.u32()
			if err != nil {
				return nil, err
			}
			out = appendU32(out, t)
		}
		if flags&1 == 0 { // active: an offset
			if out, err = mod.renumberExpr(out, r); err != nil {
				return nil, err
			}
		}
		if flags&3 != 0 { // an element kind or a reference type
			start := r.pos
			if flags&4 != 0 {
				err = r.valType()
			} else {
				err = r.skip(1)
			}
			if err != nil {
				return nil, err
			}
			out = append(out, p[start:r.pos]...)
		}
		k, err := r.count(1)
		if err != nil {
			return nil, err
		}
		out = appendU32(out, uint32(k))
		for range k {
			if flags&4 != 0 {
				out, err = mod.renumberExpr(out, r)
			} else {
				var f uint32
				if f, err = r.u32(); err == nil {
					if f, err = mod.shiftOwn(f); err == nil {
						out = appendU32(out, f)
					}
				}
			}
			if err != nil {
				return nil, err
			}
		}
	}
	return out, r.end()
}
