package witparse

import (
	"github.com/wasifill/wasifill/witparse/ast"
)

// toposort orders nodes after the nodes they depend on, as wit-parser's
// toposort does (ready nodes leave in declaration order), and returns the
// first cycle edge: in the first unordered node, its first dependency that
// is unordered too. Node i depends on deps[off[i]:off[i+1]] (indices of
// nodes); the cycle edge is returned as an index into that range.
func toposort(n int, off, deps []int32) (cycleNode, cycleEdge int, ok bool) {
	remaining := make([]int32, n)
	// The reverse edges, laid out the same way: node j's dependents are
	// rev[roff[j]:roff[j+1]].
	roff := make([]int32, n+1)
	for _, j := range deps {
		roff[j+1]++
	}
	for j := range n {
		roff[j+1] += roff[j]
	}
	rev := make([]int32, len(deps))
	fill := append([]int32(nil), roff[:n]...)
	for i := range n {
		ds := deps[off[i]:off[i+1]]
		remaining[i] = int32(len(ds))
		for _, j := range ds {
			rev[fill[j]] = int32(i)
			fill[j]++
		}
	}
	ready := make(minHeap, 0, n)
	for i := range n {
		if remaining[i] == 0 {
			ready.push(int32(i))
		}
	}
	done := 0
	for len(ready) > 0 {
		i := ready.pop()
		done++
		for _, k := range rev[roff[i]:roff[i+1]] {
			if remaining[k]--; remaining[k] == 0 {
				ready.push(k)
			}
		}
	}
	if done == n {
		return 0, 0, true
	}
	for i := range n {
		if remaining[i] == 0 {
			continue
		}
		for e, j := range deps[off[i]:off[i+1]] {
			if remaining[j] != 0 {
				return i, e, false
			}
		}
	}
	panic("witparse: toposort found no cycle edge")
}

// minHeap is a binary heap of node indices, smallest first.
type minHeap []int32

func (h *minHeap) push(x int32) {
	s := append(*h, x)
	for i := len(s) - 1; i > 0; {
		p := (i - 1) / 2
		if s[p] <= s[i] {
			break
		}
		s[p], s[i] = s[i], s[p]
		i = p
	}
	*h = s
}

func (h *minHeap) pop() int32 {
	s := *h
	x := s[0]
	last := len(s) - 1
	s[0] = s[last]
	s = s[:last]
	for i := 0; ; {
		l, m := 2*i+1, i
		if l < len(s) && s[l] < s[m] {
			m = l
		}
		if r := l + 1; r < len(s) && s[r] < s[m] {
			m = r
		}
		if m == i {
			break
		}
		s[i], s[m] = s[m], s[i]
		i = m
	}
	*h = s
	return x
}

// flatten lays out per-node dependency lists as toposort takes them.
func flatten(lists [][]int) (off, deps []int32) {
	off = make([]int32, len(lists)+1)
	for i, l := range lists {
		off[i+1] = off[i] + int32(len(l))
	}
	deps = make([]int32, 0, off[len(lists)])
	for _, l := range lists {
		for _, j := range l {
			deps = append(deps, int32(j))
		}
	}
	return off, deps
}

// checkItemOrder validates the interfaces and worlds of a package as
// wit-parser does before resolving them: the local names an interface's
// `use` and a world's `include` refer to exist, and none depends on itself.
func (rs *resolver) checkItemOrder(p *pkgState) {
	index := map[string]int{}
	for _, d := range p.order {
		switch d := d.(type) {
		case *ifaceDecl:
			index[d.name] = len(index)
		case *worldDecl:
			index[d.ast.Name.Name] = len(index)
		}
	}
	deps := make([][]int, len(index))
	refs := make([][]ast.Ident, len(index))
	// A name declared in the referring file stands for its declaration
	// (the interface or world name, or the path of a file-level `use`), as
	// in wit-parser; names from other files for the reference itself.
	decls := map[*pkgPart]map[string]ast.Ident{}
	declared := func(part *pkgPart, name string) (ast.Ident, bool) {
		m, ok := decls[part]
		if !ok {
			m = map[string]ast.Ident{}
			for _, it := range part.items {
				switch it := it.(type) {
				case *ast.Interface:
					m[it.Name.Name] = it.Name
				case *ast.World:
					m[it.Name.Name] = it.Name
				}
			}
			decls[part] = m
		}
		id, ok := m[name]
		return id, ok
	}
	edge := func(from int, part *pkgPart, path ast.UsePath) {
		if path.Package != nil {
			return
		}
		ref := path.Interface
		if u := part.use(ref.Name); u != nil {
			if u.Path.Package != nil {
				return
			}
			ref = u.Path.Interface
		} else if id, ok := declared(part, ref.Name); ok {
			ref = id
		}
		to, ok := index[ref.Name]
		if !ok {
			rs.fail(ref.Pos, "interface or world `%s` does not exist", ref.Name)
		}
		deps[from] = append(deps[from], to)
		refs[from] = append(refs[from], ref)
	}
	for i, d := range p.order {
		switch d := d.(type) {
		case *ifaceDecl:
			for _, it := range d.ast.Items {
				if u, ok := it.(*ast.UseNames); ok {
					edge(i, d.part, u.Path)
				}
			}
		case *worldDecl:
			for _, it := range d.ast.Items {
				if inc, ok := it.(*ast.Include); ok {
					edge(i, d.part, inc.Path)
				}
			}
		}
	}
	off, flat := flatten(deps)
	if node, e, ok := toposort(len(index), off, flat); !ok {
		r := refs[node][e]
		rs.fail(r.Pos, "interface or world `%s` depends on itself", r.Name)
	}
}

// checkForeignKinds gives each item of another package that this package
// names the kind its first reference implies (a world for `include`, an
// interface otherwise), as wit-parser does, and rejects a later reference
// that implies the other kind.
func (rs *resolver) checkForeignKinds(p *pkgState) {
	kinds := map[string]bool{} // "ns:pkg@v/name" → is a world
	ref := func(path ast.UsePath, world bool) {
		if path.Package == nil {
			return
		}
		key := refKey(path.Package) + "/" + path.Interface.Name
		prior, seen := kinds[key]
		switch {
		case !seen:
			kinds[key] = world
		case prior && !world:
			rs.fail(path.Interface.Pos, "name `%s` is defined as a world, not an interface", path.Interface.Name)
		case !prior && world:
			rs.fail(path.Interface.Pos, "name `%s` is defined as an interface, not a world", path.Interface.Name)
		}
	}
	uses := func(items []ast.InterfaceItem) {
		for _, it := range items {
			if u, ok := it.(*ast.UseNames); ok {
				ref(u.Path, false)
			}
		}
	}
	for _, part := range p.src.parts {
		for _, it := range part.items {
			switch it := it.(type) {
			case *ast.Use:
				ref(it.Path, false)
			case *ast.Interface:
				uses(it.Items)
			case *ast.World:
				var imports, exports []*ast.Extern
				for _, wi := range it.Items {
					switch wi := wi.(type) {
					case *ast.UseNames:
						ref(wi.Path, false)
					case *ast.Include:
						ref(wi.Path, true)
					case *ast.Extern:
						if wi.Export {
							exports = append(exports, wi)
						} else {
							imports = append(imports, wi)
						}
					}
				}
				for _, e := range append(imports, exports...) {
					switch {
					case e.Inline != nil:
						uses(e.Inline.Items)
					case e.Path != nil:
						ref(*e.Path, false)
					case e.Implements != nil:
						ref(*e.Implements, false)
					}
				}
			}
		}
	}
}

// checkTypeOrder validates the named types of one interface or world as
// wit-parser does before defining them: every name a definition refers to
// (handles included) exists in the scope, and no definition depends on
// itself. items are the scope's `use` and type items, gated or not.
func (rs *resolver) checkTypeOrder(sc *scope, items []any) {
	index := make(map[string]int32, len(items))
	// Node i's references are idents[span[i][0]:span[i][1]]: one buffer
	// for all of them (a later item of the same name replaces the span).
	span := make([][2]int32, 0, len(items))
	idents := make([]ast.Ident, 0, len(items))
	node := func(name string, from int) {
		s := [2]int32{int32(from), int32(len(idents))}
		if i, dup := index[name]; dup {
			span[i] = s
			return
		}
		index[name] = int32(len(span))
		span = append(span, s)
	}
	for _, it := range items {
		switch it := it.(type) {
		case *ast.UseNames:
			for _, n := range it.Names {
				local := n.Name
				if n.As != nil {
					local = *n.As
				}
				node(local.Name, len(idents))
			}
		case *ast.TypeDef:
			from := len(idents)
			switch it.Kind {
			case ast.AliasDef:
				idents = typeDeps(it.Alias, idents)
			case ast.RecordDef:
				for _, f := range it.Fields {
					idents = typeDeps(f.Type, idents)
				}
			case ast.VariantDef:
				for _, c := range it.Cases {
					if c.Type != nil {
						idents = typeDeps(c.Type, idents)
					}
				}
			}
			node(it.Name.Name, from)
		}
	}
	off := make([]int32, len(span)+1)
	deps := make([]int32, 0, len(idents))
	for i, s := range span {
		for _, r := range idents[s[0]:s[1]] {
			j, ok := index[r.Name]
			if !ok {
				rs.missing(sc, r, "type `%s` does not exist")
			}
			deps = append(deps, j)
		}
		off[i+1] = int32(len(deps))
	}
	if n, edge, ok := toposort(len(span), off, deps); !ok {
		r := idents[int(span[n][0])+edge]
		rs.fail(r.Pos, "type `%s` depends on itself", r.Name)
	}
}

// typeDeps appends the names a type expression refers to, handles
// included, as wit-parser's collect_deps does.
func typeDeps(t ast.Type, out []ast.Ident) []ast.Ident {
	switch t := t.(type) {
	case *ast.Primitive:
		// Retired names parse as references to types that do not exist.
		if t.Name == "float32" || t.Name == "float64" {
			out = append(out, ast.Ident{Pos: t.Pos, Name: t.Name})
		}
	case *ast.Named:
		out = append(out, t.Name)
	case *ast.Handle:
		out = append(out, t.Resource)
	case *ast.List:
		out = typeDeps(t.Elem, out)
	case *ast.Option:
		out = typeDeps(t.Elem, out)
	case *ast.Map:
		out = typeDeps(t.Value, typeDeps(t.Key, out))
	case *ast.Result:
		if t.Ok != nil {
			out = typeDeps(t.Ok, out)
		}
		if t.Err != nil {
			out = typeDeps(t.Err, out)
		}
	case *ast.Tuple:
		for _, e := range t.Elems {
			out = typeDeps(e, out)
		}
	case *ast.Future:
		if t.Elem != nil {
			out = typeDeps(t.Elem, out)
		}
	case *ast.Stream:
		if t.Elem != nil {
			out = typeDeps(t.Elem, out)
		}
	}
	return out
}
