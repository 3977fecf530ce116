package component

import (
	"fmt"

	"github.com/wasifill/wasifill/internal/wasmbin"
)

// Encoder writes imports with resolved types into a component being
// built: the type definitions, the import itself, and aliases that make
// every resource an imported instance exports available to later imports.
// Value types are written structurally; resources keep their identity.
type Encoder struct {
	defs       []wasmbin.Def
	types      uint32 // next index in the component's type space
	instances  uint32
	funcs      uint32
	components uint32
	core       map[wasmbin.Sort]uint32
	resources  map[*Resource]uint32
	// valueTypes are value types already defined at component level.
	valueTypes map[*Type]uint32
	// named are the named value types imported instances export, by
	// name, and aliased those of them aliased at component level (see
	// namedAlias).
	named   map[string][]namedExport
	aliased map[*Type]uint32
	// Bindings redirects resources before lookup: a resource of one
	// component's view that is the same as another's (a shared import).
	Bindings Bindings
}

// NewEncoder returns an encoder for a component that has no definitions
// yet.
func NewEncoder() *Encoder {
	return &Encoder{resources: map[*Resource]uint32{}, valueTypes: map[*Type]uint32{}, Bindings: Bindings{},
		named: map[string][]namedExport{}, aliased: map[*Type]uint32{}}
}

// Defs returns the definitions written so far, in order.
func (e *Encoder) Defs() []wasmbin.Def { return e.defs }

// Counts returns the sizes of the type, instance and func index spaces.
func (e *Encoder) Counts() (types, instances, funcs uint32) { return e.types, e.instances, e.funcs }

func (e *Encoder) canonical(r *Resource) *Resource {
	for i := 0; i < 8; i++ {
		b, ok := e.Bindings[r]
		if !ok || b == r {
			break
		}
		r = b
	}
	return r
}

// Import writes an import of ext and returns its index in its sort's
// index space (instance or func).
func (e *Encoder) Import(ext Extern) (uint32, error) {
	var et wasmbin.ExternType
	switch ext.Kind {
	case ExternInstance:
		idx, err := e.instanceType(ext)
		if err != nil {
			return 0, err
		}
		et = wasmbin.ExternType{Kind: wasmbin.ExternTypeInstance, Index: idx}
	case ExternFunc:
		idx, err := e.DefineFuncType(ext.Type)
		if err != nil {
			return 0, fmt.Errorf("import %s: %w", ext.Name, err)
		}
		et = wasmbin.ExternType{Kind: wasmbin.ExternTypeFunc, Index: idx}
	default:
		return 0, fmt.Errorf("import %s: importing a %s is not supported", ext.Name, ext.Kind)
	}
	name := wasmbin.Name{Name: ext.Name}
	if ext.Version != "" {
		name.Attrs = []wasmbin.NameAttr{{Kind: wasmbin.AttrVersion, Value: ext.Version}}
	}
	e.defs = append(e.defs, &wasmbin.ImportDefs{Imports: []wasmbin.Import{{Name: name, Type: et}}})
	if ext.Kind == ExternFunc {
		e.funcs++
		return e.funcs - 1, nil
	}
	inst := e.instances
	e.instances++
	// Make the instance's resources available to later imports.
	var aliases []wasmbin.Alias
	for _, x := range ext.Type.Exports {
		if x.Kind == ExternType && x.Type.Kind != KindResource && x.Type.Name != "" {
			e.named[x.Type.Name] = append(e.named[x.Type.Name], namedExport{t: x.Type, inst: inst, name: x.Name})
		}
		if x.Kind != ExternType || x.Type.Kind != KindResource {
			continue
		}
		r := e.canonical(x.Type.Resource)
		if _, ok := e.resources[r]; ok {
			continue
		}
		aliases = append(aliases, wasmbin.Alias{Sort: wasmbin.SortType, Target: wasmbin.AliasExport, Instance: inst, Name: x.Name})
		e.resources[r] = e.types
		e.types++
	}
	if len(aliases) > 0 {
		e.defs = append(e.defs, &wasmbin.AliasDefs{Aliases: aliases})
	}
	return inst, nil
}

// instanceType writes the instance type of ext and returns its type index.
func (e *Encoder) instanceType(ext Extern) (uint32, error) {
	b := &declBuilder{enc: e, local: map[*Type]uint32{}, localRes: map[*Resource]uint32{}}
	for _, x := range dependencyOrder(ext.Type.Exports) {
		if err := b.export(x); err != nil {
			return 0, fmt.Errorf("import %s: %s %s: %w", ext.Name, x.Kind, x.Name, err)
		}
	}
	t := wasmbin.Type{Kind: wasmbin.TypeInstance, Decls: b.decls}
	e.defs = append(e.defs, &wasmbin.TypeDefs{Types: []wasmbin.Type{t}})
	e.types++
	return e.types - 1, nil
}

// namedExport is a named value type an imported instance exports.
type namedExport struct {
	t    *Type
	inst uint32
	name string
}

// namedAlias returns the component-level index of a type equal to t (of
// its name and structure) that an earlier imported instance exports, when
// t's structure names other types (a variant of records): aliased from
// that instance on first use. Other types are written structurally.
func (e *Encoder) namedAlias(t *Type) (uint32, bool) {
	if t.Name == "" || !namesOthers(t) {
		return 0, false
	}
	for _, src := range e.named[t.Name] {
		want, got := Extern{Kind: ExternType, Type: src.t}, Extern{Kind: ExternType, Type: t}
		if src.t != t && (Satisfies(want, got, e.Bindings) != nil || Satisfies(got, want, e.Bindings) != nil) {
			continue
		}
		if idx, ok := e.aliased[src.t]; ok {
			return idx, true
		}
		e.defs = append(e.defs, &wasmbin.AliasDefs{Aliases: []wasmbin.Alias{{Sort: wasmbin.SortType, Target: wasmbin.AliasExport,
			Instance: src.inst, Name: src.name}}})
		e.aliased[src.t] = e.types
		e.types++
		return e.types - 1, true
	}
	return 0, false
}

// namesOthers reports whether t's structure refers to a named record,
// variant, enum or flags type.
func namesOthers(t *Type) bool {
	var parts []*Type
	for _, f := range t.Fields {
		parts = append(parts, f.Type)
	}
	for _, c := range t.Cases {
		parts = append(parts, c.Type)
	}
	parts = append(parts, t.Elems...)
	parts = append(parts, t.Elem, t.Value, t.Ok, t.Err)
	for _, p := range parts {
		if p == nil {
			continue
		}
		switch p.Kind {
		case KindRecord, KindVariant, KindEnum, KindFlags:
			if p.Name != "" {
				return true
			}
		}
		if p.Name == "" && namesOthers(p) { // inside an anonymous list, option, …
			return true
		}
	}
	return false
}

// dependencyOrder puts every export after the type exports its type refers
// to: an exported type must refer to the exported (named) form of each
// named type inside it — a variant to its payload record's export, not to
// a bare copy of the record — or the instance type is not valid as an
// import. The order is otherwise kept.
func dependencyOrder(exports []Extern) []Extern {
	named := map[*Type]int{}
	res := map[*Resource]int{}
	for i, x := range exports {
		if x.Kind != ExternType {
			continue
		}
		if x.Type.Kind == KindResource {
			if _, ok := res[x.Type.Resource]; !ok {
				res[x.Type.Resource] = i
			}
		} else {
			named[x.Type] = i
		}
	}
	out := make([]Extern, 0, len(exports))
	done := make([]bool, len(exports))
	walked := map[*Type]bool{}
	var visit func(i int)
	var walk func(t *Type, top bool)
	walk = func(t *Type, top bool) {
		if t == nil || walked[t] {
			return
		}
		if j, ok := named[t]; ok && !top {
			visit(j)
			return
		}
		walked[t] = true
		if t.Resource != nil && t.Kind != KindResource {
			if j, ok := res[t.Resource]; ok {
				visit(j)
			}
		}
		for _, f := range t.Fields {
			walk(f.Type, false)
		}
		for _, c := range t.Cases {
			walk(c.Type, false)
		}
		for _, e := range t.Elems {
			walk(e, false)
		}
		for _, p := range []*Type{t.Elem, t.Value, t.Ok, t.Err, t.Result} {
			walk(p, false)
		}
	}
	visit = func(i int) {
		if done[i] {
			return
		}
		done[i] = true
		walk(exports[i].Type, true)
		out = append(out, exports[i])
	}
	for i := range exports {
		visit(i)
	}
	return out
}

// declBuilder writes the declarators of one instance type (or, with
// outer set, plain component-level type definitions).
type declBuilder struct {
	enc        *Encoder
	outer      bool
	decls      []wasmbin.Decl
	outerTypes []wasmbin.Type
	n          uint32 // next local type index
	local      map[*Type]uint32
	localRes   map[*Resource]uint32
}

func (b *declBuilder) addType(t wasmbin.Type) uint32 {
	if b.outer {
		b.outerTypes = append(b.outerTypes, t)
		return b.enc.types + uint32(len(b.outerTypes)) - 1
	}
	tt := t
	b.decls = append(b.decls, wasmbin.Decl{Kind: wasmbin.DeclType, Type: &tt})
	b.n++
	return b.n - 1
}

func (b *declBuilder) export(x Extern) error {
	switch x.Kind {
	case ExternType:
		var bound wasmbin.ExternType
		if x.Type.Kind == KindResource {
			r := b.enc.canonical(x.Type.Resource)
			if idx, ok := b.localRes[r]; ok {
				// Another name of a resource this instance exported already
				// (`type headers = fields`): equal to it, and the resource's
				// functions keep referring to its first export.
				b.decls = append(b.decls, wasmbin.Decl{Kind: wasmbin.DeclExport, Name: wasmbin.PlainName(x.Name),
					Extern: wasmbin.ExternType{Kind: wasmbin.ExternTypeType, Bound: 0x00, Index: idx}})
				b.n++
				return nil
			}
			if outerIdx, ok := b.enc.resources[r]; ok {
				a := wasmbin.Alias{Sort: wasmbin.SortType, Target: wasmbin.AliasOuter, Count: 1, Index: outerIdx}
				b.decls = append(b.decls, wasmbin.Decl{Kind: wasmbin.DeclAlias, Alias: &a})
				bound = wasmbin.ExternType{Kind: wasmbin.ExternTypeType, Bound: 0x00, Index: b.n}
				b.n++
			} else {
				bound = wasmbin.ExternType{Kind: wasmbin.ExternTypeType, Bound: 0x01}
			}
			b.decls = append(b.decls, wasmbin.Decl{Kind: wasmbin.DeclExport, Name: wasmbin.PlainName(x.Name), Extern: bound})
			b.localRes[x.Type.Resource] = b.n
			b.localRes[r] = b.n
			b.n++
			return nil
		}
		if idx, ok := b.enc.namedAlias(x.Type); ok && !b.outer {
			// A type an earlier import exports (`use`), whose structure
			// names other types: equal to that export, since a copy of it
			// would refer to records this instance does not export.
			a := wasmbin.Alias{Sort: wasmbin.SortType, Target: wasmbin.AliasOuter, Count: 1, Index: idx}
			b.decls = append(b.decls, wasmbin.Decl{Kind: wasmbin.DeclAlias, Alias: &a})
			b.decls = append(b.decls, wasmbin.Decl{Kind: wasmbin.DeclExport, Name: wasmbin.PlainName(x.Name),
				Extern: wasmbin.ExternType{Kind: wasmbin.ExternTypeType, Bound: 0x00, Index: b.n}})
			b.local[x.Type] = b.n + 1
			b.n += 2
			return nil
		}
		v, err := b.structure(x.Type)
		if err != nil {
			return err
		}
		bound = wasmbin.ExternType{Kind: wasmbin.ExternTypeType, Bound: 0x00, Index: b.valIndex(v)}
		b.decls = append(b.decls, wasmbin.Decl{Kind: wasmbin.DeclExport, Name: wasmbin.PlainName(x.Name), Extern: bound})
		b.local[x.Type] = b.n
		b.n++
		return nil
	case ExternFunc:
		idx, err := b.funcType(x.Type)
		if err != nil {
			return err
		}
		b.decls = append(b.decls, wasmbin.Decl{Kind: wasmbin.DeclExport, Name: wasmbin.PlainName(x.Name),
			Extern: wasmbin.ExternType{Kind: wasmbin.ExternTypeFunc, Index: idx}})
		return nil
	}
	return fmt.Errorf("exporting a %s from an imported instance is not supported", x.Kind)
}

// valIndex returns a type index for v, defining a primitive if needed.
func (b *declBuilder) valIndex(v wasmbin.ValType) uint32 {
	if v.Prim == 0 {
		return v.Index
	}
	return b.addType(wasmbin.Type{Kind: v.Prim})
}

func (b *declBuilder) funcType(t *Type) (uint32, error) {
	ft := wasmbin.Type{Kind: wasmbin.TypeFunc}
	if t.Async {
		ft.Kind = wasmbin.TypeAsyncFunc
	}
	for _, p := range t.Fields {
		v, err := b.val(p.Type)
		if err != nil {
			return 0, err
		}
		ft.Params = append(ft.Params, wasmbin.Field{Name: p.Name, Type: v})
	}
	if t.Result != nil {
		v, err := b.val(t.Result)
		if err != nil {
			return 0, err
		}
		ft.Result = &v
	}
	return b.addType(ft), nil
}

// val returns a value type usable in the current scope for t.
func (b *declBuilder) val(t *Type) (wasmbin.ValType, error) {
	if t.Kind == KindPrim {
		return wasmbin.ValType{Prim: t.Prim}, nil
	}
	if idx, ok := b.local[t]; ok {
		return wasmbin.ValType{Index: idx}, nil
	}
	v, err := b.structure(t)
	if err != nil {
		return v, err
	}
	if v.Prim == 0 {
		b.local[t] = v.Index
	}
	return v, nil
}

func (b *declBuilder) optVal(t *Type) (*wasmbin.ValType, error) {
	if t == nil {
		return nil, nil
	}
	v, err := b.val(t)
	return &v, err
}

func (b *declBuilder) resourceIndex(r *Resource) (uint32, error) {
	if idx, ok := b.localRes[r]; ok {
		return idx, nil
	}
	c := b.enc.canonical(r)
	if idx, ok := b.localRes[c]; ok {
		return idx, nil
	}
	outerIdx, ok := b.enc.resources[c]
	if !ok {
		return 0, fmt.Errorf("resource %s is not available here (it comes from an interface that is not imported)", r.Name)
	}
	if b.outer {
		return outerIdx, nil
	}
	a := wasmbin.Alias{Sort: wasmbin.SortType, Target: wasmbin.AliasOuter, Count: 1, Index: outerIdx}
	b.decls = append(b.decls, wasmbin.Decl{Kind: wasmbin.DeclAlias, Alias: &a})
	b.localRes[c] = b.n
	b.n++
	return b.n - 1, nil
}

// structure defines t's structure (not its name) and returns it.
func (b *declBuilder) structure(t *Type) (wasmbin.ValType, error) {
	d := wasmbin.Type{}
	var err error
	switch t.Kind {
	case KindPrim:
		return wasmbin.ValType{Prim: t.Prim}, nil
	case KindRecord:
		d.Kind = wasmbin.TypeRecord
		for _, f := range t.Fields {
			v, err := b.val(f.Type)
			if err != nil {
				return v, err
			}
			d.Fields = append(d.Fields, wasmbin.Field{Name: f.Name, Type: v})
		}
	case KindVariant:
		d.Kind = wasmbin.TypeVariant
		for _, c := range t.Cases {
			v, err := b.optVal(c.Type)
			if err != nil {
				return wasmbin.ValType{}, err
			}
			d.Cases = append(d.Cases, wasmbin.Case{Name: c.Name, Type: v})
		}
	case KindList, KindOption, KindFixedList:
		d.Kind = map[Kind]byte{KindList: wasmbin.TypeList, KindOption: wasmbin.TypeOption, KindFixedList: wasmbin.TypeFixedList}[t.Kind]
		d.Len = t.Len
		d.Elem, err = b.val(t.Elem)
	case KindTuple:
		d.Kind = wasmbin.TypeTuple
		for _, e := range t.Elems {
			v, err := b.val(e)
			if err != nil {
				return v, err
			}
			d.Elems = append(d.Elems, v)
		}
	case KindFlags, KindEnum:
		d.Kind = wasmbin.TypeFlags
		if t.Kind == KindEnum {
			d.Kind = wasmbin.TypeEnum
		}
		d.Labels = t.Labels
	case KindResult:
		d.Kind = wasmbin.TypeResult
		if d.Ok, err = b.optVal(t.Ok); err == nil {
			d.Err, err = b.optVal(t.Err)
		}
	case KindOwn, KindBorrow:
		d.Kind = wasmbin.TypeOwn
		if t.Kind == KindBorrow {
			d.Kind = wasmbin.TypeBorrow
		}
		if idx, ok := b.local[t.ResourceType]; ok && b.outer && t.ResourceType != nil {
			d.Index = idx // the resource under the name the handle uses, imported at component level
		} else {
			d.Index, err = b.resourceIndex(t.Resource)
		}
	case KindMap:
		d.Kind = wasmbin.TypeMap
		if d.Elem, err = b.val(t.Elem); err == nil {
			d.Value, err = b.val(t.Value)
		}
	case KindStream, KindFuture:
		d.Kind = wasmbin.TypeStream
		if t.Kind == KindFuture {
			d.Kind = wasmbin.TypeFuture
		}
		d.Ok, err = b.optVal(t.Elem)
	default:
		return wasmbin.ValType{}, fmt.Errorf("%s is not a value type", kindName(t.Kind))
	}
	if err != nil {
		return wasmbin.ValType{}, err
	}
	return wasmbin.ValType{Index: b.addType(d)}, nil
}
