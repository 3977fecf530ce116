package witparse

import (
	"slices"

	"github.com/wasifill/wasifill/witparse/ast"
)

var asyncKinds = map[FunctionKind]FunctionKind{Freestanding: AsyncFreestanding, Method: AsyncMethod, Static: AsyncStatic}

// function resolves one function with the given (mangled) name and kind.
func (rs *resolver) function(sc *scope, f *ast.Func, name string, kind FunctionKind, resource TypeID) *Function {
	if f.Async {
		if k, ok := asyncKinds[kind]; ok {
			kind = k
		}
	}
	if len(rs.funcSlab) == 0 {
		rs.funcSlab = make([]Function, typeSlab)
	}
	fn := &rs.funcSlab[0]
	rs.funcSlab = rs.funcSlab[1:]
	// Field by field into the zero slot: a struct copy would pass every
	// pointer word through the GC's write barrier.
	fn.Name, fn.Kind, fn.Resource = name, kind, resource
	if len(f.Docs.Comments) > 0 {
		fn.Docs = docs(f.Docs)
	}
	fn.Params = rs.params(len(f.Params) + 1)
	fn.Stability, _ = rs.stability(f.Gates)
	if kind == Method || kind == AsyncMethod {
		d, self := rs.newAnon(KindHandle)
		d.Resource, d.Borrow, d.Stability = resource, true, fn.Stability
		fn.Params = append(fn.Params, Param{Name: "self", Type: self})
	}
	sc.inFunc = true
	defer func() { sc.inFunc = false }()
	// Duplicate names: a scan of the earlier ones while the list is short
	// (the usual case, no allocation), a set beyond.
	var seen map[string]bool
	for i, p := range f.Params {
		if i == smallSet {
			seen = make(map[string]bool, len(f.Params))
			for _, q := range f.Params[:i] {
				seen[q.Name.Name] = true
			}
		}
		dup := false
		if seen != nil {
			dup = seen[p.Name.Name]
			seen[p.Name.Name] = true
		} else {
			for _, q := range f.Params[:i] {
				if q.Name.Name == p.Name.Name {
					dup = true
					break
				}
			}
		}
		if dup {
			rs.fail(p.Name.Pos, "param `%s` is defined more than once", p.Name.Name)
		}
		fn.Params = append(fn.Params, Param{Name: p.Name.Name, Type: rs.resolveType(sc, p.Type)})
	}
	if f.Result != nil {
		r := rs.typePtr(rs.resolveType(sc, f.Result))
		fn.Result = r
		if rs.containsBorrow(*r) {
			rs.fail(f.Name.Pos, "function `%s` returns a type which contains a `borrow<T>` which is not supported", name)
		}
	}
	return fn
}

// params returns an empty parameter list with room for n, carved out of
// a chunk (its capacity ends there: appending more copies it out).
func (rs *resolver) params(n int) []Param {
	if n > paramSlab/4 {
		return make([]Param, 0, n)
	}
	if len(rs.paramSlab) < n {
		rs.paramSlab = make([]Param, paramSlab)
	}
	p := rs.paramSlab[:0:n]
	rs.paramSlab = rs.paramSlab[n:]
	return p
}

// paramSlab is how many parameters params allocates at once.
const paramSlab = 256

// smallSet is the size up to which a duplicate check scans a list instead
// of building a set: linear time overall, no allocation for short lists.
const smallSet = 16

// dupName reports whether name is in seen or, while seen is nil, the name
// of one of fields.
func dupName(seen map[string]bool, fields []ast.Param, name string) bool {
	if seen != nil {
		return seen[name]
	}
	for _, f := range fields {
		if f.Name.Name == name {
			return true
		}
	}
	return false
}

// containsBorrow reports whether t contains a borrow handle. Results are
// cached: functions are resolved after their scope's types, which are
// complete and acyclic by then. The walk keeps its own stack (a chain of
// 100,000 aliases is 100,000 levels deep), reused from call to call.
func (rs *resolver) containsBorrow(t Type) bool {
	if t.IsPrim() {
		return false
	}
	if int(t.ID) >= len(rs.borrows) {
		rs.borrows = append(rs.borrows, make([]uint8, len(rs.r.Types)-len(rs.borrows))...)
	}
	if b := rs.borrows[t.ID]; b != 0 {
		return b == 2
	}
	// The root is visited as the single reference of a pseudo-frame.
	refs := append(rs.walkRefs[:0], t.ID)
	stack := append(rs.walkStack[:0], borrowFrame{id: -1, next: 0, start: 0})
	for len(stack) > 0 {
		top := &stack[len(stack)-1]
		if int(top.next) == len(refs) {
			// Every reference is done without a borrow (state 1 stays).
			refs = refs[:top.start]
			stack = stack[:len(stack)-1]
			continue
		}
		r := refs[top.next]
		switch rs.borrows[r] {
		case 2: // a borrow: the frame has one too, and so on up
			if top.id >= 0 {
				rs.borrows[top.id] = 2
			}
			refs = refs[:top.start]
			stack = stack[:len(stack)-1]
			continue
		case 1: // done without a borrow, or a cycle through a handle
			top.next++
			continue
		}
		rs.borrows[r] = 1
		d := rs.typeDef(r)
		if d.Kind == KindHandle {
			if d.Borrow {
				rs.borrows[r] = 2
			}
			continue // seen again, now with its state
		}
		start := int32(len(refs))
		rs.walkTypes = appendTypeRefs(rs.walkTypes[:0], d)
		refs = grow(refs, len(rs.walkTypes))
		for _, t := range rs.walkTypes {
			if !t.IsPrim() {
				refs = append(refs, t.ID)
			}
		}
		stack = append(grow(stack, 1), borrowFrame{id: r, next: start, start: start})
	}
	rs.walkRefs, rs.walkStack = refs[:0], stack[:0]
	return rs.borrows[t.ID] == 2
}

// grow makes room for n more elements, doubling the capacity when it
// must grow (append grows large slices by a quarter: a deep walk would
// copy its stack many times over).
func grow[T any](s []T, n int) []T {
	if len(s)+n <= cap(s) {
		return s
	}
	out := make([]T, len(s), max(2*cap(s), len(s)+n))
	copy(out, s)
	return out
}

// borrowFrame is one type on containsBorrow's stack: its references
// (other than primitives) are walkRefs[start:], the next to look at
// walkRefs[next].
type borrowFrame struct {
	id          TypeID
	next, start int32
}

// resourceFuncs resolves a resource's constructor, methods and statics,
// appending them to out.
func (rs *resolver) resourceFuncs(out []*Function, sc *scope, def *ast.TypeDef, id TypeID) []*Function {
	out = grow(out, len(def.Funcs))
	name := def.Name.Name
	hasCtor := false
	// Duplicate names: a scan of the earlier ones while there are few, a
	// set beyond (as for parameters).
	names := rs.funcNames[:0]
	var seen map[string]bool
	for _, f := range def.Funcs {
		if _, ex := rs.stability(f.Gates); ex {
			continue
		}
		switch f.Kind {
		case ast.Constructor:
			if hasCtor {
				rs.fail(f.Name.Pos, "duplicate constructors")
			}
			hasCtor = true
			fn := rs.function(sc, &ast.Func{Attrs: f.Attrs, Name: f.Name, Params: f.Params}, "[constructor]"+name, Constructor, id)
			if f.HasResult {
				res, ok := f.Result.(*ast.Result)
				if !ok {
					rs.fail(ast.TypePos(f.Result), "if a constructor return type is declared it must be a `result`")
				}
				r := rs.resolveType(sc, f.Result)
				// The ok type must name the resource itself (not an alias
				// or a handle).
				if n, isName := res.Ok.(*ast.Named); !isName || sc.names[n.Name.Name] != id {
					at := res.Pos
					if res.Ok != nil {
						at = ast.TypePos(res.Ok)
					}
					rs.fail(at, "the `ok` type must be the resource being constructed")
				}
				fn.Result = rs.typePtr(r)
			} else {
				d, own := rs.newAnon(KindHandle)
				d.Resource = id
				fn.Result = rs.typePtr(own)
			}
			out = append(out, fn)
		default:
			if len(names) == smallSet {
				seen = make(map[string]bool, len(def.Funcs))
				for _, n := range names {
					seen[n] = true
				}
			}
			dup := seen[f.Name.Name]
			if seen == nil {
				dup = slices.Contains(names, f.Name.Name)
			}
			if dup {
				rs.fail(f.Name.Pos, "duplicate function name `%s`", f.Name.Name)
			}
			if seen != nil {
				seen[f.Name.Name] = true
			}
			names = append(names, f.Name.Name)
			prefix, kind := "[method]", Method
			if f.Kind == ast.Static {
				prefix, kind = "[static]", Static
			}
			out = append(out, rs.function(sc, f, prefix+name+"."+f.Name.Name, kind, id))
		}
	}
	rs.funcNames = names[:0]
	return out
}

// typePtr returns a pointer to a copy of t, carved out of a chunk.
func (rs *resolver) typePtr(t Type) *Type {
	if len(rs.typePtrs) == 0 {
		rs.typePtrs = make([]Type, typeSlab)
	}
	p := &rs.typePtrs[0]
	rs.typePtrs = rs.typePtrs[1:]
	*p = t
	return p
}
