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
		if e.Kind != component.ExternType || !reach[e.Type] {
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

// maxSourceChain bounds the walk from a type to the types it names.
const maxSourceChain = 64

// typeOrigin finds the export of a world-imported interface that
// world-level type e names (a `use`, renaming or not): the first, in world
// order, whose type is e's type or one e's type is a name of.
func (c *componentizer) typeOrigin(e component.Extern) (typeSource, bool) {
	chain := map[*component.Type]bool{}
	for t, n := e.Type.Source, 0; t != nil && n < maxSourceChain; t, n = t.Source, n+1 {
		chain[t] = true
	}
	for _, in := range c.main.world.Imports {
		if in.Kind != component.ExternInstance {
			continue
		}
		for _, x := range in.Type.Exports {
			if x.Kind == component.ExternType && chain[x.Type] {
				return typeSource{in.Name, x.Name}, true
			}
		}
	}
	return typeSource{}, false
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
