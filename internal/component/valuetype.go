package component

import (
	"fmt"

	"github.com/wasifill/wasifill/value"
)

// ValueTypes converts component types to the value model the canonical
// ABI (package canon) and the codecs work on, remembering which resource
// each own/borrow handle type refers to.
type ValueTypes struct {
	memo map[*Type]*value.Type
	res  map[*value.Type]*Resource
}

// NewValueTypes returns an empty converter.
func NewValueTypes() *ValueTypes {
	return &ValueTypes{memo: map[*Type]*value.Type{}, res: map[*value.Type]*Resource{}}
}

// Resource returns the resource of an own or borrow type made by Of.
func (c *ValueTypes) Resource(t *value.Type) *Resource { return c.res[t] }

var primValues = map[byte]*value.Type{
	0x7f: value.Bool, 0x7e: value.S8, 0x7d: value.U8, 0x7c: value.S16, 0x7b: value.U16, 0x7a: value.S32,
	0x79: value.U32, 0x78: value.S64, 0x77: value.U64, 0x76: value.F32, 0x75: value.F64, 0x74: value.Char,
	0x73: value.String,
}

// Of converts a value type.
func (c *ValueTypes) Of(t *Type) (*value.Type, error) {
	if t == nil {
		return nil, nil
	}
	if v, ok := c.memo[t]; ok {
		return v, nil
	}
	if t.Kind == KindPrim {
		if v := primValues[t.Prim]; v != nil {
			return v, nil
		}
		return nil, fmt.Errorf("%s is not supported yet", t)
	}
	v := &value.Type{Name: t.Name}
	var err error
	sub := func(x *Type) *value.Type {
		if err != nil {
			return nil
		}
		var out *value.Type
		out, err = c.Of(x)
		return out
	}
	switch t.Kind {
	case KindRecord:
		v.Kind = value.KindRecord
		for _, f := range t.Fields {
			v.Fields = append(v.Fields, value.Field{Name: f.Name, Type: sub(f.Type)})
		}
	case KindVariant:
		v.Kind = value.KindVariant
		for _, k := range t.Cases {
			v.Cases = append(v.Cases, value.Case{Name: k.Name, Type: sub(k.Type)})
		}
	case KindList, KindFixedList:
		v.Kind, v.Len = value.KindList, t.Len
		v.Elem = sub(t.Elem)
	case KindTuple:
		v.Kind = value.KindTuple
		for _, e := range t.Elems {
			v.Elems = append(v.Elems, sub(e))
		}
	case KindFlags, KindEnum:
		v.Kind = value.KindFlags
		if t.Kind == KindEnum {
			v.Kind = value.KindEnum
		}
		v.Labels = t.Labels
	case KindOption:
		v.Kind = value.KindOption
		v.Elem = sub(t.Elem)
	case KindResult:
		v.Kind = value.KindResult
		v.Ok, v.Err = sub(t.Ok), sub(t.Err)
	case KindOwn, KindBorrow:
		v.Kind = value.KindOwn
		if t.Kind == KindBorrow {
			v.Kind = value.KindBorrow
		}
		v.Resource, v.Name = t.Resource.Name, ""
		c.res[v] = t.Resource
	default:
		return nil, fmt.Errorf("%s has no value form yet", kindName(t.Kind))
	}
	if err != nil {
		return nil, err
	}
	c.memo[t] = v
	return v, nil
}

// Func converts a function type's parameters and results.
func (c *ValueTypes) Func(t *Type) (params, results []*value.Type, err error) {
	for _, p := range t.Fields {
		v, err := c.Of(p.Type)
		if err != nil {
			return nil, nil, fmt.Errorf("param %s: %w", p.Name, err)
		}
		params = append(params, v)
	}
	if t.Result != nil {
		v, err := c.Of(t.Result)
		if err != nil {
			return nil, nil, fmt.Errorf("result: %w", err)
		}
		results = append(results, v)
	}
	return params, results, nil
}
