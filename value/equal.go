package value

import (
	"bytes"
	"math"
)

// Equal reports whether a and b are the same value of type t. NaNs compare
// equal to each other (every codec canonicalises them), and list<u8> may be
// held as []byte or []Value on either side.
func Equal(t *Type, a, b Value) bool {
	if t == nil {
		return a == nil && b == nil
	}
	switch t.Kind {
	case KindF32:
		x, ok1 := a.(float32)
		y, ok2 := b.(float32)
		return ok1 && ok2 && (x == y && math.Signbit(float64(x)) == math.Signbit(float64(y)) || x != x && y != y)
	case KindF64:
		x, ok1 := a.(float64)
		y, ok2 := b.(float64)
		return ok1 && ok2 && (x == y && math.Signbit(x) == math.Signbit(y) || x != x && y != y)
	case KindList:
		if t.Elem.Kind == KindU8 {
			x, ok1 := AsBytes(a)
			y, ok2 := AsBytes(b)
			return ok1 && ok2 && bytes.Equal(x, y)
		}
		return equalSlices(a, b, func(int) *Type { return t.Elem })
	case KindRecord:
		return equalSlices(a, b, func(i int) *Type { return t.Fields[i].Type }) && len(a.([]Value)) == len(t.Fields)
	case KindTuple:
		return equalSlices(a, b, func(i int) *Type { return t.Elems[i] }) && len(a.([]Value)) == len(t.Elems)
	case KindVariant:
		x, ok1 := a.(Variant)
		y, ok2 := b.(Variant)
		if !ok1 || !ok2 || x.Case != y.Case || int(x.Case) >= len(t.Cases) {
			return false
		}
		return Equal(t.Cases[x.Case].Type, x.Payload, y.Payload)
	case KindOption:
		x, ok1 := a.(Option)
		y, ok2 := b.(Option)
		return ok1 && ok2 && x.Some == y.Some && (!x.Some || Equal(t.Elem, x.Value, y.Value))
	case KindResult:
		x, ok1 := a.(Result)
		y, ok2 := b.(Result)
		if !ok1 || !ok2 || x.IsErr != y.IsErr {
			return false
		}
		if x.IsErr {
			return Equal(t.Err, x.Value, y.Value)
		}
		return Equal(t.Ok, x.Value, y.Value)
	case KindFlags:
		x, ok1 := a.(Flags)
		y, ok2 := b.(Flags)
		if !ok1 || !ok2 || len(x) != len(y) {
			return false
		}
		for i := range x {
			if x[i] != y[i] {
				return false
			}
		}
		return true
	default:
		return a == b
	}
}

func equalSlices(a, b Value, elem func(int) *Type) bool {
	x, ok1 := a.([]Value)
	y, ok2 := b.([]Value)
	if !ok1 || !ok2 || len(x) != len(y) {
		return false
	}
	for i := range x {
		if !Equal(elem(i), x[i], y[i]) {
			return false
		}
	}
	return true
}

// AsBytes returns the bytes of a list<u8> held as []byte or []Value.
func AsBytes(v Value) ([]byte, bool) {
	switch v := v.(type) {
	case []byte:
		return v, true
	case []Value:
		out := make([]byte, len(v))
		for i, e := range v {
			b, ok := e.(uint8)
			if !ok {
				return nil, false
			}
			out[i] = b
		}
		return out, true
	}
	return nil, false
}
