package component

import (
	"fmt"

	"github.com/wasifill/wasifill/internal/wasmbin"
)

var prims = map[byte]*Type{}

func init() {
	for p := range primNames {
		prims[p] = &Type{Kind: KindPrim, Prim: p}
	}
}

func isValueKind(k Kind) bool {
	return k != KindFunc && k != KindInstance && k != KindComponent && k != KindResource && k != KindCoreModule
}

func (s *scope) val(v wasmbin.ValType) (*Type, error) {
	if v.Prim != 0 {
		if p := prims[v.Prim]; p != nil {
			return p, nil
		}
		return nil, s.fail("unknown primitive 0x%02x", v.Prim)
	}
	t, err := s.item(wasmbin.SortType, v.Index)
	if err != nil {
		return nil, err
	}
	if !isValueKind(t.Kind) {
		return nil, s.fail("type %d is used as a value type but is a %s", v.Index, kindName(t.Kind))
	}
	return t, nil
}

func (s *scope) optVal(v *wasmbin.ValType) (*Type, error) {
	if v == nil {
		return nil, nil
	}
	return s.val(*v)
}

func kindName(k Kind) string {
	switch k {
	case KindFunc:
		return "function type"
	case KindInstance:
		return "instance type"
	case KindComponent:
		return "component type"
	case KindResource:
		return "resource type"
	}
	return "value type"
}

// resource is the resource type at idx, under the name it has there.
func (s *scope) resource(idx uint32) (*Type, error) {
	t, err := s.item(wasmbin.SortType, idx)
	if err != nil {
		return nil, err
	}
	if t.Kind != KindResource {
		return nil, s.fail("handle to type %d, which is not a resource", idx)
	}
	return t, nil
}

func (s *scope) fields(fs []wasmbin.Field) ([]Field, error) {
	out := make([]Field, len(fs))
	for i, f := range fs {
		t, err := s.val(f.Type)
		if err != nil {
			return nil, err
		}
		out[i] = Field{f.Name, t}
	}
	return out, nil
}

// def resolves one type definition in s.
func (s *scope) def(d *wasmbin.Type, depth int) (*Type, error) {
	if p := prims[d.Kind]; p != nil {
		return p, nil
	}
	t := &Type{}
	var err error
	switch d.Kind {
	case wasmbin.TypeRecord:
		t.Kind = KindRecord
		t.Fields, err = s.fields(d.Fields)
	case wasmbin.TypeVariant:
		t.Kind = KindVariant
		for _, c := range d.Cases {
			ct, err := s.optVal(c.Type)
			if err != nil {
				return nil, err
			}
			t.Cases = append(t.Cases, Case{c.Name, ct})
		}
	case wasmbin.TypeList, wasmbin.TypeOption, wasmbin.TypeFixedList:
		t.Kind = map[byte]Kind{wasmbin.TypeList: KindList, wasmbin.TypeOption: KindOption, wasmbin.TypeFixedList: KindFixedList}[d.Kind]
		t.Len = d.Len
		t.Elem, err = s.val(d.Elem)
	case wasmbin.TypeTuple:
		t.Kind = KindTuple
		for _, e := range d.Elems {
			et, err := s.val(e)
			if err != nil {
				return nil, err
			}
			t.Elems = append(t.Elems, et)
		}
	case wasmbin.TypeFlags, wasmbin.TypeEnum:
		t.Kind = KindFlags
		if d.Kind == wasmbin.TypeEnum {
			t.Kind = KindEnum
		}
		t.Labels = d.Labels
	case wasmbin.TypeResult:
		t.Kind = KindResult
		if t.Ok, err = s.optVal(d.Ok); err == nil {
			t.Err, err = s.optVal(d.Err)
		}
	case wasmbin.TypeOwn, wasmbin.TypeBorrow:
		t.Kind = KindOwn
		if d.Kind == wasmbin.TypeBorrow {
			t.Kind = KindBorrow
		}
		if t.ResourceType, err = s.resource(d.Index); err == nil {
			t.Resource = t.ResourceType.Resource
		}
	case wasmbin.TypeStream, wasmbin.TypeFuture:
		t.Kind = KindStream
		if d.Kind == wasmbin.TypeFuture {
			t.Kind = KindFuture
		}
		t.Elem, err = s.optVal(d.Ok)
	case wasmbin.TypeMap:
		t.Kind = KindMap
		if t.Elem, err = s.val(d.Elem); err == nil {
			t.Value, err = s.val(d.Value)
		}
	case wasmbin.TypeFunc, wasmbin.TypeAsyncFunc:
		t.Kind = KindFunc
		t.Async = d.Kind == wasmbin.TypeAsyncFunc
		if t.Fields, err = s.fields(d.Params); err == nil && d.Result != nil {
			t.Result, err = s.val(*d.Result)
		}
	case wasmbin.TypeResource:
		t.Kind = KindResource
		t.Resource = &Resource{}
	case wasmbin.TypeComponent, wasmbin.TypeInstance:
		return s.declType(d, depth)
	default:
		return nil, s.fail("unknown type kind 0x%02x", d.Kind)
	}
	if err != nil {
		return nil, err
	}
	if !t.sized() {
		return nil, s.fail("type is too large (more than %d nodes when expanded)", MaxTypeSize)
	}
	return t, nil
}

// declType resolves a component or instance type in a scope of its own.
func (s *scope) declType(d *wasmbin.Type, depth int) (*Type, error) {
	if depth > 64 {
		return nil, s.fail("types nest too deeply")
	}
	inner := newScope(s)
	inner.where = s.where
	kind := KindInstance
	if d.Kind == wasmbin.TypeComponent {
		kind = KindComponent
	}
	for i := range d.Decls {
		decl := &d.Decls[i]
		inner.where = fmt.Sprintf("%s, declarator %d", s.where, i)
		switch decl.Kind {
		case wasmbin.DeclCoreType:
			inner.core[wasmbin.SortCoreType]++
		case wasmbin.DeclType:
			t, err := inner.def(decl.Type, depth+1)
			if err != nil {
				return nil, err
			}
			if t.Kind == KindResource {
				return nil, inner.fail("resource types cannot be defined inside a %s type", kindName(kind))
			}
			inner.types = append(inner.types, t)
		case wasmbin.DeclAlias:
			if err := inner.alias(decl.Alias); err != nil {
				return nil, err
			}
		case wasmbin.DeclImport, wasmbin.DeclExport:
			e, err := inner.extern(decl.Name, decl.Extern)
			if err != nil {
				return nil, err
			}
			inner.push(e)
			if decl.Kind == wasmbin.DeclImport {
				inner.imports = append(inner.imports, e)
			} else {
				inner.exports = append(inner.exports, e)
			}
		}
	}
	t := &Type{Kind: kind, Imports: inner.imports, Exports: inner.exports}
	if !t.sized() {
		return nil, s.fail("type is too large (more than %d nodes when expanded)", MaxTypeSize)
	}
	return t, nil
}
