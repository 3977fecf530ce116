// Package witparse loads WIT packages — a file, or a package directory with
// its deps/ — and resolves them into one arena-indexed model, the way
// wasm-tools' Resolve does. The model prints as wasm-tools'
// `component wit -j` JSON (EncodeJSON).
//
// The syntax layer lives in the subpackages token, scanner, ast and parser.
package witparse

// Resolve is a set of resolved WIT packages. Items refer to each other by
// index into its arenas.
type Resolve struct {
	Worlds     []*World
	Interfaces []*Interface
	Types      []*TypeDef
	Packages   []*Package
}

// PackageID, InterfaceID, WorldID and TypeID index the Resolve's arenas.
type (
	PackageID   int
	InterfaceID int
	WorldID     int
	TypeID      int
)

// PackageName is `namespace:name@version`.
type PackageName struct {
	Namespace, Name, Version string
}

func (n PackageName) String() string {
	s := n.Namespace + ":" + n.Name
	if n.Version != "" {
		s += "@" + n.Version
	}
	return s
}

// Package is one WIT package: its interfaces and worlds by name, in
// declaration order.
type Package struct {
	Name       PackageName
	Docs       string
	Interfaces []Named[InterfaceID]
	Worlds     []Named[WorldID]
}

// Named pairs a name with an arena index, keeping declaration order.
type Named[T any] struct {
	Name string
	ID   T
}

// Stability is an item's feature gate: @since, @unstable, both with an
// optional @deprecated.
type Stability struct {
	Since      string // stable since this version
	Feature    string // unstable behind this feature
	Deprecated string // deprecated since this version
}

// IsZero reports whether there is no gate (wasm-tools' Stability::Unknown).
func (s Stability) IsZero() bool { return s == Stability{} }

// Interface is a named or anonymous (inline in a world) interface.
type Interface struct {
	Name      string // "" for an anonymous interface
	Docs      string
	Stability Stability
	Types     []Named[TypeID]
	Functions []*Function
	Package   *PackageID
}

// World is a world with its elaborated imports and exports.
type World struct {
	Name      string
	Docs      string
	Stability Stability
	Imports   []WorldEntry
	Exports   []WorldEntry
	Package   *PackageID
}

// WorldEntry is one import or export. Its key is Name, or the interface
// itself when Name is "" (an `import ns:pkg/iface;`).
type WorldEntry struct {
	Name string
	Item WorldItem
}

// WorldItemKind says what a world entry is.
type WorldItemKind uint8

// The kinds of world entries.
const (
	ItemInterface WorldItemKind = iota + 1
	ItemFunction
	ItemType
)

// WorldItem is an interface, function or type imported or exported.
type WorldItem struct {
	Kind      WorldItemKind
	Interface InterfaceID
	Stability Stability // of an interface entry
	Docs      string    // of an interface entry written as a path (`import ns:pkg/iface;`, `import x: iface;`)
	Function  *Function
	Type      TypeID
}

// Type is a reference to a type: a primitive by name ("u32", "string",
// "error-context", ...) or a type definition.
type Type struct {
	Prim string // set for primitives
	ID   TypeID // otherwise
}

// IsPrim reports whether t is a primitive.
func (t Type) IsPrim() bool { return t.Prim != "" }

// TypeDefKind says what a type definition is.
type TypeDefKind uint8

// The kinds of type definitions.
const (
	KindRecord TypeDefKind = iota + 1
	KindResource
	KindHandle
	KindFlags
	KindTuple
	KindVariant
	KindEnum
	KindOption
	KindResult
	KindList
	KindFixedList
	KindMap
	KindFuture
	KindStream
	KindAlias // `type x = T`, and names brought in by `use`
)

// TypeDef is a type definition, named or anonymous (name "").
type TypeDef struct {
	Name string
	Kind TypeDefKind
	// HasElem reports whether a future or stream has an element (Elem).
	HasElem bool
	// Borrow reports whether a handle is borrowed (Resource is the
	// resource).
	Borrow bool
	Len    uint32 // fixed list length
	// (Kind, HasElem, Borrow and Len share one word.)

	Docs      string
	Stability Stability
	// Owner: an interface, a world, or neither (anonymous types).
	OwnerInterface *InterfaceID
	OwnerWorld     *WorldID

	Fields []Field // record
	Cases  []Case  // variant
	Labels []Label // enum cases, flags

	Types []Type // tuple elements
	// Elem is the element of list, fixed list, option, future, stream, the
	// target of an alias, and the key of a map.
	Elem    Type
	Value   Type  // map value
	Ok, Err *Type // result payloads
	// Resource is a handle's resource.
	Resource TypeID
}

// Field is a record field.
type Field struct {
	Name string
	Type Type
	Docs string
}

// Case is a variant case; Type is nil without payload.
type Case struct {
	Name string
	Type *Type
	Docs string
}

// Label is an enum case or flag.
type Label struct {
	Name string
	Docs string
}

// FunctionKind says what kind of function a Function is.
type FunctionKind uint8

// The kinds of functions, as wasm-tools names them.
const (
	Freestanding FunctionKind = iota + 1
	Method
	Static
	Constructor
	AsyncFreestanding
	AsyncMethod
	AsyncStatic
)

// Function is a function of an interface, a world or a resource.
type Function struct {
	Name      string // mangled for resources: [method]r.f, [static]r.f, [constructor]r
	Kind      FunctionKind
	Resource  TypeID // for methods, statics and constructors
	Params    []Param
	Result    *Type
	Docs      string
	Stability Stability
}

// Param is a function parameter.
type Param struct {
	Name string
	Type Type
}

// InterfaceName returns an interface's full name, `ns:pkg/name@version`,
// or just its name if it belongs to no package (an inline world entry).
func (r *Resolve) InterfaceName(id InterfaceID) string {
	iface := r.Interfaces[id]
	if iface.Package == nil {
		return iface.Name
	}
	n := r.Packages[*iface.Package].Name
	s := n.Namespace + ":" + n.Name + "/" + iface.Name
	if n.Version != "" {
		s += "@" + n.Version
	}
	return s
}
