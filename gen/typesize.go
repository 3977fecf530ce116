package gen

import (
	"fmt"

	"github.com/wasifill/wasifill/witparse"
)

// WIT types are DAGs (`type t2 = tuple<t1, t1>` names t1 twice) but the
// generators write every type out as a tree: Go struct types, converters
// and codecs, Rust codecs. The expanded size of a type (its nodes, counted
// as a tree) is therefore what generating it costs, and it can double
// with each line of WIT. CheckSizes bounds it before anything is written.
const (
	// MaxTypeNodes bounds the expanded size of one type or function
	// signature.
	MaxTypeNodes = 1024
	// MaxWorldNodes bounds the sum over a world's types and functions.
	MaxWorldNodes = 16 * MaxTypeNodes
)

// TypeTooLargeError is a type (or signature, or world) whose expanded
// size passes the generators' budget.
type TypeTooLargeError struct {
	What  string // `type t24`, `function f`, `world w`
	Nodes uint64 // at least this many nodes (counting stops past Limit)
	Limit uint64
}

func (e *TypeTooLargeError) Error() string {
	return fmt.Sprintf("%s expands to more than %d type nodes (counted as a tree, which is how generated code and values "+
		"lay it out)", e.What, e.Limit)
}

// sizer computes expanded sizes once per type definition, saturating
// past the world budget.
type sizer struct {
	r    *witparse.Resolve
	memo map[witparse.TypeID]uint64
}

func sat(a, b uint64) uint64 {
	if a+b < a || a+b > MaxWorldNodes+1 {
		return MaxWorldNodes + 1
	}
	return a + b
}

func (s *sizer) of(t witparse.Type) uint64 {
	if t.IsPrim() {
		return 1
	}
	if n, ok := s.memo[t.ID]; ok {
		return n
	}
	if int(t.ID) < 0 || int(t.ID) >= len(s.r.Types) {
		return 1
	}
	s.memo[t.ID] = MaxWorldNodes + 1 // a cycle (witparse refuses them) counts as too large
	d := s.r.Types[t.ID]
	n := uint64(1)
	opt := func(t *witparse.Type) {
		if t != nil {
			n = sat(n, s.of(*t))
		}
	}
	switch d.Kind {
	case witparse.KindAlias:
		n = s.of(d.Elem)
	case witparse.KindRecord:
		for _, f := range d.Fields {
			n = sat(n, s.of(f.Type))
		}
	case witparse.KindVariant:
		for _, c := range d.Cases {
			opt(c.Type)
		}
	case witparse.KindTuple:
		for _, e := range d.Types {
			n = sat(n, s.of(e))
		}
	case witparse.KindOption, witparse.KindList:
		n = sat(n, s.of(d.Elem))
	case witparse.KindFixedList:
		e := s.of(d.Elem)
		if d.Len > 0 && e > (MaxWorldNodes+1)/uint64(d.Len) {
			n = MaxWorldNodes + 1
		} else {
			n = sat(n, uint64(d.Len)*e)
		}
	case witparse.KindMap:
		n = sat(sat(n, s.of(d.Elem)), s.of(d.Value))
	case witparse.KindFuture, witparse.KindStream:
		if d.HasElem {
			n = sat(n, s.of(d.Elem))
		}
	case witparse.KindResult:
		opt(d.Ok)
		opt(d.Err)
	}
	s.memo[t.ID] = n
	return n
}

// CheckSizes reports the first type, function signature or the whole of
// world (its imports and exports: interfaces, functions, types) whose
// expanded size passes MaxTypeNodes (MaxWorldNodes for the world).
func CheckSizes(r *witparse.Resolve, world witparse.WorldID) error {
	if int(world) < 0 || int(world) >= len(r.Worlds) {
		return fmt.Errorf("no world %d", world)
	}
	s := &sizer{r: r, memo: map[witparse.TypeID]uint64{}}
	total := uint64(0)
	add := func(what string, n uint64) error {
		if n > MaxTypeNodes {
			return &TypeTooLargeError{What: what, Nodes: n, Limit: MaxTypeNodes}
		}
		if total = sat(total, n); total > MaxWorldNodes {
			return &TypeTooLargeError{What: "world " + r.Worlds[world].Name, Nodes: total, Limit: MaxWorldNodes}
		}
		return nil
	}
	fn := func(f *witparse.Function) error {
		n := uint64(1)
		for _, p := range f.Params {
			n = sat(n, s.of(p.Type))
		}
		if f.Result != nil {
			n = sat(n, s.of(*f.Result))
		}
		return add("function "+f.Name, n)
	}
	seen := map[witparse.InterfaceID]bool{}
	w := r.Worlds[world]
	for _, e := range append(append([]witparse.WorldEntry{}, w.Imports...), w.Exports...) {
		switch e.Item.Kind {
		case witparse.ItemInterface:
			if seen[e.Item.Interface] || int(e.Item.Interface) < 0 || int(e.Item.Interface) >= len(r.Interfaces) {
				continue
			}
			seen[e.Item.Interface] = true
			in := r.Interfaces[e.Item.Interface]
			for _, nt := range in.Types {
				if err := add("type "+nt.Name, s.of(witparse.Type{ID: nt.ID})); err != nil {
					return err
				}
			}
			for _, f := range in.Functions {
				if err := fn(f); err != nil {
					return err
				}
			}
		case witparse.ItemFunction:
			if err := fn(e.Item.Function); err != nil {
				return err
			}
		case witparse.ItemType:
			if err := add("type "+e.Name, s.of(witparse.Type{ID: e.Item.Type})); err != nil {
				return err
			}
		}
	}
	return nil
}

// TypeNodes is t's expanded size (counted as a tree), or MaxWorldNodes+1
// for anything larger.
func TypeNodes(r *witparse.Resolve, t witparse.Type) uint64 {
	return (&sizer{r: r, memo: map[witparse.TypeID]uint64{}}).of(t)
}
