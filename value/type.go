// Package value is wasifill's one dynamic model of WIT types and values.
//
// Every way a value moves — the canonical ABI (package canon), the wire
// encoding (package value/wire) and WAVE text (package value/wave) — reads and
// writes the Go representation documented on [Value]. A [Type] is a
// self-contained tree: it carries no reference to a parsed WIT package, so
// codecs and tests can build types by hand, and witparse's resolved model
// converts into it.
package value

import (
	"fmt"
	"strings"
)

// Kind says which WIT type a [Type] is.
type Kind uint8

// The kinds of WIT value types.
const (
	KindInvalid Kind = iota
	KindBool
	KindS8
	KindU8
	KindS16
	KindU16
	KindS32
	KindU32
	KindS64
	KindU64
	KindF32
	KindF64
	KindChar
	KindString
	KindList    // list<T>, or list<T, N> when Type.Len > 0
	KindRecord  // record { ... }
	KindTuple   // tuple<...>
	KindVariant // variant { ... }
	KindEnum    // enum { ... }
	KindOption  // option<T>
	KindResult  // result, result<T>, result<_, E>, result<T, E>
	KindFlags   // flags { ... }
	KindOwn     // own<R>, or a bare resource name
	KindBorrow  // borrow<R>
)

var kindNames = [...]string{
	KindInvalid: "invalid", KindBool: "bool", KindS8: "s8", KindU8: "u8", KindS16: "s16", KindU16: "u16",
	KindS32: "s32", KindU32: "u32", KindS64: "s64", KindU64: "u64", KindF32: "f32", KindF64: "f64",
	KindChar: "char", KindString: "string", KindList: "list", KindRecord: "record", KindTuple: "tuple",
	KindVariant: "variant", KindEnum: "enum", KindOption: "option", KindResult: "result", KindFlags: "flags",
	KindOwn: "own", KindBorrow: "borrow",
}

// String returns the WIT keyword for k.
func (k Kind) String() string {
	if int(k) < len(kindNames) {
		return kindNames[k]
	}
	return fmt.Sprintf("kind(%d)", uint8(k))
}

// Type is a WIT value type. Which fields are set depends on Kind; the others
// are zero. Types are immutable once built and may be shared.
type Type struct {
	Kind Kind

	// Name is the WIT name of a named type (record, variant, enum, flags,
	// resource, or an alias), used when printing and in errors. Optional.
	Name string

	// Elem is the element type of a list and the payload type of an option.
	Elem *Type
	// Len is the length of a fixed-length list (list<T, N>); 0 means a
	// variable-length list.
	Len uint32

	// Fields are a record's fields, in declaration order.
	Fields []Field
	// Elems are a tuple's element types.
	Elems []*Type
	// Cases are a variant's cases; a case's Type is nil when it has no payload.
	Cases []Case
	// Labels are the case names of an enum or the flag names of a flags type.
	Labels []string

	// Ok and Err are a result's payload types; nil means no payload.
	Ok, Err *Type

	// Resource names the resource of an own or borrow handle.
	Resource string
}

// Field is one named field of a record.
type Field struct {
	Name string
	Type *Type
}

// Case is one case of a variant. Type is nil for a case without payload.
type Case struct {
	Name string
	Type *Type
}

// Predeclared primitive types, shared by everyone who needs them.
var (
	Bool   = &Type{Kind: KindBool}
	S8     = &Type{Kind: KindS8}
	U8     = &Type{Kind: KindU8}
	S16    = &Type{Kind: KindS16}
	U16    = &Type{Kind: KindU16}
	S32    = &Type{Kind: KindS32}
	U32    = &Type{Kind: KindU32}
	S64    = &Type{Kind: KindS64}
	U64    = &Type{Kind: KindU64}
	F32    = &Type{Kind: KindF32}
	F64    = &Type{Kind: KindF64}
	Char   = &Type{Kind: KindChar}
	String = &Type{Kind: KindString}
)

// ListOf returns list<elem>.
func ListOf(elem *Type) *Type { return &Type{Kind: KindList, Elem: elem} }

// FixedListOf returns list<elem, n>.
func FixedListOf(elem *Type, n uint32) *Type { return &Type{Kind: KindList, Elem: elem, Len: n} }

// OptionOf returns option<elem>.
func OptionOf(elem *Type) *Type { return &Type{Kind: KindOption, Elem: elem} }

// ResultOf returns result<ok, err>; either may be nil for "no payload".
func ResultOf(ok, err *Type) *Type { return &Type{Kind: KindResult, Ok: ok, Err: err} }

// TupleOf returns tuple<elems...>.
func TupleOf(elems ...*Type) *Type { return &Type{Kind: KindTuple, Elems: elems} }

// RecordOf returns an anonymous record type with the given fields.
func RecordOf(name string, fields ...Field) *Type {
	return &Type{Kind: KindRecord, Name: name, Fields: fields}
}

// VariantOf returns a variant type with the given cases.
func VariantOf(name string, cases ...Case) *Type {
	return &Type{Kind: KindVariant, Name: name, Cases: cases}
}

// EnumOf returns an enum type with the given case names.
func EnumOf(name string, labels ...string) *Type {
	return &Type{Kind: KindEnum, Name: name, Labels: labels}
}

// FlagsOf returns a flags type with the given flag names.
func FlagsOf(name string, labels ...string) *Type {
	return &Type{Kind: KindFlags, Name: name, Labels: labels}
}

// OwnOf returns own<resource>.
func OwnOf(resource string) *Type { return &Type{Kind: KindOwn, Resource: resource} }

// BorrowOf returns borrow<resource>.
func BorrowOf(resource string) *Type { return &Type{Kind: KindBorrow, Resource: resource} }

// String returns t as a WIT type expression. Named record, variant, enum and
// flags types print as their name; anonymous ones print their structure.
func (t *Type) String() string {
	var b strings.Builder
	t.write(&b)
	return b.String()
}

func (t *Type) write(b *strings.Builder) {
	if t == nil {
		b.WriteString("_")
		return
	}
	switch t.Kind {
	case KindList:
		b.WriteString("list<")
		t.Elem.write(b)
		if t.Len > 0 {
			fmt.Fprintf(b, ", %d", t.Len)
		}
		b.WriteByte('>')
	case KindOption:
		b.WriteString("option<")
		t.Elem.write(b)
		b.WriteByte('>')
	case KindResult:
		b.WriteString("result")
		switch {
		case t.Ok == nil && t.Err == nil:
		case t.Err == nil:
			b.WriteByte('<')
			t.Ok.write(b)
			b.WriteByte('>')
		default:
			b.WriteByte('<')
			t.Ok.write(b)
			b.WriteString(", ")
			t.Err.write(b)
			b.WriteByte('>')
		}
	case KindTuple:
		b.WriteString("tuple<")
		for i, e := range t.Elems {
			if i > 0 {
				b.WriteString(", ")
			}
			e.write(b)
		}
		b.WriteByte('>')
	case KindOwn:
		b.WriteString(t.Resource)
	case KindBorrow:
		b.WriteString("borrow<" + t.Resource + ">")
	case KindRecord, KindVariant, KindEnum, KindFlags:
		if t.Name != "" {
			b.WriteString(t.Name)
			return
		}
		t.writeStructure(b)
	default:
		b.WriteString(t.Kind.String())
	}
}

func (t *Type) writeStructure(b *strings.Builder) {
	b.WriteString(t.Kind.String() + " { ")
	switch t.Kind {
	case KindRecord:
		for i, f := range t.Fields {
			if i > 0 {
				b.WriteString(", ")
			}
			b.WriteString(f.Name + ": ")
			f.Type.write(b)
		}
	case KindVariant:
		for i, c := range t.Cases {
			if i > 0 {
				b.WriteString(", ")
			}
			b.WriteString(c.Name)
			if c.Type != nil {
				b.WriteByte('(')
				c.Type.write(b)
				b.WriteByte(')')
			}
		}
	default:
		b.WriteString(strings.Join(t.Labels, ", "))
	}
	b.WriteString(" }")
}
