package componentize

import (
	"strconv"
	"strings"

	"github.com/wasifill/wasifill/internal/component"
	"github.com/wasifill/wasifill/internal/semver"
	"github.com/wasifill/wasifill/internal/wasmbin"
)

// goAdapterRegion is what a Go module reserves for the preview1 adapter:
// its stack (one page), its state (one page) and headroom.
const goAdapterRegion = 4 * pageSize

// ownResource is a resource an exported interface defines.
type ownResource struct {
	iface, name string
	res         *component.Resource
}

func (c *componentizer) exportedInterfaces() []component.Extern {
	out := append([]component.Extern(nil), c.main.world.Exports...)
	for _, name := range c.used {
		out = append(out, c.adapters[name].world.Exports...)
	}
	return out
}

func (c *componentizer) ownResources() []ownResource {
	var out []ownResource
	for _, e := range c.exportedInterfaces() {
		if e.Kind != component.ExternInstance {
			continue
		}
		for _, x := range e.Type.Exports {
			if x.Kind == component.ExternType && x.Type.Kind == component.KindResource && c.resourceOwner(x.Type.Resource) == "" {
				out = append(out, ownResource{e.Name, x.Name, x.Type.Resource})
			}
		}
	}
	return out
}

// importGroups groups a module's imports by module name, in order.
func importGroups(m *coreModule) ([]string, map[string][]coreImport) {
	var order []string
	groups := map[string][]coreImport{}
	for _, im := range m.imports {
		if _, ok := groups[im.module]; !ok {
			order = append(order, im.module)
		}
		groups[im.module] = append(groups[im.module], im)
	}
	return order, groups
}

// shimSlot adds a shim entry and returns a function that aliases its
// forwarding function once the shim is instantiated.
func (c *componentizer) shimSlot(e shimEntry) func() uint32 {
	k := len(c.shim)
	c.shim = append(c.shim, e)
	return func() uint32 {
		return c.enc.AliasCoreExport(c.shimInst, strconv.Itoa(k), wasmbin.SortCoreFunc)
	}
}

// instantiate wires and instantiates the main module, the adapters, the
// shim and its fix-up, and the _initialize trampoline.
func (c *componentizer) instantiate() error {
	// Plan: which main and adapter imports go through the shim.
	deferred := map[*coreModule]map[string]func() uint32{}
	plan := func(m *coreModule, inst *uint32) error {
		deferred[m] = map[string]func() uint32{}
		for _, im := range m.imports {
			if im.kind != wasmbin.ExternFunc || isSpecialModule(im.module) {
				continue
			}
			if _, isAdapter := c.adapters[im.module]; isAdapter && m == c.main {
				continue // planned in planShim
			}
			if _, done := deferred[m][im.module+"\x00"+im.name]; done {
				continue // a repeated import: same function
			}
			e, _ := c.worldImport(im.module)
			ft, ok := funcOf(e, im.name)
			if !ok {
				continue // resource drops, or errors reported when lowering
			}
			n := funcNeeds(ft, false)
			if m == c.main && !n.memory || m != c.main && !n.realloc {
				continue
			}
			im, ext := im, e
			deferred[m][im.module+"\x00"+im.name] = c.shimSlot(shimEntry{name: im.module + "." + im.name, typ: im.typ,
				fill: func() (uint32, error) { return c.lower(ext, im.name, m, *inst) }})
		}
		return nil
	}
	c.adaptInt = map[string]uint32{}
	if err := plan(c.main, &c.mainInst); err != nil {
		return err
	}
	adapterInst := map[string]*uint32{}
	for _, name := range c.used {
		v := new(uint32)
		adapterInst[name] = v
		if err := plan(c.adapters[name], v); err != nil {
			return err
		}
	}
	// Destructors of exported resources.
	dtors := map[*component.Resource]func() uint32{}
	for _, r := range c.ownResources() {
		name := r.iface + "#[dtor]" + r.name
		if _, ok := c.main.exports[name]; !ok {
			continue
		}
		dtors[r.res] = c.shimSlot(shimEntry{name: name, typ: wasmbin.CoreFuncType{Params: []byte{i32}},
			fill: func() (uint32, error) { return c.enc.AliasCoreExport(c.mainInst, name, wasmbin.SortCoreFunc), nil }})
	}

	// Modules.
	allocator, err := c.prepareAdapters()
	if err != nil {
		return err
	}
	mainMod := c.enc.CoreModule(c.main.bin)
	adapterMods := map[string]uint32{}
	for _, name := range c.used {
		adapterMods[name] = c.enc.CoreModule(c.adapters[name].bin)
	}
	if len(c.shim) > 0 {
		shimMod, err := c.addModule(shimModule(c.shim))
		if err != nil {
			return err
		}
		c.shimInst = c.enc.CoreInstantiate(shimMod, nil)
	}
	c.exported = map[*component.Resource]uint32{}
	for _, r := range c.ownResources() {
		var dtor *uint32
		if f, ok := dtors[r.res]; ok {
			d := f()
			dtor = &d
		}
		c.exported[r.res] = c.enc.DefineResource(r.res, dtor)
	}

	// The main module.
	order, groups := importGroups(c.main)
	var args []wasmbin.CoreInstantiateArg
	for _, module := range order {
		var exports []wasmbin.CoreInlineExport
		for _, im := range groups[module] {
			f, err := c.mainImport(im, deferred[c.main])
			if err != nil {
				return err
			}
			exports = append(exports, wasmbin.CoreInlineExport{Name: im.field, Sort: wasmbin.SortCoreFunc, Index: f})
		}
		args = append(args, wasmbin.CoreInstantiateArg{Name: module, Instance: c.enc.CoreInline(exports)})
	}
	c.mainInst = c.enc.CoreInstantiate(mainMod, args)
	if _, ok := c.main.exports["memory"]; ok {
		c.memory = c.enc.AliasCoreExport(c.mainInst, "memory", wasmbin.SortCoreMemory)
	} else if len(c.used) > 0 || len(c.shim) > 0 {
		return cfail("main module exports no memory named \"memory\"")
	}

	// Adapters.
	for _, name := range c.used {
		inst, err := c.instantiateAdapter(name, adapterMods[name], allocator, deferred[c.adapters[name]], adapterInst[name])
		if err != nil {
			return err
		}
		c.adaptInt[name] = inst
	}

	// Fill the shim's table, then run _initialize.
	if len(c.shim) > 0 {
		exports := []wasmbin.CoreInlineExport{{Name: "$imports", Sort: wasmbin.SortCoreTable,
			Index: c.enc.AliasCoreExport(c.shimInst, "$imports", wasmbin.SortCoreTable)}}
		for i, e := range c.shim {
			f, err := e.fill()
			if err != nil {
				return err
			}
			exports = append(exports, wasmbin.CoreInlineExport{Name: strconv.Itoa(i), Sort: wasmbin.SortCoreFunc, Index: f})
		}
		fixup, err := c.addModule(fixupModule(c.shim))
		if err != nil {
			return err
		}
		c.enc.CoreInstantiate(fixup, []wasmbin.CoreInstantiateArg{{Name: "", Instance: c.enc.CoreInline(exports)}})
	}
	if _, ok := c.main.exports["_initialize"]; ok {
		init, err := c.addModule(initModule())
		if err != nil {
			return err
		}
		f := c.enc.AliasCoreExport(c.mainInst, "_initialize", wasmbin.SortCoreFunc)
		arg := c.enc.CoreInline([]wasmbin.CoreInlineExport{{Name: "", Sort: wasmbin.SortCoreFunc, Index: f}})
		c.enc.CoreInstantiate(init, []wasmbin.CoreInstantiateArg{{Name: "", Instance: arg}})
	}
	return nil
}

// mainImport makes the core function for one import of the main module.
func (c *componentizer) mainImport(im coreImport, deferred map[string]func() uint32) (uint32, error) {
	if im.kind != wasmbin.ExternFunc {
		return 0, cfail("main module imports a %s %s.%s; only functions can be imported", im.kind, im.module, im.name)
	}
	key := im.module + "." + im.name
	if _, ok := c.adapters[im.module]; ok {
		return c.fromAdapter[key](), nil
	}
	if f, ok := deferred[im.module+"\x00"+im.name]; ok {
		return f(), nil
	}
	switch {
	case im.module == rootModule:
		ft, _ := c.byName[im.name]
		if funcNeeds(ft.Type, false).memory {
			return 0, cfail("world-level import %s needs memory; not supported yet", im.name)
		}
		return c.enc.CanonLower(c.rootFunc[im.name], nil), nil
	case strings.HasPrefix(im.module, exportPrefix):
		return c.resourceIntrinsic(im)
	case im.module == mainModuleImport || im.module == "env":
		return 0, cfail("main module imports %s; only adapters may", key)
	}
	e, ok := c.worldImport(im.module)
	if !ok {
		return 0, cfail("main module imports %s, which the world does not provide", key)
	}
	return c.lower(e, im.name, c.main, c.mainInst)
}

// resourceIntrinsic provides [resource-new|rep|drop]R of an exported
// interface.
func (c *componentizer) resourceIntrinsic(im coreImport) (uint32, error) {
	iface := strings.TrimPrefix(im.module, exportPrefix)
	ops := map[string]byte{"[resource-new]": wasmbin.CanonResourceNew, "[resource-rep]": wasmbin.CanonResourceRep, "[resource-drop]": wasmbin.CanonResourceDrop}
	for prefix, op := range ops {
		name, ok := strings.CutPrefix(im.name, prefix)
		if !ok {
			continue
		}
		for _, r := range c.ownResources() {
			if semver.Satisfies(iface, r.iface) && r.name == name {
				return c.enc.ResourceBuiltin(op, c.exported[r.res]), nil
			}
		}
		return 0, cfail("main module imports %s.%s, but the world exports no resource %s in %s", im.module, im.name, name, iface)
	}
	return 0, cfail("main module imports %s.%s: unknown resource intrinsic", im.module, im.name)
}
