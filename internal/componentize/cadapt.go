package componentize

import (
	"strings"

	"github.com/wasifill/wasifill/internal/component"
	"github.com/wasifill/wasifill/internal/wasmbin"
)

// funcImportIndex is the function index of import module.name in m.
func funcImportIndex(m *coreModule, module, name string) (uint32, bool) {
	n := uint32(0)
	for _, im := range m.imports {
		if im.kind != wasmbin.ExternFunc {
			continue
		}
		if im.module == module && im.name == name {
			return n, true
		}
		n++
	}
	return 0, false
}

// prepareAdapters gives each adapter its stack allocation and decides
// where adapters' memory comes from; the function it returns makes the
// core function adapters import as __main_module__.cabi_realloc.
func (c *componentizer) prepareAdapters() (func() uint32, error) {
	if len(c.used) == 0 {
		return nil, nil
	}
	for _, name := range c.used {
		a := c.adapters[name]
		idx, ok := funcImportIndex(a, mainModuleImport, "cabi_realloc")
		if !ok {
			if _, hasStack := a.bin.GlobalNames()["__stack_pointer"]; hasStack {
				return nil, cfail("adapter %s has a stack but imports no %s.cabi_realloc to allocate it", name, mainModuleImport)
			}
			continue
		}
		if err := patchAdapterStack(a.bin, idx); err != nil {
			return nil, err
		}
	}
	var made *uint32
	once := func(f func() uint32) func() uint32 {
		return func() uint32 {
			if made == nil {
				v := f()
				made = &v
			}
			return *made
		}
	}
	switch {
	case isGoModule(c.main.bin):
		// Go's cabi_realloc cannot run before the Go runtime is up, and Go
		// owns every page above its data: give the adapter its own region.
		lo, hi, err := reserveGoRegion(c.main.bin, goAdapterRegion)
		if err != nil {
			return nil, cfail("%v", err)
		}
		mod, err := c.addModule(bumpAllocator(lo, hi))
		if err != nil {
			return nil, err
		}
		return once(func() uint32 {
			inst := c.enc.CoreInstantiate(mod, nil)
			return c.enc.AliasCoreExport(inst, "cabi_realloc", wasmbin.SortCoreFunc)
		}), nil
	case hasExport(c.main, "cabi_realloc") && c.main.exports["cabi_realloc"].Kind == wasmbin.ExternFunc:
		return once(func() uint32 {
			return c.enc.AliasCoreExport(c.mainInst, "cabi_realloc", wasmbin.SortCoreFunc)
		}), nil
	default:
		mod, err := c.addModule(growAllocator())
		if err != nil {
			return nil, err
		}
		return once(func() uint32 {
			env := c.enc.CoreInline([]wasmbin.CoreInlineExport{{Name: "memory", Sort: wasmbin.SortCoreMemory, Index: c.memory}})
			inst := c.enc.CoreInstantiate(mod, []wasmbin.CoreInstantiateArg{{Name: "env", Instance: env}})
			return c.enc.AliasCoreExport(inst, "cabi_realloc", wasmbin.SortCoreFunc)
		}), nil
	}
}

func hasExport(m *coreModule, name string) bool {
	_, ok := m.exports[name]
	return ok
}

// instantiateAdapter instantiates adapter name with the main memory, the
// main module's exports it asks for, an allocator, and its lowered
// interface imports.
func (c *componentizer) instantiateAdapter(name string, mod uint32, allocator func() uint32, deferred map[string]func() uint32, inst *uint32) (uint32, error) {
	a := c.adapters[name]
	order, groups := importGroups(a)
	var args []wasmbin.CoreInstantiateArg
	for _, module := range order {
		var exports []wasmbin.CoreInlineExport
		for _, im := range groups[module] {
			item := wasmbin.CoreInlineExport{Name: im.field, Sort: wasmbin.SortCoreFunc}
			switch {
			case module == "env":
				if im.kind != wasmbin.ExternMemory {
					return 0, cfail("adapter %s imports env.%s; only env.memory is provided", name, im.name)
				}
				item.Sort, item.Index = wasmbin.SortCoreMemory, c.memory
			case module == mainModuleImport && im.name == "cabi_realloc":
				item.Index = allocator()
			case module == mainModuleImport:
				if !hasExport(c.main, im.name) {
					return 0, cfail("adapter %s needs the main module to export %s", name, im.name)
				}
				item.Index = c.enc.AliasCoreExport(c.mainInst, im.name, wasmbin.SortCoreFunc)
			default:
				if f, ok := deferred[im.module+"\x00"+im.name]; ok {
					item.Index = f()
					break
				}
				e, ok := c.worldImport(im.module)
				if !ok {
					return 0, cfail("adapter %s imports %s.%s, which nothing provides", name, im.module, im.name)
				}
				f, err := c.lower(e, im.name, a, 0)
				if err != nil {
					return 0, err
				}
				item.Index = f
			}
			exports = append(exports, item)
		}
		args = append(args, wasmbin.CoreInstantiateArg{Name: module, Instance: c.enc.CoreInline(exports)})
	}
	*inst = c.enc.CoreInstantiate(mod, args)
	return *inst, nil
}

// exportAll lifts the world's exports (and the adapters' world exports,
// such as wasi:cli/run) and exports them.
func (c *componentizer) exportAll() error {
	for _, e := range c.exportedInterfaces() {
		switch e.Kind {
		case component.ExternFunc:
			fn, err := c.lift(e.Name, e.Type)
			if err != nil {
				return err
			}
			if _, err := c.enc.Export(e.Name, wasmbin.SortFunc, fn); err != nil {
				return err
			}
		case component.ExternInstance:
			if err := c.exportInstance(e); err != nil {
				return err
			}
		default:
			return cfail("exporting a %s (%s) is not supported", e.Kind, e.Name)
		}
	}
	return nil
}

// lift lifts the core export named coreName (from the main module or an
// adapter) to a component function of type ft.
func (c *componentizer) lift(coreName string, ft *component.Type) (uint32, error) {
	owner, inst := c.main, c.mainInst
	if !hasExport(c.main, coreName) {
		owner = nil
		for _, name := range c.used {
			if hasExport(c.adapters[name], coreName) {
				owner, inst = c.adapters[name], c.adaptInt[name]
			}
		}
		if owner == nil {
			return 0, cfail("the world exports %s, but the module exports no function %q", coreName, coreName)
		}
	}
	core := c.enc.AliasCoreExport(inst, coreName, wasmbin.SortCoreFunc)
	n := funcNeeds(ft, true)
	var opts []wasmbin.CanonOpt
	if n.memory {
		opts = append(opts, wasmbin.CanonOpt{Kind: wasmbin.OptUTF8}, wasmbin.CanonOpt{Kind: wasmbin.OptMemory, Index: c.memory})
	}
	if n.realloc {
		realloc := "cabi_realloc"
		if owner != c.main {
			realloc = "cabi_export_realloc"
		}
		if !hasExport(owner, realloc) {
			return 0, cfail("%s exports no %s, which lifting %s needs", owner.label, realloc, coreName)
		}
		opts = append(opts, wasmbin.CanonOpt{Kind: wasmbin.OptRealloc, Index: c.enc.AliasCoreExport(inst, realloc, wasmbin.SortCoreFunc)})
	}
	if post := "cabi_post_" + coreName; hasExport(owner, post) {
		opts = append(opts, wasmbin.CanonOpt{Kind: wasmbin.OptPostReturn, Index: c.enc.AliasCoreExport(inst, post, wasmbin.SortCoreFunc)})
	}
	ftIdx, err := c.enc.DefineFuncType(ft)
	if err != nil {
		return 0, cfail("export %s: %v", coreName, err)
	}
	return c.enc.CanonLift(core, opts, ftIdx), nil
}

// exportInstance exports interface e the way wit-component does: a
// nested component imports the interface's types and lifted functions
// and exports them under their names (so resources and named types are
// named where the functions use them); its instance is the export.
func (c *componentizer) exportInstance(e component.Extern) error {
	inner := component.NewEncoder()
	var args []wasmbin.InstantiateArg
	imported := map[string]uint32{}
	// Imports first: types, then the lifted functions, in the imports'
	// own terms (imports may not refer to exported types).
	for _, x := range e.Type.Exports {
		if x.Kind != component.ExternType {
			continue
		}
		importName := "import-type-" + x.Name
		if x.Type.Kind == component.KindResource {
			idx, ok := c.enc.ResourceIndex(x.Type.Resource)
			if !ok {
				return cfail("export %s: resource %s is not available", e.Name, x.Name)
			}
			args = append(args, wasmbin.InstantiateArg{Name: importName, Sort: wasmbin.SortType, Index: idx})
			imported[x.Name] = inner.ImportResource(importName, x.Type.Resource)
			continue
		}
		outer, err := c.enc.DefineValueType(x.Type)
		if err != nil {
			return cfail("export %s: type %s: %v", e.Name, x.Name, err)
		}
		def, err := inner.DefineValueType(x.Type)
		if err != nil {
			return cfail("export %s: type %s: %v", e.Name, x.Name, err)
		}
		args = append(args, wasmbin.InstantiateArg{Name: importName, Sort: wasmbin.SortType, Index: outer})
		imported[x.Name] = inner.ImportTypeEq(importName, def, x.Type)
	}
	funcs := map[string]uint32{}
	for _, x := range e.Type.Exports {
		if x.Kind != component.ExternFunc {
			continue
		}
		fn, err := c.lift(e.Name+"#"+x.Name, x.Type)
		if err != nil {
			return err
		}
		ft, err := inner.DefineFuncType(x.Type)
		if err != nil {
			return cfail("export %s: %s: %v", e.Name, x.Name, err)
		}
		importName := "import-" + funcLabel(x.Name)
		args = append(args, wasmbin.InstantiateArg{Name: importName, Sort: wasmbin.SortFunc, Index: fn})
		funcs[x.Name] = inner.ImportFunc(importName, ft)
	}
	// Then the exports: value types defined afresh and functions ascribed
	// types written in terms of the exported types.
	inner.ForgetValueTypes()
	for _, x := range e.Type.Exports {
		switch x.Kind {
		case component.ExternType:
			idx := imported[x.Name]
			if x.Type.Kind != component.KindResource {
				var err error
				if idx, err = inner.DefineValueType(x.Type); err != nil {
					return cfail("export %s: type %s: %v", e.Name, x.Name, err)
				}
			}
			inner.ExportType(x.Name, idx, x.Type)
		case component.ExternFunc:
			ft, err := inner.DefineFuncType(x.Type)
			if err != nil {
				return cfail("export %s: %s: %v", e.Name, x.Name, err)
			}
			inner.ExportFunc(x.Name, funcs[x.Name], ft)
		}
	}
	inst := c.enc.Instantiate(c.enc.Component(inner), args)
	_, err := c.enc.Export(e.Name, wasmbin.SortInstance, inst)
	return err
}

// funcLabel turns a function name into a plain kebab-case label:
// [method]r.f becomes method-r-f, [constructor]r constructor-r.
func funcLabel(name string) string {
	for _, p := range []string{"[constructor]", "[method]", "[static]"} {
		if rest, ok := strings.CutPrefix(name, p); ok {
			return strings.Trim(p, "[]") + "-" + strings.ReplaceAll(rest, ".", "-")
		}
	}
	return "func-" + name
}
