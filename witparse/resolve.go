package witparse

import (
	"fmt"
	"slices"
	"strings"

	"github.com/wasifill/wasifill/internal/semver"
	"github.com/wasifill/wasifill/witparse/ast"
	"github.com/wasifill/wasifill/witparse/token"
)

// resolver turns parsed packages into a Resolve.
type resolver struct {
	fset   *token.FileSet
	opts   Options
	r      *Resolve
	errs   token.ErrorList
	byName map[string][]*pkgState // "ns:name" → versions
	// deps lists, per interface, the interfaces whose types it uses.
	deps map[InterfaceID][]InterfaceID
	// under caches underlying, indexed by TypeID: the underlying type's
	// id + 1, 0 while unknown. borrows caches containsBorrow.
	under []int32
	// borrows is indexed by TypeID: 0 unknown, 1 being computed or no
	// borrow, 2 contains a borrow.
	borrows []uint8
	// walkRefs, walkStack and walkTypes are containsBorrow's scratch.
	walkRefs  []TypeID
	walkStack []borrowFrame
	walkTypes []Type
	slab      []TypeDef // unused type definitions for newType
	// funcSlab and typePtrs are the same for functions and typePtr.
	funcSlab []Function
	typePtrs []Type
	// paramSlab is the same for parameter lists; funcNames is
	// resourceFuncs' scratch list of names.
	paramSlab []Param
	funcNames []string
}

type state uint8

const (
	unresolved state = iota
	resolving
	resolved
	failed // an error was reported while resolving it
)

type pkgState struct {
	src      *srcPackage
	fullName string // src.name.String(), the order packages are visited in
	id       PackageID
	ifaces   map[string]*ifaceDecl
	worlds   map[string]*worldDecl
	order    []any // *ifaceDecl and *worldDecl in declaration order
}

type ifaceDecl struct {
	pkg      *pkgState
	part     *pkgPart
	ast      *ast.Interface
	name     string // "" for an inline world import
	state    state
	excluded bool
	id       InterfaceID
	types    map[string]TypeID
}

type worldDecl struct {
	pkg      *pkgState
	part     *pkgPart
	ast      *ast.World
	state    state
	excluded bool
	id       WorldID
}

// errorf records a positioned error.
func (rs *resolver) errorf(pos token.Pos, format string, args ...any) {
	rs.errs.Add(rs.fset.NewError(pos, format, args...))
}

// failure unwinds a resolution step after an error was recorded.
type failure struct{}

func (rs *resolver) fail(pos token.Pos, format string, args ...any) {
	rs.errorf(pos, format, args...)
	panic(failure{})
}

// guard runs step, turning a failure into an error already recorded.
func guard(step func()) (ok bool) {
	defer func() {
		if r := recover(); r != nil {
			if _, is := r.(failure); !is {
				panic(r)
			}
			ok = false
		}
	}()
	step()
	return true
}

func resolveAll(fset *token.FileSet, deps, root []*srcPackage, opts Options) (*Resolve, PackageID, error) {
	rs := &resolver{fset: fset, opts: opts, r: &Resolve{}, byName: map[string][]*pkgState{},
		deps: map[InterfaceID][]InterfaceID{}}
	var all []*pkgState
	for _, src := range append(append([]*srcPackage{}, deps...), root...) {
		key := src.name.Namespace + ":" + src.name.Name
		p := &pkgState{src: src, fullName: src.name.String(), ifaces: map[string]*ifaceDecl{}, worlds: map[string]*worldDecl{}}
		for _, other := range rs.byName[key] {
			if other.src.name.Version == src.name.Version {
				rs.errorf(src.pos, "package `%s` is defined in two different locations", src.name)
			}
		}
		rs.byName[key] = append(rs.byName[key], p)
		all = append(all, p)
	}
	if len(rs.errs) > 0 {
		return nil, 0, rs.errs
	}
	// Visit packages by name, as wasm-tools does, dependencies first.
	sorted := slices.Clone(all)
	slices.SortStableFunc(sorted, func(a, b *pkgState) int { return strings.Compare(a.fullName, b.fullName) })
	order, ok := rs.sortPackages(sorted)
	if !ok {
		return nil, 0, rs.errs
	}
	order = standaloneFirst(order, all)
	for _, p := range order {
		rs.resolvePackage(p)
		if len(rs.errs) > 0 {
			rs.errs.Sort()
			return nil, 0, rs.errs
		}
		if p.src.meta != nil {
			if err := injectDocs(rs.r, p.id, p.src.meta); err != nil {
				return nil, 0, fmt.Errorf("loading WIT: package %s: %w", p.src.name, err)
			}
		}
	}
	return rs.r, all[len(all)-1].id, nil
}

// sortPackages orders packages so every package comes after those it
// refers to, and reports a dependency cycle as wit-parser does: at the
// first reference, depth first, to a package already being visited
// (a package naming itself included).
func (rs *resolver) sortPackages(all []*pkgState) ([]*pkgState, bool) {
	var order []*pkgState
	done := map[*pkgState]bool{}
	visiting := map[string]bool{}
	var visit func(p *pkgState) bool
	visit = func(p *pkgState) bool {
		if done[p] {
			return true
		}
		for _, ref := range uniqueRefs(foreignRefs(p.src)) {
			key := refKey(ref)
			if visiting[key] {
				rs.errorf(ref.Pos, "package `%s` creates a dependency cycle", key)
				return false
			}
			visiting[key] = true
			if dep := rs.lookupPackage(ref); dep != nil && !visit(dep) {
				return false
			}
			delete(visiting, key)
		}
		if !done[p] {
			done[p] = true
			order = append(order, p)
		}
		return true
	}
	for _, p := range all {
		if !visit(p) {
			return nil, false
		}
	}
	return order, true
}

// refKey is a package reference as wit-parser names it.
func refKey(ref *ast.PackageName) string {
	key := ref.Namespace.Name + ":" + ref.Name.Name
	if ref.Version != nil {
		key += "@" + ref.Version.Text
	}
	return key
}

// uniqueRefs keeps the first reference to each package.
func uniqueRefs(refs []*ast.PackageName) []*ast.PackageName {
	seen := map[string]bool{}
	out := refs[:0:0]
	for _, r := range refs {
		if k := refKey(r); !seen[k] {
			seen[k] = true
			out = append(out, r)
		}
	}
	return out
}

// foreignRefs lists every package a package's items name.
func foreignRefs(src *srcPackage) []*ast.PackageName {
	var out []*ast.PackageName
	add := func(p ast.UsePath) {
		if p.Package != nil {
			out = append(out, p.Package)
		}
	}
	ifaceItems := func(items []ast.InterfaceItem) {
		for _, it := range items {
			if u, ok := it.(*ast.UseNames); ok {
				add(u.Path)
			}
		}
	}
	for _, part := range src.parts {
		for _, it := range part.items {
			switch it := it.(type) {
			case *ast.Use:
				add(it.Path)
			case *ast.Interface:
				ifaceItems(it.Items)
			case *ast.World:
				for _, wi := range it.Items {
					switch wi := wi.(type) {
					case *ast.UseNames:
						add(wi.Path)
					case *ast.Include:
						add(wi.Path)
					case *ast.Extern:
						if wi.Path != nil {
							add(*wi.Path)
						}
						if wi.Implements != nil {
							add(*wi.Implements)
						}
						if wi.Inline != nil {
							ifaceItems(wi.Inline.Items)
						}
					}
				}
			}
		}
	}
	return out
}

// packageNotFound words a missing package as wit-parser does, listing
// the packages known so far.
func (rs *resolver) packageNotFound(ref *ast.PackageName) string {
	msg := "package '" + refKey(ref) + "' not found"
	if len(rs.r.Packages) > 0 {
		msg += ". known packages:"
		for _, p := range rs.r.Packages {
			msg += "\n    " + p.Name.String()
		}
	}
	return msg
}

// lookupPackage finds the package a reference names: the exact version, or
// the only version when the reference has none.
func (rs *resolver) lookupPackage(ref *ast.PackageName) *pkgState {
	cands := rs.byName[ref.Namespace.Name+":"+ref.Name.Name]
	want := ""
	if ref.Version != nil {
		want = ref.Version.Text
	}
	for _, c := range cands {
		if c.src.name.Version == want {
			return c
		}
	}
	if want == "" && len(cands) == 1 {
		return cands[0]
	}
	return nil
}

// stability reads an item's gates; excluded is true when an @unstable
// feature is not enabled.
func (rs *resolver) stability(gates []*ast.Gate) (s Stability, excluded bool) {
	for _, g := range gates {
		switch g.Kind {
		case ast.Since:
			s.Since = g.Version.Text
		case ast.Unstable:
			s.Feature = g.Feature.Name
			if !rs.opts.enabled(g.Feature.Name) {
				excluded = true
			}
		case ast.Deprecated:
			s.Deprecated = g.Version.Text
		}
	}
	return s, excluded
}

// checkSince rejects an @since newer than the package's own version.
func (rs *resolver) checkSince(p *pkgState, gates []*ast.Gate, at token.Pos) {
	v := p.src.name.Version
	for _, g := range gates {
		if g.Kind == ast.Since && v == "" {
			rs.fail(at, "package [%s] contains a feature gate with a version specifier, so it must have a version", p.src.name)
		}
		if g.Kind == ast.Since && semver.Less(v, g.Version.Text) {
			rs.fail(at, "feature gate cannot reference unreleased version %s of package [%s] (current version %s)",
				g.Version.Text, p.src.name, v)
		}
	}
}

func versionParts(v string) [3]int {
	var out [3]int
	core, _, _ := strings.Cut(v, "-")
	core, _, _ = strings.Cut(core, "+")
	for i, part := range strings.SplitN(core, ".", 3) {
		for _, c := range part {
			out[i] = out[i]*10 + int(c-'0')
		}
	}
	return out
}

// checkExcludedInterface reports items of an excluded interface that are
// not gated themselves, as wasm-tools does.
func (rs *resolver) checkExcludedInterface(d *ifaceDecl) {
	for _, it := range d.ast.Items {
		if td, ok := it.(*ast.TypeDef); ok && !hasUnstable(td.Gates) {
			rs.fail(td.Name.Pos, "found a reference to a interface which is excluded due to its feature not being activated; this type is not gated by a feature but its interface is")
		}
	}
}

// checkExcludedWorld reports types of an excluded world that are not
// gated themselves, as wasm-tools does.
func (rs *resolver) checkExcludedWorld(d *worldDecl) {
	for _, it := range d.ast.Items {
		if td, ok := it.(*ast.TypeDef); ok && !hasUnstable(td.Gates) {
			rs.fail(td.Name.Pos, "found a reference to a world which is excluded due to its feature not being activated; this type is not gated by a feature but its world is")
		}
	}
}

func hasUnstable(gates []*ast.Gate) bool {
	for _, g := range gates {
		if g.Kind == ast.Unstable {
			return true
		}
	}
	return false
}

// docSpaces is the indentation docs removes, for the usual widths.
const docSpaces = "                                "

// docs turns comments into wasm-tools' doc text: a `/** */` comment loses
// its markers, any other comment only its leading slashes; trailing space
// goes, then the smallest indentation of the non-empty comments; lines are
// joined by newlines.
func docs(d ast.Docs) string {
	if len(d.Comments) == 0 {
		return ""
	}
	var buf [8]string
	texts := buf[:0]
	if len(d.Comments) > len(buf) {
		texts = make([]string, 0, len(d.Comments))
	}
	minWS, size := -1, 0
	for _, c := range d.Comments {
		if rest, ok := strings.CutPrefix(c, "/**"); ok {
			c = strings.TrimSuffix(rest, "*/")
		} else {
			c = strings.TrimLeft(c, "/")
		}
		c = strings.TrimRight(c, " \t\n\r\f\v")
		texts = append(texts, c)
		size += len(c) + 1
		if c != "" {
			ws := len(c) - len(strings.TrimLeft(c, " \t\n\r\f"))
			if minWS < 0 || ws < minWS {
				minWS = ws
			}
		}
	}
	minWS = max(minWS, 0)
	pad := docSpaces
	if minWS <= len(pad) {
		pad = pad[:minWS]
	} else {
		pad = strings.Repeat(" ", minWS)
	}
	if len(texts) == 1 && !strings.ContainsAny(texts[0], "\n\r") {
		// One line: the text itself (a substring of the source).
		return strings.TrimPrefix(texts[0], pad)
	}
	var b strings.Builder
	b.Grow(size)
	for _, c := range texts {
		c = strings.TrimPrefix(c, pad)
		if c == "" {
			b.WriteByte('\n')
			continue
		}
		for line := range strings.Lines(c) {
			line = strings.TrimSuffix(line, "\n")
			b.WriteString(strings.TrimSuffix(line, "\r"))
			b.WriteByte('\n')
		}
	}
	return strings.TrimRight(b.String(), "\n")
}

func (rs *resolver) resolvePackage(p *pkgState) {
	p.id = PackageID(len(rs.r.Packages))
	pkg := &Package{Name: p.src.name, Docs: docs(p.src.docs)}
	rs.r.Packages = append(rs.r.Packages, pkg)
	seen := map[string]token.Pos{}
	for i := range p.src.parts {
		part := &p.src.parts[i]
		for _, it := range part.items {
			var name ast.Ident
			switch it := it.(type) {
			case *ast.Interface:
				name = it.Name
				_, ex := rs.stability(it.Gates)
				d := &ifaceDecl{pkg: p, part: part, ast: it, name: it.Name.Name, excluded: ex}
				p.ifaces[name.Name] = d
				p.order = append(p.order, d)
			case *ast.World:
				name = it.Name
				_, ex := rs.stability(it.Gates)
				d := &worldDecl{pkg: p, part: part, ast: it, excluded: ex}
				p.worlds[name.Name] = d
				p.order = append(p.order, d)
			default:
				continue
			}
			if _, dup := seen[name.Name]; dup {
				rs.errorf(name.Pos, "duplicate item named `%s`", name.Name)
			}
			seen[name.Name] = name.Pos
		}
	}
	if len(rs.errs) > 0 {
		return
	}
	for i := range p.src.parts {
		rs.checkFileNames(&p.src.parts[i])
	}
	if len(rs.errs) > 0 || !guard(func() { rs.checkItemOrder(p); rs.checkForeignKinds(p) }) {
		return
	}
	for i := range p.src.parts {
		for _, it := range p.src.parts[i].items {
			if u, ok := it.(*ast.Use); ok {
				guard(func() { rs.usedInterface(p, u) })
			}
		}
	}
	for _, d := range p.order {
		switch d := d.(type) {
		case *ifaceDecl:
			if d.excluded {
				guard(func() { rs.checkExcludedInterface(d) })
			}
			if !d.excluded && d.state == unresolved {
				guard(func() { rs.resolveInterface(d) })
			}
		case *worldDecl:
			if d.excluded {
				guard(func() { rs.checkExcludedWorld(d) })
			}
			if !d.excluded && d.state == unresolved {
				guard(func() { rs.resolveWorld(d) })
			}
		}
	}
	for _, d := range p.order {
		switch d := d.(type) {
		case *ifaceDecl:
			if !d.excluded && d.state == resolved {
				pkg.Interfaces = append(pkg.Interfaces, Named[InterfaceID]{d.name, d.id})
			}
		case *worldDecl:
			if !d.excluded && d.state == resolved {
				pkg.Worlds = append(pkg.Worlds, Named[WorldID]{d.ast.Name.Name, d.id})
			}
		}
	}
	// Dependencies first, as wasm-tools orders them: resolution allocated
	// ids in that order.
	slices.SortStableFunc(pkg.Interfaces, func(a, b Named[InterfaceID]) int { return int(a.ID - b.ID) })
	slices.SortStableFunc(pkg.Worlds, func(a, b Named[WorldID]) int { return int(a.ID - b.ID) })
}

// checkFileNames rejects a file whose top-level `use` names clash with
// each other or with the file's interfaces and worlds.
func (rs *resolver) checkFileNames(part *pkgPart) {
	seen := map[string]bool{}
	for _, it := range part.items {
		var name ast.Ident
		switch it := it.(type) {
		case *ast.Use:
			name = it.Path.Interface
			if it.As != nil {
				name = *it.As
			}
		case *ast.Interface:
			name = it.Name
		case *ast.World:
			name = it.Name
		default:
			continue
		}
		if seen[name.Name] {
			rs.errorf(name.Pos, "duplicate name `%s` in this file", name.Name)
			return
		}
		seen[name.Name] = true
	}
}

// lookupInterface resolves a use path seen from a file of package p to an
// interface, resolving it first if needed.
func (rs *resolver) lookupInterface(p *pkgState, part *pkgPart, path ast.UsePath) *ifaceDecl {
	if path.Package != nil {
		dep := rs.lookupPackage(path.Package)
		if dep == nil {
			rs.fail(path.Pos, "%s", rs.packageNotFound(path.Package))
		}
		d, ok := dep.ifaces[path.Interface.Name]
		if !ok {
			rs.fail(path.Interface.Pos, "interface '%s' not found in package '%s'", path.Interface.Name, dep.src.name)
		}
		return rs.ensureInterface(d, path.Interface.Pos)
	}
	name := path.Interface.Name
	// File-level `use x as y;` names come first.
	if u := part.use(name); u != nil {
		return rs.usedInterface(p, u)
	}
	if d, ok := p.ifaces[name]; ok {
		return rs.ensureInterface(d, path.Interface.Pos)
	}
	if _, ok := p.worlds[name]; ok {
		rs.fail(path.Interface.Pos, "name `%s` is defined as a world, not an interface", name)
	}
	rs.fail(path.Interface.Pos, "interface or world `%s` does not exist", name)
	return nil
}

// usedInterface resolves the target of a top-level `use path as name;`: a
// foreign interface, or one of the package's own (never another use).
func (rs *resolver) usedInterface(p *pkgState, u *ast.Use) *ifaceDecl {
	if u.Path.Package != nil {
		return rs.lookupInterface(p, &pkgPart{}, u.Path)
	}
	name := u.Path.Interface.Name
	if d, ok := p.ifaces[name]; ok {
		return rs.ensureInterface(d, u.Path.Interface.Pos)
	}
	if _, ok := p.worlds[name]; ok {
		rs.fail(u.Path.Interface.Pos, "name `%s` is defined as a world, not an interface", name)
	}
	rs.fail(u.Path.Interface.Pos, "interface or world `%s` does not exist", name)
	return nil
}

func (rs *resolver) ensureInterface(d *ifaceDecl, at token.Pos) *ifaceDecl {
	if d.excluded {
		rs.fail(at, "found a reference to a interface which is excluded due to its feature not being activated")
	}
	switch d.state {
	case failed:
		panic(failure{}) // already reported
	case resolving:
		rs.fail(d.ast.Name.Pos, "interface or world `%s` depends on itself", d.name)
	case unresolved:
		rs.resolveInterface(d)
	}
	return d
}

// newType adds a copy of t to the resolve. The copies are carved out of
// chunks (typeSlab at a time), one allocation per chunk instead of one per
// type; t itself is not retained.
func (rs *resolver) newType(t *TypeDef) TypeID {
	d := rs.slot()
	*d = *t
	rs.r.Types = append(grow(rs.r.Types, 1), d)
	return TypeID(len(rs.r.Types) - 1)
}

// slot returns an unused, zero type definition.
func (rs *resolver) slot() *TypeDef {
	if len(rs.slab) == 0 {
		rs.slab = make([]TypeDef, typeSlab)
	}
	d := &rs.slab[0]
	rs.slab = rs.slab[1:]
	return d
}

// typeSlab is how many type definitions newType allocates at once.
const typeSlab = 64

func (rs *resolver) typeDef(id TypeID) *TypeDef { return rs.r.Types[id] }

// standaloneFirst moves the packages decoded from components that use no
// other package to the front, in the order they were read: wasm-tools
// merges a decoded package into its resolve as it reads deps/, before it
// sorts the WIT packages. (A component that uses other packages keeps its
// place in the sorted order: it needs them resolved first.)
func standaloneFirst(order, all []*pkgState) []*pkgState {
	var first []*pkgState
	for _, p := range all {
		if p.src.standalone {
			first = append(first, p)
		}
	}
	if len(first) == 0 {
		return order
	}
	out := append(make([]*pkgState, 0, len(order)), first...)
	for _, p := range order {
		if !p.src.standalone {
			out = append(out, p)
		}
	}
	return out
}
