package componentize

import (
	"github.com/wasifill/wasifill/internal/component"
	"github.com/wasifill/wasifill/internal/wasmbin"
)

// Which canonical options a function needs (CanonicalABI.md): memory when
// any value goes through linear memory, realloc when the side receiving
// values must allocate for them.

const (
	maxFlatParams  = 16
	maxFlatResults = 1
)

// flatCount is the number of core values t flattens to.
func flatCount(t *component.Type) int {
	switch t.Kind {
	case component.KindPrim:
		if t.Prim == wasmbin.PrimString {
			return 2
		}
		return 1
	case component.KindList:
		return 2
	case component.KindFixedList:
		return int(t.Len) * flatCount(t.Elem)
	case component.KindRecord:
		n := 0
		for _, f := range t.Fields {
			n += flatCount(f.Type)
		}
		return n
	case component.KindTuple:
		n := 0
		for _, e := range t.Elems {
			n += flatCount(e)
		}
		return n
	case component.KindVariant:
		max := 0
		for _, c := range t.Cases {
			if c.Type != nil && flatCount(c.Type) > max {
				max = flatCount(c.Type)
			}
		}
		return 1 + max
	case component.KindOption:
		return 1 + flatCount(t.Elem)
	case component.KindResult:
		max := 0
		for _, p := range []*component.Type{t.Ok, t.Err} {
			if p != nil && flatCount(p) > max {
				max = flatCount(p)
			}
		}
		return 1 + max
	case component.KindFlags:
		return (len(t.Labels) + 31) / 32
	}
	return 1 // enum, own, borrow
}

// hasPointer reports whether t holds a string or list.
func hasPointer(t *component.Type) bool {
	if t == nil {
		return false
	}
	switch t.Kind {
	case component.KindPrim:
		return t.Prim == wasmbin.PrimString
	case component.KindList:
		return true
	case component.KindFixedList, component.KindOption:
		return hasPointer(t.Elem)
	case component.KindRecord:
		for _, f := range t.Fields {
			if hasPointer(f.Type) {
				return true
			}
		}
	case component.KindTuple:
		for _, e := range t.Elems {
			if hasPointer(e) {
				return true
			}
		}
	case component.KindVariant:
		for _, c := range t.Cases {
			if hasPointer(c.Type) {
				return true
			}
		}
	case component.KindResult:
		return hasPointer(t.Ok) || hasPointer(t.Err)
	}
	return false
}

type abiNeeds struct{ memory, realloc bool }

func funcNeeds(ft *component.Type, lift bool) abiNeeds {
	params, paramPtr := 0, false
	for _, p := range ft.Fields {
		params += flatCount(p.Type)
		paramPtr = paramPtr || hasPointer(p.Type)
	}
	results, resultPtr := 0, false
	if ft.Result != nil {
		results, resultPtr = flatCount(ft.Result), hasPointer(ft.Result)
	}
	spilled := params > maxFlatParams || results > maxFlatResults
	n := abiNeeds{memory: paramPtr || resultPtr || spilled}
	if lift {
		n.realloc = paramPtr || params > maxFlatParams
	} else {
		n.realloc = resultPtr
	}
	return n
}

// walkType calls visit on t and every type it contains, once each,
// including the types of instance and component imports and exports.
func walkType(t *component.Type, visit func(*component.Type)) {
	seen := map[*component.Type]bool{}
	var walk func(t *component.Type)
	walk = func(t *component.Type) {
		if t == nil || seen[t] {
			return
		}
		seen[t] = true
		visit(t)
		for _, x := range []*component.Type{t.Elem, t.Value, t.Ok, t.Err, t.Result, t.ResourceType} {
			walk(x)
		}
		for _, f := range t.Fields {
			walk(f.Type)
		}
		for _, c := range t.Cases {
			walk(c.Type)
		}
		for _, e := range t.Elems {
			walk(e)
		}
		for _, e := range t.Exports {
			walk(e.Type)
		}
		for _, e := range t.Imports {
			walk(e.Type)
		}
	}
	walk(t)
}

// resourcesOf lists the resources t refers to, in first-seen order.
func resourcesOf(t *component.Type) []*component.Resource {
	var out []*component.Resource
	have := map[*component.Resource]bool{}
	walkType(t, func(t *component.Type) {
		if t.Resource != nil && !have[t.Resource] {
			have[t.Resource] = true
			out = append(out, t.Resource)
		}
	})
	return out
}
