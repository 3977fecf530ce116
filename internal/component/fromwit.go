package component

import (
	"fmt"

	"github.com/wasifill/wasifill/witparse"
)

// FromWorld converts a WIT world into the component type a component
// targeting it has: imported interfaces as instance imports (their
// resources abstract), exported interfaces as instance exports (their
// resources defined by the component), and world-level functions and
// types. Resource identity is kept across interfaces that `use` each
// other.
func FromWorld(r *witparse.Resolve, id witparse.WorldID) (*Type, error) {
	if int(id) < 0 || int(id) >= len(r.Worlds) {
		return nil, fmt.Errorf("component: no world %d", id)
	}
	w := r.Worlds[id]
	c := &witConverter{r: r, types: map[witparse.TypeID]*Type{}}
	out := &Type{Kind: KindComponent}
	var err error
	if out.Imports, err = c.entries(w.Imports, true); err != nil {
		return nil, fmt.Errorf("world %s: %w", w.Name, err)
	}
	if out.Exports, err = c.entries(w.Exports, false); err != nil {
		return nil, fmt.Errorf("world %s: %w", w.Name, err)
	}
	if err := sizeCheck(out, "world "+w.Name); err != nil {
		return nil, err
	}
	return out, nil
}

// TypeTooLargeError is a WIT type (or a function, interface or world
// made of it) whose expanded size passes MaxTypeSize: a component
// declaring it would be refused when decoded (as wasmparser refuses it),
// so none is made. WIT types are DAGs; the size counts them as trees.
type TypeTooLargeError struct {
	What string // `type t24`, `function f`, `interface a:b/i`, `world w`
}

func (e *TypeTooLargeError) Error() string {
	return fmt.Sprintf("%s expands to more than %d type nodes (counted as a tree): too large for a component", e.What, MaxTypeSize)
}

// sizeCheck computes t's size (its parts' sizes are known) and refuses
// it past MaxTypeSize.
func sizeCheck(t *Type, what string) error {
	if !t.sized() {
		return &TypeTooLargeError{What: what}
	}
	return nil
}

type witConverter struct {
	r        *witparse.Resolve
	types    map[witparse.TypeID]*Type
	imported bool // converting an imported item: resources are abstract
}

func (c *witConverter) entries(list []witparse.WorldEntry, imported bool) ([]Extern, error) {
	var out []Extern
	for _, e := range list {
		c.imported = imported
		switch e.Item.Kind {
		case witparse.ItemInterface:
			name := e.Name
			if name == "" {
				name = c.r.InterfaceName(e.Item.Interface)
			}
			t, err := c.iface(e.Item.Interface)
			if err != nil {
				return nil, fmt.Errorf("interface %s: %w", name, err)
			}
			if err := sizeCheck(t, "interface "+name); err != nil {
				return nil, err
			}
			out = append(out, Extern{Name: name, Kind: ExternInstance, Type: t})
		case witparse.ItemFunction:
			t, err := c.fn(e.Item.Function)
			if err != nil {
				return nil, fmt.Errorf("function %s: %w", e.Name, err)
			}
			out = append(out, Extern{Name: e.Name, Kind: ExternFunc, Type: t})
		case witparse.ItemType:
			t, err := c.typeDef(e.Item.Type)
			if err != nil {
				return nil, fmt.Errorf("type %s: %w", e.Name, err)
			}
			if t.Name != e.Name {
				t = named(t, e.Name)
			}
			// The same *Type the world's functions refer to: an encoder
			// that imports the type makes them refer to the import.
			out = append(out, Extern{Name: e.Name, Kind: ExternType, Type: t})
		}
	}
	return out, nil
}

func (c *witConverter) iface(id witparse.InterfaceID) (*Type, error) {
	iface := c.r.Interfaces[id]
	t := &Type{Kind: KindInstance}
	for _, nt := range iface.Types {
		tt, err := c.typeDef(nt.ID)
		if err != nil {
			return nil, fmt.Errorf("type %s: %w", nt.Name, err)
		}
		if tt.Name != nt.Name {
			tt = named(tt, nt.Name)
		}
		t.Exports = append(t.Exports, Extern{Name: nt.Name, Kind: ExternType, Type: tt})
	}
	for _, f := range iface.Functions {
		ft, err := c.fn(f)
		if err != nil {
			return nil, fmt.Errorf("function %s: %w", f.Name, err)
		}
		t.Exports = append(t.Exports, Extern{Name: f.Name, Kind: ExternFunc, Type: ft})
	}
	return t, nil
}

func (c *witConverter) fn(f *witparse.Function) (_ *Type, err error) {
	switch f.Kind {
	case witparse.AsyncFreestanding, witparse.AsyncMethod, witparse.AsyncStatic:
		return nil, fmt.Errorf("async functions are not supported yet")
	}
	t := &Type{Kind: KindFunc}
	defer func() {
		if err == nil {
			err = sizeCheck(t, "function "+f.Name)
		}
	}()
	for _, p := range f.Params {
		pt, err := c.val(p.Type)
		if err != nil {
			return nil, fmt.Errorf("param %s: %w", p.Name, err)
		}
		t.Fields = append(t.Fields, Field{p.Name, pt})
	}
	if f.Result != nil {
		rt, err := c.val(*f.Result)
		if err != nil {
			return nil, fmt.Errorf("result: %w", err)
		}
		t.Result = rt
	}
	return t, nil
}

var witPrims = map[string]byte{
	"bool": 0x7f, "s8": 0x7e, "u8": 0x7d, "s16": 0x7c, "u16": 0x7b, "s32": 0x7a, "u32": 0x79, "s64": 0x78,
	"u64": 0x77, "f32": 0x76, "f64": 0x75, "char": 0x74, "string": 0x73, "error-context": 0x64,
}

func (c *witConverter) val(t witparse.Type) (*Type, error) {
	if t.IsPrim() {
		p, ok := witPrims[t.Prim]
		if !ok {
			return nil, fmt.Errorf("unknown primitive %s", t.Prim)
		}
		return prims[p], nil
	}
	return c.typeDef(t.ID)
}

func (c *witConverter) optVal(t *witparse.Type) (*Type, error) {
	if t == nil {
		return nil, nil
	}
	return c.val(*t)
}

// typeDef converts a type definition once; named definitions carry their
// name, and resources become a Type of KindResource with one identity.
func (c *witConverter) typeDef(id witparse.TypeID) (*Type, error) {
	if t, ok := c.types[id]; ok {
		return t, nil
	}
	if int(id) < 0 || int(id) >= len(c.r.Types) {
		return nil, fmt.Errorf("no type %d", id)
	}
	d := c.r.Types[id]
	t := &Type{Name: d.Name}
	var err error
	switch d.Kind {
	case witparse.KindAlias:
		target, err := c.val(d.Elem)
		if err != nil {
			return nil, err
		}
		if d.Name != "" {
			target = named(target, d.Name)
		}
		c.types[id] = target
		return target, nil
	case witparse.KindResource:
		t.Kind = KindResource
		t.Resource = &Resource{Name: d.Name, Imported: c.imported}
	case witparse.KindHandle:
		t.Kind = KindOwn
		if d.Borrow {
			t.Kind = KindBorrow
		}
		rt, err := c.typeDef(d.Resource)
		if err != nil {
			return nil, err
		}
		t.Resource, t.ResourceType = rt.Resource, rt
	case witparse.KindRecord:
		t.Kind = KindRecord
		for _, f := range d.Fields {
			ft, err := c.val(f.Type)
			if err != nil {
				return nil, err
			}
			t.Fields = append(t.Fields, Field{f.Name, ft})
		}
	case witparse.KindVariant:
		t.Kind = KindVariant
		for _, k := range d.Cases {
			kt, err := c.optVal(k.Type)
			if err != nil {
				return nil, err
			}
			t.Cases = append(t.Cases, Case{k.Name, kt})
		}
	case witparse.KindEnum, witparse.KindFlags:
		t.Kind = KindEnum
		if d.Kind == witparse.KindFlags {
			t.Kind = KindFlags
		}
		for _, l := range d.Labels {
			t.Labels = append(t.Labels, l.Name)
		}
	case witparse.KindTuple:
		t.Kind = KindTuple
		for _, e := range d.Types {
			et, err := c.val(e)
			if err != nil {
				return nil, err
			}
			t.Elems = append(t.Elems, et)
		}
	case witparse.KindOption:
		t.Kind = KindOption
		t.Elem, err = c.val(d.Elem)
	case witparse.KindList:
		t.Kind = KindList
		t.Elem, err = c.val(d.Elem)
	case witparse.KindFixedList:
		t.Kind, t.Len = KindFixedList, d.Len
		t.Elem, err = c.val(d.Elem)
	case witparse.KindResult:
		t.Kind = KindResult
		if t.Ok, err = c.optVal(d.Ok); err == nil {
			t.Err, err = c.optVal(d.Err)
		}
	case witparse.KindMap:
		t.Kind = KindMap
		if t.Elem, err = c.val(d.Elem); err == nil {
			t.Value, err = c.val(d.Value)
		}
	case witparse.KindFuture, witparse.KindStream:
		return nil, fmt.Errorf("streams and futures are not supported yet")
	default:
		return nil, fmt.Errorf("unknown type kind %d", d.Kind)
	}
	if err != nil {
		return nil, err
	}
	if err := sizeCheck(t, typeWhat(d)); err != nil {
		return nil, err
	}
	c.types[id] = t
	return t, nil
}

func typeWhat(d *witparse.TypeDef) string {
	if d.Name == "" {
		return "an anonymous type"
	}
	return "type " + d.Name
}
