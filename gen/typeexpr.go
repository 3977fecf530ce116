package gen

import (
	"fmt"

	"github.com/wasifill/wasifill/value"
	"github.com/wasifill/wasifill/witparse"
)

// ParseInterfaceType reads a WIT type expression (value.ParseType's
// syntax) in the scope of interface iface: a bare name is the interface's
// type of that name. A named type that would expand past MaxWorldNodes
// (the value model is a tree; WIT types are DAGs) is a
// *TypeTooLargeError.
func ParseInterfaceType(r *witparse.Resolve, iface witparse.InterfaceID, expr string) (*value.Type, error) {
	t, err := value.ParseType(expr)
	if err != nil {
		return nil, err
	}
	return substituteNamed(r, iface, t)
}

// substituteNamed replaces the bare names in t (which value.ParseType
// reads as resources) with the interface's types of those names.
func substituteNamed(r *witparse.Resolve, iface witparse.InterfaceID, t *value.Type) (*value.Type, error) {
	if t == nil {
		return nil, nil
	}
	if t.Kind == value.KindOwn {
		named, ok := r.LookupType(iface, t.Resource)
		if !ok {
			return nil, fmt.Errorf("no type `%s` in interface %s", t.Resource, r.InterfaceName(iface))
		}
		if n := TypeNodes(r, named); n > MaxWorldNodes {
			return nil, &TypeTooLargeError{What: "type " + t.Resource, Nodes: n, Limit: MaxWorldNodes}
		}
		vt, err := r.ValueType(named)
		if err != nil {
			return nil, fmt.Errorf("type %s: %w", t.Resource, err)
		}
		return vt, nil
	}
	out := *t
	var err error
	sub := func(x *value.Type) *value.Type {
		if err != nil {
			return nil
		}
		var y *value.Type
		y, err = substituteNamed(r, iface, x)
		return y
	}
	out.Elem, out.Ok, out.Err = sub(t.Elem), sub(t.Ok), sub(t.Err)
	out.Elems = nil
	for _, e := range t.Elems {
		out.Elems = append(out.Elems, sub(e))
	}
	out.Fields = nil
	for _, fl := range t.Fields {
		out.Fields = append(out.Fields, value.Field{Name: fl.Name, Type: sub(fl.Type)})
	}
	out.Cases = nil
	for _, c := range t.Cases {
		out.Cases = append(out.Cases, value.Case{Name: c.Name, Type: sub(c.Type)})
	}
	return &out, err
}
