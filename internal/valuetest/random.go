// Package valuetest generates random WIT types and values for property and
// fuzz tests of every codec.
package valuetest

import (
	"fmt"
	"math"

	"github.com/wasifill/wasifill/value"
)

// Source is the randomness the generators draw from: a *math/rand/v2.Rand,
// or fuzz input through FromBytes.
type Source interface {
	IntN(n int) int
	Uint64() uint64
}

// Type returns a random type at most depth levels deep.
func Type(r Source, depth int) *value.Type {
	prims := []*value.Type{value.Bool, value.S8, value.U8, value.S16, value.U16, value.S32, value.U32,
		value.S64, value.U64, value.F32, value.F64, value.Char, value.String}
	if depth <= 0 {
		return prims[r.IntN(len(prims))]
	}
	switch r.IntN(10) {
	case 0:
		return value.ListOf(Type(r, depth-1))
	case 1:
		return value.FixedListOf(Type(r, depth-1), uint32(1+r.IntN(3)))
	case 2:
		fields := make([]value.Field, 1+r.IntN(4))
		for i := range fields {
			fields[i] = value.Field{Name: fmt.Sprintf("f%d", i), Type: Type(r, depth-1)}
		}
		return value.RecordOf("", fields...)
	case 3:
		elems := make([]*value.Type, 1+r.IntN(4))
		for i := range elems {
			elems[i] = Type(r, depth-1)
		}
		return value.TupleOf(elems...)
	case 4:
		cases := make([]value.Case, 1+r.IntN(4))
		for i := range cases {
			cases[i].Name = fmt.Sprintf("c%d", i)
			if r.IntN(3) > 0 {
				cases[i].Type = Type(r, depth-1)
			}
		}
		return value.VariantOf("", cases...)
	case 5:
		return value.EnumOf("", labels(1+r.IntN(5))...)
	case 6:
		return value.OptionOf(Type(r, depth-1))
	case 7:
		var ok, err *value.Type
		if r.IntN(2) == 0 {
			ok = Type(r, depth-1)
		}
		if r.IntN(2) == 0 {
			err = Type(r, depth-1)
		}
		return value.ResultOf(ok, err)
	case 8:
		return value.FlagsOf("", labels(1+r.IntN(70))...)
	}
	return prims[r.IntN(len(prims))]
}

func labels(n int) []string {
	out := make([]string, n)
	for i := range out {
		out[i] = fmt.Sprintf("l%d", i)
	}
	return out
}

// Value returns a random value of type t, in the representation documented
// on value.Value.
func Value(r Source, t *value.Type) value.Value {
	switch t.Kind {
	case value.KindBool:
		return r.IntN(2) == 1
	case value.KindS8:
		return int8(r.Uint64())
	case value.KindU8:
		return uint8(r.Uint64())
	case value.KindS16:
		return int16(r.Uint64())
	case value.KindU16:
		return uint16(r.Uint64())
	case value.KindS32:
		return int32(r.Uint64())
	case value.KindU32:
		return uint32(r.Uint64())
	case value.KindS64:
		return int64(edgy(r))
	case value.KindU64:
		return edgy(r)
	case value.KindF32:
		return math.Float32frombits(uint32(r.Uint64()))
	case value.KindF64:
		return math.Float64frombits(r.Uint64())
	case value.KindChar:
		return char(r)
	case value.KindString:
		rs := make([]rune, r.IntN(6))
		for i := range rs {
			rs[i] = char(r)
		}
		return string(rs)
	case value.KindList:
		n := int(t.Len)
		if n == 0 {
			n = r.IntN(4)
		}
		if t.Elem.Kind == value.KindU8 {
			b := make([]byte, n)
			for i := range b {
				b[i] = byte(r.Uint64())
			}
			return b
		}
		out := make([]value.Value, n)
		for i := range out {
			out[i] = Value(r, t.Elem)
		}
		return out
	case value.KindRecord:
		out := make([]value.Value, len(t.Fields))
		for i, f := range t.Fields {
			out[i] = Value(r, f.Type)
		}
		return out
	case value.KindTuple:
		out := make([]value.Value, len(t.Elems))
		for i, e := range t.Elems {
			out[i] = Value(r, e)
		}
		return out
	case value.KindVariant:
		c := r.IntN(len(t.Cases))
		var payload value.Value
		if t.Cases[c].Type != nil {
			payload = Value(r, t.Cases[c].Type)
		}
		return value.Variant{Case: uint32(c), Payload: payload}
	case value.KindEnum:
		return value.Enum(r.IntN(len(t.Labels)))
	case value.KindOption:
		if r.IntN(3) == 0 {
			return value.None
		}
		return value.Some(Value(r, t.Elem))
	case value.KindResult:
		if r.IntN(2) == 0 {
			return value.Ok(payload(r, t.Ok))
		}
		return value.Err(payload(r, t.Err))
	case value.KindFlags:
		out := make(value.Flags, len(t.Labels))
		for i := range out {
			out[i] = r.IntN(2) == 1
		}
		return out
	case value.KindOwn, value.KindBorrow:
		return value.Handle(uint32(r.Uint64()))
	}
	panic("valuetest: unknown kind " + t.Kind.String())
}

func payload(r Source, t *value.Type) value.Value {
	if t == nil {
		return nil
	}
	return Value(r, t)
}

// edgy returns a random uint64 biased toward LEB128 boundaries.
func edgy(r Source) uint64 {
	x := r.Uint64()
	switch r.IntN(4) {
	case 0:
		return x >> (r.IntN(64))
	case 1:
		return uint64(1)<<(7*r.IntN(10)) - uint64(r.IntN(2))
	}
	return x
}

func char(r Source) rune {
	for {
		var c rune
		switch r.IntN(3) {
		case 0:
			c = rune(0x20 + r.IntN(0x5f))
		case 1:
			c = rune(r.IntN(0x800))
		default:
			c = rune(r.IntN(0x110000))
		}
		if value.ValidChar(c) {
			return c
		}
	}
}

// FromBytes is a Source that reads fuzz input, then zeros.
type FromBytes struct {
	B []byte
}

func (f *FromBytes) next() byte {
	if len(f.B) == 0 {
		return 0
	}
	b := f.B[0]
	f.B = f.B[1:]
	return b
}

// IntN returns a number in [0, n) taken from the input.
func (f *FromBytes) IntN(n int) int {
	x := int(f.next())<<8 | int(f.next())
	return x % n
}

// Uint64 returns 8 bytes of the input as a number.
func (f *FromBytes) Uint64() uint64 {
	var x uint64
	for i := 0; i < 8; i++ {
		x = x<<8 | uint64(f.next())
	}
	return x
}
