package wasmbin

// This file is the typed model of a component's definitions (Binary.md):
// what DecodeComponent produces and EncodeComponent writes. Core modules
// stay at section level (*Binary); everything a component declares is typed.

// Component is a component decoded down to its definitions, in order.
type Component struct {
	Version [4]byte
	Defs    []Def
}

// Def is one section of a component: *CoreModuleDef, *CoreInstanceDefs,
// *CoreTypeDefs, *ComponentDef, *InstanceDefs, *AliasDefs, *TypeDefs,
// *CanonDefs, *StartDef, *ImportDefs, *ExportDefs, *ValueDefs or *CustomDef.
type Def interface{ sectionID() byte }

// CoreModuleDef embeds a core module (section 1).
type CoreModuleDef struct{ Module *Binary }

// CoreInstanceDefs is a core instance section (2).
type CoreInstanceDefs struct{ Instances []CoreInstance }

// CoreTypeDefs is a core type section (3).
type CoreTypeDefs struct{ Types []CoreType }

// ComponentDef embeds a component (section 4).
type ComponentDef struct{ Component *Component }

// InstanceDefs is an instance section (5).
type InstanceDefs struct{ Instances []Instance }

// AliasDefs is an alias section (6).
type AliasDefs struct{ Aliases []Alias }

// TypeDefs is a type section (7).
type TypeDefs struct{ Types []Type }

// CanonDefs is a canon section (8).
type CanonDefs struct{ Funcs []Canon }

// StartDef is a start section (9).
type StartDef struct {
	Func    uint32
	Args    []uint32
	Results uint32
}

// ImportDefs is an import section (10).
type ImportDefs struct{ Imports []Import }

// ExportDefs is an export section (11).
type ExportDefs struct{ Exports []Export }

// ValueDefs is a value section (12), kept as raw bytes.
type ValueDefs struct{ Raw []byte }

// CustomDef is a custom section (0).
type CustomDef struct {
	Name string
	Data []byte
}

func (*CoreModuleDef) sectionID() byte    { return SecCoreModule }
func (*CoreInstanceDefs) sectionID() byte { return SecCoreInstance }
func (*CoreTypeDefs) sectionID() byte     { return SecCoreType }
func (*ComponentDef) sectionID() byte     { return SecComponent }
func (*InstanceDefs) sectionID() byte     { return SecInstance }
func (*AliasDefs) sectionID() byte        { return SecAlias }
func (*TypeDefs) sectionID() byte         { return SecType }
func (*CanonDefs) sectionID() byte        { return SecCanon }
func (*StartDef) sectionID() byte         { return SecStart }
func (*ImportDefs) sectionID() byte       { return SecImport }
func (*ExportDefs) sectionID() byte       { return SecExport }
func (*ValueDefs) sectionID() byte        { return SecValue }
func (*CustomDef) sectionID() byte        { return SecCustom }

// Sort is a component-level sort; SortCore* are core sorts behind the
// 0x00 prefix.
type Sort uint16

// Component sorts, and core sorts (CoreSortBase + core:sort byte).
const (
	SortFunc      Sort = 0x01
	SortValue     Sort = 0x02
	SortType      Sort = 0x03
	SortComponent Sort = 0x04
	SortInstance  Sort = 0x05

	CoreSortBase     Sort = 0x100
	SortCoreFunc          = CoreSortBase + 0x00
	SortCoreTable         = CoreSortBase + 0x01
	SortCoreMemory        = CoreSortBase + 0x02
	SortCoreGlobal        = CoreSortBase + 0x03
	SortCoreTag           = CoreSortBase + 0x04
	SortCoreType          = CoreSortBase + 0x10
	SortCoreModule        = CoreSortBase + 0x11
	SortCoreInstance      = CoreSortBase + 0x12
)

// IsCore reports whether s is a core sort.
func (s Sort) IsCore() bool { return s >= CoreSortBase }

func (s Sort) String() string {
	switch s {
	case SortFunc:
		return "func"
	case SortValue:
		return "value"
	case SortType:
		return "type"
	case SortComponent:
		return "component"
	case SortInstance:
		return "instance"
	case SortCoreFunc:
		return "core func"
	case SortCoreTable:
		return "core table"
	case SortCoreMemory:
		return "core memory"
	case SortCoreGlobal:
		return "core global"
	case SortCoreTag:
		return "core tag"
	case SortCoreType:
		return "core type"
	case SortCoreModule:
		return "core module"
	case SortCoreInstance:
		return "core instance"
	}
	return "sort?"
}

// CoreInstance instantiates a core module (Module, Args) or bundles core
// items into an instance (Exports).
type CoreInstance struct {
	Instantiate bool
	Module      uint32
	Args        []CoreInstantiateArg
	Exports     []CoreInlineExport
}

// CoreInstantiateArg passes core instance Instance as import module Name.
type CoreInstantiateArg struct {
	Name     string
	Instance uint32
}

// CoreInlineExport names a core item in an inline core instance.
type CoreInlineExport struct {
	Name  string
	Sort  Sort // a core sort
	Index uint32
}

// Instance instantiates a component (Component, Args) or bundles items
// into an instance (Exports).
type Instance struct {
	Instantiate bool
	Component   uint32
	Args        []InstantiateArg
	Exports     []InlineExport
}

// InstantiateArg satisfies import Name with item Index of Sort.
type InstantiateArg struct {
	Name  string
	Sort  Sort
	Index uint32
}

// InlineExport names an item in an inline instance.
type InlineExport struct {
	Name  Name
	Sort  Sort
	Index uint32
}

// Alias targets.
const (
	AliasExport     byte = 0x00
	AliasCoreExport byte = 0x01
	AliasOuter      byte = 0x02
)

// Alias brings an item into an index space: an instance's export
// (Instance, Name), a core instance's export, or an outer definition
// (Count scopes out, Index).
type Alias struct {
	Sort     Sort
	Target   byte
	Instance uint32
	Name     string
	Count    uint32
	Index    uint32
}

// Name is an import or export name with its attributes. Form is the
// encoding that was read (0x00 or its redundant twin 0x01, both a plain
// name; 0x02 with attributes), kept so that encoding gives back the same
// bytes. Any attributes are encoded in the 0x02 form.
type Name struct {
	Name  string
	Form  byte
	Attrs []NameAttr
}

// Name attribute kinds.
const (
	AttrImplements byte = 0x00
	AttrVersion    byte = 0x01
	AttrExternalID byte = 0x02
)

// NameAttr is one attribute of a name: implements, version suffix or
// external id.
type NameAttr struct {
	Kind  byte
	Value string
}

// PlainName returns a Name in the plain 0x00 form.
func PlainName(s string) Name { return Name{Name: s} }

// Attr returns the value of the attribute of the given kind, if present.
func (n Name) Attr(kind byte) string {
	for _, a := range n.Attrs {
		if a.Kind == kind {
			return a.Value
		}
	}
	return ""
}

// Extern kinds of an ExternType.
const (
	ExternTypeCoreModule byte = 0x00
	ExternTypeFunc       byte = 0x01
	ExternTypeValue      byte = 0x02
	ExternTypeType       byte = 0x03
	ExternTypeComponent  byte = 0x04
	ExternTypeInstance   byte = 0x05
)

// ExternType describes an import or export: Kind, and the type index
// (core module, func, component, instance), or the bound of a type or
// value (Bound 0x00 eq Index; 0x01 sub resource for types, or a value
// type for values).
type ExternType struct {
	Kind      byte
	Index     uint32
	Bound     byte
	ValueType ValType // values with Bound 0x01
}

// Import is one import definition.
type Import struct {
	Name Name
	Type ExternType
}

// Export is one export definition; Type is an optional ascribed type.
type Export struct {
	Name  Name
	Sort  Sort
	Index uint32
	Type  *ExternType
}

// Canon opcodes (MVP; async built-ins are rejected with a clear error).
const (
	CanonLift         byte = 0x00
	CanonLower        byte = 0x01
	CanonResourceNew  byte = 0x02
	CanonResourceDrop byte = 0x03
	CanonResourceRep  byte = 0x04
)

// Canon is one canonical definition. Lift uses Func (core), Opts and Type;
// Lower uses Func (component) and Opts; resource built-ins use Type.
type Canon struct {
	Op   byte
	Func uint32
	Opts []CanonOpt
	Type uint32
}

// Canon option kinds.
const (
	OptUTF8       byte = 0x00
	OptUTF16      byte = 0x01
	OptLatin1     byte = 0x02
	OptMemory     byte = 0x03
	OptRealloc    byte = 0x04
	OptPostReturn byte = 0x05
	OptAsync      byte = 0x06
	OptCallback   byte = 0x07
)

// CanonOpt is one canonical option; Index is set for memory, realloc,
// post-return and callback.
type CanonOpt struct {
	Kind  byte
	Index uint32
}

// Primitive value types, by their opcode.
const (
	PrimBool         byte = 0x7f
	PrimS8           byte = 0x7e
	PrimU8           byte = 0x7d
	PrimS16          byte = 0x7c
	PrimU16          byte = 0x7b
	PrimS32          byte = 0x7a
	PrimU32          byte = 0x79
	PrimS64          byte = 0x78
	PrimU64          byte = 0x77
	PrimF32          byte = 0x76
	PrimF64          byte = 0x75
	PrimChar         byte = 0x74
	PrimString       byte = 0x73
	PrimErrorContext byte = 0x64
)

// ValType is a value type: a primitive (Prim != 0) or a type index.
type ValType struct {
	Prim  byte
	Index uint32
}

// Type definition kinds (the opcode that starts each deftype).
const (
	TypeRecord    byte = 0x72
	TypeVariant   byte = 0x71
	TypeList      byte = 0x70
	TypeFixedList byte = 0x67
	TypeTuple     byte = 0x6f
	TypeFlags     byte = 0x6e
	TypeEnum      byte = 0x6d
	TypeOption    byte = 0x6b
	TypeResult    byte = 0x6a
	TypeOwn       byte = 0x69
	TypeBorrow    byte = 0x68
	TypeStream    byte = 0x66
	TypeFuture    byte = 0x65
	TypeMap       byte = 0x63
	TypeFunc      byte = 0x40
	TypeAsyncFunc byte = 0x43
	TypeComponent byte = 0x41
	TypeInstance  byte = 0x42
	TypeResource  byte = 0x3f
)

// Type is one component type definition. Kind is its opcode, or a
// primitive opcode for a defvaltype that is a primitive. Which fields are
// set depends on Kind:
//
//	record: Fields          variant: Cases         list/option: Elem
//	fixed list: Elem, Len   tuple: Elems           flags/enum: Labels
//	result: Ok, Err         own/borrow: Index      stream/future: Ok (element)
//	map: Elem (key), Value  func: Params, Result   component/instance: Decls
//	resource: Rep, Dtor
type Type struct {
	Kind   byte
	Fields []Field
	Cases  []Case
	Elem   ValType
	Value  ValType
	Len    uint32
	Elems  []ValType
	Labels []string
	Ok     *ValType
	Err    *ValType
	Index  uint32
	Params []Field
	Result *ValType
	Decls  []Decl
	Rep    byte
	Dtor   *uint32
}

// Field is a labelled value type (record fields, function parameters).
type Field struct {
	Name string
	Type ValType
}

// Case is a variant case with an optional payload.
type Case struct {
	Name string
	Type *ValType
}

// Decl kinds inside component and instance types.
const (
	DeclCoreType byte = 0x00
	DeclType     byte = 0x01
	DeclAlias    byte = 0x02
	DeclImport   byte = 0x03
	DeclExport   byte = 0x04
)

// Decl is one declarator of a component or instance type.
type Decl struct {
	Kind     byte
	CoreType *CoreType
	Type     *Type
	Alias    *Alias
	Name     Name       // import, export
	Extern   ExternType // import, export
}

// CoreType is a core type definition: a function type, or a module type
// (Module set). Other core types (GC) are kept raw.
type CoreType struct {
	Func   *CoreFuncType
	Module []ModuleDecl
	Raw    []byte
}

// CoreFuncType is a core function type, value types as their opcodes.
type CoreFuncType struct {
	Params, Results []byte
}

// Module declarator kinds.
const (
	ModuleDeclImport byte = 0x00
	ModuleDeclType   byte = 0x01
	ModuleDeclAlias  byte = 0x02
	ModuleDeclExport byte = 0x03
)

// ModuleDecl is one declarator of a core module type. Import and export
// descriptions are kept as raw core extern types.
type ModuleDecl struct {
	Kind         byte
	Module, Name string // import: both; export: Name
	Desc         []byte // core importdesc bytes
	Type         *CoreType
	Count, Index uint32 // outer alias
}
