package wire

import (
	"encoding/binary"
	"fmt"
	"math"
	"unicode/utf8"

	"github.com/wasifill/wasifill/value"
)

// maxDepth bounds how deeply decoding recurses into nested types.
const maxDepth = 256

// DecodeError reports input that is not a valid encoding of its type.
type DecodeError struct {
	Offset int    // byte offset where the problem was found
	Type   string // the WIT type being decoded there
	Msg    string
}

func (e *DecodeError) Error() string {
	return fmt.Sprintf("wire: decoding %s at offset %d: %s", e.Type, e.Offset, e.Msg)
}

// EncodeError reports a value that cannot be encoded, beyond a plain
// representation mismatch (which is a *value.TypeError).
type EncodeError struct {
	Msg string
}

func (e *EncodeError) Error() string { return "wire: encode: " + e.Msg }

func lengthMismatch(t *value.Type, n int) string {
	return fmt.Sprintf("%s needs exactly %d elements, got %d", t, t.Len, n)
}

// Decode decodes exactly one value of type t from b. Bytes left over after
// the value are an error.
func Decode(t *value.Type, b []byte) (value.Value, error) {
	d := Decoder{buf: b}
	v, err := d.Value(t)
	if err != nil {
		return nil, err
	}
	if d.pos != len(b) {
		return nil, &DecodeError{Offset: d.pos, Type: t.String(), Msg: fmt.Sprintf("%d trailing bytes", len(b)-d.pos)}
	}
	return v, nil
}

// Decoder reads consecutive values from a byte slice, as a function's
// params tuple is read one parameter at a time.
type Decoder struct {
	buf   []byte
	pos   int
	depth int
}

// NewDecoder returns a decoder reading from b.
func NewDecoder(b []byte) *Decoder { return &Decoder{buf: b} }

// Offset returns how many bytes have been consumed.
func (d *Decoder) Offset() int { return d.pos }

// Done reports whether every byte has been consumed.
func (d *Decoder) Done() bool { return d.pos == len(d.buf) }

func (d *Decoder) fail(t *value.Type, at int, format string, args ...any) error {
	return &DecodeError{Offset: at, Type: t.String(), Msg: fmt.Sprintf(format, args...)}
}

func (d *Decoder) byte(t *value.Type) (byte, error) {
	if d.pos >= len(d.buf) {
		return 0, d.fail(t, d.pos, "unexpected end of input")
	}
	b := d.buf[d.pos]
	d.pos++
	return b, nil
}

func (d *Decoder) take(t *value.Type, n uint64) ([]byte, error) {
	if n > uint64(len(d.buf)-d.pos) {
		return nil, d.fail(t, d.pos, "needs %d bytes, only %d left", n, len(d.buf)-d.pos)
	}
	b := d.buf[d.pos : d.pos+int(n)]
	d.pos += int(n)
	return b, nil
}

// uleb reads a minimal unsigned LEB128 number of at most bits bits.
func (d *Decoder) uleb(t *value.Type, bits uint) (uint64, error) {
	start := d.pos
	var x uint64
	for shift := uint(0); ; shift += 7 {
		b, err := d.byte(t)
		if err != nil {
			return 0, err
		}
		if shift >= bits || (bits-shift < 7 && uint64(b&0x7f)>>(bits-shift) != 0) {
			return 0, d.fail(t, start, "LEB128 number overflows %d bits", bits)
		}
		x |= uint64(b&0x7f) << shift
		if b&0x80 == 0 {
			if b == 0 && shift > 0 {
				return 0, d.fail(t, start, "LEB128 number is not minimally encoded")
			}
			return x, nil
		}
	}
}

// sleb reads a minimal signed LEB128 number of at most bits bits.
func (d *Decoder) sleb(t *value.Type, bits uint) (int64, error) {
	start := d.pos
	var x int64
	var shift uint
	for {
		b, err := d.byte(t)
		if err != nil {
			return 0, err
		}
		if shift >= bits {
			return 0, d.fail(t, start, "LEB128 number overflows %d bits", bits)
		}
		if shift == 63 && b != 0 && b != 0x7f {
			return 0, d.fail(t, start, "LEB128 number overflows %d bits", bits)
		}
		x |= int64(b&0x7f) << shift
		shift += 7
		if b&0x80 != 0 {
			continue
		}
		if shift < 64 && b&0x40 != 0 {
			x |= -1 << shift
		}
		if shift > 7 && (b == 0 && d.buf[d.pos-2]&0x40 == 0 || b == 0x7f && d.buf[d.pos-2]&0x40 != 0) {
			return 0, d.fail(t, start, "LEB128 number is not minimally encoded")
		}
		if bits < 64 && (x < -(1<<(bits-1)) || x >= 1<<(bits-1)) {
			return 0, d.fail(t, start, "LEB128 number overflows %d bits", bits)
		}
		return x, nil
	}
}

// Value decodes the next value of type t.
func (d *Decoder) Value(t *value.Type) (value.Value, error) {
	if t == nil {
		return nil, &DecodeError{Offset: d.pos, Type: "_", Msg: "nil type"}
	}
	if d.depth >= maxDepth {
		return nil, d.fail(t, d.pos, "values nest deeper than %d levels", maxDepth)
	}
	d.depth++
	defer func() { d.depth-- }()
	start := d.pos
	switch t.Kind {
	case value.KindBool:
		b, err := d.byte(t)
		if err != nil {
			return nil, err
		}
		if b > 1 {
			return nil, d.fail(t, start, "bool byte must be 0 or 1, got %d", b)
		}
		return b == 1, nil
	case value.KindU8:
		b, err := d.byte(t)
		return b, err
	case value.KindS8:
		b, err := d.byte(t)
		return int8(b), err
	case value.KindU16:
		x, err := d.uleb(t, 16)
		return uint16(x), err
	case value.KindU32:
		x, err := d.uleb(t, 32)
		return uint32(x), err
	case value.KindU64:
		return d.uleb(t, 64)
	case value.KindS16:
		x, err := d.sleb(t, 16)
		return int16(x), err
	case value.KindS32:
		x, err := d.sleb(t, 32)
		return int32(x), err
	case value.KindS64:
		return d.sleb(t, 64)
	case value.KindF32:
		b, err := d.take(t, 4)
		if err != nil {
			return nil, err
		}
		f := math.Float32frombits(binary.LittleEndian.Uint32(b))
		if f != f {
			f = value.CanonicalNaN32
		}
		return f, nil
	case value.KindF64:
		b, err := d.take(t, 8)
		if err != nil {
			return nil, err
		}
		f := math.Float64frombits(binary.LittleEndian.Uint64(b))
		if f != f {
			f = value.CanonicalNaN64
		}
		return f, nil
	case value.KindChar:
		return d.char(t)
	case value.KindString:
		n, err := d.uleb(t, 32)
		if err != nil {
			return nil, err
		}
		b, err := d.take(t, n)
		if err != nil {
			return nil, err
		}
		if !utf8.Valid(b) {
			return nil, d.fail(t, start, "string is not valid UTF-8")
		}
		return string(b), nil
	case value.KindList:
		return d.list(t)
	case value.KindRecord:
		return d.fields(len(t.Fields), func(i int) *value.Type { return t.Fields[i].Type })
	case value.KindTuple:
		return d.fields(len(t.Elems), func(i int) *value.Type { return t.Elems[i] })
	case value.KindVariant:
		i, err := d.uleb(t, 32)
		if err != nil {
			return nil, err
		}
		if i >= uint64(len(t.Cases)) {
			return nil, d.fail(t, start, "case index %d out of range (%d cases)", i, len(t.Cases))
		}
		payload, err := d.payload(t.Cases[i].Type)
		return value.Variant{Case: uint32(i), Payload: payload}, err
	case value.KindEnum:
		i, err := d.uleb(t, 32)
		if err != nil {
			return nil, err
		}
		if i >= uint64(len(t.Labels)) {
			return nil, d.fail(t, start, "case index %d out of range (%d cases)", i, len(t.Labels))
		}
		return value.Enum(i), nil
	case value.KindOption:
		tag, err := d.tag(t)
		if err != nil || tag == 0 {
			return value.None, err
		}
		v, err := d.Value(t.Elem)
		return value.Some(v), err
	case value.KindResult:
		tag, err := d.tag(t)
		if err != nil {
			return nil, err
		}
		if tag == 1 {
			v, err := d.payload(t.Err)
			return value.Err(v), err
		}
		v, err := d.payload(t.Ok)
		return value.Ok(v), err
	case value.KindFlags:
		return d.flags(t)
	case value.KindOwn, value.KindBorrow:
		n, err := d.uleb(t, 32)
		if err != nil {
			return nil, err
		}
		if n != handleSize {
			return nil, d.fail(t, start, "handle blob must be %d bytes, got %d", handleSize, n)
		}
		b, err := d.take(t, handleSize)
		if err != nil {
			return nil, err
		}
		return value.Handle(binary.LittleEndian.Uint32(b)), nil
	}
	return nil, d.fail(t, start, "unsupported type")
}

func (d *Decoder) tag(t *value.Type) (byte, error) {
	at := d.pos
	b, err := d.byte(t)
	if err == nil && b > 1 {
		err = d.fail(t, at, "tag byte must be 0 or 1, got %d", b)
	}
	return b, err
}

func (d *Decoder) payload(t *value.Type) (value.Value, error) {
	if t == nil {
		return nil, nil
	}
	return d.Value(t)
}

func (d *Decoder) char(t *value.Type) (value.Value, error) {
	start := d.pos
	if d.pos >= len(d.buf) {
		return nil, d.fail(t, start, "unexpected end of input")
	}
	r, size := utf8.DecodeRune(d.buf[d.pos:])
	if r == utf8.RuneError && size <= 1 {
		return nil, d.fail(t, start, "char is not valid UTF-8")
	}
	d.pos += size
	return r, nil
}

func (d *Decoder) list(t *value.Type) (value.Value, error) {
	n := uint64(t.Len)
	if t.Len == 0 {
		var err error
		if n, err = d.uleb(t, 32); err != nil {
			return nil, err
		}
	}
	if t.Elem.Kind == value.KindU8 {
		b, err := d.take(t, n)
		if err != nil {
			return nil, err
		}
		return append([]byte(nil), b...), nil
	}
	// Every element takes at least one byte unless its type encodes to
	// nothing, so a count larger than the remaining input is a lie; cap
	// the preallocation by it either way.
	prealloc := min(n, uint64(len(d.buf)-d.pos))
	out := make([]value.Value, 0, prealloc)
	for i := uint64(0); i < n; i++ {
		v, err := d.Value(t.Elem)
		if err != nil {
			return nil, err
		}
		out = append(out, v)
	}
	return out, nil
}

func (d *Decoder) fields(n int, field func(int) *value.Type) (value.Value, error) {
	out := make([]value.Value, n)
	for i := range out {
		v, err := d.Value(field(i))
		if err != nil {
			return nil, err
		}
		out[i] = v
	}
	return out, nil
}

func (d *Decoder) flags(t *value.Type) (value.Value, error) {
	start := d.pos
	n := len(t.Labels)
	b, err := d.take(t, uint64((n+7)/8))
	if err != nil {
		return nil, err
	}
	out := make(value.Flags, n)
	for i := range b {
		for bit := 0; bit < 8; bit++ {
			if b[i]&(1<<bit) == 0 {
				continue
			}
			if i*8+bit >= n {
				return nil, d.fail(t, start+i, "flag bit %d set but the type has %d flags", i*8+bit, n)
			}
			out[i*8+bit] = true
		}
	}
	return out, nil
}
