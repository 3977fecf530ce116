package wat

import (
	"fmt"

	"github.com/wasifill/wasifill/internal/wasmbin"
)

// Expansion (wast's component/expand.rs): an inline type — a defined type
// used as a value type, or a function, instance or component type written
// inside an import or export — becomes a type declarator of its own,
// inserted just before the declarator that uses it, inner types first. A
// top-level `(type (export "n") ...)` adds an export at the end of the
// component.

func (p *parser) gensym() string {
	p.gen++
	return fmt.Sprintf(" gensym%d", p.gen) // a space: no identifier of the input can clash
}

func (p *parser) expandList(list []*decl, top bool) []*decl {
	out := make([]*decl, 0, len(list))
	var appended []*decl
	for _, d := range list {
		var pre []*decl
		switch d.kind {
		case dType:
			p.expandType(d.ty, &pre)
			if len(d.exported) > 0 && d.id == "" {
				d.id = p.gensym()
			}
			for _, n := range d.exported {
				appended = append(appended, &decl{off: d.off, kind: dExport, name: n, sort: wasmbin.SortType,
					ref: &index{off: d.off, id: d.id}})
			}
		case dImport, dExport:
			if d.sig != nil {
				p.expandSig(d.sig, &pre)
			}
		}
		out = append(append(out, pre...), d)
	}
	if top {
		out = append(out, appended...)
	}
	return out
}

func (p *parser) expandType(t *defType, pre *[]*decl) {
	switch t.kind {
	case wasmbin.TypeComponent, wasmbin.TypeInstance:
		t.decls = p.expandList(t.decls, false)
		return
	}
	for i := range t.fields {
		p.expandVal(&t.fields[i].ty, pre)
	}
	for i := range t.cases {
		if t.cases[i].ty != nil {
			p.expandVal(t.cases[i].ty, pre)
		}
	}
	for i := range t.elems {
		p.expandVal(&t.elems[i], pre)
	}
	for _, v := range []*valType{t.elem, t.value, t.ok, t.err} {
		if v != nil {
			p.expandVal(v, pre)
		}
	}
}

func (p *parser) expandVal(v *valType, pre *[]*decl) {
	if v.inline == nil {
		return
	}
	p.expandType(v.inline, pre)
	id := p.gensym()
	*pre = append(*pre, &decl{off: v.inline.off, kind: dType, id: id, ty: v.inline})
	v.ref = &index{off: v.inline.off, id: id}
	v.inline = nil
}

func (p *parser) expandSig(s *itemSig, pre *[]*decl) {
	if s.inline == nil {
		return
	}
	p.expandType(s.inline, pre)
	id := p.gensym()
	s.inline.id = id
	*pre = append(*pre, &decl{off: s.inline.off, kind: dType, id: id, ty: s.inline})
	s.use = &index{off: s.inline.off, id: id}
	s.inline = nil
}

// Resolution (wast's component/resolve.rs): identifiers become indices in
// their index space; a reference to a type or component of an enclosing
// scope inserts an outer alias before the declarator that makes it (once
// per scope: the alias takes the identifier).

const (
	nsType = iota
	nsFunc
	nsInstance
	nsComponent
	nsValue
	nsCount
)

var nsNames = [nsCount]string{"type", "func", "instance", "component", "value"}

type namespace struct {
	n   uint32
	ids map[string]uint32
}

type state struct {
	id string
	ns [nsCount]namespace
}

type resolver struct {
	stack   []*state
	pending []wasmbin.Alias
}

func (r *resolver) cur() *state { return r.stack[len(r.stack)-1] }

func (r *resolver) register(ns int, id string, off int) error {
	n := &r.cur().ns[ns]
	if id != "" {
		if _, dup := n.ids[id]; dup {
			return &Error{Offset: off, Msg: fmt.Sprintf("duplicate %s identifier `$%s`", nsNames[ns], id)}
		}
		if n.ids == nil {
			n.ids = map[string]uint32{}
		}
		n.ids[id] = n.n
	}
	n.n++
	return nil
}

func sortNS(s wasmbin.Sort) int {
	switch s {
	case wasmbin.SortFunc:
		return nsFunc
	case wasmbin.SortInstance:
		return nsInstance
	case wasmbin.SortComponent:
		return nsComponent
	case wasmbin.SortValue:
		return nsValue
	}
	return nsType
}

func externNS(kind byte) int {
	switch kind {
	case wasmbin.ExternTypeFunc:
		return nsFunc
	case wasmbin.ExternTypeInstance:
		return nsInstance
	case wasmbin.ExternTypeComponent:
		return nsComponent
	}
	return nsType
}

// ref resolves a reference in index space ns.
func (r *resolver) ref(ix index, ns int) (uint32, error) {
	if ix.id == "" {
		return ix.num, nil
	}
	for depth := 0; depth < len(r.stack); depth++ {
		v, ok := r.stack[len(r.stack)-1-depth].ns[ns].ids[ix.id]
		if !ok {
			continue
		}
		if depth == 0 {
			return v, nil
		}
		if ns != nsType && ns != nsComponent {
			return 0, &Error{Offset: ix.off, Msg: fmt.Sprintf("outer item `$%s` is not a module, type, or component", ix.id)}
		}
		sort := wasmbin.SortType
		if ns == nsComponent {
			sort = wasmbin.SortComponent
		}
		r.pending = append(r.pending, wasmbin.Alias{Sort: sort, Target: wasmbin.AliasOuter, Count: uint32(depth), Index: v})
		local := r.cur().ns[ns].n
		return local, r.register(ns, ix.id, ix.off)
	}
	return 0, &Error{Offset: ix.off, Msg: fmt.Sprintf("unknown %s: failed to find name `$%s`", nsNames[ns], ix.id)}
}

func (r *resolver) component(id string, fields []*decl) ([]wasmbin.Def, error) {
	r.stack = append(r.stack, &state{id: id})
	var defs []wasmbin.Def
	for _, d := range fields {
		var err error
		switch d.kind {
		case dType:
			var t wasmbin.Type
			if t, err = r.typ(d.ty); err == nil {
				if last, ok := lastDef(defs).(*wasmbin.TypeDefs); ok {
					last.Types = append(last.Types, t)
				} else {
					defs = append(defs, &wasmbin.TypeDefs{Types: []wasmbin.Type{t}})
				}
				err = r.register(nsType, d.id, d.off)
			}
		case dAlias:
			var a wasmbin.Alias
			if a, err = r.alias(d.alias, d.off); err == nil {
				if last, ok := lastDef(defs).(*wasmbin.AliasDefs); ok {
					last.Aliases = append(last.Aliases, a)
				} else {
					defs = append(defs, &wasmbin.AliasDefs{Aliases: []wasmbin.Alias{a}})
				}
				err = r.register(sortNS(a.Sort), d.id, d.off)
			}
		case dImport:
			var et wasmbin.ExternType
			if et, err = r.sig(d.sig); err == nil {
				im := wasmbin.Import{Name: d.name, Type: et}
				if last, ok := lastDef(defs).(*wasmbin.ImportDefs); ok {
					last.Imports = append(last.Imports, im)
				} else {
					defs = append(defs, &wasmbin.ImportDefs{Imports: []wasmbin.Import{im}})
				}
				err = r.register(externNS(d.sig.kind), d.sig.id, d.off)
			}
		case dExport:
			ex := wasmbin.Export{Name: d.name, Sort: d.sort}
			if ex.Index, err = r.ref(*d.ref, sortNS(d.sort)); err != nil {
				break
			}
			if d.sig != nil {
				var et wasmbin.ExternType
				if et, err = r.sig(d.sig); err != nil {
					break
				}
				ex.Type = &et
			}
			if last, ok := lastDef(defs).(*wasmbin.ExportDefs); ok {
				last.Exports = append(last.Exports, ex)
			} else {
				defs = append(defs, &wasmbin.ExportDefs{Exports: []wasmbin.Export{ex}})
			}
			err = r.register(sortNS(d.sort), d.id, d.off)
		case dCustom:
			defs = append(defs, d.custom)
		}
		if err != nil {
			return nil, err
		}
	}
	return defs, nil
}

func lastDef(defs []wasmbin.Def) wasmbin.Def {
	if len(defs) == 0 {
		return nil
	}
	return defs[len(defs)-1]
}

// decls resolves the declarators of a component or instance type.
func (r *resolver) decls(list []*decl) ([]wasmbin.Decl, error) {
	saved := r.pending
	defer func() { r.pending = saved }()
	out := make([]wasmbin.Decl, 0, len(list))
	for _, d := range list {
		r.pending = nil
		var wd wasmbin.Decl
		ns, id := 0, ""
		switch d.kind {
		case dType:
			t, err := r.typ(d.ty)
			if err != nil {
				return nil, err
			}
			wd = wasmbin.Decl{Kind: wasmbin.DeclType, Type: &t}
			ns, id = nsType, d.id
		case dAlias:
			a, err := r.alias(d.alias, d.off)
			if err != nil {
				return nil, err
			}
			wd = wasmbin.Decl{Kind: wasmbin.DeclAlias, Alias: &a}
			ns, id = sortNS(a.Sort), d.id
		case dImport, dExport:
			et, err := r.sig(d.sig)
			if err != nil {
				return nil, err
			}
			wd = wasmbin.Decl{Kind: wasmbin.DeclImport, Name: d.name, Extern: et}
			if d.kind == dExport {
				wd.Kind = wasmbin.DeclExport
			}
			ns, id = externNS(d.sig.kind), d.sig.id
		}
		for i := range r.pending {
			out = append(out, wasmbin.Decl{Kind: wasmbin.DeclAlias, Alias: &r.pending[i]})
		}
		out = append(out, wd)
		if err := r.register(ns, id, d.off); err != nil {
			return nil, err
		}
	}
	return out, nil
}

func (r *resolver) alias(a *aliasDef, off int) (wasmbin.Alias, error) {
	out := wasmbin.Alias{Sort: a.sort}
	if !a.outer {
		out.Target = wasmbin.AliasExport
		out.Name = a.name
		var err error
		out.Instance, err = r.ref(a.inst, nsInstance)
		return out, err
	}
	out.Target = wasmbin.AliasOuter
	if a.count.id == "" && a.idx.id == "" {
		out.Count, out.Index = a.count.num, a.idx.num
		return out, nil
	}
	depth := a.count.num
	if a.count.id != "" {
		found := false
		for i := len(r.stack) - 1; i >= 0; i-- {
			if r.stack[i].id == a.count.id {
				depth, found = uint32(len(r.stack)-1-i), true
				break
			}
		}
		if !found {
			return out, &Error{Offset: a.count.off, Msg: fmt.Sprintf("outer component `$%s` not found", a.count.id)}
		}
	}
	if int64(depth) >= int64(len(r.stack)) {
		return out, &Error{Offset: off, Msg: fmt.Sprintf("outer count of `%d` is too large", depth)}
	}
	out.Count = depth
	if a.sort != wasmbin.SortType && a.sort != wasmbin.SortComponent {
		return out, &Error{Offset: off, Msg: "an outer alias refers to a type or a component"}
	}
	ns := sortNS(a.sort)
	out.Index = a.idx.num
	if a.idx.id != "" {
		v, ok := r.stack[len(r.stack)-1-int(depth)].ns[ns].ids[a.idx.id]
		if !ok {
			return out, &Error{Offset: a.idx.off, Msg: fmt.Sprintf("unknown %s: failed to find name `$%s`", nsNames[ns], a.idx.id)}
		}
		out.Index = v
	}
	return out, nil
}

func (r *resolver) sig(s *itemSig) (wasmbin.ExternType, error) {
	et := wasmbin.ExternType{Kind: s.kind}
	var err error
	switch {
	case s.kind != wasmbin.ExternTypeType:
		et.Index, err = r.ref(*s.use, nsType)
	case s.eq != nil:
		et.Index, err = r.ref(*s.eq, nsType)
	default:
		et.Bound = 0x01 // sub resource
	}
	return et, err
}

func (r *resolver) val(v *valType) (wasmbin.ValType, error) {
	if v.ref == nil {
		return wasmbin.ValType{Prim: v.prim}, nil
	}
	i, err := r.ref(*v.ref, nsType)
	return wasmbin.ValType{Index: i}, err
}

func (r *resolver) optVal(v *valType) (*wasmbin.ValType, error) {
	if v == nil {
		return nil, nil
	}
	x, err := r.val(v)
	return &x, err
}

func (r *resolver) typ(t *defType) (wasmbin.Type, error) {
	out := wasmbin.Type{Kind: t.kind}
	var err error
	switch t.kind {
	case wasmbin.TypeComponent, wasmbin.TypeInstance:
		r.stack = append(r.stack, &state{id: t.id})
		out.Decls, err = r.decls(t.decls)
		r.stack = r.stack[:len(r.stack)-1]
		return out, err
	case wasmbin.TypeOwn, wasmbin.TypeBorrow:
		out.Index, err = r.ref(t.res, nsType)
		return out, err
	case wasmbin.TypeFixedList:
		out.Len = t.n
	}
	fields := make([]wasmbin.Field, len(t.fields))
	for i, f := range t.fields {
		fields[i].Name = f.name
		if fields[i].Type, err = r.val(&f.ty); err != nil {
			return out, err
		}
	}
	for _, c := range t.cases {
		wc := wasmbin.Case{Name: c.name}
		if wc.Type, err = r.optVal(c.ty); err != nil {
			return out, err
		}
		out.Cases = append(out.Cases, wc)
	}
	for i := range t.elems {
		v, err := r.val(&t.elems[i])
		if err != nil {
			return out, err
		}
		out.Elems = append(out.Elems, v)
	}
	out.Labels = t.labels
	var elem, value, ok, errT *wasmbin.ValType
	if elem, err = r.optVal(t.elem); err != nil {
		return out, err
	}
	if value, err = r.optVal(t.value); err != nil {
		return out, err
	}
	if ok, err = r.optVal(t.ok); err != nil {
		return out, err
	}
	if errT, err = r.optVal(t.err); err != nil {
		return out, err
	}
	switch t.kind {
	case wasmbin.TypeFunc, wasmbin.TypeAsyncFunc:
		out.Params, out.Result = fields, ok
	case wasmbin.TypeRecord:
		out.Fields = fields
	case wasmbin.TypeList, wasmbin.TypeFixedList, wasmbin.TypeOption:
		out.Elem = *elem
	case wasmbin.TypeMap:
		out.Elem, out.Value = *elem, *value
	case wasmbin.TypeResult:
		out.Ok, out.Err = ok, errT
	case wasmbin.TypeStream, wasmbin.TypeFuture:
		out.Ok = elem
	}
	return out, nil
}
