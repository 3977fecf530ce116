package witparse

import (
	"slices"
	"strings"

	"github.com/wasifill/wasifill/witparse/ast"
	"github.com/wasifill/wasifill/witparse/token"
)

// entries is a world's imports or exports while they are built.
type entries struct {
	rs    *resolver
	verb  string // "import" or "export"
	list  []WorldEntry
	named map[string]WorldItemKind
	at    map[InterfaceID]int // index in list of an unnamed interface entry
}

// has reports whether the interface has an unnamed entry.
func (e *entries) has(id InterfaceID) bool {
	_, ok := e.at[id]
	return ok
}

func newEntries(rs *resolver, verb string) *entries {
	return &entries{rs: rs, verb: verb, named: map[string]WorldItemKind{},
		at: map[InterfaceID]int{}}
}

var itemKindNames = map[WorldItemKind]string{ItemInterface: "interface", ItemFunction: "func", ItemType: "type"}

func (e *entries) addNamed(pos token.Pos, name string, item WorldItem) {
	if prior, dup := e.named[name]; dup {
		e.rs.fail(pos, "%s `%s` conflicts with prior %s of same name", e.verb, name, itemKindNames[prior])
	}
	e.named[name] = item.Kind
	e.list = append(e.list, WorldEntry{Name: name, Item: item})
}

// addInterface adds an `import ns:pkg/iface;`-style entry; a repeat is an
// error when written, and skipped when implied.
func (e *entries) addInterface(pos token.Pos, id InterfaceID, stab Stability, explicit bool) {
	if e.has(id) {
		if explicit {
			e.rs.fail(pos, "interface cannot be %sed more than once", e.verb)
		}
		// An implied repeat may add a gate the first one lacked.
		if i, ok := e.at[id]; ok && e.list[i].Item.Stability.IsZero() {
			e.list[i].Item.Stability = stab
		}
		return
	}
	e.at[id] = len(e.list)
	e.list = append(e.list, WorldEntry{Item: WorldItem{Kind: ItemInterface, Interface: id, Stability: stab}})
}

func (rs *resolver) ensureWorld(d *worldDecl, at token.Pos) *worldDecl {
	if d.excluded {
		rs.fail(at, "found a reference to a world which is excluded due to its feature not being activated")
	}
	switch d.state {
	case failed:
		panic(failure{}) // already reported
	case resolving:
		rs.fail(d.ast.Name.Pos, "interface or world `%s` depends on itself", d.ast.Name.Name)
	case unresolved:
		rs.resolveWorld(d)
	}
	return d
}

// resolveWorld resolves a world: its own items, then includes, then the
// implicit imports of the interfaces it uses (elaboration).
func (rs *resolver) resolveWorld(d *worldDecl) {
	d.state = resolving
	defer func() {
		if d.state == resolving {
			d.state = failed
		}
	}()
	// Resolve included worlds first, so ids come in dependency order.
	for _, it := range d.ast.Items {
		if inc, ok := it.(*ast.Include); ok {
			if _, ex := rs.stability(inc.Gates); !ex {
				rs.includedWorld(d, inc)
			}
		}
	}
	w := &World{Name: d.ast.Name.Name, Docs: docs(d.ast.Docs), Package: &d.pkg.id}
	w.Stability, _ = rs.stability(d.ast.Gates)
	rs.checkSince(d.pkg, d.ast.Gates, d.ast.Name.Pos)
	rs.r.Worlds = append(rs.r.Worlds, w)
	d.id = WorldID(len(rs.r.Worlds) - 1)
	sc := newScope(len(d.ast.Items))
	sc.world = &d.id
	imports, exports := newEntries(rs, "import"), newEntries(rs, "export")
	// Types first, as wit-parser does: uses, then definitions, then the
	// imports, exports and resource functions in source order.
	var used []usedIface // interfaces named by world-level `use`
	var typeEntries []WorldEntry
	var typePos []token.Pos
	var typeItems []any // uses and types, gated or not
	for _, it := range d.ast.Items {
		if u, ok := it.(*ast.UseNames); ok {
			typeItems = append(typeItems, it)
			if _, ex := rs.stability(u.Gates); ex {
				continue
			}
			names, from := rs.useNames(d.pkg, d.part, sc, u)
			stab, _ := rs.stability(u.Gates)
			used = append(used, usedIface{from, stab})
			for _, n := range names {
				typeEntries = append(typeEntries, WorldEntry{Name: n.Name, Item: WorldItem{Kind: ItemType, Type: n.ID}})
				typePos = append(typePos, u.Path.Pos)
			}
		}
	}
	var defs []*ast.TypeDef
	var defIDs []TypeID
	var includes []*ast.Include
	for _, it := range d.ast.Items {
		switch it := it.(type) {
		case *ast.TypeDef:
			typeItems = append(typeItems, it)
			if _, ex := rs.stability(it.Gates); ex {
				continue
			}
			rs.checkSince(d.pkg, it.Gates, it.Name.Pos)
			id := rs.declareType(sc, it)
			defs, defIDs = append(defs, it), append(defIDs, id)
			typeEntries = append(typeEntries, WorldEntry{Name: it.Name.Name, Item: WorldItem{Kind: ItemType, Type: id}})
			typePos = append(typePos, it.Name.Pos)
		case *ast.Include:
			if _, ex := rs.stability(it.Gates); !ex {
				rs.checkSince(d.pkg, it.Gates, it.Path.Interface.Pos)
				includes = append(includes, it)
			}
		}
	}
	rs.checkTypeOrder(sc, typeItems)
	for i, def := range defs {
		rs.defineType(sc, def, defIDs[i])
	}
	for i, e := range typeEntries {
		imports.addNamed(typePos[i], e.Name, e.Item)
	}
	ids := make(map[*ast.TypeDef]TypeID, len(defs))
	for i, def := range defs {
		ids[def] = defIDs[i]
	}
	for _, it := range d.ast.Items {
		switch it := it.(type) {
		case *ast.Extern:
			if _, ex := rs.stability(it.Gates); ex {
				continue
			}
			list := imports
			if it.Export {
				list = exports
			}
			rs.checkSince(d.pkg, it.Gates, it.Pos())
			rs.extern(d, sc, list, it)
		case *ast.TypeDef:
			if id, ok := ids[it]; ok && it.Kind == ast.ResourceDef {
				for _, fn := range rs.resourceFuncs(nil, sc, it, id) {
					imports.addNamed(it.Name.Pos, fn.Name, WorldItem{Kind: ItemFunction, Function: fn})
				}
			}
		}
	}
	for _, inc := range includes {
		rs.include(d, imports, exports, inc)
	}
	rs.checkCaseInsensitive(d, imports)
	rs.checkCaseInsensitive(d, exports)
	w.Imports, w.Exports = rs.elaborate(d.ast.Name.Pos, imports, exports, used)
	d.state = resolved
}

// extern adds one import or export of a world.
func (rs *resolver) extern(d *worldDecl, sc *scope, list *entries, e *ast.Extern) {
	stab, _ := rs.stability(e.Gates)
	switch {
	case e.Path != nil:
		target := rs.lookupInterface(d.pkg, d.part, *e.Path)
		list.addInterface(e.Path.Pos, target.id, stab, true)
		if i, ok := list.at[target.id]; ok {
			list.list[i].Item.Docs = docs(e.Docs)
		}
	case e.Func != nil:
		fn := rs.function(sc, e.Func, e.Label.Name, Freestanding, 0)
		list.addNamed(e.Label.Pos, e.Label.Name, WorldItem{Kind: ItemFunction, Function: fn})
	case e.Inline != nil:
		decl := &ifaceDecl{pkg: d.pkg, part: d.part, ast: e.Inline, state: resolving}
		iface := &Interface{Docs: docs(e.Docs), Stability: stab, Package: &d.pkg.id}
		decl.id = rs.addInterface(iface)
		rs.fillInterface(decl, iface, e.Inline.Items)
		decl.state = resolved
		list.addNamed(e.Label.Pos, e.Label.Name, WorldItem{Kind: ItemInterface, Interface: decl.id, Stability: stab})
	case e.Implements != nil:
		target := rs.lookupInterface(d.pkg, d.part, *e.Implements)
		list.addNamed(e.Label.Pos, e.Label.Name, WorldItem{Kind: ItemInterface, Interface: target.id, Stability: stab, Docs: docs(e.Docs)})
	}
}

// includedWorld finds and resolves the world an include names.
func (rs *resolver) includedWorld(d *worldDecl, inc *ast.Include) *worldDecl {
	var target *worldDecl
	if inc.Path.Package != nil {
		dep := rs.lookupPackage(inc.Path.Package)
		if dep == nil {
			rs.fail(inc.Path.Pos, "%s", rs.packageNotFound(inc.Path.Package))
		}
		t, ok := dep.worlds[inc.Path.Interface.Name]
		if !ok {
			rs.fail(inc.Path.Interface.Pos, "world '%s' not found in package '%s'", inc.Path.Interface.Name, dep.src.name)
		}
		target = t
	} else {
		t, ok := d.pkg.worlds[inc.Path.Interface.Name]
		if !ok {
			if _, isIface := d.pkg.ifaces[inc.Path.Interface.Name]; isIface {
				rs.fail(inc.Path.Interface.Pos, "name `%s` is defined as an interface, not a world", inc.Path.Interface.Name)
			}
			rs.fail(inc.Path.Interface.Pos, "interface or world `%s` does not exist", inc.Path.Interface.Name)
		}
		target = t
	}
	if target == d {
		rs.fail(d.ast.Name.Pos, "interface or world `%s` depends on itself", d.ast.Name.Name)
	}
	return rs.ensureWorld(target, inc.Path.Pos)
}

// include merges another world's imports and exports, renamed as the
// `with` clause says, as wasm-tools does: named items are cloned into the
// including world (types, and the types functions mention), interfaces
// merge their stability.
func (rs *resolver) include(d *worldDecl, imports, exports *entries, inc *ast.Include) {
	target := rs.includedWorld(d, inc)
	tw := rs.r.Worlds[target.id]
	for _, n := range inc.Names {
		if !renamesAny(tw.Imports, n.Name.Name) && !renamesAny(tw.Exports, n.Name.Name) {
			rs.fail(inc.Path.Interface.Pos, "no import or export kebab-name `%s`. Note that an ID does not support renaming", n.Name.Name)
		}
	}
	external := target.pkg != d.pkg
	c := &cloner{rs: rs, from: target.id, to: d.id, types: map[TypeID]TypeID{}}
	merge := func(dst *entries, src []WorldEntry) {
		dst.list = slices.Grow(dst.list, len(src))
		for _, e := range src {
			if e.Name == "" {
				rs.mergeIncluded(dst, inc.Path.Pos, e.Item, external)
				continue
			}
			name := e.Name
			for _, n := range inc.Names {
				if to, ok := rename(e.Name, n.Name.Name, n.As.Name); ok {
					name = to
					break
				}
			}
			if _, dup := dst.named[name]; dup {
				rs.fail(inc.Path.Pos, "%s of `%s` shadows previously %sed items", dst.verb, name, dst.verb)
			}
			dst.named[name] = e.Item.Kind
			item := e.Item
			switch item.Kind {
			case ItemType:
				item.Type = c.typeID(item.Type)
				rs.typeDef(item.Type).Name = name
			case ItemFunction:
				item.Function = c.function(item.Function)
				item.Function.Name = name
			}
			dst.list = append(dst.list, WorldEntry{Name: name, Item: item})
		}
	}
	merge(imports, tw.Imports)
	merge(exports, tw.Exports)
}

// mergeIncluded adds an included `import ns:pkg/iface;` entry, merging its
// stability into an entry already there. An include from another package
// drops a stable (@since) gate.
func (rs *resolver) mergeIncluded(dst *entries, at token.Pos, item WorldItem, external bool) {
	i, ok := dst.at[item.Interface]
	if !ok {
		dst.at[item.Interface] = len(dst.list)
		dst.list = append(dst.list, WorldEntry{Item: item})
		i = len(dst.list) - 1
	}
	into := &dst.list[i].Item.Stability
	from := item.Stability
	switch {
	case external && from.Since != "":
		*into = Stability{}
	case from == *into || from.IsZero():
	case into.IsZero():
		*into = from
	default:
		rs.fail(at, "mismatch in stability from '%s' to '%s'", stabilityDebug(from), stabilityDebug(*into))
	}
}

// stabilityDebug renders a gate as wasm-tools' error messages do.
func stabilityDebug(s Stability) string {
	dep := "None"
	if s.Deprecated != "" {
		dep = "Some(" + versionDebug(s.Deprecated) + ")"
	}
	switch {
	case s.Since != "":
		return "Stable { since: " + versionDebug(s.Since) + ", deprecated: " + dep + " }"
	case s.Feature != "":
		return "Unstable { feature: \"" + s.Feature + "\", deprecated: " + dep + " }"
	}
	return "Unknown"
}

func versionDebug(v string) string {
	p := versionParts(v)
	return "Version { major: " + itoa(p[0]) + ", minor: " + itoa(p[1]) + ", patch: " + itoa(p[2]) + " }"
}

// renamesAny reports whether an include's `with` name matches an entry.
func renamesAny(list []WorldEntry, from string) bool {
	for _, e := range list {
		if _, ok := rename(e.Name, from, "x"); e.Name != "" && ok {
			return true
		}
	}
	return false
}

// rename applies `with { from as to }` to a world entry name: the name
// itself, or the resource in `[method]r.f`, `[static]r.f`,
// `[constructor]r`.
func rename(name, from, to string) (string, bool) {
	if name == from {
		return to, true
	}
	kind, rest, ok := strings.Cut(name, "]")
	if !ok {
		return "", false
	}
	if res, fn, ok := strings.Cut(rest, "."); ok {
		if res == from {
			return kind + "]" + to + "." + fn, true
		}
		return "", false
	}
	if rest == from {
		return kind + "]" + to, true
	}
	return "", false
}

// cloner copies the types a world's items mention into another world, as
// wasm-tools' Cloner does: types owned by the source world and anonymous
// types are copied once each; others are shared.
type cloner struct {
	rs       *resolver
	from, to WorldID
	types    map[TypeID]TypeID
}

func (c *cloner) typeID(id TypeID) TypeID {
	if n, ok := c.types[id]; ok {
		return n
	}
	t := *c.rs.typeDef(id)
	t.Fields, t.Cases, t.Labels = slices.Clone(t.Fields), slices.Clone(t.Cases), slices.Clone(t.Labels)
	t.Types = slices.Clone(t.Types)
	if t.OwnerWorld != nil || t.OwnerInterface != nil {
		t.OwnerWorld, t.OwnerInterface = &c.to, nil
	}
	switch t.Kind {
	case KindAlias:
		if !t.Elem.IsPrim() {
			if o := c.rs.typeDef(t.Elem.ID).OwnerWorld; o != nil && *o == c.from {
				t.Elem.ID = c.typeID(t.Elem.ID)
			} else if n, ok := c.types[t.Elem.ID]; ok {
				t.Elem.ID = n
			}
		}
	case KindHandle:
		t.Resource = c.typeID(t.Resource)
	case KindRecord:
		for i := range t.Fields {
			t.Fields[i].Type = c.ty(t.Fields[i].Type)
		}
	case KindVariant:
		for i := range t.Cases {
			if t.Cases[i].Type != nil {
				ct := c.ty(*t.Cases[i].Type)
				t.Cases[i].Type = &ct
			}
		}
	case KindTuple:
		for i := range t.Types {
			t.Types[i] = c.ty(t.Types[i])
		}
	case KindOption, KindList, KindFixedList:
		t.Elem = c.ty(t.Elem)
	case KindMap:
		t.Elem, t.Value = c.ty(t.Elem), c.ty(t.Value)
	case KindFuture, KindStream:
		if t.HasElem {
			t.Elem = c.ty(t.Elem)
		}
	case KindResult:
		if t.Ok != nil {
			ok := c.ty(*t.Ok)
			t.Ok = &ok
		}
		if t.Err != nil {
			e := c.ty(*t.Err)
			t.Err = &e
		}
	}
	n := c.rs.newType(&t)
	c.types[id] = n
	return n
}

func (c *cloner) ty(t Type) Type {
	if t.IsPrim() {
		return t
	}
	return Type{ID: c.typeID(t.ID)}
}

func (c *cloner) function(f *Function) *Function {
	out := *f
	if f.Kind != Freestanding && f.Kind != AsyncFreestanding {
		out.Resource = c.typeID(f.Resource)
	}
	out.Params = slices.Clone(f.Params)
	for i := range out.Params {
		out.Params[i].Type = c.ty(out.Params[i].Type)
	}
	if f.Result != nil {
		r := c.ty(*f.Result)
		out.Result = &r
	}
	return &out
}

// checkCaseInsensitive rejects two names of one list that differ only in
// case: kebab-case names are case-insensitive. wasm-tools gives no
// position; the error points at the world.
func (rs *resolver) checkCaseInsensitive(d *worldDecl, list *entries) {
	seen := make(map[string]string, len(list.list))
	for _, e := range list.list {
		if e.Name == "" {
			continue
		}
		lower := strings.ToLower(e.Name)
		if prior, ok := seen[lower]; ok && prior != e.Name {
			rs.fail(d.ast.Name.Pos, "%s `%s` in world `%s` conflicts with %s `%s` (kebab-case identifiers are case-insensitive)",
				list.verb, e.Name, d.ast.Name.Name, list.verb, prior)
		}
		seen[lower] = e.Name
	}
}

// usedIface is an interface a world-level `use` names, with the use's gate.
type usedIface struct {
	id   InterfaceID
	stab Stability
}

// elaborate adds the implicit imports: every interface an imported
// interface uses, and every interface an exported interface uses that is
// not exported itself, before the entries that need them.
func (rs *resolver) elaborate(at token.Pos, imports, exports *entries, used []usedIface) ([]WorldEntry, []WorldEntry) {
	out := newEntries(rs, "import")
	out.list = make([]WorldEntry, 0, len(imports.list)+len(used))
	var addWithDeps func(id InterfaceID, stab Stability, entry *WorldEntry)
	addWithDeps = func(id InterfaceID, stab Stability, entry *WorldEntry) {
		for _, dep := range rs.deps[id] {
			if !out.has(dep) {
				addWithDeps(dep, Stability{}, nil)
			}
		}
		if entry != nil {
			if entry.Name == "" {
				out.at[id] = len(out.list)
			}
			out.list = append(out.list, *entry)
			return
		}
		out.addInterface(token.NoPos, id, stab, false)
	}
	for _, u := range used {
		if !imports.has(u.id) && !out.has(u.id) {
			addWithDeps(u.id, u.stab, nil)
		}
	}
	for i := range imports.list {
		e := imports.list[i]
		if e.Item.Kind == ItemInterface {
			if e.Name == "" && out.has(e.Item.Interface) {
				continue
			}
			addWithDeps(e.Item.Interface, e.Item.Stability, &e)
			continue
		}
		out.list = append(out.list, e)
	}
	exported := map[InterfaceID]bool{}
	for _, e := range exports.list {
		if e.Item.Kind == ItemInterface {
			exported[e.Item.Interface] = true
		}
	}
	// One visited set for all exports: a dependency checked for one export
	// needs no second look for another.
	seen := map[InterfaceID]bool{}
	reach := map[InterfaceID]bool{} // dependsOnAny, memoized
	var needs func(name string, id InterfaceID)
	needs = func(name string, id InterfaceID) {
		for _, dep := range rs.deps[id] {
			if seen[dep] {
				continue
			}
			seen[dep] = true
			if exported[dep] {
				needs(name, dep)
				continue
			}
			// An imported dependency must not itself need an exported one.
			if rs.dependsOnAny(dep, exported, reach) {
				rs.fail(at, "interface `%s` transitively depends on an interface in incompatible ways", name)
			}
			if !out.has(dep) {
				addWithDeps(dep, Stability{}, nil)
			}
		}
	}
	for _, e := range exports.list {
		if e.Item.Kind == ItemInterface {
			name := e.Name
			if name == "" {
				name = rs.interfaceName(e.Item.Interface)
			}
			needs(name, e.Item.Interface)
		}
	}
	return byKind(out.list), exports.list
}

// byKind orders world imports as wasm-tools does: interfaces, then types,
// then functions, each in their own order.
func byKind(list []WorldEntry) []WorldEntry {
	rank := map[WorldItemKind]int{ItemInterface: 0, ItemType: 1, ItemFunction: 2}
	slices.SortStableFunc(list, func(a, b WorldEntry) int { return rank[a.Item.Kind] - rank[b.Item.Kind] })
	return list
}

// dependsOnAny reports whether interface id uses, transitively, one of
// set; memo holds the answers found so far for the same set.
func (rs *resolver) dependsOnAny(id InterfaceID, set map[InterfaceID]bool, memo map[InterfaceID]bool) bool {
	if v, ok := memo[id]; ok {
		return v
	}
	memo[id] = false // interfaces form no cycles; this only stops a revisit
	for _, dep := range rs.deps[id] {
		if set[dep] || rs.dependsOnAny(dep, set, memo) {
			memo[id] = true
			return true
		}
	}
	return false
}

// interfaceName returns `ns:pkg/name` for a named interface.
func (rs *resolver) interfaceName(id InterfaceID) string { return rs.r.InterfaceName(id) }
