package runtime

import (
	"context"
	"fmt"
	"slices"
	"sort"
	"strings"

	"github.com/tetratelabs/wazero"
	"github.com/tetratelabs/wazero/api"
	"github.com/tetratelabs/wazero/experimental"
	"github.com/tetratelabs/wazero/imports/wasi_snapshot_preview1"

	"github.com/wasifill/wasifill/internal/canon"
	"github.com/wasifill/wasifill/internal/component"
	"github.com/wasifill/wasifill/internal/guard"
	"github.com/wasifill/wasifill/internal/semver"
	"github.com/wasifill/wasifill/internal/wasmbin"
	"github.com/wasifill/wasifill/value"
	"github.com/wasifill/wasifill/witparse"
)

// A wasip1 core module that carries its world (a component-type custom
// section, or one given to CompileCore) runs without becoming a component:
// WASI preview 1 comes from wazero's own implementation, the world's
// imports from the host definitions (lowered into the module's memory with
// its cabi_realloc), and its exports are lifted as a component's would be.

// coreProgram is a compiled core module and the world it targets.
type coreProgram struct {
	compiled wazero.CompiledModule
	imports  []wasmbin.CoreImport
	world    *component.Type
	layout   *snapLayout
	// image, set in a Compiled Preinitialize made, is the state after
	// _initialize, which then does not run again.
	image *image
}

// CompileCore compiles a core module that targets world of wit (wit nil:
// the world in the module's component-type custom section, as
// wit-bindgen and componentize embed it), as a component of that world.
func (r *Runtime) CompileCore(ctx context.Context, core []byte, wit *witparse.Resolve, world witparse.WorldID) (_ *Compiled, err error) {
	defer guard.Recover("runtime: compile", &err)
	return r.compileCore(ctx, core, wit, world)
}

func (r *Runtime) compileCore(ctx context.Context, core []byte, wit *witparse.Resolve, id witparse.WorldID) (*Compiled, error) {
	var world *component.Type
	if wit != nil {
		var err error
		if world, err = component.FromWorld(wit, id); err != nil {
			return nil, &CompileError{err}
		}
	}
	bin, err := wasmbin.Decode(core)
	if err != nil {
		return nil, &CompileError{err}
	}
	if bin.Kind != wasmbin.KindCoreModule {
		return nil, &CompileError{fmt.Errorf("a component, not a core module")}
	}
	if world == nil {
		if world, err = component.WorldOfModule(bin); err != nil {
			return nil, &CompileError{err}
		}
		if world == nil {
			world = &component.Type{Kind: component.KindComponent}
		}
	}
	imports, err := bin.CoreImports()
	if err != nil {
		return nil, &CompileError{err}
	}
	wasm, layout, err := r.prepare(bin)
	if err != nil {
		return nil, &CompileError{err}
	}
	cm, err := r.wz.CompileModule(ctx, wasm)
	if err != nil {
		return nil, &CompileError{fmt.Errorf("core module: %w", err)}
	}
	return &Compiled{index: &component.Index{Type: world}, vt: newValueTypes(), core: &coreProgram{compiled: cm, imports: imports, world: world, layout: layout}}, nil
}

// SetCoreModuleConfig sets the wazero module configuration core modules
// are instantiated with: arguments, environment and stdio for WASI
// preview 1 (wasip2.Define sets it to match its own).
func (r *Runtime) SetCoreModuleConfig(cfg wazero.ModuleConfig) { r.coreConfig = cfg }

func (r *Runtime) ensurePreview1(ctx context.Context) error {
	r.p1Once.Do(func() {
		_, r.p1Err = wasi_snapshot_preview1.Instantiate(ctx, r.wz)
	})
	return r.p1Err
}

// worldImport finds the world import a core import module name refers to:
// the same name, else the highest semver-compatible version not older.
func worldImport(world *component.Type, module string) (component.Extern, bool) {
	names := make([]string, len(world.Imports))
	for i, e := range world.Imports {
		names[i] = e.Name
	}
	if best, ok := semver.Best(module, names); ok {
		return world.Imports[slices.Index(names, best)], true
	}
	return component.Extern{}, false
}

func (r *Runtime) instantiateCore(ctx context.Context, c *Compiled, rec *snapRecorder) (*Instance, error) {
	p := c.core
	var owned []api.Module
	s := &state{rt: r, compiled: c, name: "root", vt: c.valueTypes(), handles: newHandleTable(),
		resTypes: map[*component.Resource]*resourceType{}, owned: &owned, snap: rec, core: map[wasmbin.Sort][]coreItem{}, flags: r.newInterruptFlags()}
	s.recordTable()
	fail := func(err error) (*Instance, error) {
		r.closeModules(ctx, owned)
		return nil, &InstantiateError{Err: err}
	}
	var guest api.Module
	// The memory option is set once the module is instantiated.
	opts := &options{encoding: canon.UTF8}
	// Resources the world exports are the module's own.
	for _, e := range p.world.Exports {
		if e.Kind != component.ExternInstance {
			continue
		}
		for _, x := range e.Type.Exports {
			if x.Kind == component.ExternType && x.Type.Resource != nil {
				rt := &resourceType{name: x.Name, owner: s.handles}
				dtor := e.Name + "#[dtor]" + x.Name
				rt.dtor = func(ctx context.Context, rep uint32) error {
					if f := guest.ExportedFunction(dtor); f != nil {
						if _, err := f.Call(ctx, uint64(rep)); err != nil {
							return &TrapError{Component: s.name, Func: dtor, Err: err}
						}
					}
					return nil
				}
				s.resTypes[x.Type.Resource] = rt
			}
		}
	}
	byModule := map[string][]wasmbin.CoreImport{}
	var modules []string
	for _, im := range p.imports {
		if _, ok := byModule[im.Module]; !ok {
			modules = append(modules, im.Module)
		}
		byModule[im.Module] = append(byModule[im.Module], im)
	}
	providers := map[string]api.Module{}
	bound := map[*component.Resource]*resourceType{}
	var missing []string
	for _, module := range modules {
		if module == "wasi_snapshot_preview1" {
			if err := r.ensurePreview1(ctx); err != nil {
				return fail(err)
			}
			continue // found by name: wazero's implementation
		}
		funcs, err := s.coreImportFuncs(ctx, p.world, module, byModule[module], opts, bound)
		if err != nil {
			if m, ok := err.(missingImport); ok {
				missing = append(missing, string(m))
				continue
			}
			return fail(err)
		}
		if providers[module], err = s.hostModule(ctx, module, byModule[module], funcs); err != nil {
			return fail(err)
		}
	}
	if len(missing) > 0 {
		sort.Strings(missing)
		return nil, &InstantiateError{Missing: missing}
	}
	cfg := r.coreConfig
	if cfg == nil {
		cfg = wazero.NewModuleConfig()
	}
	var err error
	ictx := ctx
	if p.image != nil && p.image.memory != nil {
		ictx = experimental.WithMemoryAllocator(ctx, countedBy(ctx, p.image))
	}
	guest, err = s.instantiateCore(ictx, p.compiled, providers, cfg)
	if err != nil {
		return fail(err)
	}
	s.flags.watch(guest)
	opts.memMod, opts.memName = guest, "memory"
	opts.realloc = &lazyFunc{mod: guest, name: "cabi_realloc"}
	s.register(guest)
	if err := s.initCore(ctx, p.layout, p.image, guest); err != nil {
		return fail(err)
	}
	if rec != nil {
		rec.instance(nil, guest)
	}
	if f := guest.ExportedFunction("_initialize"); f != nil && p.image == nil {
		if err := s.flags.guard(ctx, "_initialize", func() error { _, err := f.Call(ctx); return err }); err != nil {
			return fail(&TrapError{Component: s.name, Func: "_initialize", Err: err})
		}
	}
	exports, err := s.coreExports(p.world, guest, opts)
	if err != nil {
		return fail(err)
	}
	r.open.Add(1)
	return &Instance{rt: r, exports: exports, typ: p.world, modules: owned}, nil
}

// missingImport names an interface the host does not define.
type missingImport string

func (m missingImport) Error() string { return "missing import " + string(m) }

// hostFn is one function of a generated host module.
type hostFn struct {
	name            string
	fn              api.GoModuleFunc
	params, results []api.ValueType
}

// coreImportFuncs makes the functions a core module imports from module:
// lowered host functions, or resource built-ins.
func (s *state) coreImportFuncs(ctx context.Context, world *component.Type, module string, imports []wasmbin.CoreImport, opts *options, bound map[*component.Resource]*resourceType) ([]hostFn, error) {
	var out []hostFn
	if iface, ok := strings.CutPrefix(module, "[export]"); ok {
		for _, im := range imports {
			op, name, ok := resourceIntrinsic(im.Name)
			if !ok {
				return nil, s.fail("%s.%s is not a resource built-in", module, im.Name)
			}
			res := s.exportedResource(world, iface, name)
			if res == nil {
				return nil, s.fail("the world exports no resource %s in %s", name, iface)
			}
			fn, params, results, err := s.resourceFunc(op, res)
			if err != nil {
				return nil, err
			}
			out = append(out, hostFn{im.Name, fn, params, results})
		}
		return out, nil
	}
	e, ok := worldImport(world, module)
	if !ok || e.Kind != component.ExternInstance {
		return nil, s.fail("the module imports %s, which its world does not", module)
	}
	it, ok := s.rt.hostItem(s.vt, e, bound)
	if !ok {
		return nil, missingImport(e.Name)
	}
	for _, x := range e.Type.Exports {
		if x.Kind == component.ExternType && x.Type.Resource != nil {
			s.resTypes[x.Type.Resource] = it.inst.exports[x.Name].res
		}
	}
	for _, im := range imports {
		if im.Kind != wasmbin.ExternFunc {
			return nil, s.fail("%s.%s is not a function", module, im.Name)
		}
		if r, ok := strings.CutPrefix(im.Name, "[resource-drop]"); ok {
			x, ok := e.Type.Export(r)
			if !ok || x.Type.Resource == nil {
				return nil, s.fail("%s has no resource %s", module, r)
			}
			fn, params, results, err := s.resourceFunc(wasmbin.CanonResourceDrop, s.resTypes[x.Type.Resource])
			if err != nil {
				return nil, err
			}
			out = append(out, hostFn{im.Name, fn, params, results})
			continue
		}
		x, ok := e.Type.Export(im.Name)
		if !ok || x.Kind != component.ExternFunc {
			return nil, s.fail("%s has no function %s", module, im.Name)
		}
		params, results, low, err := s.vt.Lowered(x.Type)
		if err != nil {
			return nil, s.fail("%s.%s: %v", module, im.Name, err)
		}
		fn := s.lowerFunc(it.inst.exports[im.Name].fn, params, results, opts, &low.sig)
		out = append(out, hostFn{im.Name, fn, low.params, low.results})
	}
	return out, nil
}

func resourceIntrinsic(field string) (byte, string, bool) {
	for prefix, op := range map[string]byte{"[resource-new]": wasmbin.CanonResourceNew,
		"[resource-rep]": wasmbin.CanonResourceRep, "[resource-drop]": wasmbin.CanonResourceDrop} {
		if name, ok := strings.CutPrefix(field, prefix); ok {
			return op, name, true
		}
	}
	return 0, "", false
}

func (s *state) exportedResource(world *component.Type, iface, name string) *resourceType {
	for _, e := range world.Exports {
		if !semver.Satisfies(iface, e.Name) {
			continue
		}
		if x, ok := e.Type.Export(name); ok && x.Type.Resource != nil {
			return s.resTypes[x.Type.Resource]
		}
	}
	return nil
}

// hostModule returns a module exporting funcs under their names: the
// runtime's shared host functions (hostshare.go), bundled.
func (s *state) hostModule(ctx context.Context, module string, imports []wasmbin.CoreImport, funcs []hostFn) (api.Module, error) {
	inst := coreInstance{items: make(map[string]coreItem, len(funcs))}
	for _, f := range funcs {
		if err := s.hostFunc(ctx, "wasifill-imports", f.fn, f.params, f.results); err != nil {
			return nil, err
		}
		items := s.core[wasmbin.SortCoreFunc]
		inst.items[f.name] = items[len(items)-1]
	}
	return s.provider(ctx, module, imports, inst)
}

// coreExports lifts what the world exports from the instantiated module.
func (s *state) coreExports(world *component.Type, guest api.Module, opts *options) (map[string]item, error) {
	defs := guest.ExportedFunctionDefinitions()
	lift := func(coreName string, ft *component.Type) (*Func, error) {
		if _, ok := defs[coreName]; !ok {
			return nil, s.fail("the world exports %s, but the module exports no function %q", coreName, coreName)
		}
		params, results, err := s.vt.Func(ft)
		if err != nil {
			return nil, s.fail("%s: %v", coreName, err)
		}
		o := *opts
		o.postReturn = nil
		if _, ok := defs["cabi_post_"+coreName]; ok {
			o.postReturn = &lazyFunc{mod: guest, name: "cabi_post_" + coreName}
		}
		return s.liftFunc(coreName, guest, coreName, ft, params, results, &o), nil
	}
	exports := map[string]item{}
	for _, e := range world.Exports {
		switch e.Kind {
		case component.ExternFunc:
			f, err := lift(e.Name, e.Type)
			if err != nil {
				return nil, err
			}
			exports[e.Name] = item{kind: component.ExternFunc, fn: f}
		case component.ExternInstance:
			inst := &componentInstance{exports: map[string]item{}}
			for _, x := range e.Type.Exports {
				switch x.Kind {
				case component.ExternFunc:
					f, err := lift(e.Name+"#"+x.Name, x.Type)
					if err != nil {
						return nil, err
					}
					inst.exports[x.Name] = item{kind: component.ExternFunc, fn: f}
				case component.ExternType:
					inst.exports[x.Name] = item{kind: component.ExternType, typ: x.Type, res: s.resTypes[x.Type.Resource]}
				}
			}
			exports[e.Name] = item{kind: component.ExternInstance, inst: inst}
		}
	}
	// A preview 1 command: its _start, callable as a world-level function.
	if start := guest.ExportedFunction("_start"); start != nil && len(world.Exports) == 0 {
		name := s.name
		exports["_start"] = item{kind: component.ExternFunc, fn: &Func{name: "_start", typ: &component.Type{Kind: component.KindFunc}, flags: s.flags,
			call: func(ctx context.Context, _ []value.Value) ([]value.Value, error) {
				if _, err := start.Call(ctx); err != nil {
					return nil, &TrapError{Component: name, Func: "_start", Err: err}
				}
				return nil, nil
			}}}
	}
	return exports, nil
}
