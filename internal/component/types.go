// Package component resolves the types of a decoded component: it walks
// the definitions of a wasmbin.Component, builds its index spaces, and
// gives every import, export, function and instance a resolved, structural
// Type. Compose type-checks plugs with it, inspect prints it as WIT, and
// the encoder writes resolved types back into a component being built.
package component

import (
	"fmt"
	"strings"
)

// Kind says what a Type is.
type Kind uint8

// Type kinds.
const (
	KindPrim Kind = iota + 1
	KindRecord
	KindVariant
	KindList
	KindFixedList
	KindTuple
	KindFlags
	KindEnum
	KindOption
	KindResult
	KindOwn
	KindBorrow
	KindStream
	KindFuture
	KindMap
	KindFunc
	KindInstance
	KindComponent
	KindResource
	KindCoreModule
)

// Type is a resolved component type. Which fields are set depends on Kind:
// Prim for primitives; Fields for records and function parameters; Cases
// for variants; Elem for list, fixed list (with Len), option, stream,
// future (Elem may be nil) and map keys (Value for map values); Elems for
// tuples; Labels for flags and enums; Ok and Err for results; Resource
// for own, borrow and resource types; Result for functions; Imports and
// Exports for component and instance types.
//
// Name is the name a type was exported under in an instance type or
// component, empty for anonymous types; it does not take part in
// structural equality.
type Type struct {
	Kind     Kind
	Name     string
	Prim     byte
	Fields   []Field
	Cases    []Case
	Elem     *Type
	Value    *Type
	Len      uint32
	Elems    []*Type
	Labels   []string
	Ok, Err  *Type
	Resource *Resource
	Result   *Type
	Async    bool
	Imports  []Extern
	Exports  []Extern
	// ResourceType is, for own and borrow, the resource type as the
	// handle names it: a world-level `use` may give the resource a name of
	// its own, which an encoder that imports that name refers to. Nil when
	// not known; it does not take part in structural equality.
	ResourceType *Type
	// Source is the type this one is t under another name (an export,
	// an import bound to it, a WIT `use` or alias): where a world-level
	// type comes from. Nil for a definition. It does not take part in
	// structural equality.
	Source *Type

	// size counts the nodes of t with shared parts counted each time they
	// are reached: what walking t costs. Resolve bounds it.
	size uint64
}

// MaxTypeSize bounds a type's expanded size (as wasmparser does), so that
// a small binary cannot describe a type that is exponentially costly to
// print, compare or lay out.
const MaxTypeSize = 1_000_000

// Size returns t's expanded size (see MaxTypeSize).
func (t *Type) Size() uint64 {
	if t == nil {
		return 0
	}
	if t.size == 0 {
		return 1
	}
	return t.size
}

// sized computes t.size from its children and reports whether it is
// within MaxTypeSize.
func (t *Type) sized() bool {
	n := uint64(1)
	for _, c := range []*Type{t.Elem, t.Value, t.Ok, t.Err, t.Result} {
		n += c.Size()
	}
	for _, f := range t.Fields {
		n += f.Type.Size()
	}
	for _, c := range t.Cases {
		n += c.Type.Size()
	}
	for _, e := range t.Elems {
		n += e.Size()
	}
	for _, e := range t.Exports {
		n += e.Type.Size()
	}
	for _, e := range t.Imports {
		n += e.Type.Size()
	}
	if t.Kind == KindFixedList {
		n += uint64(t.Len) * t.Elem.Size()
	}
	t.size = n
	return n <= MaxTypeSize
}

// Field is a named value type.
type Field struct {
	Name string
	Type *Type
}

// Case is a variant case with an optional payload.
type Case struct {
	Name string
	Type *Type
}

// Resource is a resource type's identity: two handles refer to the same
// resource type exactly when their *Resource pointers are equal.
type Resource struct {
	Name string
	// Imported is true for an abstract resource introduced by an import
	// or export bound (sub resource), false for a defined one.
	Imported bool
}

// ExternKind is the sort of an import or export.
type ExternKind uint8

// Extern kinds.
const (
	ExternFunc ExternKind = iota + 1
	ExternInstance
	ExternType
	ExternComponent
	ExternCoreModule
	ExternValue
)

func (k ExternKind) String() string {
	return [...]string{"", "func", "instance", "type", "component", "core module", "value"}[k]
}

// Extern is a named import or export with its type.
type Extern struct {
	Name string
	// Version is the version suffix attribute of the name, if any.
	Version string
	Kind    ExternKind
	Type    *Type
}

// Export returns the export named name, if t has it.
func (t *Type) Export(name string) (Extern, bool) {
	for _, e := range t.Exports {
		if e.Name == name {
			return e, true
		}
	}
	return Extern{}, false
}

// Import returns the import named name, if t has it.
func (t *Type) Import(name string) (Extern, bool) {
	for _, e := range t.Imports {
		if e.Name == name {
			return e, true
		}
	}
	return Extern{}, false
}

var primNames = map[byte]string{
	0x7f: "bool", 0x7e: "s8", 0x7d: "u8", 0x7c: "s16", 0x7b: "u16", 0x7a: "s32", 0x79: "u32",
	0x78: "s64", 0x77: "u64", 0x76: "f32", 0x75: "f64", 0x74: "char", 0x73: "string", 0x64: "error-context",
}

// String writes t in WIT syntax; named types print as their name.
func (t *Type) String() string {
	var b strings.Builder
	t.write(&b, true)
	return b.String()
}

// Structure writes t's own structure in WIT syntax (a record prints its
// fields even if it has a name).
func (t *Type) Structure() string {
	var b strings.Builder
	t.write(&b, false)
	return b.String()
}

func (t *Type) write(b *strings.Builder, useName bool) {
	if t == nil {
		b.WriteString("_")
		return
	}
	if useName && t.Name != "" {
		b.WriteString(t.Name)
		return
	}
	switch t.Kind {
	case KindPrim:
		b.WriteString(primNames[t.Prim])
	case KindRecord:
		b.WriteString("record { ")
		writeFields(b, t.Fields)
		b.WriteString(" }")
	case KindVariant:
		b.WriteString("variant { ")
		for i, c := range t.Cases {
			if i > 0 {
				b.WriteString(", ")
			}
			b.WriteString(c.Name)
			if c.Type != nil {
				fmt.Fprintf(b, "(%s)", c.Type)
			}
		}
		b.WriteString(" }")
	case KindList:
		fmt.Fprintf(b, "list<%s>", t.Elem)
	case KindFixedList:
		fmt.Fprintf(b, "list<%s, %d>", t.Elem, t.Len)
	case KindTuple:
		b.WriteString("tuple<")
		for i, e := range t.Elems {
			if i > 0 {
				b.WriteString(", ")
			}
			b.WriteString(e.String())
		}
		b.WriteString(">")
	case KindFlags, KindEnum:
		kw := "flags"
		if t.Kind == KindEnum {
			kw = "enum"
		}
		fmt.Fprintf(b, "%s { %s }", kw, strings.Join(t.Labels, ", "))
	case KindOption:
		fmt.Fprintf(b, "option<%s>", t.Elem)
	case KindResult:
		switch {
		case t.Ok == nil && t.Err == nil:
			b.WriteString("result")
		case t.Err == nil:
			fmt.Fprintf(b, "result<%s>", t.Ok)
		case t.Ok == nil:
			fmt.Fprintf(b, "result<_, %s>", t.Err)
		default:
			fmt.Fprintf(b, "result<%s, %s>", t.Ok, t.Err)
		}
	case KindOwn:
		b.WriteString(t.Resource.Name)
	case KindBorrow:
		fmt.Fprintf(b, "borrow<%s>", t.Resource.Name)
	case KindStream, KindFuture:
		kw := "stream"
		if t.Kind == KindFuture {
			kw = "future"
		}
		b.WriteString(kw)
		if t.Elem != nil {
			fmt.Fprintf(b, "<%s>", t.Elem)
		}
	case KindMap:
		fmt.Fprintf(b, "map<%s, %s>", t.Elem, t.Value)
	case KindFunc:
		if t.Async {
			b.WriteString("async ")
		}
		b.WriteString("func(")
		writeFields(b, t.Fields)
		b.WriteString(")")
		if t.Result != nil {
			fmt.Fprintf(b, " -> %s", t.Result)
		}
	case KindResource:
		fmt.Fprintf(b, "resource %s", t.Resource.Name)
	case KindInstance:
		b.WriteString("instance")
	case KindComponent:
		b.WriteString("component")
	case KindCoreModule:
		b.WriteString("core module")
	}
}

// writeFields writes "name: type" for each field, separated by commas.
func writeFields(b *strings.Builder, fields []Field) {
	for i, f := range fields {
		if i > 0 {
			b.WriteString(", ")
		}
		fmt.Fprintf(b, "%s: %s", f.Name, f.Type)
	}
}
