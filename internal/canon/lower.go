package canon

import (
	"encoding/binary"
	"math"

	"github.com/wasifill/wasifill/value"
)

func badValue(t *value.Type, v value.Value) error {
	return &Error{Kind: ErrValue, Msg: "lowering", Err: &value.TypeError{Type: t, Got: v}}
}

// zeroExt is v, an unsigned integer of type T, zero-extended; ok is false
// when v is not a T.
func zeroExt[T uint8 | uint16 | uint32](v value.Value) (x uint64, ok bool) {
	y, ok := v.(T)
	return uint64(y), ok
}

// signExt32 is v, a signed integer of type T, sign-extended to 32 bits and
// carried zero-extended; ok is false when v is not a T.
func signExt32[T int8 | int16 | int32](v value.Value) (x uint64, ok bool) {
	y, ok := v.(T)
	return uint64(uint32(int32(y))), ok
}

// scalarBits returns the flat value of a scalar as the ABI lowers it:
// unsigned integers zero-extended; s8, s16 and s32 sign-extended to 32 bits
// (the spec's lower_flat_signed into an i32, so a C callee that reads an
// int32_t sees -1 for an s8 of -1), carried as that i32 zero-extended to 64
// bits; floats as IEEE bits (NaN canonical); chars as their code point;
// handles as table indexes. Stores write the low bytes of the same bits.
func (c *cx) scalarBits(t *value.Type, v value.Value) (uint64, error) {
	ok := true
	var x uint64
	switch t.Kind {
	case value.KindBool:
		var b bool
		if b, ok = v.(bool); b {
			x = 1
		}
	case value.KindU8:
		x, ok = zeroExt[uint8](v)
	case value.KindS8:
		x, ok = signExt32[int8](v)
	case value.KindU16:
		x, ok = zeroExt[uint16](v)
	case value.KindS16:
		x, ok = signExt32[int16](v)
	case value.KindU32:
		x, ok = zeroExt[uint32](v)
	case value.KindS32:
		x, ok = signExt32[int32](v)
	case value.KindU64:
		x, ok = v.(uint64)
	case value.KindS64:
		var y int64
		y, ok = v.(int64)
		x = uint64(y)
	case value.KindF32:
		var f float32
		f, ok = v.(float32)
		if f != f {
			f = value.CanonicalNaN32
		}
		x = uint64(math.Float32bits(f))
	case value.KindF64:
		var f float64
		f, ok = v.(float64)
		if f != f {
			f = value.CanonicalNaN64
		}
		x = math.Float64bits(f)
	case value.KindChar:
		var r rune
		r, ok = v.(rune)
		ok = ok && value.ValidChar(r)
		x = uint64(r)
	case value.KindEnum:
		var e value.Enum
		e, ok = v.(value.Enum)
		ok = ok && int(e) < len(t.Labels)
		x = uint64(e)
	case value.KindOwn, value.KindBorrow:
		if c.opts.Handles == nil {
			return 0, errorf(ErrHandle, 0, "no handle table for %s", t)
		}
		var idx uint32
		var err error
		if t.Kind == value.KindOwn {
			idx, err = c.opts.Handles.LowerOwn(t, v)
		} else {
			idx, err = c.opts.Handles.LowerBorrow(t, v)
		}
		if err != nil {
			return 0, &Error{Kind: ErrHandle, Msg: "lowering handle " + t.String(), Err: err}
		}
		x = uint64(idx)
	default:
		ok = false
	}
	if !ok {
		return 0, badValue(t, v)
	}
	return x, nil
}

func (c *cx) storeUint(ptr, size uint32, x uint64) error {
	var buf [8]byte
	binary.LittleEndian.PutUint64(buf[:], x)
	return c.write(ptr, buf[:size], size)
}

// store writes v, a value of type t, at ptr (the spec's store).
func (c *cx) store(t *value.Type, v value.Value, ptr uint32) error {
	l := layoutOf(t)
	if err := c.check(ptr, l.size, l.align); err != nil {
		return err
	}
	switch t.Kind {
	case value.KindString:
		s, ok := v.(string)
		if !ok {
			return badValue(t, v)
		}
		begin, units, err := c.storeString(s)
		if err != nil {
			return err
		}
		return c.storePair(ptr, begin, units)
	case value.KindList:
		if t.Len > 0 {
			return c.storeFixedList(t, v, ptr)
		}
		begin, n, err := c.storeList(t, v)
		if err != nil {
			return err
		}
		return c.storePair(ptr, begin, n)
	case value.KindRecord, value.KindTuple:
		fields := FieldTypes(t)
		vs, ok := v.([]value.Value)
		if !ok || len(vs) != len(fields) {
			return badValue(t, v)
		}
		for i, f := range fields {
			fl := layoutOf(f)
			ptr = alignTo(ptr, fl.align)
			if err := c.store(f, vs[i], ptr); err != nil {
				return err
			}
			ptr += fl.size
		}
		return nil
	case value.KindFlags:
		words, err := flagWords(t, v)
		if err != nil {
			return err
		}
		if l.size <= 4 {
			if l.size == 0 {
				return nil
			}
			return c.storeUint(ptr, l.size, uint64(words[0]))
		}
		for i, w := range words {
			if err := c.storeUint(ptr+4*uint32(i), 4, uint64(w)); err != nil {
				return err
			}
		}
		return nil
	case value.KindVariant, value.KindOption, value.KindResult:
		idx, payloadType, payload, err := caseOf(t, v)
		if err != nil {
			return err
		}
		if err := c.storeUint(ptr, l.discSize, uint64(idx)); err != nil {
			return err
		}
		if payloadType == nil {
			return nil
		}
		return c.store(payloadType, payload, ptr+l.payloadOffset)
	}
	x, err := c.scalarBits(t, v)
	if err != nil {
		return err
	}
	return c.storeUint(ptr, l.size, x)
}

func (c *cx) storePair(ptr, a, b uint32) error {
	var buf [8]byte
	binary.LittleEndian.PutUint32(buf[:], a)
	binary.LittleEndian.PutUint32(buf[4:], b)
	return c.write(ptr, buf[:], 4)
}

// storeList allocates the list's elements through realloc, stores them and
// returns the pointer and count (the spec's store_list_into_range).
func (c *cx) storeList(t *value.Type, v value.Value) (uint32, uint32, error) {
	el := layoutOf(t.Elem)
	if t.Elem.Kind == value.KindU8 {
		b, ok := value.AsBytes(v)
		if !ok {
			return 0, 0, badValue(t, v)
		}
		if uint64(len(b)) > math.MaxUint32 {
			return 0, 0, errorf(ErrTooLong, 0, "list of %d bytes", len(b))
		}
		return c.storeBytes(b, 1, uint32(len(b)))
	}
	vs, ok := v.([]value.Value)
	if !ok {
		return 0, 0, badValue(t, v)
	}
	byteLen := uint64(len(vs)) * uint64(el.size)
	if byteLen > math.MaxUint32 {
		return 0, 0, errorf(ErrTooLong, 0, "list of %d bytes", byteLen)
	}
	ptr, err := c.realloc(0, 0, el.align, uint32(byteLen))
	if err != nil {
		return 0, 0, err
	}
	for i, e := range vs {
		if err := c.store(t.Elem, e, ptr+uint32(i)*el.size); err != nil {
			return 0, 0, err
		}
	}
	return ptr, uint32(len(vs)), nil
}

func (c *cx) storeFixedList(t *value.Type, v value.Value, ptr uint32) error {
	el := layoutOf(t.Elem)
	if t.Elem.Kind == value.KindU8 {
		b, ok := value.AsBytes(v)
		if !ok || len(b) != int(t.Len) {
			return badValue(t, v)
		}
		return c.write(ptr, b, 1)
	}
	vs, ok := v.([]value.Value)
	if !ok || len(vs) != int(t.Len) {
		return badValue(t, v)
	}
	for i, e := range vs {
		if err := c.store(t.Elem, e, ptr+uint32(i)*el.size); err != nil {
			return err
		}
	}
	return nil
}

// caseOf splits a variant-like value into its case index, payload type and
// payload.
func caseOf(t *value.Type, v value.Value) (uint32, *value.Type, value.Value, error) {
	payloads := Cases(t)
	var idx uint32
	var payload value.Value
	switch t.Kind {
	case value.KindOption:
		o, ok := v.(value.Option)
		if !ok {
			return 0, nil, nil, badValue(t, v)
		}
		if o.Some {
			idx, payload = 1, o.Value
		}
	case value.KindResult:
		r, ok := v.(value.Result)
		if !ok {
			return 0, nil, nil, badValue(t, v)
		}
		if r.IsErr {
			idx = 1
		}
		payload = r.Value
	default:
		x, ok := v.(value.Variant)
		if !ok || int(x.Case) >= len(payloads) {
			return 0, nil, nil, badValue(t, v)
		}
		idx, payload = x.Case, x.Payload
	}
	if payloads[idx] == nil && payload != nil {
		return 0, nil, nil, badValue(t, v)
	}
	return idx, payloads[idx], payload, nil
}

// flagWords packs a flags value into 32-bit words, flag i in bit i%32 of
// word i/32.
func flagWords(t *value.Type, v value.Value) ([]uint32, error) {
	f, ok := v.(value.Flags)
	if !ok || len(f) != len(t.Labels) {
		return nil, badValue(t, v)
	}
	words := make([]uint32, max((len(f)+31)/32, 1))
	for i, set := range f {
		if set {
			words[i/32] |= 1 << (i % 32)
		}
	}
	return words, nil
}
