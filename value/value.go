package value

import (
	"fmt"
	"math"
)

// Value is a WIT value in its Go representation. Which Go type holds it is
// fixed by the WIT type, so every codec agrees:
//
//	bool                   bool
//	s8 s16 s32 s64         int8 int16 int32 int64
//	u8 u16 u32 u64         uint8 uint16 uint32 uint64
//	f32 f64                float32 float64
//	char                   rune (a Unicode scalar value: no surrogates, ≤ 0x10FFFF)
//	string                 string (valid UTF-8)
//	list<u8>               []byte
//	list<T>, list<T, N>    []Value (N elements for a fixed-length list)
//	record, tuple          []Value, one per field or element, in order
//	variant                Variant
//	enum                   Enum
//	option<T>              Option
//	result<T, E>           Result
//	flags                  Flags, one bool per label
//	own<R>, borrow<R>      Handle
//
// Decoders always produce exactly these types. Encoders also accept []Value
// for list<u8>.
type Value = any

// Variant is a variant value: the index of its case and the payload, which
// is nil when the case has none.
type Variant struct {
	Case    uint32
	Payload Value
}

// Enum is an enum value: the index of its case.
type Enum uint32

// Option is an option value. Value is meaningful only when Some is true.
type Option struct {
	Some  bool
	Value Value
}

// Some returns option value some(v).
func Some(v Value) Option { return Option{Some: true, Value: v} }

// None is the option value none.
var None = Option{}

// Result is a result value. Value is the ok or error payload, nil when the
// taken side has no payload.
type Result struct {
	IsErr bool
	Value Value
}

// Ok returns the result value ok(v); pass nil for a payload-less ok.
func Ok(v Value) Result { return Result{Value: v} }

// Err returns the result value err(v); pass nil for a payload-less err.
func Err(v Value) Result { return Result{IsErr: true, Value: v} }

// Flags is a flags value: Flags[i] is set when the type's i-th label is set.
type Flags []bool

// Handle is a resource handle as seen by whoever holds it: an index into a
// handle table of the runtime, or an opaque id on the wire.
type Handle uint32

// CanonicalNaN32 and CanonicalNaN64 are the NaNs every codec produces, as the
// Component Model requires (CanonicalABI.md, "canonicalize_nan").
var (
	CanonicalNaN32 = math.Float32frombits(0x7fc00000)
	CanonicalNaN64 = math.Float64frombits(0x7ff8000000000000)
)

// TypeError reports a Go value that does not have the representation its
// WIT type requires.
type TypeError struct {
	Type *Type
	Got  Value
}

func (e *TypeError) Error() string {
	return fmt.Sprintf("value %#v (%T) does not fit WIT type %s", e.Got, e.Got, e.Type)
}

// ValidChar reports whether r is a Unicode scalar value, the set WIT's char
// ranges over.
func ValidChar(r rune) bool {
	return r >= 0 && r <= 0x10FFFF && (r < 0xD800 || r > 0xDFFF)
}
