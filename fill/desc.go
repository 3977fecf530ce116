package fill

import (
	"encoding/binary"
	"fmt"

	"github.com/wasifill/wasifill/internal/canon"
	"github.com/wasifill/wasifill/value"
)

// Fixed addresses and layouts shared with the runtime (rt/fillrt.c).
const (
	cfgAddr   = 16 // function table, function count, arena start, 0
	slotsAddr = 64 // 16 slots of 8 bytes: one call's flat values
	maxSlots  = canon.MaxFlatParams
)

// Descriptor node kinds; the scalars and string share value.Kind's numbers.
const (
	kString  = uint32(value.KindString)
	kList    = kString + 1
	kFixed   = kString + 2
	kRecord  = kString + 3
	kVariant = kString + 4
	kFlags   = kString + 5
)

// Function descriptor words (rt/fillrt.c, F_*).
const (
	errTrap   = 0
	errString = 1
	errCases  = 2
	noCase    = ^uint32(0)
	withMsg   = 1 << 31
)

// blob lays out the descriptors: u32 words and strings at absolute
// addresses from base, each type emitted once.
type blob struct {
	base  uint32
	b     []byte
	types map[*value.Type]uint32
	strs  map[string]uint32
}

func newBlob(base uint32) *blob {
	return &blob{base: base, types: map[*value.Type]uint32{}, strs: map[string]uint32{}}
}

func (bl *blob) align4() {
	for len(bl.b)%4 != 0 {
		bl.b = append(bl.b, 0)
	}
}

// words appends ws and returns their address.
func (bl *blob) words(ws ...uint32) uint32 {
	bl.align4()
	at := bl.base + uint32(len(bl.b))
	for _, w := range ws {
		bl.b = binary.LittleEndian.AppendUint32(bl.b, w)
	}
	return at
}

// str appends s (once) and returns its address.
func (bl *blob) str(s string) uint32 {
	if a, ok := bl.strs[s]; ok {
		return a
	}
	at := bl.base + uint32(len(bl.b))
	bl.b = append(bl.b, s...)
	bl.strs[s] = at
	return at
}

func alignTo(p, a uint32) uint32 { return (p + a - 1) / a * a }

// minWire is the fewest wire bytes a value of t takes (capped), so a
// decoder can refuse a count the remaining input cannot hold.
func minWire(t *value.Type) uint32 {
	const limit = 1 << 20
	switch t.Kind {
	case value.KindF32:
		return 4
	case value.KindF64:
		return 8
	case value.KindList:
		if t.Len == 0 {
			return 1
		}
		return uint32(min(uint64(t.Len)*uint64(minWire(t.Elem)), limit))
	case value.KindRecord, value.KindTuple:
		var n uint64
		for _, f := range canon.FieldTypes(t) {
			n += uint64(minWire(f))
		}
		return uint32(min(n, limit))
	case value.KindFlags:
		return uint32(len(t.Labels)+7) / 8
	}
	return 1
}

// typ emits t's descriptor (its parts first) and returns its address.
func (bl *blob) typ(t *value.Type) uint32 {
	if a, ok := bl.types[t]; ok {
		return a
	}
	var a uint32
	switch t.Kind {
	case value.KindList:
		e := bl.typ(t.Elem)
		if t.Len == 0 {
			a = bl.words(kList, e, canon.Size(t.Elem), canon.Alignment(t.Elem), minWire(t.Elem))
		} else {
			a = bl.words(kFixed, e, t.Len, canon.Size(t.Elem))
		}
	case value.KindRecord, value.KindTuple:
		fs := canon.FieldTypes(t)
		ws := []uint32{kRecord, uint32(len(fs))}
		var off uint32
		for _, f := range fs {
			off = alignTo(off, canon.Alignment(f))
			ws = append(ws, bl.typ(f), off)
			off += canon.Size(f)
		}
		a = bl.words(ws...)
	case value.KindVariant, value.KindEnum, value.KindOption, value.KindResult:
		cs := canon.Cases(t)
		disc := uint32(4)
		switch n := len(cs); {
		case n <= 1<<8:
			disc = 1
		case n <= 1<<16:
			disc = 2
		}
		caseAlign := uint32(1)
		payloads := make([]uint32, len(cs))
		for i, c := range cs {
			if c != nil {
				payloads[i] = bl.typ(c)
				caseAlign = max(caseAlign, canon.Alignment(c))
			}
		}
		ws := []uint32{kVariant, uint32(len(cs)), disc, alignTo(disc, caseAlign), uint32(len(canon.Flatten(t)) - 1)}
		a = bl.words(append(ws, payloads...)...)
	case value.KindFlags:
		a = bl.words(kFlags, uint32(len(t.Labels)))
	default: // the scalars and string (resources are refused before)
		a = bl.words(uint32(t.Kind))
	}
	bl.types[t] = a
	return a
}

// function is one function a fill serves, with what its code needs.
type function struct {
	iface, name string
	params      []*value.Type
	result      *value.Type // nil: none
	sig         canon.Signature
}

// resultMode is 0 (no result), 1 (one flat value) or 2 (in memory).
func (f *function) resultMode() uint32 {
	switch {
	case f.result == nil:
		return 0
	case f.sig.ResultsSpilled:
		return 2
	}
	return 1
}

// errorRule says what an rpc-error becomes for f (the generated fills'
// rule): err("<case>: <message>") for a string error; the error enum or
// variant's case of the same name (with the message when it takes a
// string); otherwise a trap.
func (f *function) errorRule(cases []string) (mode uint32, table [6]uint32) {
	for i := range table {
		table[i] = noCase
	}
	t := f.result
	if t == nil || t.Kind != value.KindResult || t.Err == nil {
		return errTrap, table
	}
	e := t.Err
	if e.Kind == value.KindString {
		return errString, table
	}
	found := false
	for i, rc := range cases {
		switch e.Kind {
		case value.KindEnum:
			for k, l := range e.Labels {
				if l == rc {
					table[i], found = uint32(k), true
				}
			}
		case value.KindVariant:
			for k, c := range e.Cases {
				if c.Name != rc {
					continue
				}
				if c.Type == nil {
					table[i], found = uint32(k), true
				} else if c.Type.Kind == value.KindString {
					table[i], found = uint32(k)|withMsg, true
				}
			}
		}
	}
	if !found {
		return errTrap, table
	}
	return errCases, table
}

// fn emits f's descriptor and returns its address.
func (bl *blob) fn(f *function, cases []string) uint32 {
	tuple := &value.Type{Kind: value.KindTuple, Elems: f.params}
	pt := bl.typ(tuple)
	var rt, rsize, ralign uint32
	if f.result != nil {
		rt, rsize, ralign = bl.typ(f.result), canon.Size(f.result), canon.Alignment(f.result)
	}
	spilled := uint32(0)
	if f.sig.ParamsSpilled {
		spilled = 1
	}
	iface, name := bl.str(f.iface), bl.str(f.name)
	mode, table := f.errorRule(cases)
	ws := []uint32{iface, uint32(len(f.iface)), name, uint32(len(f.name)), spilled, f.resultMode(), pt, rt,
		rsize, ralign, canon.Size(tuple), max(canon.Alignment(tuple), 1), mode}
	return bl.words(append(ws, table[:]...)...)
}

// MaxDepth bounds how deeply a fill's types nest: the runtime walks them
// recursively on a 16 KiB stack.
const MaxDepth = 100

// depth returns how deeply t nests (a scalar is 1), stopping past limit.
func depth(t *value.Type, limit int) int {
	if t == nil || limit < 0 {
		return 0
	}
	parts := append([]*value.Type{t.Elem, t.Ok, t.Err}, t.Elems...)
	for _, f := range t.Fields {
		parts = append(parts, f.Type)
	}
	for _, c := range t.Cases {
		parts = append(parts, c.Type)
	}
	d := 0
	for _, p := range parts {
		d = max(d, depth(p, limit-1))
		if d > limit {
			break
		}
	}
	return d + 1
}

// checkDepth refuses a function whose params or result nest too deeply.
func (f *function) checkDepth() error {
	for _, t := range append([]*value.Type{f.result}, f.params...) {
		if depth(t, MaxDepth) > MaxDepth {
			return fmt.Errorf("fill: %s: function %s: types nest deeper than %d", f.iface, f.name, MaxDepth)
		}
	}
	return nil
}
