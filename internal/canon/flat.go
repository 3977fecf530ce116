package canon

import (
	"context"

	"github.com/wasifill/wasifill/value"
)

// Flat core values are carried as uint64, the way wazero passes them: an
// i32 zero-extended, an f32 as its bits zero-extended, an i64 and an f64 as
// their 64 bits. Under that representation the spec's coercions between
// joined variant types are the identity when lowering, and a truncation to
// 32 bits when lifting into an i32 or f32.

// flatIter walks a slice of flat values, each read as a given type.
type flatIter struct {
	vals []uint64
	pos  int
}

func (it *flatIter) next(want ValType) (uint64, error) {
	if it.pos >= len(it.vals) {
		return 0, errorf(ErrValue, 0, "too few flat values: wanted %s at position %d", want, it.pos)
	}
	x := it.vals[it.pos]
	it.pos++
	if want == I32 || want == F32 {
		x = uint64(uint32(x))
	}
	return x, nil
}

// liftFlat lifts a value of type t from flat values (the spec's lift_flat).
func (c *cx) liftFlat(it *flatIter, t *value.Type) (value.Value, error) {
	switch t.Kind {
	case value.KindString, value.KindList:
		if t.Kind == value.KindList && t.Len > 0 {
			out := make([]value.Value, t.Len)
			for i := range out {
				v, err := c.liftFlat(it, t.Elem)
				if err != nil {
					return nil, err
				}
				out[i] = v
			}
			if t.Elem.Kind == value.KindU8 {
				b, _ := value.AsBytes(out)
				return b, nil
			}
			return out, nil
		}
		ptr, err := it.next(I32)
		if err != nil {
			return nil, err
		}
		n, err := it.next(I32)
		if err != nil {
			return nil, err
		}
		return c.loadSeq(t, uint32(ptr), uint32(n))
	case value.KindRecord, value.KindTuple:
		fields := FieldTypes(t)
		out := make([]value.Value, len(fields))
		for i, f := range fields {
			v, err := c.liftFlat(it, f)
			if err != nil {
				return nil, err
			}
			out[i] = v
		}
		return out, nil
	case value.KindFlags:
		out := make(value.Flags, len(t.Labels))
		for i := 0; i < (len(t.Labels)+31)/32; i++ {
			x, err := it.next(I32)
			if err != nil {
				return nil, err
			}
			unpackFlags(out, 32*i, uint32(x))
		}
		return out, nil
	case value.KindVariant, value.KindOption, value.KindResult:
		return c.liftFlatVariant(it, t)
	}
	flat := Flatten(t)
	x, err := it.next(flat[0])
	if err != nil {
		return nil, err
	}
	return c.liftScalar(t, x, 0)
}

func (c *cx) liftFlatVariant(it *flatIter, t *value.Type) (value.Value, error) {
	flat := Flatten(t)[1:]
	idx, err := it.next(I32)
	if err != nil {
		return nil, err
	}
	payloads := Cases(t)
	if idx >= uint64(len(payloads)) {
		return nil, errorf(ErrInvalidDiscriminant, 0, "case %d of %s, which has %d", idx, t, len(payloads))
	}
	// The payload's flat values sit in the joined positions; read them as
	// the case's own types, then skip the rest.
	start := it.pos
	var payload value.Value
	if p := payloads[idx]; p != nil {
		if payload, err = c.liftFlat(it, p); err != nil {
			return nil, err
		}
	}
	if it.pos-start > len(flat) || start+len(flat) > len(it.vals) {
		return nil, errorf(ErrValue, 0, "too few flat values for %s", t)
	}
	it.pos = start + len(flat)
	return makeCase(t, uint32(idx), payload), nil
}

// lowerFlat appends the flat values of v, a value of type t (the spec's
// lower_flat).
func (c *cx) lowerFlat(out []uint64, t *value.Type, v value.Value) ([]uint64, error) {
	switch t.Kind {
	case value.KindString:
		s, ok := v.(string)
		if !ok {
			return out, badValue(t, v)
		}
		ptr, units, err := c.storeString(s)
		return append(out, uint64(ptr), uint64(units)), err
	case value.KindList:
		if t.Len > 0 {
			return c.lowerFlatFixedList(out, t, v)
		}
		ptr, n, err := c.storeList(t, v)
		return append(out, uint64(ptr), uint64(n)), err
	case value.KindRecord, value.KindTuple:
		fields := FieldTypes(t)
		vs, ok := v.([]value.Value)
		if !ok || len(vs) != len(fields) {
			return out, badValue(t, v)
		}
		var err error
		for i, f := range fields {
			if out, err = c.lowerFlat(out, f, vs[i]); err != nil {
				return out, err
			}
		}
		return out, nil
	case value.KindFlags:
		words, err := flagWords(t, v)
		if err != nil {
			return out, err
		}
		for i := 0; i < (len(t.Labels)+31)/32; i++ {
			out = append(out, uint64(words[i]))
		}
		return out, nil
	case value.KindVariant, value.KindOption, value.KindResult:
		idx, pt, payload, err := caseOf(t, v)
		if err != nil {
			return out, err
		}
		out = append(out, uint64(idx))
		start := len(out)
		if pt != nil {
			if out, err = c.lowerFlat(out, pt, payload); err != nil {
				return out, err
			}
		}
		for len(out)-start < len(Flatten(t))-1 {
			out = append(out, 0)
		}
		return out, nil
	}
	x, err := c.scalarBits(t, v)
	return append(out, x), err
}

func (c *cx) lowerFlatFixedList(out []uint64, t *value.Type, v value.Value) ([]uint64, error) {
	var elems []value.Value
	if t.Elem.Kind == value.KindU8 {
		b, ok := value.AsBytes(v)
		if !ok {
			return out, badValue(t, v)
		}
		for _, x := range b {
			elems = append(elems, x)
		}
	} else {
		var ok bool
		if elems, ok = v.([]value.Value); !ok {
			return out, badValue(t, v)
		}
	}
	if len(elems) != int(t.Len) {
		return out, badValue(t, v)
	}
	var err error
	for _, e := range elems {
		if out, err = c.lowerFlat(out, t.Elem, e); err != nil {
			return out, err
		}
	}
	return out, nil
}

// LiftValues lifts values of the given types from flat core values (the
// spec's lift_flat_values): when the types flatten to more than maxFlat
// values, flat holds one pointer to a tuple of them in memory. Flat values
// past those the types need (a trailing return pointer) are ignored.
func LiftValues(ctx context.Context, opts *Options, maxFlat int, types []*value.Type, flat []uint64) ([]value.Value, error) {
	c := &cx{ctx: ctx, opts: opts}
	it := &flatIter{vals: flat}
	if len(FlatTypes(types)) > maxFlat {
		ptr, err := it.next(I32)
		if err != nil {
			return nil, err
		}
		v, err := c.load(value.TupleOf(types...), uint32(ptr))
		if err != nil {
			return nil, err
		}
		return v.([]value.Value), nil
	}
	out := make([]value.Value, len(types))
	for i, t := range types {
		v, err := c.liftFlat(it, t)
		if err != nil {
			return nil, err
		}
		out[i] = v
	}
	return out, nil
}

// LowerValues lowers vals of the given types to flat core values (the
// spec's lower_flat_values). When they flatten to more than maxFlat values
// they are stored as a tuple in memory: at *outPtr when it is non-nil (a
// return pointer the guest passed; nothing flat is returned), else in space
// from realloc whose pointer is the one flat value returned.
func LowerValues(ctx context.Context, opts *Options, maxFlat int, types []*value.Type, vals []value.Value, outPtr *uint32) ([]uint64, error) {
	if len(vals) != len(types) {
		return nil, errorf(ErrValue, 0, "%d values for %d types", len(vals), len(types))
	}
	c := &cx{ctx: ctx, opts: opts}
	if len(FlatTypes(types)) > maxFlat {
		tuple := value.TupleOf(types...)
		l := layoutOf(tuple)
		var ptr uint32
		var out []uint64
		if outPtr != nil {
			ptr = *outPtr
		} else {
			var err error
			if ptr, err = c.realloc(0, 0, l.align, l.size); err != nil {
				return nil, err
			}
			out = []uint64{uint64(ptr)}
		}
		if err := c.store(tuple, vals, ptr); err != nil {
			return nil, err
		}
		return out, nil
	}
	var out []uint64
	var err error
	for i, t := range types {
		if out, err = c.lowerFlat(out, t, vals[i]); err != nil {
			return nil, err
		}
	}
	return out, nil
}

// Load reads a value of type t from memory at ptr.
func Load(ctx context.Context, opts *Options, t *value.Type, ptr uint32) (value.Value, error) {
	return (&cx{ctx: ctx, opts: opts}).load(t, ptr)
}

// Store writes v, a value of type t, into memory at ptr, allocating what it
// points to through realloc.
func Store(ctx context.Context, opts *Options, t *value.Type, v value.Value, ptr uint32) error {
	return (&cx{ctx: ctx, opts: opts}).store(t, v, ptr)
}
