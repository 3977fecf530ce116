// Package abi answers the canonical ABI's questions about WIT types for
// the generators: where a type's parts sit in linear memory, what it
// flattens to, and a function's core signature. The generators read WIT
// in witparse's resolved model; the rules are internal/canon's, asked
// through the value model (one conversion per type definition), so no
// generator computes a size, an alignment or an offset of its own.
package abi

import (
	"fmt"
	"slices"

	"github.com/wasifill/wasifill/internal/canon"
	"github.com/wasifill/wasifill/value"
	"github.com/wasifill/wasifill/witparse"
)

// Types answers for the types of one resolve. It is not safe for
// concurrent use.
type Types struct {
	r    *witparse.Resolve
	memo map[witparse.TypeID]*value.Type
	// tuples are the anonymous tuples Tuple added, by their elements.
	tuples map[string]witparse.Type
}

// New returns a Types for r. r itself is never changed: tuples Tuple
// adds go to a copy of its type arena, which Resolve returns.
func New(r *witparse.Resolve) *Types {
	own := *r
	own.Types = slices.Clip(r.Types)
	return &Types{r: &own, memo: map[witparse.TypeID]*value.Type{}, tuples: map[string]witparse.Type{}}
}

// Resolve is the resolve the Types answers for: the one New was given,
// with the tuples Tuple added.
func (a *Types) Resolve() *witparse.Resolve { return a.r }

// Tuple returns the anonymous tuple type of elems: what the canonical
// ABI lays a function's spilled parameters out as.
func (a *Types) Tuple(elems []witparse.Type) witparse.Type {
	k := fmt.Sprint(elems)
	if t, ok := a.tuples[k]; ok {
		return t
	}
	a.r.Types = append(a.r.Types, &witparse.TypeDef{Kind: witparse.KindTuple, Types: slices.Clone(elems)})
	t := witparse.Type{ID: witparse.TypeID(len(a.r.Types) - 1)}
	a.tuples[k] = t
	return t
}

// Value returns t in the value model (witparse's ValueType, once per type
// definition): an error names what has no value form (maps, futures,
// streams) or passes ValueType's bound.
func (a *Types) Value(t witparse.Type) (*value.Type, error) {
	if t.IsPrim() {
		return a.r.ValueType(t)
	}
	if v, ok := a.memo[t.ID]; ok {
		return v, nil
	}
	v, err := a.r.ValueType(t)
	if err != nil {
		return nil, err
	}
	a.memo[t.ID] = v
	return v, nil
}

// Layout returns t's canonical-ABI layout (canon.LayoutOf).
func (a *Types) Layout(t witparse.Type) (canon.Layout, error) {
	v, err := a.Value(t)
	if err != nil {
		return canon.Layout{}, err
	}
	return canon.LayoutOf(v), nil
}

// Signature returns the core signature of a function with params and
// result (nil: none), flattened for cx (canon.FlattenFunc).
func (a *Types) Signature(params []witparse.Type, result *witparse.Type, cx canon.Context) (canon.Signature, error) {
	var ps, rs []*value.Type
	for _, p := range params {
		v, err := a.Value(p)
		if err != nil {
			return canon.Signature{}, err
		}
		ps = append(ps, v)
	}
	if result != nil {
		v, err := a.Value(*result)
		if err != nil {
			return canon.Signature{}, err
		}
		rs = append(rs, v)
	}
	return canon.FlattenFunc(ps, rs, cx), nil
}

// FuncSignature is Signature for fun's params and result.
func (a *Types) FuncSignature(fun *witparse.Function, cx canon.Context) (canon.Signature, error) {
	params := make([]witparse.Type, len(fun.Params))
	for i, p := range fun.Params {
		params[i] = p.Type
	}
	return a.Signature(params, fun.Result, cx)
}

// Deref follows aliases (`type a = b`, and names `use` brings in) to the
// type they name: a primitive or a type definition of another kind. A
// chain longer than witparse allows is cut at 100 links.
func Deref(r *witparse.Resolve, t witparse.Type) witparse.Type {
	for i := 0; i < 100 && !t.IsPrim() && int(t.ID) >= 0 && int(t.ID) < len(r.Types); i++ {
		d := r.Types[t.ID]
		if d.Kind != witparse.KindAlias {
			break
		}
		t = d.Elem
	}
	return t
}
