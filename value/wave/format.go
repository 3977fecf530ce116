package wave

import (
	"fmt"
	"math"
	"strconv"
	"unicode"
	"unicode/utf8"

	"github.com/wasifill/wasifill/value"
)

// Format returns v, a value of type t, as WAVE text, printed exactly as
// wasm-wave's writer prints it.
func Format(t *value.Type, v value.Value) (string, error) {
	b, err := Append(nil, t, v)
	return string(b), err
}

// Append appends the WAVE text of v, a value of type t, to dst.
func Append(dst []byte, t *value.Type, v value.Value) ([]byte, error) {
	if t == nil {
		return dst, fmt.Errorf("wave: nil type")
	}
	bad := func() ([]byte, error) { return dst, &value.TypeError{Type: t, Got: v} }
	switch t.Kind {
	case value.KindBool:
		b, ok := v.(bool)
		if !ok {
			return bad()
		}
		return strconv.AppendBool(dst, b), nil
	case value.KindS8, value.KindS16, value.KindS32, value.KindS64:
		x, ok := signed(v, t.Kind)
		if !ok {
			return bad()
		}
		return strconv.AppendInt(dst, x, 10), nil
	case value.KindU8, value.KindU16, value.KindU32, value.KindU64:
		x, ok := unsigned(v, t.Kind)
		if !ok {
			return bad()
		}
		return strconv.AppendUint(dst, x, 10), nil
	case value.KindF32:
		x, ok := v.(float32)
		if !ok {
			return bad()
		}
		return appendFloat(dst, float64(x), 32), nil
	case value.KindF64:
		x, ok := v.(float64)
		if !ok {
			return bad()
		}
		return appendFloat(dst, x, 64), nil
	case value.KindChar:
		r, ok := v.(rune)
		if !ok || !value.ValidChar(r) {
			return bad()
		}
		dst = append(dst, '\'')
		return append(appendChar(dst, r), '\''), nil
	case value.KindString:
		s, ok := v.(string)
		if !ok || !utf8.ValidString(s) {
			return bad()
		}
		dst = append(dst, '"')
		for _, r := range s {
			dst = appendChar(dst, r)
		}
		return append(dst, '"'), nil
	case value.KindList:
		return appendList(dst, t, v)
	case value.KindTuple:
		elems, ok := v.([]value.Value)
		if !ok || len(elems) != len(t.Elems) {
			return bad()
		}
		return appendSeq(dst, '(', ')', len(elems), func(dst []byte, i int) ([]byte, error) {
			return Append(dst, t.Elems[i], elems[i])
		})
	case value.KindRecord:
		return appendRecord(dst, t, v)
	case value.KindVariant:
		x, ok := v.(value.Variant)
		if !ok || int(x.Case) >= len(t.Cases) {
			return bad()
		}
		c := t.Cases[x.Case]
		return appendCase(appendLabel(dst, c.Name), c.Type, x.Payload)
	case value.KindEnum:
		x, ok := v.(value.Enum)
		if !ok || int(x) >= len(t.Labels) {
			return bad()
		}
		return appendLabel(dst, t.Labels[x]), nil
	case value.KindOption:
		x, ok := v.(value.Option)
		if !ok {
			return bad()
		}
		if !x.Some {
			return append(dst, "none"...), nil
		}
		return appendCase(append(dst, "some"...), t.Elem, x.Value)
	case value.KindResult:
		x, ok := v.(value.Result)
		if !ok {
			return bad()
		}
		if x.IsErr {
			return appendCase(append(dst, "err"...), t.Err, x.Value)
		}
		return appendCase(append(dst, "ok"...), t.Ok, x.Value)
	case value.KindFlags:
		x, ok := v.(value.Flags)
		if !ok || len(x) != len(t.Labels) {
			return bad()
		}
		dst = append(dst, '{')
		first := true
		for i, set := range x {
			if set {
				if !first {
					dst = append(dst, ", "...)
				}
				first = false
				dst = append(dst, t.Labels[i]...)
			}
		}
		return append(dst, '}'), nil
	case value.KindOwn, value.KindBorrow:
		return dst, fmt.Errorf("wave: no syntax for resource handles (%s)", t)
	}
	return dst, fmt.Errorf("wave: unsupported type %s", t)
}

func signed(v value.Value, k value.Kind) (int64, bool) {
	switch x := v.(type) {
	case int8:
		return int64(x), k == value.KindS8
	case int16:
		return int64(x), k == value.KindS16
	case int32:
		return int64(x), k == value.KindS32
	case int64:
		return x, k == value.KindS64
	}
	return 0, false
}

func unsigned(v value.Value, k value.Kind) (uint64, bool) {
	switch x := v.(type) {
	case uint8:
		return uint64(x), k == value.KindU8
	case uint16:
		return uint64(x), k == value.KindU16
	case uint32:
		return uint64(x), k == value.KindU32
	case uint64:
		return x, k == value.KindU64
	}
	return 0, false
}

// appendFloat prints like Rust's Display: shortest round-trip digits, never
// an exponent; nan, inf and -inf as WAVE keywords.
func appendFloat(dst []byte, f float64, bits int) []byte {
	switch {
	case f != f:
		return append(dst, "nan"...)
	case math.IsInf(f, 1):
		return append(dst, "inf"...)
	case math.IsInf(f, -1):
		return append(dst, "-inf"...)
	}
	return strconv.AppendFloat(dst, f, 'f', -1, bits)
}

// appendChar writes one char of a char or string literal, escaped as
// wasm-wave does: \\ \" \' \t \r \n by name, control and non-printing chars
// as \u{hex}.
func appendChar(dst []byte, r rune) []byte {
	switch r {
	case '\\', '"', '\'':
		return append(dst, '\\', byte(r))
	case '\t':
		return append(dst, `\t`...)
	case '\r':
		return append(dst, `\r`...)
	case '\n':
		return append(dst, `\n`...)
	}
	if unicode.IsControl(r) || (!unicode.IsPrint(r) && r != ' ') || unicode.In(r, unicode.Mn, unicode.Me) {
		dst = append(dst, `\u{`...)
		dst = strconv.AppendUint(dst, uint64(r), 16)
		return append(dst, '}')
	}
	return utf8.AppendRune(dst, r)
}

// appendLabel writes a case label, %-escaped when it is a WAVE keyword.
func appendLabel(dst []byte, name string) []byte {
	if keywords[name] {
		dst = append(dst, '%')
	}
	return append(dst, name...)
}

func appendCase(dst []byte, t *value.Type, payload value.Value) ([]byte, error) {
	if t == nil {
		if payload != nil {
			return dst, fmt.Errorf("wave: payload %#v given for a case without one", payload)
		}
		return dst, nil
	}
	dst = append(dst, '(')
	dst, err := Append(dst, t, payload)
	return append(dst, ')'), err
}

func appendSeq(dst []byte, open, close byte, n int, elem func([]byte, int) ([]byte, error)) ([]byte, error) {
	dst = append(dst, open)
	var err error
	for i := 0; i < n; i++ {
		if i > 0 {
			dst = append(dst, ", "...)
		}
		if dst, err = elem(dst, i); err != nil {
			return dst, err
		}
	}
	return append(dst, close), nil
}

func appendList(dst []byte, t *value.Type, v value.Value) ([]byte, error) {
	if t.Elem.Kind == value.KindU8 {
		b, ok := value.AsBytes(v)
		if !ok {
			return dst, &value.TypeError{Type: t, Got: v}
		}
		return appendSeq(dst, '[', ']', len(b), func(dst []byte, i int) ([]byte, error) {
			return strconv.AppendUint(dst, uint64(b[i]), 10), nil
		})
	}
	elems, ok := v.([]value.Value)
	if !ok || (t.Len > 0 && len(elems) != int(t.Len)) {
		return dst, &value.TypeError{Type: t, Got: v}
	}
	return appendSeq(dst, '[', ']', len(elems), func(dst []byte, i int) ([]byte, error) {
		return Append(dst, t.Elem, elems[i])
	})
}

// appendRecord writes `{a: 1, b: 2}`, leaving out none-valued option fields
// and writing `{:}` when nothing is left, as wasm-wave does.
func appendRecord(dst []byte, t *value.Type, v value.Value) ([]byte, error) {
	fields, ok := v.([]value.Value)
	if !ok || len(fields) != len(t.Fields) {
		return dst, &value.TypeError{Type: t, Got: v}
	}
	dst = append(dst, '{')
	first := true
	for i, f := range t.Fields {
		if o, isOpt := fields[i].(value.Option); isOpt && f.Type.Kind == value.KindOption && !o.Some {
			continue
		}
		if !first {
			dst = append(dst, ", "...)
		}
		first = false
		dst = append(dst, f.Name...)
		dst = append(dst, ": "...)
		var err error
		if dst, err = Append(dst, f.Type, fields[i]); err != nil {
			return dst, err
		}
	}
	if first {
		dst = append(dst, ':')
	}
	return append(dst, '}'), nil
}
