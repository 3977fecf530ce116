// Package ast declares the syntax tree of WIT source files, as the parser
// produces it and before any name is resolved.
package ast

import "github.com/wasifill/wasifill/witparse/token"

// Ident is a name with its position. Escaped is true for %name.
type Ident struct {
	Pos     token.Pos
	Name    string
	Escaped bool
}

// Docs are the comments directly before an item, as written (with their
// comment markers), one entry per comment.
type Docs struct {
	Pos      token.Pos
	Comments []string
}

// Version is a semver version with its source text.
type Version struct {
	Pos  token.Pos
	Text string
}

// Gate is a feature-gate attribute: @since(version = V),
// @unstable(feature = F) or @deprecated(version = V).
type Gate struct {
	Pos     token.Pos
	Kind    GateKind
	Version *Version // since, deprecated
	Feature *Ident   // unstable
}

// GateKind says which attribute a Gate is.
type GateKind uint8

// The feature-gate attributes.
const (
	Since GateKind = iota + 1
	Unstable
	Deprecated
)

// Attrs are what may precede any item: docs and gates.
type Attrs struct {
	Docs  Docs
	Gates []*Gate
}

// PackageName is `ns:name@version`, possibly with nested namespaces and
// interface path segments in use paths.
type PackageName struct {
	Pos       token.Pos
	Namespace Ident
	Name      Ident
	Version   *Version
}

// File is one parsed .wit file.
type File struct {
	Name    string
	Docs    Docs         // the docs before the package header
	Package *PackageName // the header, nil if the file has none
	Items   []Item       // top-level items of the file's own package
	Nested  []*NestedPackage
}

// NestedPackage is `package a:b@1.0.0 { ... }` inside a file.
type NestedPackage struct {
	Attrs
	Name  *PackageName
	Items []Item
}

// Item is a top-level item: *Use, *Interface or *World.
type Item interface{ item() }

// UsePath names an interface: a local name (`foo`) or a package path
// (`ns:pkg/iface@1.0.0`).
type UsePath struct {
	Pos       token.Pos
	Package   *PackageName // nil for a local name
	Interface Ident
}

// Use is a top-level `use path as name;`.
type Use struct {
	Attrs
	Path UsePath
	As   *Ident
}

// Interface is `interface name { ... }`.
type Interface struct {
	Attrs
	Name  Ident
	Items []InterfaceItem
}

// InterfaceItem is *TypeDef, *UseNames or *Func.
type InterfaceItem interface{ interfaceItem() }

// UseNames is `use path.{a, b as c};` in an interface or world.
type UseNames struct {
	Attrs
	Path  UsePath
	Names []UseName
}

// UseName is one imported name, optionally renamed.
type UseName struct {
	Name Ident
	As   *Ident
}

// Func is a function: in an interface, a world import/export, or a
// resource (then it may be a constructor or static).
type Func struct {
	Attrs
	Name   Ident
	Kind   FuncKind
	Async  bool
	Params []Param
	Result Type // nil for none
	// HasResult distinguishes a constructor's explicit `-> result<...>`.
	HasResult bool
}

// FuncKind says where a function lives.
type FuncKind uint8

// The kinds of functions.
const (
	Freestanding FuncKind = iota
	Method
	Static
	Constructor
)

// Param is `name: type`.
type Param struct {
	Docs Docs // record fields only
	Name Ident
	Type Type
}

// TypeDef is a named type definition.
type TypeDef struct {
	Attrs
	Name Ident
	Kind TypeDefKind
	// Alias is the aliased type of `type x = T`.
	Alias Type
	// Fields of a record.
	Fields []Param
	// Cases of a variant (Type nil when no payload).
	Cases []Case
	// Labels of an enum or flags.
	Labels []Label
	// Funcs of a resource; nil for `resource r;`.
	Funcs []*Func
}

// TypeDefKind says which definition a TypeDef is.
type TypeDefKind uint8

// The kinds of type definitions.
const (
	AliasDef TypeDefKind = iota + 1
	RecordDef
	VariantDef
	EnumDef
	FlagsDef
	ResourceDef
)

// Case is a variant case.
type Case struct {
	Docs Docs
	Name Ident
	Type Type
}

// Label is an enum case or a flag, with its docs.
type Label struct {
	Docs Docs
	Name Ident
}

// World is `world name { ... }`.
type World struct {
	Attrs
	Name  Ident
	Items []WorldItem
}

// WorldItem is *Extern, *UseNames, *TypeDef or *Include.
type WorldItem interface{ worldItem() }

// Extern is a world import or export.
type Extern struct {
	Attrs
	Export bool
	// Exactly one of these describes the item:
	Path       *UsePath   // import foo; / import ns:pkg/iface;
	Label      *Ident     // import name: ... (with Func, Inline or Implements)
	Func       *Func      // import name: func(...);
	Inline     *Interface // import name: interface { ... }
	Implements *UsePath   // import name: iface; (a labelled interface)
}

// Pos returns the position of the extern's name or path.
func (e *Extern) Pos() token.Pos {
	if e.Label != nil {
		return e.Label.Pos
	}
	if e.Path != nil {
		return e.Path.Pos
	}
	return token.NoPos
}

// Include is `include path with { a as b };`.
type Include struct {
	Attrs
	Path  UsePath
	Names []IncludeName
}

// IncludeName renames one included import or export.
type IncludeName struct {
	Name Ident
	As   Ident
}

// Type is a type expression.
type Type interface{ typ() }

// Primitive is a built-in type without parameters, named by its keyword
// ("u8", "string", "error-context", ...).
type Primitive struct {
	Pos  token.Pos
	Name string
}

// Named refers to a type by name.
type Named struct{ Name Ident }

// List is list<T> or list<T, N>.
type List struct {
	Pos  token.Pos
	Elem Type
	Len  uint32 // 0 for a variable-length list
}

// Map is map<K, V>.
type Map struct {
	Pos        token.Pos
	Key, Value Type
}

// Option is option<T>.
type Option struct {
	Pos  token.Pos
	Elem Type
}

// Result is result, result<T>, result<_, E> or result<T, E>.
type Result struct {
	Pos     token.Pos
	Ok, Err Type // nil when absent
}

// Tuple is tuple<...>.
type Tuple struct {
	Pos   token.Pos
	Elems []Type
}

// Handle is own<R> or borrow<R>.
type Handle struct {
	Pos      token.Pos
	Borrow   bool
	Resource Ident
}

// Future is future or future<T>.
type Future struct {
	Pos  token.Pos
	Elem Type // nil when absent
}

// Stream is stream or stream<T>.
type Stream struct {
	Pos  token.Pos
	Elem Type // nil when absent
}

func (*Use) item()       {}
func (*Interface) item() {}
func (*World) item()     {}

func (*TypeDef) interfaceItem()  {}
func (*UseNames) interfaceItem() {}
func (*Func) interfaceItem()     {}

func (*Extern) worldItem()   {}
func (*UseNames) worldItem() {}
func (*TypeDef) worldItem()  {}
func (*Include) worldItem()  {}

func (*Primitive) typ() {}
func (*Named) typ()     {}
func (*List) typ()      {}
func (*Map) typ()       {}
func (*Option) typ()    {}
func (*Result) typ()    {}
func (*Tuple) typ()     {}
func (*Handle) typ()    {}
func (*Future) typ()    {}
func (*Stream) typ()    {}

// TypePos returns where a type expression starts.
func TypePos(t Type) token.Pos {
	switch t := t.(type) {
	case *Primitive:
		return t.Pos
	case *Named:
		return t.Name.Pos
	case *List:
		return t.Pos
	case *Map:
		return t.Pos
	case *Option:
		return t.Pos
	case *Result:
		return t.Pos
	case *Tuple:
		return t.Pos
	case *Handle:
		return t.Pos
	case *Future:
		return t.Pos
	case *Stream:
		return t.Pos
	}
	return token.NoPos
}
