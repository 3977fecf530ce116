package canon

import (
	"encoding/binary"
	"math"

	"github.com/wasifill/wasifill/value"
)

// maxZeroSizeElems caps lists whose elements take no memory, which the
// bounds check alone cannot limit.
const maxZeroSizeElems = 1 << 20

func (c *cx) loadUint(ptr, size uint32) (uint64, error) {
	b, err := c.read(ptr, size, size)
	if err != nil {
		return 0, err
	}
	switch size {
	case 1:
		return uint64(b[0]), nil
	case 2:
		return uint64(binary.LittleEndian.Uint16(b)), nil
	case 4:
		return uint64(binary.LittleEndian.Uint32(b)), nil
	}
	return binary.LittleEndian.Uint64(b), nil
}

// load reads a value of type t at ptr (the spec's load).
func (c *cx) load(t *value.Type, ptr uint32) (value.Value, error) {
	l := layoutOf(t)
	if err := c.check(ptr, l.size, l.align); err != nil {
		return nil, err
	}
	switch t.Kind {
	case value.KindBool, value.KindU8, value.KindS8, value.KindU16, value.KindS16,
		value.KindU32, value.KindS32, value.KindU64, value.KindS64, value.KindChar,
		value.KindF32, value.KindF64, value.KindOwn, value.KindBorrow, value.KindEnum:
		x, err := c.loadUint(ptr, l.size)
		if err != nil {
			return nil, err
		}
		return c.liftScalar(t, x, ptr)
	case value.KindString, value.KindList:
		if t.Kind == value.KindList && t.Len > 0 {
			return c.loadElems(t.Elem, ptr, t.Len)
		}
		begin, err := c.loadUint(ptr, 4)
		if err != nil {
			return nil, err
		}
		n, err := c.loadUint(ptr+4, 4)
		if err != nil {
			return nil, err
		}
		return c.loadSeq(t, uint32(begin), uint32(n))
	case value.KindRecord, value.KindTuple:
		fields := FieldTypes(t)
		out := make([]value.Value, len(fields))
		for i, f := range fields {
			fl := layoutOf(f)
			ptr = alignTo(ptr, fl.align)
			v, err := c.load(f, ptr)
			if err != nil {
				return nil, err
			}
			out[i] = v
			ptr += fl.size
		}
		return out, nil
	case value.KindFlags:
		return c.loadFlags(t, ptr)
	case value.KindVariant, value.KindOption, value.KindResult:
		idx, err := c.loadUint(ptr, l.discSize)
		if err != nil {
			return nil, err
		}
		payloads := Cases(t)
		if idx >= uint64(len(payloads)) {
			return nil, errorf(ErrInvalidDiscriminant, ptr, "case %d of %s, which has %d", idx, t, len(payloads))
		}
		var payload value.Value
		if p := payloads[idx]; p != nil {
			if payload, err = c.load(p, ptr+l.payloadOffset); err != nil {
				return nil, err
			}
		}
		return makeCase(t, uint32(idx), payload), nil
	}
	return nil, errorf(ErrValue, ptr, "cannot lift type %s", t)
}

// makeCase builds the Go value of case idx of a variant-like type.
func makeCase(t *value.Type, idx uint32, payload value.Value) value.Value {
	switch t.Kind {
	case value.KindOption:
		if idx == 0 {
			return value.None
		}
		return value.Some(payload)
	case value.KindResult:
		return value.Result{IsErr: idx == 1, Value: payload}
	case value.KindEnum:
		return value.Enum(idx)
	}
	return value.Variant{Case: idx, Payload: payload}
}

// liftScalar converts a loaded or flat number into the value of a scalar
// type; ptr only positions errors.
func (c *cx) liftScalar(t *value.Type, x uint64, ptr uint32) (value.Value, error) {
	switch t.Kind {
	case value.KindBool:
		return x != 0, nil
	case value.KindU8:
		return uint8(x), nil
	case value.KindS8:
		return int8(x), nil
	case value.KindU16:
		return uint16(x), nil
	case value.KindS16:
		return int16(x), nil
	case value.KindU32:
		return uint32(x), nil
	case value.KindS32:
		return int32(x), nil
	case value.KindU64:
		return x, nil
	case value.KindS64:
		return int64(x), nil
	case value.KindF32:
		f := math.Float32frombits(uint32(x))
		if f != f {
			f = value.CanonicalNaN32
		}
		return f, nil
	case value.KindF64:
		f := math.Float64frombits(x)
		if f != f {
			f = value.CanonicalNaN64
		}
		return f, nil
	case value.KindChar:
		r := rune(uint32(x))
		if uint32(x) > 0x10FFFF || !value.ValidChar(r) {
			return nil, errorf(ErrInvalidChar, ptr, "0x%x is not a Unicode scalar value", uint32(x))
		}
		return r, nil
	case value.KindEnum:
		if x >= uint64(len(t.Labels)) {
			return nil, errorf(ErrInvalidDiscriminant, ptr, "case %d of %s, which has %d", x, t, len(t.Labels))
		}
		return value.Enum(x), nil
	case value.KindOwn, value.KindBorrow:
		if c.opts.Handles == nil {
			return nil, errorf(ErrHandle, ptr, "no handle table for %s", t)
		}
		var v value.Value
		var err error
		if t.Kind == value.KindOwn {
			v, err = c.opts.Handles.LiftOwn(t, uint32(x))
		} else {
			v, err = c.opts.Handles.LiftBorrow(t, uint32(x))
		}
		if err != nil {
			return nil, &Error{Kind: ErrHandle, Offset: ptr, Msg: "lifting handle " + t.String(), Err: err}
		}
		return v, nil
	}
	return nil, errorf(ErrValue, ptr, "%s is not a scalar", t)
}

// loadSeq reads a string or a list (t) of n elements at ptr, wherever its
// pointer and length came from.
func (c *cx) loadSeq(t *value.Type, ptr, n uint32) (value.Value, error) {
	if t.Kind == value.KindString {
		return c.loadString(ptr, n)
	}
	return c.loadList(t.Elem, ptr, n)
}

func (c *cx) loadList(elem *value.Type, ptr, n uint32) (value.Value, error) {
	el := layoutOf(elem)
	if ptr%el.align != 0 {
		return nil, errorf(ErrMisaligned, ptr, "list pointer not aligned to %d", el.align)
	}
	byteLen := uint64(n) * uint64(el.size)
	if byteLen > math.MaxUint32 {
		return nil, errorf(ErrTooLong, ptr, "%d elements of %d bytes overflow 32 bits", n, el.size)
	}
	if err := c.check(ptr, uint32(byteLen), 1); err != nil {
		return nil, err
	}
	return c.loadElems(elem, ptr, n)
}

// loadElems reads n consecutive elements, after the caller checked or
// bounded the range.
func (c *cx) loadElems(elem *value.Type, ptr, n uint32) (value.Value, error) {
	el := layoutOf(elem)
	if el.size == 0 && n > maxZeroSizeElems {
		return nil, errorf(ErrTooLong, ptr, "%d zero-size elements", n)
	}
	if elem.Kind == value.KindU8 {
		b, err := c.read(ptr, n, 1)
		if err != nil {
			return nil, err
		}
		if err := c.spend(ptr, uint64(n)); err != nil {
			return nil, err
		}
		return append([]byte(nil), b...), nil
	}
	if err := c.check(ptr, uint32(min(uint64(n)*uint64(el.size), math.MaxUint32)), el.align); err != nil {
		return nil, err
	}
	if err := c.spend(ptr, uint64(n)*LiftElemCost); err != nil {
		return nil, err
	}
	out := make([]value.Value, n)
	for i := range out {
		v, err := c.load(elem, ptr+uint32(i)*el.size)
		if err != nil {
			return nil, err
		}
		out[i] = v
	}
	return out, nil
}

func (c *cx) loadFlags(t *value.Type, ptr uint32) (value.Value, error) {
	n := len(t.Labels)
	out := make(value.Flags, n)
	size := flagsSize(n)
	if size <= 4 {
		x, err := c.loadUint(ptr, size)
		if err != nil {
			return nil, err
		}
		unpackFlags(out, 0, uint32(x))
		return out, nil
	}
	for i := uint32(0); i < size/4; i++ {
		x, err := c.loadUint(ptr+4*i, 4)
		if err != nil {
			return nil, err
		}
		unpackFlags(out, int(i)*32, uint32(x))
	}
	return out, nil
}

// unpackFlags sets out[base+i] from bit i of x; bits past the last label
// are ignored, as the spec's unpack_flags_from_int does.
func unpackFlags(out value.Flags, base int, x uint32) {
	for i := 0; i < 32 && base+i < len(out); i++ {
		out[base+i] = x&(1<<i) != 0
	}
}
