package instrument

// The instruction walker: it knows the immediates of every instruction
// wazero accepts (the core specification 2.0 with SIMD, plus threads,
// tail calls, typed function references and exception handling, legacy
// and current), so it can find instruction boundaries without validating.

// Instr is one decoded instruction: its opcode (Prefix is 0 for one-byte
// opcodes, else 0xfc, 0xfd or 0xfe with Code the sub-opcode) and where it
// starts and ends in the walked bytes.
type Instr struct {
	Offset, End int
	Prefix      byte
	Code        uint32
}

// Opcodes the instrumentation cares about.
const (
	opUnreachable   = 0x00
	opLoop          = 0x03
	opIf            = 0x04
	opEnd           = 0x0b
	opDrop          = 0x1a
	opCall          = 0x10
	opReturnCall    = 0x12
	opReturnCallRef = 0x15 // the last of the calls, from call (0x10)
	opLocalGet      = 0x20
	opLocalSet      = 0x21
	opLocalTee      = 0x22
	opGlobalGet     = 0x23
	opGlobalSet     = 0x24
	opI32Const      = 0x41
	opI32Eqz        = 0x45
	opI32LeS        = 0x4c
	opBr            = 0x0c
	opI32Sub        = 0x6b
	opRefFunc       = 0xd2
	emptyBlock      = 0x40
)

// Expr walks the instructions of an expression starting at pos in b
// (a function body after its locals) up to the end of b, calling visit
// for each.
func Expr(b []byte, pos int, visit func(Instr) error) error {
	r := &reader{b: b, pos: pos}
	for r.pos < len(b) {
		in, err := r.instr()
		if err != nil {
			return err
		}
		if err := visit(in); err != nil {
			return err
		}
	}
	return nil
}

// instr reads one instruction and its immediates.
func (r *reader) instr() (Instr, error) {
	in := Instr{Offset: r.pos}
	op, err := r.byte()
	if err != nil {
		return in, err
	}
	switch op {
	case 0xfc, 0xfd, 0xfe:
		in.Prefix = op
		if in.Code, err = r.u32(); err != nil {
			return in, err
		}
		switch op {
		case 0xfc:
			err = r.misc(in.Code)
		case 0xfd:
			err = r.simd(in.Code)
		default:
			err = r.atomic(in.Code)
		}
	default:
		in.Code = uint32(op)
		err = r.plain(op)
	}
	in.End = r.pos
	return in, err
}

// plain skips the immediates of a one-byte opcode.
func (r *reader) plain(op byte) error {
	var err error
	switch {
	case op == 0x00 || op == 0x01 || op == 0x05 || op == 0x0a || op == 0x0b || op == 0x0f ||
		op == 0x19 || op == 0x1a || op == 0x1b || (op >= 0x45 && op <= 0xc4) ||
		op == 0xd1 || op == 0xd3 || op == 0xd4:
		// No immediates: control without labels, drop, select, numeric
		// operators, ref.is_null, ref.eq, ref.as_non_null.
	case op == 0x02 || op == 0x03 || op == 0x04 || op == 0x06: // block, loop, if, try
		err = r.blockType()
	case op == 0x07 || op == 0x08 || op == 0x09 || op == 0x0c || op == 0x0d || op == 0x10 ||
		op == 0x12 || op == 0x14 || op == 0x15 || op == 0x18 || (op >= 0x20 && op <= 0x26) ||
		op == 0xd2 || op == 0xd5 || op == 0xd6:
		// One index: catch, throw, rethrow, br, br_if, call, return_call,
		// call_ref, return_call_ref, delegate, local.*, global.*,
		// table.get/set, ref.func, br_on_null, br_on_non_null.
		_, err = r.u32()
	case op == 0x0e: // br_table
		var n int
		if n, err = r.count(1); err == nil {
			for i := 0; i <= n && err == nil; i++ {
				_, err = r.u32()
			}
		}
	case op == 0x11 || op == 0x13: // call_indirect, return_call_indirect
		if _, err = r.u32(); err == nil {
			_, err = r.u32()
		}
	case op == 0x1c: // select t*
		var n int
		if n, err = r.count(1); err == nil {
			for i := 0; i < n && err == nil; i++ {
				err = r.valType()
			}
		}
	case op == 0x1f: // try_table
		err = r.tryTable()
	case op >= 0x28 && op <= 0x3e:
		err = r.memArg()
	case op == 0x3f || op == 0x40: // memory.size, memory.grow
		_, err = r.u32()
	case op == 0x41:
		_, err = r.sleb(32)
	case op == 0x42:
		_, err = r.sleb(64)
	case op == 0x43:
		err = r.skip(4)
	case op == 0x44:
		err = r.skip(8)
	case op == 0xd0: // ref.null
		_, err = r.sleb(33)
	default:
		r.pos--
		return r.fail("unknown opcode 0x%02x", op)
	}
	return err
}

func (r *reader) tryTable() error {
	if err := r.blockType(); err != nil {
		return err
	}
	n, err := r.count(2)
	if err != nil {
		return err
	}
	for i := 0; i < n; i++ {
		kind, err := r.byte()
		if err != nil {
			return err
		}
		switch kind {
		case 0x00, 0x01: // catch, catch_ref: tag and label
			if _, err := r.u32(); err != nil {
				return err
			}
		case 0x02, 0x03: // catch_all, catch_all_ref: label
		default:
			return r.fail("unknown catch clause 0x%02x", kind)
		}
		if _, err := r.u32(); err != nil {
			return err
		}
	}
	return nil
}

// Reference type prefixes of typed function references: (ref null ht) and
// (ref ht), each followed by a heap type.
const (
	refNull = 0x63
	ref     = 0x64
)

// blockType skips a block type: empty, a value type, or a type index, all
// read as one signed 33-bit number, except the two-part reference types.
func (r *reader) blockType() error {
	at := r.pos
	if _, err := r.sleb(33); err != nil {
		return err
	}
	if b := r.b[at]; b == refNull || b == ref {
		_, err := r.sleb(33)
		return err
	}
	return nil
}

func (r *reader) valType() error {
	b, err := r.byte()
	if err != nil {
		return err
	}
	if b == refNull || b == ref {
		_, err = r.sleb(33)
	}
	return err
}

// memArg skips alignment (with the multi-memory flag, a memory index) and
// offset.
func (r *reader) memArg() error {
	align, err := r.u32()
	if err != nil {
		return err
	}
	if align&0x40 != 0 {
		if _, err := r.u32(); err != nil {
			return err
		}
	}
	_, err = r.uleb(64)
	return err
}

// misc skips the immediates of a 0xfc instruction.
func (r *reader) misc(code uint32) error {
	var n int // how many indices follow
	switch {
	case code <= 7: // saturating truncations
	case code == 9 || code == 11 || code == 13 || (code >= 15 && code <= 17):
		n = 1 // data.drop, memory.fill, elem.drop, table.grow/size/fill
	case code == 8 || code == 10 || code == 12 || code == 14:
		n = 2 // memory.init, memory.copy, table.init, table.copy
	default:
		return r.fail("unknown instruction 0xfc %d", code)
	}
	for i := 0; i < n; i++ {
		if _, err := r.u32(); err != nil {
			return err
		}
	}
	return nil
}

// simd skips the immediates of a 0xfd instruction.
func (r *reader) simd(code uint32) error {
	switch {
	case code <= 11 || code == 92 || code == 93: // loads, store, load_zero
		return r.memArg()
	case code == 12 || code == 13: // v128.const, i8x16.shuffle
		return r.skip(16)
	case code >= 21 && code <= 34: // extract_lane, replace_lane
		return r.skip(1)
	case code >= 84 && code <= 91: // load_lane, store_lane
		if err := r.memArg(); err != nil {
			return err
		}
		return r.skip(1)
	case code <= 0xff, code >= 0x100 && code <= 0x113: // arithmetic; relaxed SIMD
		return nil
	}
	return r.fail("unknown instruction 0xfd %d", code)
}

// atomic skips the immediates of a 0xfe instruction.
func (r *reader) atomic(code uint32) error {
	switch {
	case code == 0x03: // atomic.fence
		return r.skip(1)
	case code <= 0x02 || (code >= 0x10 && code <= 0x4e):
		return r.memArg()
	}
	return r.fail("unknown instruction 0xfe %d", code)
}
