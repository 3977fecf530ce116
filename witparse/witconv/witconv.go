// Package witconv converts witparse's resolved model into
// go.bytecodealliance.org/wit's, so wasifill can reuse that package's WIT
// printer and bindgen and be compared with its wasm-tools loader.
//
// go.bytecodealliance.org/wit v0.7.0 predates maps, fixed-length lists and
// async functions; a resolve that uses them is refused with an error naming
// the first such item.
package witconv

import (
	"bytes"
	"fmt"

	"go.bytecodealliance.org/wit"

	"github.com/wasifill/wasifill/witparse"
)

// UnsupportedError names an item go.bytecodealliance.org/wit v0.7.0 cannot
// represent.
type UnsupportedError struct {
	Item string // e.g. "type `m` in interface a:b/i"
	What string // e.g. "map"
}

func (e *UnsupportedError) Error() string {
	return fmt.Sprintf("witconv: %s is a %s, which go.bytecodealliance.org/wit v0.7.0 cannot represent", e.Item, e.What)
}

// ToWIT converts r. The two models share wasm-tools' JSON form, which is
// the interchange: r is encoded and decoded by wit.DecodeJSON after every
// item has been checked to be representable.
func ToWIT(r *witparse.Resolve) (*wit.Resolve, error) {
	if err := check(r); err != nil {
		return nil, err
	}
	b, err := witparse.EncodeJSON(r)
	if err != nil {
		return nil, fmt.Errorf("witconv: %w", err)
	}
	out, err := wit.DecodeJSON(bytes.NewReader(b))
	if err != nil {
		return nil, fmt.Errorf("witconv: decoding into go.bytecodealliance.org/wit: %w", err)
	}
	return out, nil
}

func check(r *witparse.Resolve) error {
	for _, t := range r.Types {
		var what string
		switch t.Kind {
		case witparse.KindMap:
			what = "map"
		case witparse.KindFixedList:
			what = "fixed-length list"
		}
		if what != "" {
			return &UnsupportedError{Item: describeType(r, t), What: what}
		}
	}
	check := func(f *witparse.Function, where string) error {
		switch f.Kind {
		case witparse.AsyncFreestanding, witparse.AsyncMethod, witparse.AsyncStatic:
			return &UnsupportedError{Item: fmt.Sprintf("function `%s` in %s", f.Name, where), What: "async function"}
		}
		return nil
	}
	for _, iface := range r.Interfaces {
		for _, f := range iface.Functions {
			if err := check(f, "interface "+interfaceName(r, iface)); err != nil {
				return err
			}
		}
	}
	for _, w := range r.Worlds {
		for _, e := range append(append([]witparse.WorldEntry{}, w.Imports...), w.Exports...) {
			if e.Item.Kind == witparse.ItemFunction {
				if err := check(e.Item.Function, "world "+w.Name); err != nil {
					return err
				}
			}
		}
	}
	return nil
}

func interfaceName(r *witparse.Resolve, iface *witparse.Interface) string {
	name := iface.Name
	if name == "" {
		name = "(inline interface)"
	}
	if iface.Package != nil {
		return r.Packages[*iface.Package].Name.String() + "/" + name
	}
	return name
}

func describeType(r *witparse.Resolve, t *witparse.TypeDef) string {
	name := "an anonymous type"
	if t.Name != "" {
		name = "type `" + t.Name + "`"
	}
	switch {
	case t.OwnerInterface != nil:
		return name + " in interface " + interfaceName(r, r.Interfaces[*t.OwnerInterface])
	case t.OwnerWorld != nil:
		return name + " in world " + r.Worlds[*t.OwnerWorld].Name
	}
	return name
}
