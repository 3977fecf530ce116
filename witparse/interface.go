package witparse

import (
	"github.com/wasifill/wasifill/witparse/ast"
	"github.com/wasifill/wasifill/witparse/token"
)

// scope is where type names are looked up: an interface's or a world's.
type scope struct {
	names    map[string]TypeID
	excluded map[string]bool // types left out by a feature gate (nil until one is)
	iface    *InterfaceID
	world    *WorldID
	decl     *ifaceDecl // the interface being resolved, for its deps
	inFunc   bool
	// item is where a reference to an excluded type is reported: the
	// type, field, case or function that makes it, as wit-parser does.
	item token.Pos
}

// newScope makes a scope with room for n names.
func newScope(n int) *scope {
	return &scope{names: make(map[string]TypeID, n)}
}

// missing reports a name that is not in scope, saying so when a feature
// gate left it out.
func (rs *resolver) missing(sc *scope, n ast.Ident, format string) {
	if sc.excluded[n.Name] {
		at := n.Pos
		if sc.item.IsValid() {
			at = sc.item
		}
		rs.fail(at, "found a reference to a type which is excluded due to its feature not being activated")
	}
	rs.fail(n.Pos, format, n.Name)
}

func (rs *resolver) define(sc *scope, name ast.Ident, id TypeID) {
	if _, dup := sc.names[name.Name]; dup {
		rs.fail(name.Pos, "name `%s` is defined more than once", name.Name)
	}
	sc.names[name.Name] = id
}

// resolveInterface resolves a named interface of a package.
func (rs *resolver) resolveInterface(d *ifaceDecl) {
	d.state = resolving
	defer func() {
		if d.state == resolving {
			d.state = failed
		}
	}()
	// Resolve what it uses first, so ids come in dependency order.
	for _, it := range d.ast.Items {
		if u, ok := it.(*ast.UseNames); ok {
			if _, ex := rs.stability(u.Gates); !ex {
				rs.lookupInterface(d.pkg, d.part, u.Path)
			}
		}
	}
	iface := &Interface{Name: d.name, Docs: docs(d.ast.Docs), Package: &d.pkg.id}
	iface.Stability, _ = rs.stability(d.ast.Gates)
	rs.checkSince(d.pkg, d.ast.Gates, d.ast.Name.Pos)
	d.id = rs.addInterface(iface)
	rs.fillInterface(d, iface, d.ast.Items)
	d.state = resolved
}

func (rs *resolver) addInterface(iface *Interface) InterfaceID {
	rs.r.Interfaces = append(rs.r.Interfaces, iface)
	return InterfaceID(len(rs.r.Interfaces) - 1)
}

// fillInterface resolves an interface's items: uses, types, functions.
func (rs *resolver) fillInterface(d *ifaceDecl, iface *Interface, items []ast.InterfaceItem) {
	sc := newScope(len(items))
	sc.iface, sc.decl = &d.id, d
	d.types = sc.names
	// Sized for the items at once (no regrowth on large interfaces).
	defs := make([]*ast.TypeDef, 0, len(items))
	defIDs := make([]TypeID, 0, len(items))
	var funcs []*ast.Func
	typeItems := make([]any, 0, len(items)) // uses and types, gated or not
	if iface.Types == nil {
		iface.Types = make([]Named[TypeID], 0, len(items))
	}
	for _, it := range items {
		switch it.(type) {
		case *ast.UseNames, *ast.TypeDef:
			typeItems = append(typeItems, it)
		}
		switch it := it.(type) {
		case *ast.UseNames:
			if _, ex := rs.stability(it.Gates); ex {
				continue
			}
			names, _ := rs.useNames(d.pkg, d.part, sc, it)
			iface.Types = append(iface.Types, names...)
		case *ast.TypeDef:
			if _, ex := rs.stability(it.Gates); ex {
				rs.checkExcludedResource(it)
				if sc.excluded == nil {
					sc.excluded = map[string]bool{}
				}
				sc.excluded[it.Name.Name] = true
				continue
			}
			rs.checkSince(d.pkg, it.Gates, it.Name.Pos)
			id := rs.declareType(sc, it)
			iface.Types = append(iface.Types, Named[TypeID]{it.Name.Name, id})
			defs, defIDs = append(defs, it), append(defIDs, id)
		case *ast.Func:
			if _, ex := rs.stability(it.Gates); ex {
				continue
			}
			rs.checkSince(d.pkg, it.Gates, it.Name.Pos)
			funcs = append(funcs, it)
		}
	}
	rs.checkTypeOrder(sc, typeItems)
	for i, def := range defs {
		rs.defineType(sc, def, defIDs[i])
	}
	// Each function's name is taken before its signature resolves, as in
	// wit-parser. The model lists freestanding functions first, then the
	// resources' (wit-parser interleaves them in source order; the
	// generators rely on this order).
	nfuncs := len(funcs)
	for _, def := range defs {
		nfuncs += len(def.Funcs)
	}
	iface.Functions = grow(iface.Functions, nfuncs)
	for _, f := range funcs {
		if _, dup := sc.names[f.Name.Name]; dup {
			rs.fail(f.Name.Pos, "name `%s` is defined more than once", f.Name.Name)
		}
		sc.names[f.Name.Name] = funcName // functions share the namespace but are no types
		iface.Functions = append(iface.Functions, rs.function(sc, f, f.Name.Name, Freestanding, 0))
	}
	for i, def := range defs {
		if def.Kind == ast.ResourceDef {
			iface.Functions = rs.resourceFuncs(iface.Functions, sc, def, defIDs[i])
		}
	}
}

// funcName marks a function's name in a scope: it shares the namespace
// with types but is no type.
const funcName TypeID = -1

// checkExcludedResource reports functions of an excluded resource that are
// not gated themselves.
func (rs *resolver) checkExcludedResource(def *ast.TypeDef) {
	for _, f := range def.Funcs {
		if !hasUnstable(f.Gates) {
			rs.fail(f.Name.Pos, "found a reference to a type which is excluded due to its feature not being activated")
		}
	}
}

// useNames resolves `use path.{a, b as c}` into alias types in sc and
// returns them with the interface they come from.
func (rs *resolver) useNames(p *pkgState, part *pkgPart, sc *scope, u *ast.UseNames) ([]Named[TypeID], InterfaceID) {
	target := rs.lookupInterface(p, part, u.Path)
	if sc.decl != nil && target == sc.decl {
		rs.fail(u.Path.Pos, "interface `%s` cannot use itself", target.name)
	}
	if sc.iface != nil {
		rs.deps[*sc.iface] = appendUnique(rs.deps[*sc.iface], target.id)
	}
	stab, _ := rs.stability(u.Gates)
	rs.checkSince(p, u.Gates, u.Path.Interface.Pos)
	var out []Named[TypeID]
	for _, n := range u.Names {
		src, ok := target.types[n.Name.Name]
		if ok && src == funcName {
			if target.pkg == p {
				rs.fail(n.Name.Pos, "cannot import function `%s`", n.Name.Name)
			}
			ok = false // another package's functions are not seen as names
		}
		if !ok {
			if target.pkg == p {
				rs.fail(n.Name.Pos, "name `%s` does not exist", n.Name.Name)
			}
			rs.fail(n.Name.Pos, "type `%s` not defined in interface", n.Name.Name)
		}
		local := n.Name
		if n.As != nil {
			local = *n.As
		}
		id := rs.newType(&TypeDef{Name: local.Name, Kind: KindAlias, Elem: Type{ID: src},
			OwnerInterface: sc.iface, OwnerWorld: sc.world, Stability: stab, Docs: docs(u.Docs)})
		rs.define(sc, local, id)
		out = append(out, Named[TypeID]{local.Name, id})
	}
	return out, target.id
}

func appendUnique(ids []InterfaceID, id InterfaceID) []InterfaceID {
	for _, x := range ids {
		if x == id {
			return ids
		}
	}
	return append(ids, id)
}

// declareType adds a named type with its kind still to be filled.
func (rs *resolver) declareType(sc *scope, def *ast.TypeDef) TypeID {
	t := rs.slot() // filled in place, as newAnon does
	t.Name, t.OwnerInterface, t.OwnerWorld = def.Name.Name, sc.iface, sc.world
	if len(def.Docs.Comments) > 0 {
		t.Docs = docs(def.Docs)
	}
	if stab, _ := rs.stability(def.Gates); !stab.IsZero() {
		t.Stability = stab
	}
	if def.Kind == ast.ResourceDef {
		t.Kind = KindResource
	}
	rs.r.Types = append(grow(rs.r.Types, 1), t)
	id := TypeID(len(rs.r.Types) - 1)
	rs.define(sc, def.Name, id)
	return id
}

// defineType fills in a declared type's kind from its definition.
func (rs *resolver) defineType(sc *scope, def *ast.TypeDef, id TypeID) {
	t := rs.typeDef(id)
	sc.item = def.Name.Pos
	defer func() { sc.item = token.NoPos }()
	switch def.Kind {
	case ast.AliasDef:
		switch a := def.Alias.(type) {
		case *ast.Named:
			t.Kind, t.Elem = KindAlias, rs.aliasTarget(sc, a)
		case *ast.Primitive:
			t.Kind, t.Elem = KindAlias, rs.resolveType(sc, a)
		default:
			// `type x = list<u8>` names the list itself.
			body := rs.typeDef(rs.resolveType(sc, a).ID)
			t.Kind, t.Elem, t.HasElem, t.Value, t.Len = body.Kind, body.Elem, body.HasElem, body.Value, body.Len
			t.Types, t.Ok, t.Err, t.Resource, t.Borrow = body.Types, body.Ok, body.Err, body.Resource, body.Borrow
		}
	case ast.RecordDef:
		t.Kind = KindRecord
		if len(def.Fields) > 0 {
			t.Fields = make([]Field, 0, len(def.Fields))
		}
		var seen map[string]bool // past smallSet fields; below, a scan
		for i, f := range def.Fields {
			sc.item = f.Name.Pos
			if i == smallSet {
				seen = make(map[string]bool, len(def.Fields))
				for _, g := range def.Fields[:i] {
					seen[g.Name.Name] = true
				}
			}
			if dupName(seen, def.Fields[:i], f.Name.Name) {
				rs.fail(f.Name.Pos, "name `%s` is defined more than once", f.Name.Name)
			}
			if seen != nil {
				seen[f.Name.Name] = true
			}
			t.Fields = append(t.Fields, Field{Name: f.Name.Name, Type: rs.resolveType(sc, f.Type), Docs: docs(f.Docs)})
		}
	case ast.VariantDef:
		t.Kind = KindVariant
		if len(def.Cases) == 0 {
			rs.fail(def.Name.Pos, "empty variant")
		}
		if len(def.Cases) > 0 {
			t.Cases = make([]Case, 0, len(def.Cases))
		}
		for _, c := range def.Cases {
			sc.item = c.Name.Pos
			vc := Case{Name: c.Name.Name, Docs: docs(c.Docs)}
			if c.Type != nil {
				vc.Type = rs.typePtr(rs.resolveType(sc, c.Type))
			}
			t.Cases = append(t.Cases, vc)
		}
	case ast.EnumDef, ast.FlagsDef:
		t.Kind = KindEnum
		if def.Kind == ast.FlagsDef {
			t.Kind = KindFlags
		} else if len(def.Labels) == 0 {
			rs.fail(def.Name.Pos, "empty enum")
		}
		for _, l := range def.Labels {
			t.Labels = append(t.Labels, Label{Name: l.Name.Name, Docs: docs(l.Docs)})
		}
	}
}

// aliasTarget resolves the name in `type x = y`: y itself, even when it is
// a resource.
func (rs *resolver) aliasTarget(sc *scope, n *ast.Named) Type {
	id, ok := sc.names[n.Name.Name]
	if !ok || id < 0 {
		rs.missing(sc, n.Name, "type `%s` does not exist")
	}
	return Type{ID: id}
}

// underlying follows aliases to the type they name. Results for fully
// defined types are cached, so a long alias chain is walked once.
func (rs *resolver) underlying(id TypeID) *TypeDef {
	if n := len(rs.r.Types); len(rs.under) < n {
		rs.under = append(rs.under, make([]int32, n-len(rs.under))...)
	}
	start := id
	for steps := 0; steps <= len(rs.r.Types); steps++ {
		if u := rs.under[id]; u != 0 {
			id = TypeID(u - 1)
			break
		}
		t := rs.typeDef(id)
		if t.Kind != KindAlias || t.Elem.IsPrim() {
			break
		}
		id = t.Elem.ID
	}
	if rs.typeDef(id).Kind != 0 {
		for a := start; a != id; {
			if rs.under[a] != 0 {
				break
			}
			rs.under[a] = int32(id) + 1
			t := rs.typeDef(a)
			if t.Kind != KindAlias || t.Elem.IsPrim() {
				break
			}
			a = t.Elem.ID
		}
	}
	return rs.typeDef(id)
}

// viaForeign reports whether the alias chain from id reaches a type of
// another package than the scope's.
func (rs *resolver) viaForeign(sc *scope, id TypeID) bool {
	home := rs.scopePackage(sc)
	for steps := 0; steps <= len(rs.r.Types); steps++ {
		t := rs.typeDef(id)
		if p := rs.typePackage(t); p != nil && home != nil && *p != *home {
			return true
		}
		if t.Kind != KindAlias || t.Elem.IsPrim() {
			return false
		}
		id = t.Elem.ID
	}
	return false
}

func (rs *resolver) scopePackage(sc *scope) *PackageID {
	switch {
	case sc.iface != nil:
		return rs.r.Interfaces[*sc.iface].Package
	case sc.world != nil:
		return rs.r.Worlds[*sc.world].Package
	}
	return nil
}

// typePackage returns the package of a type's owner, if it has one.
func (rs *resolver) typePackage(t *TypeDef) *PackageID {
	switch {
	case t.OwnerInterface != nil:
		return rs.r.Interfaces[*t.OwnerInterface].Package
	case t.OwnerWorld != nil:
		return rs.r.Worlds[*t.OwnerWorld].Package
	}
	return nil
}

func (rs *resolver) anon(t *TypeDef) Type { return Type{ID: rs.newType(t)} }

// newAnon adds an anonymous type definition of the given kind, for the
// caller to fill in (no copy, unlike anon).
func (rs *resolver) newAnon(k TypeDefKind) (*TypeDef, Type) {
	d := rs.slot()
	d.Kind = k
	rs.r.Types = append(grow(rs.r.Types, 1), d)
	return d, Type{ID: TypeID(len(rs.r.Types) - 1)}
}

// resolveType resolves a type expression; compound types become anonymous
// type definitions.
func (rs *resolver) resolveType(sc *scope, t ast.Type) Type {
	switch t := t.(type) {
	case *ast.Primitive:
		if t.Name == "float32" || t.Name == "float64" {
			rs.fail(t.Pos, "type `%s` does not exist", t.Name)
		}
		return Type{Prim: t.Name}
	case *ast.Named:
		id, ok := sc.names[t.Name.Name]
		if id == funcName {
			rs.fail(t.Name.Pos, "cannot use function `%s` as a type", t.Name.Name)
		}
		if !ok {
			if sc.inFunc {
				rs.missing(sc, t.Name, "name `%s` does not exist")
			}
			rs.missing(sc, t.Name, "type `%s` does not exist")
		}
		if u := rs.underlying(id); u.Kind == KindResource {
			d, ty := rs.newAnon(KindHandle)
			d.Resource = id
			return ty
		}
		return Type{ID: id}
	case *ast.Handle:
		id, ok := sc.names[t.Resource.Name]
		if id == funcName {
			rs.fail(t.Resource.Pos, "cannot use function `%s` as a type", t.Resource.Name)
		}
		if !ok {
			rs.missing(sc, t.Resource, "name `%s` does not exist")
		}
		if rs.underlying(id).Kind != KindResource {
			if rs.viaForeign(sc, id) {
				// wit-parser checks these after resolving the package and
				// no longer knows the name.
				rs.fail(t.Resource.Pos, "type used in a handle must be a resource")
			}
			rs.fail(t.Resource.Pos, "type `%s` used in a handle must be a resource", t.Resource.Name)
		}
		d, ty := rs.newAnon(KindHandle)
		d.Resource, d.Borrow = id, t.Borrow
		return ty
	case *ast.List:
		elem := rs.resolveType(sc, t.Elem)
		if t.Len > 0 {
			d, ty := rs.newAnon(KindFixedList)
			d.Elem, d.Len = elem, t.Len
			return ty
		}
		d, ty := rs.newAnon(KindList)
		d.Elem = elem
		return ty
	case *ast.Map:
		key, val := rs.resolveType(sc, t.Key), rs.resolveType(sc, t.Value)
		if !mapKeyPrims[key.Prim] {
			rs.fail(t.Pos, "invalid map key type: map keys must be bool, u8, u16, u32, u64, s8, s16, s32, s64, char, or string")
		}
		return rs.anon(&TypeDef{Kind: KindMap, Elem: key, Value: val})
	case *ast.Option:
		elem := rs.resolveType(sc, t.Elem)
		d, ty := rs.newAnon(KindOption)
		d.Elem = elem
		return ty
	case *ast.Result:
		var ok, err *Type
		if t.Ok != nil {
			ok = rs.typePtr(rs.resolveType(sc, t.Ok))
		}
		if t.Err != nil {
			err = rs.typePtr(rs.resolveType(sc, t.Err))
		}
		d, ty := rs.newAnon(KindResult)
		d.Ok, d.Err = ok, err
		return ty
	case *ast.Tuple:
		tt := &TypeDef{Kind: KindTuple, Types: []Type{}}
		for _, e := range t.Elems {
			tt.Types = append(tt.Types, rs.resolveType(sc, e))
		}
		return rs.anon(tt)
	case *ast.Future:
		f := &TypeDef{Kind: KindFuture}
		if t.Elem != nil {
			f.Elem, f.HasElem = rs.resolveType(sc, t.Elem), true
		}
		return rs.anon(f)
	case *ast.Stream:
		s := &TypeDef{Kind: KindStream}
		if t.Elem != nil {
			s.Elem, s.HasElem = rs.resolveType(sc, t.Elem), true
		}
		return rs.anon(s)
	}
	panic("witparse: unknown AST type")
}

// mapKeyPrims are the types a map key may be (named types, even aliases of
// these, are not allowed).
var mapKeyPrims = map[string]bool{"bool": true, "u8": true, "u16": true, "u32": true, "u64": true,
	"s8": true, "s16": true, "s32": true, "s64": true, "char": true, "string": true}

// appendTypeRefs appends the types a type definition contains (not through
// handles or resources).
func appendTypeRefs(refs []Type, t *TypeDef) []Type {
	switch t.Kind {
	case KindRecord:
		for _, f := range t.Fields {
			refs = append(refs, f.Type)
		}
	case KindVariant:
		for _, c := range t.Cases {
			if c.Type != nil {
				refs = append(refs, *c.Type)
			}
		}
	case KindTuple:
		refs = append(refs, t.Types...)
	case KindOption, KindList, KindFixedList, KindAlias:
		refs = append(refs, t.Elem)
	case KindMap:
		refs = append(refs, t.Elem, t.Value)
	case KindFuture, KindStream:
		if t.HasElem {
			refs = append(refs, t.Elem)
		}
	case KindResult:
		if t.Ok != nil {
			refs = append(refs, *t.Ok)
		}
		if t.Err != nil {
			refs = append(refs, *t.Err)
		}
	}
	return refs
}
