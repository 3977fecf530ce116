package witparse

import (
	"container/heap"

	"github.com/wasifill/wasifill/witparse/ast"
)

// toposort orders nodes after the nodes they depend on, as wit-parser's
// toposort does (ready nodes leave in declaration order), and returns the
// first cycle edge: in the first unordered node, its first dependency that
// is unordered too. deps[i] are indices into the nodes; edges[i] are the
// references that gave them (for the error position).
func toposort(n int, deps [][]int) (cycleNode, cycleEdge int, ok bool) {
	remaining := make([]int, n)
	reverse := make([][]int, n)
	for i, ds := range deps {
		remaining[i] = len(ds)
		for _, j := range ds {
			reverse[j] = append(reverse[j], i)
		}
	}
	ready := &intHeap{}
	for i := range n {
		if remaining[i] == 0 {
			heap.Push(ready, i)
		}
	}
	done := 0
	for ready.Len() > 0 {
		i := heap.Pop(ready).(int)
		done++
		for _, k := range reverse[i] {
			if remaining[k]--; remaining[k] == 0 {
				heap.Push(ready, k)
			}
		}
		reverse[i] = nil
	}
	if done == n {
		return 0, 0, true
	}
	for i, ds := range deps {
		if remaining[i] == 0 {
			continue
		}
		for e, j := range ds {
			if remaining[j] != 0 {
				return i, e, false
			}
		}
	}
	panic("witparse: toposort found no cycle edge")
}

// intHeap pops the smallest index first.
type intHeap []int

func (h intHeap) Len() int           { return len(h) }
func (h intHeap) Less(i, j int) bool { return h[i] < h[j] }
func (h intHeap) Swap(i, j int)      { h[i], h[j] = h[j], h[i] }
func (h *intHeap) Push(x any)        { *h = append(*h, x.(int)) }
func (h *intHeap) Pop() any {
	old := *h
	x := old[len(old)-1]
	*h = old[:len(old)-1]
	return x
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
	if node, e, ok := toposort(len(index), deps); !ok {
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
	index := make(map[string]int, len(items))
	refs := make([][]ast.Ident, 0, len(items))
	for _, it := range items {
		switch it := it.(type) {
		case *ast.UseNames:
			for _, n := range it.Names {
				local := n.Name
				if n.As != nil {
					local = *n.As
				}
				if _, dup := index[local.Name]; !dup {
					index[local.Name] = len(refs)
					refs = append(refs, nil)
				} else {
					refs[index[local.Name]] = nil
				}
			}
		case *ast.TypeDef:
			var deps []ast.Ident
			switch it.Kind {
			case ast.AliasDef:
				deps = typeDeps(it.Alias, deps)
			case ast.RecordDef:
				for _, f := range it.Fields {
					deps = typeDeps(f.Type, deps)
				}
			case ast.VariantDef:
				for _, c := range it.Cases {
					if c.Type != nil {
						deps = typeDeps(c.Type, deps)
					}
				}
			}
			if i, dup := index[it.Name.Name]; dup {
				refs[i] = deps
			} else {
				index[it.Name.Name] = len(refs)
				refs = append(refs, deps)
			}
		}
	}
	deps := make([][]int, len(refs))
	for i, rr := range refs {
		for _, r := range rr {
			j, ok := index[r.Name]
			if !ok {
				rs.missing(sc, r, "type `%s` does not exist")
			}
			deps[i] = append(deps[i], j)
		}
	}
	if node, edge, ok := toposort(len(refs), deps); !ok {
		r := refs[node][edge]
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
