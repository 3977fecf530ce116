package componentize

import (
	"github.com/wasifill/wasifill/internal/component"
	"github.com/wasifill/wasifill/internal/wasmbin"
)

// typeSource is where a world-level type comes from: the export of an
// imported interface that a world's `use` names, or nothing for a type the
// world defines itself.
type typeSource struct {
	iface, name string
}

// worldTypes finds the world-level value types (a world's `use` of an
// interface's types, or types it defines) that the world's root
// functions, imported or exported, refer to. wit-component imports each
// such type bound (eq) to the interface export it names, with that
// interface, so the functions' types refer to imported types: a lifted
// export may not refer to a record the component neither imports nor
// exports. needed and used gain the interfaces and types to import.
func (c *componentizer) worldTypes(needed map[string]bool, used map[string]map[string]bool) map[string]typeSource {
	reach := map[*component.Type]bool{}
	walk := func(t *component.Type) { walkType(t, func(t *component.Type) { reach[t] = true }) }
	for _, e := range c.exportedInterfaces() {
		if e.Kind == component.ExternFunc {
			walk(e.Type)
		}
	}
	for _, e := range c.candidates {
		if e.Kind == component.ExternFunc && needed[e.Name] {
			walk(e.Type)
		}
	}
	sources := map[string]typeSource{}
	for _, e := range c.main.world.Imports {
		if e.Kind != component.ExternType || e.Type.Kind == component.KindResource || !reach[e.Type] {
			continue
		}
		needed[e.Name] = true
		src, ok := c.typeOrigin(e)
		if !ok {
			sources[e.Name] = typeSource{}
			continue
		}
		sources[e.Name] = src
		needed[src.iface] = true
		if used[src.iface] == nil {
			used[src.iface] = map[string]bool{}
		}
		used[src.iface][src.name] = true
	}
	return sources
}

// typeOrigin finds the interface export a world-level type is equal to:
// of the world's imported interfaces, in world order, the first exporting
// a type of the same name and structure, else the only one exporting a
// type of the same structure (a renaming `use`).
func (c *componentizer) typeOrigin(e component.Extern) (typeSource, bool) {
	var byShape []typeSource
	for _, in := range c.main.world.Imports {
		if in.Kind != component.ExternInstance {
			continue
		}
		for _, x := range in.Type.Exports {
			if x.Kind != component.ExternType || x.Type.Kind == component.KindResource || !sameType(x, e) {
				continue
			}
			if x.Name == e.Name {
				return typeSource{in.Name, x.Name}, true
			}
			byShape = append(byShape, typeSource{in.Name, x.Name})
		}
	}
	if len(byShape) == 1 {
		return byShape[0], true
	}
	return typeSource{}, false
}

func sameType(a, b component.Extern) bool {
	return component.Satisfies(a, b, component.Bindings{}) == nil && component.Satisfies(b, a, component.Bindings{}) == nil
}

// importWorldType imports world-level type e bound (eq) to its source:
// the export of an interface imported already, or its own definition.
func (c *componentizer) importWorldType(e component.Extern, src typeSource) error {
	var idx uint32
	if src.iface != "" {
		inst, ok := c.instance[src.iface]
		if !ok {
			return cfail("the world imports type %s from %s before importing %s", e.Name, src.iface, src.iface)
		}
		idx = c.enc.AliasExport(inst, src.name, wasmbin.SortType)
	} else {
		var err error
		if idx, err = c.enc.DefineValueType(e.Type); err != nil {
			return cfail("importing type %s: %v", e.Name, err)
		}
	}
	c.enc.ImportTypeEq(e.Name, idx, e.Type)
	return nil
}
