package wasmbin

import "fmt"

// This file walks function bodies instruction by instruction: it checks
// the index every instruction names (functions, types, locals, globals,
// tables, memories, element and data segments, tags) and that blocks
// balance, so that a compiler's validator never looks an index up out of
// range. Typing the operand stack is left to that validator.

func (v *coreValidator) codeSection(r *reader) error {
	n, err := r.count(3)
	if err != nil {
		return err
	}
	if defined := len(v.funcs) - v.imported; n != defined {
		return r.fail("function section declares %d functions, code section has %d bodies", defined, n)
	}
	v.code = true
	for i := 0; i < n; i++ {
		size, err := r.u32()
		if err != nil {
			return err
		}
		if uint64(size) > uint64(len(r.b)-r.pos) {
			return r.fail("function body of %d bytes runs past the section", size)
		}
		body := &reader{b: r.b[r.pos : r.pos+int(size)], base: r.base + r.pos, section: r.section}
		f := v.imported + i
		if err := v.body(body, v.types[v.funcs[f]]); err != nil {
			if de, ok := err.(*DecodeError); ok {
				de.Msg = fmt.Sprintf("function %d: %s", f, de.Msg)
			}
			return err
		}
		r.pos += int(size)
	}
	return nil
}

// body checks one function body: its locals, then its instructions.
func (v *coreValidator) body(r *reader, sig coreSig) error {
	locals := uint64(len(sig.params))
	groups, err := r.count(2)
	if err != nil {
		return err
	}
	for i := 0; i < groups; i++ {
		n, err := r.u32()
		if err != nil {
			return err
		}
		locals += uint64(n)
		if locals > v.lim.MaxLocals {
			return r.fail("%d or more locals: at most %d are allowed", locals, v.lim.MaxLocals)
		}
		if err := v.valType(r); err != nil {
			return err
		}
	}
	depth := 1
	for depth > 0 {
		if r.pos >= len(r.b) {
			return r.fail("function body does not end with end")
		}
		op := r.b[r.pos]
		r.pos++
		switch op {
		case 0x0b:
			depth--
			continue
		case 0x18: // delegate closes a try
			depth--
		case 0x02, 0x03, 0x04, 0x06, 0x1f:
			depth++
			if depth > v.lim.MaxBlockDepth {
				return r.fail("blocks nest deeper than %d", v.lim.MaxBlockDepth)
			}
		}
		if err := v.immediates(r, op, locals); err != nil {
			return err
		}
	}
	if r.pos != len(r.b) {
		return r.fail("%d bytes after the function body's end", len(r.b)-r.pos)
	}
	return nil
}

func (v *coreValidator) blockType(r *reader) error {
	if r.pos >= len(r.b) {
		return r.fail("unexpected end of section")
	}
	switch b := r.b[r.pos]; {
	case b == 0x40, b >= 0x7b && b <= 0x7f, b == 0x70, b == 0x6f, b == 0x69, b == 0x63, b == 0x64:
		if b == 0x40 {
			r.pos++
			return nil
		}
		return v.valType(r)
	}
	t, err := r.s33()
	if err == nil && (t < 0 || t >= int64(len(v.types))) {
		err = r.fail("block type index %d is out of range (%d types)", t, len(v.types))
	}
	return err
}

func (v *coreValidator) memarg(r *reader) error {
	align, err := r.u32()
	if err != nil {
		return err
	}
	mem := uint32(0)
	if align&0x40 != 0 { // multi-memory: an explicit memory index
		if mem, err = r.u32(); err != nil {
			return err
		}
	}
	if uint64(mem) >= uint64(v.memories) {
		return r.fail("memory instruction names memory %d (%d memories)", mem, v.memories)
	}
	_, err = r.u32()
	return err
}

func (v *coreValidator) memIndex(r *reader) error {
	_, err := v.index(r, "memory", v.memories)
	return err
}

func (v *coreValidator) dataIndex(r *reader) error {
	if v.dataCount < 0 {
		return r.fail("data segment instruction without a data count section")
	}
	_, err := v.index(r, "data segment", v.dataCount)
	return err
}

// immediates reads the immediates of op and checks the indices they name.
func (v *coreValidator) immediates(r *reader, op byte, locals uint64) error {
	var err error
	switch {
	case op <= 0x01, op == 0x05, op == 0x0a, op == 0x0f, op == 0x19, op == 0x1a, op == 0x1b,
		op >= 0x45 && op <= 0xc4, op == 0xd1, op == 0xd3, op == 0xd5:
		return nil
	case op == 0x02, op == 0x03, op == 0x04, op == 0x06:
		return v.blockType(r)
	case op == 0x07, op == 0x08:
		_, err = v.index(r, "tag", v.tags)
	case op == 0x09, op == 0x0c, op == 0x0d, op == 0x18, op == 0xd4, op == 0xd6:
		_, err = r.u32()
	case op == 0x0e:
		if err = r.vec(1, func() error { _, err := r.u32(); return err }); err == nil {
			_, err = r.u32()
		}
	case op == 0x10, op == 0x12, op == 0xd2:
		_, err = v.funcIndex(r)
	case op == 0x11, op == 0x13:
		if _, err = v.typeIndex(r); err == nil {
			_, err = v.index(r, "table", v.tables)
		}
	case op == 0x14, op == 0x15:
		_, err = v.typeIndex(r)
	case op == 0x1c:
		err = r.vec(1, func() error { return v.valType(r) })
	case op == 0x1f:
		if err = v.blockType(r); err == nil {
			err = r.vec(2, func() error { return v.catchClause(r) })
		}
	case op >= 0x20 && op <= 0x22:
		var x uint32
		if x, err = r.u32(); err == nil && uint64(x) >= locals {
			err = r.fail("local index %d is out of range (%d locals)", x, locals)
		}
	case op == 0x23, op == 0x24:
		_, err = v.index(r, "global", v.globals)
	case op == 0x25, op == 0x26:
		_, err = v.index(r, "table", v.tables)
	case op >= 0x28 && op <= 0x3e:
		err = v.memarg(r)
	case op == 0x3f, op == 0x40:
		err = v.memIndex(r)
	case op == 0x41:
		err = r.sleb(32)
	case op == 0x42:
		err = r.sleb(64)
	case op == 0x43:
		err = r.skip(4)
	case op == 0x44:
		err = r.skip(8)
	case op == 0xd0:
		err = v.heapType(r)
	case op == 0xfc:
		err = v.miscOp(r)
	case op == 0xfd:
		err = v.simdOp(r)
	case op == 0xfe:
		err = v.atomicOp(r)
	default:
		return r.failBack("unknown or unsupported opcode 0x%02x", op)
	}
	return err
}

func (v *coreValidator) catchClause(r *reader) error {
	kind, err := r.byte()
	if err != nil {
		return err
	}
	switch kind {
	case 0, 1:
		if _, err := v.index(r, "tag", v.tags); err != nil {
			return err
		}
	case 2, 3:
	default:
		return r.failBack("catch clause kind %d", kind)
	}
	_, err = r.u32()
	return err
}

// miscOp reads a 0xfc instruction: saturating truncation, bulk memory and
// table instructions.
func (v *coreValidator) miscOp(r *reader) error {
	sub, err := r.u32()
	if err != nil {
		return err
	}
	switch {
	case sub <= 7:
		return nil
	case sub == 8: // memory.init
		if err := v.dataIndex(r); err != nil {
			return err
		}
		return v.memIndex(r)
	case sub == 9:
		return v.dataIndex(r)
	case sub == 10: // memory.copy
		if err := v.memIndex(r); err != nil {
			return err
		}
		return v.memIndex(r)
	case sub == 11:
		return v.memIndex(r)
	case sub == 12: // table.init
		if _, err := v.index(r, "element segment", v.elems); err != nil {
			return err
		}
		_, err = v.index(r, "table", v.tables)
	case sub == 13:
		_, err = v.index(r, "element segment", v.elems)
	case sub == 14:
		if _, err = v.index(r, "table", v.tables); err == nil {
			_, err = v.index(r, "table", v.tables)
		}
	case sub >= 15 && sub <= 17:
		_, err = v.index(r, "table", v.tables)
	default:
		return r.fail("unknown instruction 0xfc %d", sub)
	}
	return err
}

// simdOp reads a 0xfd (vector) instruction.
func (v *coreValidator) simdOp(r *reader) error {
	sub, err := r.u32()
	if err != nil {
		return err
	}
	switch {
	case sub <= 11, sub == 92, sub == 93:
		return v.memarg(r)
	case sub == 12, sub == 13:
		return r.skip(16)
	case sub >= 21 && sub <= 34:
		return r.skip(1)
	case sub >= 84 && sub <= 91:
		if err := v.memarg(r); err != nil {
			return err
		}
		return r.skip(1)
	case sub <= 0x113:
		return nil
	}
	return r.fail("unknown instruction 0xfd %d", sub)
}

// atomicOp reads a 0xfe (threads) instruction.
func (v *coreValidator) atomicOp(r *reader) error {
	sub, err := r.u32()
	if err != nil {
		return err
	}
	switch {
	case sub == 3: // atomic.fence
		return r.skip(1)
	case sub <= 0x4e:
		return v.memarg(r)
	}
	return r.fail("unknown instruction 0xfe %d", sub)
}
