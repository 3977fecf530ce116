// Package wire is wasifill's wire encoding of WIT values: the Component
// Model's value-definition encoding as wRPC uses it. It is how params and
// results travel through wasifill:rpc, byte for byte the same in the Go
// runtime, in generated Go fills and in generated Rust fills.
//
// Encoding, by type:
//
//	bool                 one byte, 0 or 1
//	u8, s8               one raw byte
//	u16..u64             unsigned LEB128 (minimal)
//	s16..s64             signed LEB128 (minimal)
//	f32, f64             little-endian IEEE 754; NaN as the canonical NaN
//	char                 its UTF-8 bytes, no length prefix
//	string               LEB128 byte length, then UTF-8
//	list<T>              LEB128 count, then the elements
//	list<T, N>           the N elements, no count
//	record, tuple        the fields in order
//	variant              LEB128 case index, then the payload if the case has one
//	enum                 LEB128 case index
//	option<T>            0x00, or 0x01 then the value
//	result<T, E>         0x00 then the ok payload, or 0x01 then the err payload
//	flags                ceil(n/8) bytes, flag i in bit i%8 of byte i/8
//	own<R>, borrow<R>    an opaque byte blob (as wRPC): a list<u8> holding the
//	                     handle as 4 little-endian bytes
//
// Decoding is strict: trailing bytes, non-minimal or oversized LEB128,
// truncated input, invalid UTF-8 or chars, booleans other than 0 and 1,
// unknown discriminants and flag bits past the last label are errors.
package wire

import (
	"encoding/binary"
	"math"
	"unicode/utf8"

	"github.com/wasifill/wasifill/value"
)

// Encode returns the wire encoding of v, a value of type t.
func Encode(t *value.Type, v value.Value) ([]byte, error) {
	return Append(nil, t, v)
}

// Append appends the wire encoding of v, a value of type t, to dst.
func Append(dst []byte, t *value.Type, v value.Value) ([]byte, error) {
	if t == nil {
		return dst, &EncodeError{Msg: "nil type"}
	}
	mismatch := func() ([]byte, error) { return dst, &value.TypeError{Type: t, Got: v} }
	switch t.Kind {
	case value.KindBool:
		b, ok := v.(bool)
		if !ok {
			return mismatch()
		}
		if b {
			return append(dst, 1), nil
		}
		return append(dst, 0), nil
	case value.KindU8:
		x, ok := v.(uint8)
		if !ok {
			return mismatch()
		}
		return append(dst, x), nil
	case value.KindS8:
		x, ok := v.(int8)
		if !ok {
			return mismatch()
		}
		return append(dst, byte(x)), nil
	case value.KindU16:
		x, ok := v.(uint16)
		if !ok {
			return mismatch()
		}
		return binary.AppendUvarint(dst, uint64(x)), nil
	case value.KindU32:
		x, ok := v.(uint32)
		if !ok {
			return mismatch()
		}
		return binary.AppendUvarint(dst, uint64(x)), nil
	case value.KindU64:
		x, ok := v.(uint64)
		if !ok {
			return mismatch()
		}
		return binary.AppendUvarint(dst, x), nil
	case value.KindS16:
		x, ok := v.(int16)
		if !ok {
			return mismatch()
		}
		return appendSLEB(dst, int64(x)), nil
	case value.KindS32:
		x, ok := v.(int32)
		if !ok {
			return mismatch()
		}
		return appendSLEB(dst, int64(x)), nil
	case value.KindS64:
		x, ok := v.(int64)
		if !ok {
			return mismatch()
		}
		return appendSLEB(dst, x), nil
	case value.KindF32:
		x, ok := v.(float32)
		if !ok {
			return mismatch()
		}
		bits := math.Float32bits(x)
		if x != x {
			bits = math.Float32bits(value.CanonicalNaN32)
		}
		return binary.LittleEndian.AppendUint32(dst, bits), nil
	case value.KindF64:
		x, ok := v.(float64)
		if !ok {
			return mismatch()
		}
		bits := math.Float64bits(x)
		if x != x {
			bits = math.Float64bits(value.CanonicalNaN64)
		}
		return binary.LittleEndian.AppendUint64(dst, bits), nil
	case value.KindChar:
		r, ok := v.(rune)
		if !ok || !value.ValidChar(r) {
			return mismatch()
		}
		return utf8.AppendRune(dst, r), nil
	case value.KindString:
		s, ok := v.(string)
		if !ok || !utf8.ValidString(s) {
			return mismatch()
		}
		dst = binary.AppendUvarint(dst, uint64(len(s)))
		return append(dst, s...), nil
	case value.KindList:
		return appendList(dst, t, v)
	case value.KindRecord:
		return appendFields(dst, t, v, len(t.Fields), func(i int) *value.Type { return t.Fields[i].Type })
	case value.KindTuple:
		return appendFields(dst, t, v, len(t.Elems), func(i int) *value.Type { return t.Elems[i] })
	case value.KindVariant:
		x, ok := v.(value.Variant)
		if !ok || int(x.Case) >= len(t.Cases) {
			return mismatch()
		}
		dst = binary.AppendUvarint(dst, uint64(x.Case))
		return appendPayload(dst, t.Cases[x.Case].Type, x.Payload)
	case value.KindEnum:
		x, ok := v.(value.Enum)
		if !ok || int(x) >= len(t.Labels) {
			return mismatch()
		}
		return binary.AppendUvarint(dst, uint64(x)), nil
	case value.KindOption:
		x, ok := v.(value.Option)
		if !ok {
			return mismatch()
		}
		if !x.Some {
			return append(dst, 0), nil
		}
		return Append(append(dst, 1), t.Elem, x.Value)
	case value.KindResult:
		x, ok := v.(value.Result)
		if !ok {
			return mismatch()
		}
		if x.IsErr {
			return appendPayload(append(dst, 1), t.Err, x.Value)
		}
		return appendPayload(append(dst, 0), t.Ok, x.Value)
	case value.KindFlags:
		x, ok := v.(value.Flags)
		if !ok || len(x) != len(t.Labels) {
			return mismatch()
		}
		start := len(dst)
		dst = append(dst, make([]byte, (len(x)+7)/8)...)
		for i, set := range x {
			if set {
				dst[start+i/8] |= 1 << (i % 8)
			}
		}
		return dst, nil
	case value.KindOwn, value.KindBorrow:
		h, ok := v.(value.Handle)
		if !ok {
			return mismatch()
		}
		dst = append(dst, handleSize)
		return binary.LittleEndian.AppendUint32(dst, uint32(h)), nil
	}
	return dst, &EncodeError{Msg: "unsupported type " + t.String()}
}

// handleSize is the length of a handle's byte blob.
const handleSize = 4

func appendList(dst []byte, t *value.Type, v value.Value) ([]byte, error) {
	if t.Elem != nil && t.Elem.Kind == value.KindU8 {
		b, ok := value.AsBytes(v)
		if !ok {
			return dst, &value.TypeError{Type: t, Got: v}
		}
		if t.Len > 0 {
			if len(b) != int(t.Len) {
				return dst, &EncodeError{Msg: lengthMismatch(t, len(b))}
			}
			return append(dst, b...), nil
		}
		dst = binary.AppendUvarint(dst, uint64(len(b)))
		return append(dst, b...), nil
	}
	elems, ok := v.([]value.Value)
	if !ok {
		return dst, &value.TypeError{Type: t, Got: v}
	}
	if t.Len > 0 {
		if len(elems) != int(t.Len) {
			return dst, &EncodeError{Msg: lengthMismatch(t, len(elems))}
		}
	} else {
		dst = binary.AppendUvarint(dst, uint64(len(elems)))
	}
	var err error
	for _, e := range elems {
		if dst, err = Append(dst, t.Elem, e); err != nil {
			return dst, err
		}
	}
	return dst, nil
}

func appendFields(dst []byte, t *value.Type, v value.Value, n int, field func(int) *value.Type) ([]byte, error) {
	fields, ok := v.([]value.Value)
	if !ok || len(fields) != n {
		return dst, &value.TypeError{Type: t, Got: v}
	}
	var err error
	for i, f := range fields {
		if dst, err = Append(dst, field(i), f); err != nil {
			return dst, err
		}
	}
	return dst, nil
}

// appendPayload appends a variant or result payload; a nil type means the
// case has none, and then the value must be nil too.
func appendPayload(dst []byte, t *value.Type, v value.Value) ([]byte, error) {
	if t == nil {
		if v != nil {
			return dst, &EncodeError{Msg: "payload given for a case without one"}
		}
		return dst, nil
	}
	return Append(dst, t, v)
}

// appendSLEB appends x as minimal signed LEB128.
func appendSLEB(dst []byte, x int64) []byte {
	for {
		b := byte(x & 0x7f)
		x >>= 7
		if x == 0 && b&0x40 == 0 || x == -1 && b&0x40 != 0 {
			return append(dst, b)
		}
		dst = append(dst, b|0x80)
	}
}
