package wasmbin

import "fmt"

// This file validates core modules before anything allocates by what they
// declare: every vector's count is bounded by the bytes left, every index
// by its index space, every function's locals, parameters and results by a
// limit, tables and memories by theirs. A module that passes can be handed
// to a decoder (wazero's) that trusts counts and indices.

// CoreLimits bounds what ValidateCore accepts.
type CoreLimits struct {
	// MaxParams and MaxResults bound a function type's arity.
	MaxParams, MaxResults int
	// MaxLocals bounds the locals (parameters included) of one function.
	MaxLocals uint64
	// MaxTableElems bounds the sum of the minimum sizes of all tables,
	// imported and defined.
	MaxTableElems uint64
	// MaxMemoryPages bounds a memory's minimum size in 64 KiB pages.
	MaxMemoryPages uint64
	// MaxBlockDepth bounds how deeply blocks nest in a function body.
	MaxBlockDepth int
}

// DefaultCoreLimits are the limits Validate applies: wasmparser's (as
// Wasmtime uses them) for arity and locals; ten million table elements
// (80 MB of references); 4 GiB of 32-bit memory.
var DefaultCoreLimits = CoreLimits{
	MaxParams:      1000,
	MaxResults:     1000,
	MaxLocals:      50000,
	MaxTableElems:  10_000_000,
	MaxMemoryPages: 65536,
	MaxBlockDepth:  10000,
}

// Validate checks every core module of b (b itself, or those nested in a
// component) with DefaultCoreLimits. Errors are *DecodeError with the
// offset of the fault.
func Validate(b *Binary) error { return ValidateWith(b, DefaultCoreLimits) }

// ValidateWith is Validate with explicit limits.
func ValidateWith(b *Binary, lim CoreLimits) error {
	if b.Kind == KindCoreModule {
		return ValidateCore(b, lim)
	}
	for _, s := range b.Sections {
		if s.Nested != nil {
			if err := ValidateWith(s.Nested, lim); err != nil {
				return err
			}
		}
	}
	return nil
}

// ValidateComponent checks every core module of a decoded component,
// nested components included, as Validate does.
func ValidateComponent(c *Component) error {
	for _, d := range c.Defs {
		var err error
		switch d := d.(type) {
		case *CoreModuleDef:
			err = Validate(d.Module)
		case *ComponentDef:
			err = ValidateComponent(d.Component)
		}
		if err != nil {
			return err
		}
	}
	return nil
}

// coreSig is a function type as the validator needs it.
type coreSig struct{ params, results []byte }

// coreValidator holds a module's index spaces as its sections fill them.
type coreValidator struct {
	lim        CoreLimits
	types      []coreSig
	funcs      []uint32 // type index of every function, imported first
	imported   int      // imported functions
	tables     int
	tableElems uint64
	memories   int
	globals    int
	tags       int
	elems      int
	dataCount  int // -1: no data count section
	datas      int
	code       bool
}

// coreSectionRank orders the non-custom sections of a core module.
var coreSectionRank = map[byte]int{1: 1, 2: 2, 3: 3, 4: 4, 5: 5, 13: 6, 6: 7, 7: 8, 8: 9, 9: 10, 12: 11, 10: 12, 11: 13}

// ValidateCore checks one core module against lim.
func ValidateCore(b *Binary, lim CoreLimits) error {
	if b.Kind != KindCoreModule {
		return &DecodeError{Section: "preamble", Msg: "not a core module"}
	}
	v := &coreValidator{lim: lim, dataCount: -1}
	last := 0
	for _, s := range b.Sections {
		if s.ID == SecCustom {
			continue
		}
		r := b.sectionReader(s)
		rank, ok := coreSectionRank[s.ID]
		if !ok {
			return r.fail("unknown section id %d", s.ID)
		}
		if rank <= last {
			return r.fail("section out of order or repeated")
		}
		last = rank
		if err := v.section(s.ID, r); err != nil {
			return err
		}
		if r.pos != len(r.b) {
			return r.fail("%d unread bytes at the end of the section", len(r.b)-r.pos)
		}
	}
	if !v.code && len(v.funcs) > v.imported {
		return &DecodeError{Section: "core module", Msg: fmt.Sprintf("function section declares %d functions but there is no code section", len(v.funcs)-v.imported)}
	}
	if v.dataCount >= 0 && v.dataCount != v.datas {
		return &DecodeError{Section: "core module", Msg: fmt.Sprintf("data count %d but %d data segments", v.dataCount, v.datas)}
	}
	return nil
}

func (v *coreValidator) section(id byte, r *reader) error {
	switch id {
	case 1:
		return r.vec(3, func() error { return v.typeEntry(r) })
	case 2:
		return r.vec(4, func() error { return v.importEntry(r) })
	case 3:
		return r.vec(1, func() error {
			t, err := v.typeIndex(r)
			v.funcs = append(v.funcs, t)
			return err
		})
	case 4:
		return r.vec(3, func() error { return v.table(r) })
	case 5:
		return r.vec(2, func() error { return v.memory(r) })
	case 13:
		return r.vec(2, func() error { return v.tag(r) })
	case 6:
		return r.vec(4, func() error {
			if err := v.valType(r); err != nil {
				return err
			}
			if err := v.mutability(r); err != nil {
				return err
			}
			// A global's initializer sees only the globals before it.
			if err := v.constExpr(r); err != nil {
				return err
			}
			v.globals++
			return nil
		})
	case 7:
		seen := map[string]bool{}
		return r.vec(3, func() error { return v.export(r, seen) })
	case 8:
		_, err := v.funcIndex(r)
		return err
	case 9:
		return r.vec(2, func() error { return v.elem(r) })
	case 12:
		n, err := r.u32()
		v.dataCount = int(n)
		return err
	case 10:
		return v.codeSection(r)
	case 11:
		return r.vec(2, func() error { return v.data(r) })
	}
	return nil
}

func (v *coreValidator) typeEntry(r *reader) error {
	tag, err := r.byte()
	if err != nil {
		return err
	}
	if tag != 0x60 {
		return r.failBack("type 0x%02x is not a function type (GC types are not supported)", tag)
	}
	var sig coreSig
	if sig.params, err = v.valTypes(r, v.lim.MaxParams, "parameters"); err != nil {
		return err
	}
	if sig.results, err = v.valTypes(r, v.lim.MaxResults, "results"); err != nil {
		return err
	}
	v.types = append(v.types, sig)
	return nil
}

func (v *coreValidator) valTypes(r *reader, max int, what string) ([]byte, error) {
	n, err := r.count(1)
	if err != nil {
		return nil, err
	}
	if n > max {
		return nil, r.fail("%d %s: at most %d are allowed", n, what, max)
	}
	out := make([]byte, 0, n)
	for i := 0; i < n; i++ {
		// A reference type is more than one byte: the count bounded the
		// bytes left by one per type, not what the last types need.
		start := r.pos
		if err := v.valType(r); err != nil {
			return nil, err
		}
		out = append(out, r.b[start])
	}
	return out, nil
}

// valType reads a value type: a number, vector or reference type.
func (v *coreValidator) valType(r *reader) error {
	b, err := r.byte()
	if err != nil {
		return err
	}
	switch {
	case b >= 0x7b && b <= 0x7f, b == 0x70, b == 0x6f, b == 0x69:
		return nil
	case b == 0x63 || b == 0x64: // (ref null? ht)
		return v.heapType(r)
	}
	return r.failBack("invalid value type 0x%02x", b)
}

func (v *coreValidator) heapType(r *reader) error {
	ht, err := r.s33()
	if err != nil {
		return err
	}
	if ht >= 0 && ht >= int64(len(v.types)) {
		return r.fail("heap type names type index %d of %d", ht, len(v.types))
	}
	return nil
}

func (v *coreValidator) refType(r *reader) error {
	b, err := r.byte()
	if err != nil {
		return err
	}
	switch b {
	case 0x70, 0x6f, 0x69:
		return nil
	case 0x63, 0x64:
		return v.heapType(r)
	}
	return r.failBack("invalid reference type 0x%02x", b)
}

func (v *coreValidator) mutability(r *reader) error {
	m, err := r.byte()
	if err == nil && m > 1 {
		err = r.failBack("invalid mutability 0x%02x", m)
	}
	return err
}

func (v *coreValidator) typeIndex(r *reader) (uint32, error) {
	t, err := r.u32()
	if err == nil && uint64(t) >= uint64(len(v.types)) {
		err = r.fail("type index %d is out of range (%d types)", t, len(v.types))
	}
	return t, err
}

func (v *coreValidator) funcIndex(r *reader) (uint32, error) {
	return v.index(r, "function", len(v.funcs))
}

func (v *coreValidator) index(r *reader, what string, n int) (uint32, error) {
	x, err := r.u32()
	if err == nil && uint64(x) >= uint64(n) {
		err = r.fail("%s index %d is out of range (%d)", what, x, n)
	}
	return x, err
}

func (v *coreValidator) importEntry(r *reader) error {
	_, _, kind, err := r.importHead()
	if err != nil {
		return err
	}
	switch kind {
	case ExternFunc:
		t, err := v.typeIndex(r)
		v.funcs = append(v.funcs, t)
		v.imported++
		return err
	case ExternTable:
		return v.table(r)
	case ExternMemory:
		return v.memory(r)
	case ExternGlobal:
		if err := v.valType(r); err != nil {
			return err
		}
		v.globals++
		return v.mutability(r)
	case ExternTag:
		return v.tag(r)
	}
	return r.failBack("unknown import kind 0x%02x", byte(kind))
}

// limits reads limits and returns the minimum (u64 for memory64).
func (v *coreValidator) limits(r *reader, what string) (min uint64, err error) {
	flags, err := r.byte()
	if err != nil {
		return 0, err
	}
	if flags&^0x03 != 0 {
		return 0, r.failBack("%s flags 0x%02x (64-bit or unknown) are not supported", what, flags)
	}
	lo, err := r.u32()
	if err != nil {
		return 0, err
	}
	if flags&1 != 0 {
		hi, err := r.u32()
		if err != nil {
			return 0, err
		}
		if hi < lo {
			return 0, r.fail("%s maximum %d is below its minimum %d", what, hi, lo)
		}
	}
	return uint64(lo), nil
}

func (v *coreValidator) table(r *reader) error {
	if err := v.refType(r); err != nil {
		return err
	}
	min, err := v.limits(r, "table")
	if err != nil {
		return err
	}
	v.tableElems += min
	if v.tableElems > v.lim.MaxTableElems {
		return r.fail("tables need %d elements: at most %d are allowed", v.tableElems, v.lim.MaxTableElems)
	}
	v.tables++
	return nil
}

func (v *coreValidator) memory(r *reader) error {
	min, err := v.limits(r, "memory")
	if err != nil {
		return err
	}
	if min > v.lim.MaxMemoryPages {
		return r.fail("memory of %d pages: at most %d are allowed", min, v.lim.MaxMemoryPages)
	}
	v.memories++
	return nil
}

func (v *coreValidator) tag(r *reader) error {
	attr, err := r.byte()
	if err != nil {
		return err
	}
	if attr != 0 {
		return r.failBack("tag attribute 0x%02x", attr)
	}
	if _, err := v.typeIndex(r); err != nil {
		return err
	}
	v.tags++
	return nil
}

func (v *coreValidator) export(r *reader, seen map[string]bool) error {
	name, err := r.name()
	if err != nil {
		return err
	}
	if seen[name] {
		return r.fail("duplicate export %q", name)
	}
	seen[name] = true
	kind, err := r.byte()
	if err != nil {
		return err
	}
	switch ExternKind(kind) {
	case ExternFunc:
		_, err = v.funcIndex(r)
	case ExternTable:
		_, err = v.index(r, "table", v.tables)
	case ExternMemory:
		_, err = v.index(r, "memory", v.memories)
	case ExternGlobal:
		_, err = v.index(r, "global", v.globals)
	case ExternTag:
		_, err = v.index(r, "tag", v.tags)
	default:
		err = r.failBack("unknown export kind 0x%02x", kind)
	}
	return err
}

// constExpr reads a constant expression up to its end. Only constant
// instructions are allowed (with the extended-const arithmetic).
func (v *coreValidator) constExpr(r *reader) error {
	for {
		op, err := r.byte()
		if err != nil {
			return err
		}
		switch op {
		case 0x0b:
			return nil
		case 0x41:
			err = r.sleb(32)
		case 0x42:
			err = r.sleb(64)
		case 0x43:
			err = r.skip(4)
		case 0x44:
			err = r.skip(8)
		case 0x23:
			_, err = v.index(r, "global", v.globals)
		case 0xd0:
			err = v.heapType(r)
		case 0xd2:
			_, err = v.funcIndex(r)
		case 0x6a, 0x6b, 0x6c, 0x7c, 0x7d, 0x7e: // extended const
		case 0xfd:
			var sub uint32
			if sub, err = r.u32(); err == nil {
				if sub != 12 {
					return r.fail("SIMD instruction %d in a constant expression", sub)
				}
				err = r.skip(16)
			}
		default:
			return r.failBack("opcode 0x%02x is not allowed in a constant expression", op)
		}
		if err != nil {
			return err
		}
	}
}

func (v *coreValidator) elem(r *reader) error {
	flags, err := r.u32()
	if err != nil {
		return err
	}
	if flags > 7 {
		return r.fail("element segment flags %d", flags)
	}
	if flags&3 == 2 {
		if _, err := v.index(r, "table", v.tables); err != nil {
			return err
		}
	}
	if flags&1 == 0 { // active
		if flags&2 == 0 && v.tables == 0 {
			return r.fail("table index 0 is out of range (0)")
		}
		if err := v.constExpr(r); err != nil {
			return err
		}
	}
	if flags&3 != 0 { // elemkind or reftype
		if flags&4 == 0 {
			k, err := r.byte()
			if err != nil {
				return err
			}
			if k != 0 {
				return r.failBack("element kind 0x%02x", k)
			}
		} else if err := v.refType(r); err != nil {
			return err
		}
	}
	if flags&4 == 0 {
		err = r.vec(1, func() error { _, err := v.funcIndex(r); return err })
	} else {
		err = r.vec(2, func() error { return v.constExpr(r) })
	}
	v.elems++
	return err
}

func (v *coreValidator) data(r *reader) error {
	flags, err := r.u32()
	if err != nil {
		return err
	}
	switch flags {
	case 0, 2:
		mem := uint32(0)
		if flags == 2 {
			if mem, err = r.u32(); err != nil {
				return err
			}
		}
		if uint64(mem) >= uint64(v.memories) {
			return r.fail("memory index %d is out of range (%d)", mem, v.memories)
		}
		if err := v.constExpr(r); err != nil {
			return err
		}
	case 1:
	default:
		return r.fail("data segment flags %d", flags)
	}
	n, err := r.u32()
	if err != nil {
		return err
	}
	if uint64(n) > uint64(len(r.b)-r.pos) {
		return r.fail("data of %d bytes runs past the section", n)
	}
	r.pos += int(n)
	v.datas++
	return nil
}

// sleb skips a signed LEB128 of at most bits bits.
func (r *reader) sleb(bits int) error {
	for i := 0; i < (bits+6)/7; i++ {
		c, err := r.byte()
		if err != nil {
			return err
		}
		if c&0x80 == 0 {
			return nil
		}
	}
	return r.fail("signed LEB128 longer than %d bits", bits)
}

func (r *reader) skip(n int) error {
	if n > len(r.b)-r.pos {
		return r.fail("unexpected end of section")
	}
	r.pos += n
	return nil
}
