package witparse

import (
	"errors"
	"fmt"

	"github.com/wasifill/wasifill/value"
)

// ValueType converts a resolved type into the shared value model, for
// codecs and the CLI. Named types keep their WIT name; aliases are followed.
// Types without a value form (map, future, stream, error-context) are
// refused with an error naming them. The model keeps types as a DAG; the
// value model is a tree, so a type whose tree has more than
// MaxValueTypeNodes nodes is refused with a *TypeTooLargeError.
func (r *Resolve) ValueType(t Type) (*value.Type, error) {
	x := &expander{r: r}
	out, err := x.valueType(t, 0)
	if errors.Is(err, errTooLarge) {
		name := t.Prim
		if !t.IsPrim() && int(t.ID) >= 0 && int(t.ID) < len(r.Types) {
			name = r.Types[t.ID].Name
		}
		return nil, &TypeTooLargeError{Type: name, Limit: MaxValueTypeNodes}
	}
	return out, err
}

// MaxValueTypeNodes bounds the tree ValueType builds.
const MaxValueTypeNodes = 1 << 16

// TypeTooLargeError reports a type whose expansion into a tree exceeds
// the bound.
type TypeTooLargeError struct {
	Type  string // the type's name ("" for an anonymous type)
	Limit int
}

func (e *TypeTooLargeError) Error() string {
	return fmt.Sprintf("type `%s` expands to more than %d nested types", e.Type, e.Limit)
}

var errTooLarge = errors.New("type too large")

// expander counts the nodes one ValueType call builds.
type expander struct {
	r     *Resolve
	nodes int
}

var primValueTypes = map[string]*value.Type{
	"bool": value.Bool, "s8": value.S8, "u8": value.U8, "s16": value.S16, "u16": value.U16,
	"s32": value.S32, "u32": value.U32, "s64": value.S64, "u64": value.U64,
	"f32": value.F32, "f64": value.F64, "char": value.Char, "string": value.String,
}

func (x *expander) valueType(t Type, depth int) (*value.Type, error) {
	r := x.r
	if x.nodes++; x.nodes > MaxValueTypeNodes {
		return nil, errTooLarge
	}
	if depth > 200 {
		return nil, fmt.Errorf("type nests deeper than 200 levels")
	}
	if t.IsPrim() {
		if v, ok := primValueTypes[t.Prim]; ok {
			return v, nil
		}
		return nil, fmt.Errorf("%s has no value form yet", t.Prim)
	}
	if int(t.ID) < 0 || int(t.ID) >= len(r.Types) {
		return nil, fmt.Errorf("no type %d", t.ID)
	}
	d := r.Types[t.ID]
	sub := func(t Type) (*value.Type, error) { return x.valueType(t, depth+1) }
	opt := func(t *Type) (*value.Type, error) {
		if t == nil {
			return nil, nil
		}
		return sub(*t)
	}
	out := &value.Type{Name: d.Name}
	var err error
	switch d.Kind {
	case KindAlias:
		return sub(d.Elem)
	case KindRecord:
		out.Kind = value.KindRecord
		for _, f := range d.Fields {
			ft, err := sub(f.Type)
			if err != nil {
				return nil, err
			}
			out.Fields = append(out.Fields, value.Field{Name: f.Name, Type: ft})
		}
	case KindVariant:
		out.Kind = value.KindVariant
		for _, c := range d.Cases {
			ct, err := opt(c.Type)
			if err != nil {
				return nil, err
			}
			out.Cases = append(out.Cases, value.Case{Name: c.Name, Type: ct})
		}
	case KindEnum, KindFlags:
		out.Kind = value.KindEnum
		if d.Kind == KindFlags {
			out.Kind = value.KindFlags
		}
		for _, l := range d.Labels {
			out.Labels = append(out.Labels, l.Name)
		}
	case KindTuple:
		out.Kind = value.KindTuple
		for _, e := range d.Types {
			et, err := sub(e)
			if err != nil {
				return nil, err
			}
			out.Elems = append(out.Elems, et)
		}
	case KindOption:
		out.Kind = value.KindOption
		out.Elem, err = sub(d.Elem)
	case KindList, KindFixedList:
		out.Kind, out.Len = value.KindList, d.Len
		out.Elem, err = sub(d.Elem)
	case KindResult:
		out.Kind = value.KindResult
		if out.Ok, err = opt(d.Ok); err == nil {
			out.Err, err = opt(d.Err)
		}
	case KindHandle:
		out.Kind, out.Resource = value.KindOwn, r.Types[d.Resource].Name
		if d.Borrow {
			out.Kind = value.KindBorrow
		}
		out.Name = ""
	case KindResource:
		out.Kind, out.Resource, out.Name = value.KindOwn, d.Name, ""
	default:
		return nil, fmt.Errorf("%s has no value form yet", describe(d))
	}
	if err != nil {
		return nil, err
	}
	return out, nil
}

func describe(d *TypeDef) string {
	kinds := map[TypeDefKind]string{KindMap: "map", KindFuture: "future", KindStream: "stream"}
	if d.Name != "" {
		return fmt.Sprintf("type `%s` (a %s)", d.Name, kinds[d.Kind])
	}
	return "a " + kinds[d.Kind]
}

// LookupInterface finds an interface by its full name, `ns:pkg/iface` with
// an optional `@version`.
func (r *Resolve) LookupInterface(name string) (InterfaceID, bool) {
	for i, iface := range r.Interfaces {
		if iface.Name == "" || iface.Package == nil {
			continue
		}
		p := r.Packages[*iface.Package].Name
		full := p.Namespace + ":" + p.Name + "/" + iface.Name
		if name == full || p.Version != "" && name == full+"@"+p.Version {
			return InterfaceID(i), true
		}
	}
	return 0, false
}

// LookupType finds a named type of an interface.
func (r *Resolve) LookupType(iface InterfaceID, name string) (Type, bool) {
	for _, n := range r.Interfaces[iface].Types {
		if n.Name == name {
			return Type{ID: n.ID}, true
		}
	}
	return Type{}, false
}
