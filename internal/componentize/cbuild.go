package componentize

import (
	"fmt"
	"sort"
	"strings"

	"github.com/wasifill/wasifill/internal/component"
	"github.com/wasifill/wasifill/internal/wasmbin"
)

// componentizer assembles the component for New.
type componentizer struct {
	main     *coreModule
	adapters map[string]*coreModule
	used     []string // adapter names the main module imports, sorted
	enc      *component.Encoder

	candidates []component.Extern          // world imports of main and adapters
	byName     map[string]component.Extern // candidates by name
	instance   map[string]uint32           // imported instance per world name
	rootFunc   map[string]uint32           // imported world-level functions
	exported   map[*component.Resource]uint32

	shim        []shimEntry
	shimInst    uint32
	fromAdapter map[string]func() uint32 // main imports an adapter serves, by module.name
	memory      uint32
	mainInst    uint32
	adaptInt    map[string]uint32
}

const (
	rootModule       = "$root"
	mainModuleImport = "__main_module__"
	exportPrefix     = "[export]"
)

func (c *componentizer) build() ([]byte, error) {
	seen := map[string]bool{}
	for _, im := range c.main.imports {
		if _, ok := c.adapters[im.module]; ok && !seen[im.module] {
			seen[im.module] = true
			c.used = append(c.used, im.module)
		}
	}
	sort.Strings(c.used)
	if err := c.collectImports(); err != nil {
		return nil, err
	}
	if err := c.planShim(); err != nil {
		return nil, err
	}
	if err := c.instantiate(); err != nil {
		return nil, err
	}
	if err := c.exportAll(); err != nil {
		return nil, err
	}
	return wasmbin.EncodeComponent(&wasmbin.Component{Defs: c.enc.Defs()}), nil
}

// worldImport finds the world import a core import module name refers to:
// the same name, else the highest semver-compatible version not older.
func (c *componentizer) worldImport(module string) (component.Extern, bool) {
	if e, ok := c.byName[module]; ok {
		return e, true
	}
	return component.BestExtern(module, c.candidates)
}

func isSpecialModule(name string) bool {
	return name == rootModule || name == mainModuleImport || name == "env" || strings.HasPrefix(name, exportPrefix)
}

// collectImports decides which world imports the component imports: the
// interfaces whose functions the modules import, and the interfaces those
// need for their resources, in world order.
func (c *componentizer) collectImports() error {
	c.byName = map[string]component.Extern{}
	add := func(e component.Extern) error {
		if prev, ok := c.byName[e.Name]; ok {
			if err := component.Satisfies(e, prev, c.enc.Bindings); err != nil {
				return cfail("the world and an adapter import %s with different types: %v", e.Name, err)
			}
			return nil
		}
		c.byName[e.Name] = e
		c.candidates = append(c.candidates, e)
		return nil
	}
	for _, e := range c.main.world.Imports {
		if err := add(e); err != nil {
			return err
		}
	}
	for _, name := range c.used {
		for _, e := range c.adapters[name].world.Imports {
			if err := add(e); err != nil {
				return err
			}
		}
	}
	needed := map[string]bool{}
	used := map[string]map[string]bool{} // interface → functions and dropped resources
	modules := []*coreModule{c.main}
	for _, name := range c.used {
		modules = append(modules, c.adapters[name])
	}
	for _, m := range modules {
		for _, im := range m.imports {
			if _, isAdapter := c.adapters[im.module]; isAdapter && m == c.main || isSpecialModule(im.module) {
				if im.module == rootModule {
					if _, ok := c.byName[im.name]; !ok {
						return cfail("%s imports %s.%s, but the world imports no function %s", m.label, im.module, im.name, im.name)
					}
					needed[im.name] = true
				}
				continue
			}
			if im.kind != wasmbin.ExternFunc {
				return cfail("%s imports a %s %s.%s; only functions can be imported from interfaces", m.label, im.kind, im.module, im.name)
			}
			e, ok := c.worldImport(im.module)
			if !ok {
				return cfail("%s imports %s.%s, but the world imports no interface %s%s", m.label, im.module, im.name, im.module, c.adapterHint(im.module))
			}
			needed[e.Name] = true
			if used[e.Name] == nil {
				used[e.Name] = map[string]bool{}
			}
			used[e.Name][strings.TrimPrefix(im.name, "[resource-drop]")] = true
		}
	}
	// Import only what is used, as wit-component does (runtimes need not
	// provide the rest, e.g. an unstable exit-with-code): the functions the
	// modules import, the types those use, and the resources that used
	// types, dropped handles and the exports refer to, from whichever
	// interface defines them.
	sources := c.worldTypes(needed, used)
	keep := map[*component.Resource]bool{}
	for _, e := range c.exportedInterfaces() {
		for _, r := range resourcesOf(e.Type) {
			keep[r] = true
		}
	}
	trimmed := map[string]component.Extern{}
	for changed := true; changed; {
		changed = false
		for _, e := range c.candidates {
			if !needed[e.Name] {
				continue
			}
			t := trimExtern(e, used[e.Name], keep)
			trimmed[e.Name] = t
			for _, r := range resourcesOf(t.Type) {
				if !keep[r] {
					keep[r] = true
					changed = true
				}
			}
		}
		for r := range keep {
			if owner := c.resourceOwner(r); owner != "" && !needed[owner] {
				needed[owner] = true
				changed = true
			}
		}
	}
	c.instance, c.rootFunc = map[string]uint32{}, map[string]uint32{}
	for _, e := range c.candidates {
		if !needed[e.Name] {
			continue
		}
		if e.Kind == component.ExternInstance {
			e = trimmed[e.Name]
		}
		if e.Kind == component.ExternType {
			if err := c.importWorldType(e, sources[e.Name]); err != nil {
				return err
			}
			continue
		}
		idx, err := c.enc.Import(e)
		if err != nil {
			return cfail("importing %s: %v", e.Name, err)
		}
		if e.Kind == component.ExternFunc {
			c.rootFunc[e.Name] = idx
		} else {
			c.instance[e.Name] = idx
		}
	}
	return nil
}

func (c *componentizer) adapterHint(module string) string {
	if module == "wasi_snapshot_preview1" {
		return " (give the preview1 adapter with --adapt wasi_snapshot_preview1=ADAPTER.wasm)"
	}
	return ""
}

// resourceOwner names the world import that exports resource r.
func (c *componentizer) resourceOwner(r *component.Resource) string {
	for _, e := range c.candidates {
		if e.Kind != component.ExternInstance {
			continue
		}
		for _, x := range e.Type.Exports {
			if x.Kind == component.ExternType && x.Type.Kind == component.KindResource && x.Type.Resource == r {
				return e.Name
			}
		}
	}
	return ""
}

// funcOf finds function name in world import e.
func funcOf(e component.Extern, name string) (*component.Type, bool) {
	x, ok := e.Type.Export(name)
	if !ok || x.Kind != component.ExternFunc {
		return nil, false
	}
	return x.Type, true
}

// planShim routes the main module's imports of adapter functions through
// the shim: the adapter is instantiated after the main module.
func (c *componentizer) planShim() error {
	c.fromAdapter = map[string]func() uint32{}
	for _, name := range c.used {
		a := c.adapters[name]
		for _, im := range c.main.imports {
			if im.module != name {
				continue
			}
			if _, done := c.fromAdapter[im.module+"."+im.name]; done {
				continue // a repeated import: same function
			}
			if _, ok := a.exports[im.name]; !ok {
				return cfail("main module imports %s.%s, which adapter %s does not export", im.module, im.name, name)
			}
			adapter, field := name, im.name
			c.fromAdapter[im.module+"."+im.name] = c.shimSlot(shimEntry{name: im.module + "." + im.name, typ: im.typ,
				fill: func() (uint32, error) {
					return c.enc.AliasCoreExport(c.adaptInt[adapter], field, wasmbin.SortCoreFunc), nil
				}})
		}
	}
	return nil
}

// lowerOpts are the canonical options for lowering ft into m's memory.
func (c *componentizer) lowerOpts(ft *component.Type, m *coreModule, inst uint32) ([]wasmbin.CanonOpt, error) {
	n := funcNeeds(ft, false)
	if !n.memory {
		return nil, nil
	}
	opts := []wasmbin.CanonOpt{{Kind: wasmbin.OptUTF8}, {Kind: wasmbin.OptMemory, Index: c.memory}}
	if n.realloc {
		name := "cabi_realloc"
		if m != c.main {
			name = "cabi_import_realloc"
		}
		if _, ok := m.exports[name]; !ok {
			return nil, cfail("%s exports no %s, which lowering %s needs", m.label, name, ft)
		}
		opts = append(opts, wasmbin.CanonOpt{Kind: wasmbin.OptRealloc, Index: c.enc.AliasCoreExport(inst, name, wasmbin.SortCoreFunc)})
	}
	return opts, nil
}

// lower makes the core function for import field of world import e.
func (c *componentizer) lower(e component.Extern, field string, m *coreModule, inst uint32) (uint32, error) {
	if r, ok := strings.CutPrefix(field, "[resource-drop]"); ok {
		x, ok := e.Type.Export(r)
		if !ok || x.Type.Kind != component.KindResource {
			return 0, cfail("%s imports %s from %s, which has no resource %s", m.label, field, e.Name, r)
		}
		idx, ok := c.enc.ResourceIndex(x.Type.Resource)
		if !ok {
			return 0, cfail("resource %s of %s is not imported", r, e.Name)
		}
		return c.enc.ResourceBuiltin(wasmbin.CanonResourceDrop, idx), nil
	}
	ft, ok := funcOf(e, field)
	if !ok {
		return 0, cfail("%s imports %s.%s, but %s has no function %s", m.label, e.Name, field, e.Name, field)
	}
	fn := c.enc.AliasExport(c.instance[e.Name], field, wasmbin.SortFunc)
	opts, err := c.lowerOpts(ft, m, inst)
	if err != nil {
		return 0, err
	}
	return c.enc.CanonLower(fn, opts), nil
}

func (c *componentizer) addModule(m *wasmbin.ModuleBuilder) (uint32, error) {
	b, err := wasmbin.Decode(m.Encode())
	if err != nil {
		return 0, fmt.Errorf("componentize: generated module: %w", err)
	}
	return c.enc.CoreModule(b), nil
}

// trimExtern keeps of an imported interface the functions in use, the
// types they refer to, and the resources in use or in keep.
func trimExtern(e component.Extern, use map[string]bool, keep map[*component.Resource]bool) component.Extern {
	if e.Kind != component.ExternInstance {
		return e
	}
	reach := map[*component.Type]bool{}
	walk := func(t *component.Type) { walkType(t, func(t *component.Type) { reach[t] = true }) }
	res := map[*component.Resource]bool{}
	for _, x := range e.Type.Exports {
		if x.Kind == component.ExternFunc && use[x.Name] {
			walk(x.Type)
		}
		if x.Kind == component.ExternType && x.Type.Resource != nil && use[x.Name] {
			res[x.Type.Resource] = true // [resource-drop]
		}
		if x.Kind == component.ExternType && x.Type.Kind != component.KindResource && use[x.Name] {
			walk(x.Type) // a type the world's `use` imports
		}
	}
	for t := range reach {
		if t.Resource != nil {
			res[t.Resource] = true
		}
	}
	out := &component.Type{Kind: component.KindInstance}
	for _, x := range e.Type.Exports {
		switch {
		case x.Kind == component.ExternFunc && use[x.Name],
			x.Kind == component.ExternType && x.Type.Resource != nil && (res[x.Type.Resource] || keep[x.Type.Resource]),
			x.Kind == component.ExternType && x.Type.Resource == nil && reach[x.Type]:
			out.Exports = append(out.Exports, x)
		}
	}
	e.Type = out
	return e
}
