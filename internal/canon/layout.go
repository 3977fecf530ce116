// Package canon implements the Component Model's canonical ABI
// (CanonicalABI.md): how WIT values are laid out in a guest's linear memory
// and flattened into core wasm values, and how they are lifted into and
// lowered from wasifill's dynamic value model (package value).
//
// Every number that comes from a guest — pointers, lengths, discriminants,
// chars, string bytes — is checked; a bad one becomes an *Error, never a
// panic or an allocation larger than the guest's memory.
package canon

import (
	"slices"
	"sync"
	"sync/atomic"

	"github.com/wasifill/wasifill/value"
)

// ValType is a core wasm value type as flattening produces it.
type ValType uint8

// The core value types of flattened signatures.
const (
	I32 ValType = iota + 1
	I64
	F32
	F64
)

func (v ValType) String() string {
	switch v {
	case I32:
		return "i32"
	case I64:
		return "i64"
	case F32:
		return "f32"
	case F64:
		return "f64"
	}
	return "invalid"
}

// The limits on flat params and results beyond which values spill into
// linear memory (CanonicalABI.md, "Flattening").
const (
	MaxFlatParams  = 16
	MaxFlatResults = 1
)

// layout is what the ABI derives from a type, computed once per *Type.
type layout struct {
	align, size uint32
	flat        []ValType
	// For variants (and option, result, enum): the discriminant size and
	// where the payload starts.
	discSize, payloadOffset uint32
	// For records and tuples: where each field starts.
	fieldOffsets []uint32
}

// layouts caches layouts by type. A long-running host compiles component
// after component (each with types of its own), so the cache is emptied when
// it holds maxCachedLayouts entries: layouts are cheap to compute again, and
// memory stays bounded.
var (
	layouts       sync.Map // *value.Type → *layout
	cachedLayouts atomic.Int64
)

const maxCachedLayouts = 1 << 16

func layoutOf(t *value.Type) *layout {
	if l, ok := layouts.Load(t); ok {
		return l.(*layout)
	}
	l := computeLayout(t)
	if _, loaded := layouts.LoadOrStore(t, l); !loaded && cachedLayouts.Add(1) > maxCachedLayouts {
		cachedLayouts.Store(0)
		layouts.Clear()
	}
	return l
}

// Alignment returns the alignment of t in linear memory.
func Alignment(t *value.Type) uint32 { return layoutOf(t).align }

// Size returns the size of t in linear memory, a multiple of its alignment
// (the spec's elem_size).
func Size(t *value.Type) uint32 { return layoutOf(t).size }

// Flatten returns the core value types t flattens to.
func Flatten(t *value.Type) []ValType { return layoutOf(t).flat }

// Layout is where a type's parts sit in linear memory and what it
// flattens to (CanonicalABI.md: alignment, elem_size, flatten_type, and
// the field and case offsets load and store use).
type Layout struct {
	Size, Align uint32
	Flat        []ValType
	// FieldOffsets, for a record or tuple, is where each field (element)
	// starts, from the value's start.
	FieldOffsets []uint32
	// DiscSize, for a variant, option, result or enum, is the size of its
	// case index (1, 2 or 4 bytes); PayloadOffset is where every case's
	// payload starts.
	DiscSize, PayloadOffset uint32
}

// LayoutOf returns t's layout. The slices are the caller's own.
func LayoutOf(t *value.Type) Layout {
	l := layoutOf(t)
	return Layout{
		Size: l.size, Align: l.align, Flat: slices.Clone(l.flat), FieldOffsets: slices.Clone(l.fieldOffsets),
		DiscSize: l.discSize, PayloadOffset: l.payloadOffset,
	}
}

// PointerSize is the size of a pointer or a length in linear memory
// (wasm32): a string or list is a (pointer, length) pair, its length
// PointerSize bytes after its pointer.
const PointerSize = 4

// FlagsPerWord is how many flags one flat i32 (and, past 16 flags, one
// 32-bit word in memory) holds: flag i is bit i%32 of word i/32.
const FlagsPerWord = 32

func alignTo(p, align uint32) uint32 { return (p + align - 1) / align * align }

// discriminantSize is the size of the case index of a variant with n cases:
// the smallest of u8, u16, u32 that holds n-1.
func discriminantSize(n int) uint32 {
	switch {
	case n <= 1<<8:
		return 1
	case n <= 1<<16:
		return 2
	}
	return 4
}

// flagsSize is the size of a flags type with n labels.
func flagsSize(n int) uint32 {
	switch {
	case n == 0:
		return 0
	case n <= 8:
		return 1
	case n <= 16:
		return 2
	}
	return 4 * uint32((n+31)/32)
}

// Cases returns the payload types of t seen as a variant: option is
// variant { none, some(T) }, result is variant { ok(T), error(E) }, and an
// enum is a variant whose cases have no payload (nil).
func Cases(t *value.Type) []*value.Type {
	switch t.Kind {
	case value.KindOption:
		return []*value.Type{nil, t.Elem}
	case value.KindResult:
		return []*value.Type{t.Ok, t.Err}
	case value.KindEnum:
		return make([]*value.Type, len(t.Labels))
	}
	out := make([]*value.Type, len(t.Cases))
	for i, c := range t.Cases {
		out[i] = c.Type
	}
	return out
}

func computeLayout(t *value.Type) *layout {
	switch t.Kind {
	case value.KindBool, value.KindS8, value.KindU8:
		return &layout{align: 1, size: 1, flat: []ValType{I32}}
	case value.KindS16, value.KindU16:
		return &layout{align: 2, size: 2, flat: []ValType{I32}}
	case value.KindS32, value.KindU32, value.KindChar, value.KindOwn, value.KindBorrow:
		return &layout{align: 4, size: 4, flat: []ValType{I32}}
	case value.KindF32:
		return &layout{align: 4, size: 4, flat: []ValType{F32}}
	case value.KindS64, value.KindU64:
		return &layout{align: 8, size: 8, flat: []ValType{I64}}
	case value.KindF64:
		return &layout{align: 8, size: 8, flat: []ValType{F64}}
	case value.KindString:
		return &layout{align: 4, size: 8, flat: []ValType{I32, I32}}
	case value.KindList:
		if t.Len == 0 {
			return &layout{align: 4, size: 8, flat: []ValType{I32, I32}}
		}
		e := layoutOf(t.Elem)
		l := &layout{align: e.align, size: e.size * t.Len}
		for i := uint32(0); i < t.Len; i++ {
			l.flat = append(l.flat, e.flat...)
		}
		return l
	case value.KindRecord, value.KindTuple:
		return recordLayout(FieldTypes(t))
	case value.KindFlags:
		n := len(t.Labels)
		l := &layout{size: flagsSize(n), align: 4}
		if n <= 16 {
			l.align = max(l.size, 1)
		}
		for i := 0; i < (n+FlagsPerWord-1)/FlagsPerWord; i++ {
			l.flat = append(l.flat, I32)
		}
		return l
	case value.KindVariant, value.KindOption, value.KindResult, value.KindEnum:
		return variantLayout(Cases(t))
	}
	return &layout{align: 1}
}

// FieldTypes returns the types of a record's fields or a tuple's elements.
func FieldTypes(t *value.Type) []*value.Type {
	if t.Kind == value.KindTuple {
		return t.Elems
	}
	out := make([]*value.Type, len(t.Fields))
	for i, f := range t.Fields {
		out[i] = f.Type
	}
	return out
}

func recordLayout(fields []*value.Type) *layout {
	l := &layout{align: 1}
	for _, f := range fields {
		fl := layoutOf(f)
		l.size = alignTo(l.size, fl.align)
		l.fieldOffsets = append(l.fieldOffsets, l.size)
		l.size += fl.size
		l.align = max(l.align, fl.align)
		l.flat = append(l.flat, fl.flat...)
	}
	l.size = alignTo(l.size, l.align)
	return l
}

func variantLayout(payloads []*value.Type) *layout {
	disc := discriminantSize(len(payloads))
	caseAlign, caseSize := uint32(1), uint32(0)
	var joined []ValType
	for _, p := range payloads {
		if p == nil {
			continue
		}
		pl := layoutOf(p)
		caseAlign = max(caseAlign, pl.align)
		caseSize = max(caseSize, pl.size)
		for i, ft := range pl.flat {
			if i < len(joined) {
				joined[i] = join(joined[i], ft)
			} else {
				joined = append(joined, ft)
			}
		}
	}
	l := &layout{align: max(disc, caseAlign), discSize: disc}
	l.payloadOffset = alignTo(disc, caseAlign)
	l.size = alignTo(l.payloadOffset+caseSize, l.align)
	l.flat = append([]ValType{I32}, joined...)
	return l
}

// join is the spec's join of two flat types sharing a position in a
// variant's payload.
func join(a, b ValType) ValType {
	switch {
	case a == b:
		return a
	case a == I32 && b == F32, a == F32 && b == I32:
		return I32
	}
	return I64
}

// FlatTypes flattens a sequence of types (a function's params or results).
func FlatTypes(types []*value.Type) []ValType {
	var out []ValType
	for _, t := range types {
		out = append(out, Flatten(t)...)
	}
	return out
}

// Context says which way a function signature is flattened: Lift for the
// core function a component exports (canon lift), Lower for the core
// function a component imports (canon lower).
type Context uint8

// The two directions of a canonical function.
const (
	Lift Context = iota + 1
	Lower
)

// Signature is a flattened core function type.
type Signature struct {
	Params, Results []ValType
	// ParamsSpilled: the params are passed as one pointer to a tuple in
	// linear memory. ResultsSpilled: the results go through memory — a
	// returned pointer (Lift) or a trailing return-pointer param (Lower).
	ParamsSpilled, ResultsSpilled bool
}

// FlattenFunc returns the core signature of a component function with the
// given params and results (CanonicalABI.md, flatten_functype).
func FlattenFunc(params, results []*value.Type, cx Context) Signature {
	var sig Signature
	sig.Params = FlatTypes(params)
	if len(sig.Params) > MaxFlatParams {
		sig.Params, sig.ParamsSpilled = []ValType{I32}, true
	}
	sig.Results = FlatTypes(results)
	if len(sig.Results) > MaxFlatResults {
		sig.ResultsSpilled = true
		if cx == Lift {
			sig.Results = []ValType{I32}
		} else {
			sig.Params = append(sig.Params, I32)
			sig.Results = nil
		}
	}
	return sig
}
