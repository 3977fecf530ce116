package component

import (
	"fmt"

	"github.com/wasifill/wasifill/internal/wasmbin"
)

// This file gives the Encoder the rest of a component's definitions —
// core modules and instances, aliases, canonical functions, resource
// types, inline instances and exports — each appended in order and
// returning its index in its index space.

func (e *Encoder) add(d wasmbin.Def) { e.defs = append(e.defs, d) }

// CoreModule embeds a core module and returns its core module index.
func (e *Encoder) CoreModule(m *wasmbin.Binary) uint32 {
	e.add(&wasmbin.CoreModuleDef{Module: m})
	return e.bump(wasmbin.SortCoreModule)
}

func (e *Encoder) bump(s wasmbin.Sort) uint32 {
	switch s {
	case wasmbin.SortType:
		e.types++
		return e.types - 1
	case wasmbin.SortFunc:
		e.funcs++
		return e.funcs - 1
	case wasmbin.SortInstance:
		e.instances++
		return e.instances - 1
	}
	if e.core == nil {
		e.core = map[wasmbin.Sort]uint32{}
	}
	e.core[s]++
	return e.core[s] - 1
}

// CoreInstantiate instantiates core module m with named instances as its
// import modules, and returns the core instance index.
func (e *Encoder) CoreInstantiate(m uint32, args []wasmbin.CoreInstantiateArg) uint32 {
	e.add(&wasmbin.CoreInstanceDefs{Instances: []wasmbin.CoreInstance{{Instantiate: true, Module: m, Args: args}}})
	return e.bump(wasmbin.SortCoreInstance)
}

// CoreInline bundles core items into a core instance.
func (e *Encoder) CoreInline(exports []wasmbin.CoreInlineExport) uint32 {
	if exports == nil {
		exports = []wasmbin.CoreInlineExport{}
	}
	e.add(&wasmbin.CoreInstanceDefs{Instances: []wasmbin.CoreInstance{{Exports: exports}}})
	return e.bump(wasmbin.SortCoreInstance)
}

// AliasCoreExport brings export name of core instance inst into the core
// index space of sort.
func (e *Encoder) AliasCoreExport(inst uint32, name string, sort wasmbin.Sort) uint32 {
	e.add(&wasmbin.AliasDefs{Aliases: []wasmbin.Alias{{Sort: sort, Target: wasmbin.AliasCoreExport, Instance: inst, Name: name}}})
	return e.bump(sort)
}

// AliasExport brings export name of instance inst into sort's index space.
func (e *Encoder) AliasExport(inst uint32, name string, sort wasmbin.Sort) uint32 {
	e.add(&wasmbin.AliasDefs{Aliases: []wasmbin.Alias{{Sort: sort, Target: wasmbin.AliasExport, Instance: inst, Name: name}}})
	return e.bump(sort)
}

// CanonLower lowers component function f into a core function.
func (e *Encoder) CanonLower(f uint32, opts []wasmbin.CanonOpt) uint32 {
	e.add(&wasmbin.CanonDefs{Funcs: []wasmbin.Canon{{Op: wasmbin.CanonLower, Func: f, Opts: opts}}})
	return e.bump(wasmbin.SortCoreFunc)
}

// CanonLift lifts core function f to a component function of type t.
func (e *Encoder) CanonLift(f uint32, opts []wasmbin.CanonOpt, t uint32) uint32 {
	e.add(&wasmbin.CanonDefs{Funcs: []wasmbin.Canon{{Op: wasmbin.CanonLift, Func: f, Opts: opts, Type: t}}})
	return e.bump(wasmbin.SortFunc)
}

// ResourceBuiltin defines resource.new, resource.drop or resource.rep for
// resource type t as a core function.
func (e *Encoder) ResourceBuiltin(op byte, t uint32) uint32 {
	e.add(&wasmbin.CanonDefs{Funcs: []wasmbin.Canon{{Op: op, Type: t}}})
	return e.bump(wasmbin.SortCoreFunc)
}

// DefineResource defines resource r (rep i32) with an optional destructor
// (a core function index) and returns its type index.
func (e *Encoder) DefineResource(r *Resource, dtor *uint32) uint32 {
	e.add(&wasmbin.TypeDefs{Types: []wasmbin.Type{{Kind: wasmbin.TypeResource, Rep: 0x7f, Dtor: dtor}}})
	idx := e.bump(wasmbin.SortType)
	e.resources[r] = idx
	return idx
}

// ResourceIndex returns the type index at which resource r is available.
func (e *Encoder) ResourceIndex(r *Resource) (uint32, bool) {
	idx, ok := e.resources[e.canonical(r)]
	return idx, ok
}

// DefineValueType defines t (its structure) at component level, reusing
// an earlier definition of the same *Type, and returns its type index.
func (e *Encoder) DefineValueType(t *Type) (uint32, error) {
	if idx, ok := e.valueTypes[t]; ok {
		return idx, nil
	}
	b := e.outerBuilder()
	v, err := b.structure(t)
	if err != nil {
		return 0, err
	}
	idx := b.valIndexOuter(v)
	e.flush(b)
	e.valueTypes[t] = idx
	return idx, nil
}

// DefineFuncType defines a function type at component level.
func (e *Encoder) DefineFuncType(t *Type) (uint32, error) {
	b := e.outerBuilder()
	idx, err := b.funcType(t)
	if err != nil {
		return 0, err
	}
	e.flush(b)
	return idx, nil
}

func (e *Encoder) outerBuilder() *declBuilder {
	return &declBuilder{enc: e, outer: true, local: e.valueTypes}
}

// flush appends the component-level types a builder defined.
func (e *Encoder) flush(b *declBuilder) {
	if len(b.outerTypes) == 0 {
		return
	}
	e.add(&wasmbin.TypeDefs{Types: b.outerTypes})
	e.types += uint32(len(b.outerTypes))
	b.outerTypes = nil
}

// valIndexOuter returns a type index for v at component level.
func (b *declBuilder) valIndexOuter(v wasmbin.ValType) uint32 {
	if v.Prim == 0 {
		return v.Index
	}
	return b.addType(wasmbin.Type{Kind: v.Prim})
}

// InlineInstance bundles component items into an instance.
func (e *Encoder) InlineInstance(exports []wasmbin.InlineExport) uint32 {
	if exports == nil {
		exports = []wasmbin.InlineExport{}
	}
	e.add(&wasmbin.InstanceDefs{Instances: []wasmbin.Instance{{Exports: exports}}})
	return e.bump(wasmbin.SortInstance)
}

// Export exports item idx of sort under name; exports add to their
// sort's index space.
func (e *Encoder) Export(name string, sort wasmbin.Sort, idx uint32) (uint32, error) {
	switch sort {
	case wasmbin.SortFunc, wasmbin.SortInstance, wasmbin.SortType:
	default:
		return 0, fmt.Errorf("exporting a %s is not supported", sort)
	}
	e.add(&wasmbin.ExportDefs{Exports: []wasmbin.Export{{Name: wasmbin.PlainName(name), Sort: sort, Index: idx}}})
	return e.bump(sort), nil
}

// ExportFunc exports function idx as name with the ascribed function
// type typeIdx.
func (e *Encoder) ExportFunc(name string, idx, typeIdx uint32) uint32 {
	e.add(&wasmbin.ExportDefs{Exports: []wasmbin.Export{{Name: wasmbin.PlainName(name), Sort: wasmbin.SortFunc, Index: idx,
		Type: &wasmbin.ExternType{Kind: wasmbin.ExternTypeFunc, Index: typeIdx}}}})
	return e.bump(wasmbin.SortFunc)
}

// ImportResource imports an abstract resource type named name and makes
// it the type index for r.
func (e *Encoder) ImportResource(name string, r *Resource) uint32 {
	e.add(&wasmbin.ImportDefs{Imports: []wasmbin.Import{{Name: wasmbin.PlainName(name),
		Type: wasmbin.ExternType{Kind: wasmbin.ExternTypeType, Bound: 0x01}}}})
	idx := e.bump(wasmbin.SortType)
	e.resources[r] = idx
	return idx
}

// ImportTypeEq imports a type named name equal to type idx, and makes
// the imported index the one later definitions use for t.
func (e *Encoder) ImportTypeEq(name string, idx uint32, t *Type) uint32 {
	e.add(&wasmbin.ImportDefs{Imports: []wasmbin.Import{{Name: wasmbin.PlainName(name),
		Type: wasmbin.ExternType{Kind: wasmbin.ExternTypeType, Bound: 0x00, Index: idx}}}})
	out := e.bump(wasmbin.SortType)
	e.valueTypes[t] = out
	return out
}

// ImportFunc imports a function of type idx.
func (e *Encoder) ImportFunc(name string, typeIdx uint32) uint32 {
	e.add(&wasmbin.ImportDefs{Imports: []wasmbin.Import{{Name: wasmbin.PlainName(name),
		Type: wasmbin.ExternType{Kind: wasmbin.ExternTypeFunc, Index: typeIdx}}}})
	return e.bump(wasmbin.SortFunc)
}

// ExportType exports type idx as name and makes the exported index the
// one later definitions use for t (a resource type or a value type).
func (e *Encoder) ExportType(name string, idx uint32, t *Type) uint32 {
	e.add(&wasmbin.ExportDefs{Exports: []wasmbin.Export{{Name: wasmbin.PlainName(name), Sort: wasmbin.SortType, Index: idx}}})
	out := e.bump(wasmbin.SortType)
	if t.Kind == KindResource {
		e.resources[e.canonical(t.Resource)] = out
	} else {
		e.valueTypes[t] = out
	}
	// Anonymous types defined so far refer to what t was before; later
	// definitions must use the exported index, so forget them.
	for k := range e.valueTypes {
		if k.Name == "" {
			delete(e.valueTypes, k)
		}
	}
	return out
}

// ForgetValueTypes makes later definitions define value types afresh
// instead of reusing earlier ones (an export phase after an import phase
// must not refer to imported types).
func (e *Encoder) ForgetValueTypes() { clear(e.valueTypes) }

// Component embeds the component inner describes and returns its index.
func (e *Encoder) Component(inner *Encoder) uint32 {
	e.add(&wasmbin.ComponentDef{Component: &wasmbin.Component{Defs: inner.Defs()}})
	e.components++
	return e.components - 1
}

// Instantiate instantiates component comp with args.
func (e *Encoder) Instantiate(comp uint32, args []wasmbin.InstantiateArg) uint32 {
	if args == nil {
		args = []wasmbin.InstantiateArg{}
	}
	e.add(&wasmbin.InstanceDefs{Instances: []wasmbin.Instance{{Instantiate: true, Component: comp, Args: args}}})
	return e.bump(wasmbin.SortInstance)
}
