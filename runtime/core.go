package runtime

import (
	"context"
	"crypto/rand"
	"fmt"

	"github.com/tetratelabs/wazero"
	"github.com/tetratelabs/wazero/api"
	"github.com/tetratelabs/wazero/experimental"

	"github.com/wasifill/wasifill/internal/instrument"
	"github.com/wasifill/wasifill/internal/wasmbin"
)

// Core instances. wazero resolves a module's imports by module name; an
// experimental.ImportResolver lets each instantiation say which instance
// serves which name. A component's core instantiate arguments are often
// bundles of items from several instances; wazero needs one module per
// import name, so such a bundle becomes a tiny generated module that
// imports each item from where it lives and re-exports it under the
// bundle's name.

func (s *state) coreInstance(ctx context.Context, ci wasmbin.CoreInstance) error {
	if !ci.Instantiate {
		for _, e := range ci.Exports {
			if _, err := s.coreAt(e.Sort, e.Index); err != nil {
				return err
			}
		}
		// The items, looked up in s's index spaces when asked for (they
		// only grow, so an index keeps its item).
		s.coreInstances = append(s.coreInstances, coreInstance{s: s, names: s.compiled.bundleNames(ci.Exports)})
		return nil
	}
	if int(ci.Module) >= len(s.coreModules) {
		return s.fail("core module %d is not defined", ci.Module)
	}
	bin := s.coreModules[ci.Module]
	cm := s.compiled.modules[bin]
	if cm == nil {
		return s.fail("core module %d was not compiled", ci.Module)
	}
	args := make(map[string]coreInstance, len(ci.Args))
	for _, a := range ci.Args {
		if int(a.Instance) >= len(s.coreInstances) {
			return s.fail("core instance %d is not defined", a.Instance)
		}
		args[a.Name] = s.coreInstances[a.Instance]
	}
	providers := map[string]api.Module{}
	for name, imports := range cm.byModule {
		arg, ok := args[name]
		if !ok {
			return s.fail("core instantiation lacks an argument for import module %q", name)
		}
		m, err := s.provider(ctx, name, imports, arg)
		if err != nil {
			return err
		}
		providers[name] = m
	}
	ictx := ctx
	if cm.image != nil && cm.image.memory != nil {
		ictx = experimental.WithMemoryAllocator(ctx, countedBy(ctx, cm.image))
	}
	mod, err := s.instantiateCore(ictx, cm.compiled, providers, nil)
	if err != nil {
		return s.fail("instantiating core module %d: %w", ci.Module, err)
	}
	s.flags.watch(mod)
	s.register(mod)
	if err := s.initCore(ctx, cm.layout, cm.image, mod); err != nil {
		return s.fail("core module %d: %w", ci.Module, err)
	}
	if s.snap != nil {
		s.snap.instance(bin, mod)
	}
	s.coreInstances = append(s.coreInstances, coreInstance{mod: mod, kinds: cm.kinds})
	return nil
}

// internalModuleConfig configures the core instances of components and
// the runtime's generated modules, which never see wazero's WASI: its
// random source and clocks are set only because wazero otherwise makes a
// fresh math/rand source and fake clocks for each instantiation, a
// measurable part of it.
var internalModuleConfig = wazero.NewModuleConfig().WithRandSource(rand.Reader).WithSysWalltime().WithSysNanotime()

// internalInstanceConfig is internalModuleConfig as instantiateCore uses
// it, made once (each With copies the configuration).
var internalInstanceConfig = internalModuleConfig.WithName("").WithStartFunctions()

// instantiateCore instantiates cm with import modules from providers
// (others are looked up by name) and cfg (nil: no WASI context).
func (s *state) instantiateCore(ctx context.Context, cm wazero.CompiledModule, providers map[string]api.Module, cfg wazero.ModuleConfig) (api.Module, error) {
	rctx := experimental.WithImportResolver(ctx, func(name string) api.Module {
		switch name {
		case emptyModuleName:
			name = ""
		case instrument.CheckModule:
			return nil // never a component's: found by name, the runtime's own
		}
		return providers[name]
	})
	if cfg == nil {
		cfg = internalInstanceConfig
	} else {
		cfg = cfg.WithName("").WithStartFunctions()
	}
	mod, err := s.rt.wz.InstantiateModule(rctx, cm, cfg)
	if err != nil {
		return nil, err
	}
	*s.owned = append(*s.owned, mod)
	return mod, nil
}

// provider returns a module that exports, under the import's names, the
// items of arg that imports need: the source module itself when every item
// comes from it under the same name, else a generated bundle (shared by
// every instance when it bundles functions the runtime made only).
func (s *state) provider(ctx context.Context, name string, imports []wasmbin.CoreImport, arg coreInstance) (api.Module, error) {
	var single api.Module
	direct := true
	for _, im := range imports {
		it, ok := arg.get(im.Name)
		if !ok {
			return nil, s.fail("argument for import module %q lacks %q", name, im.Name)
		}
		if it.name != im.Name || it.host != "" || (single != nil && single != it.mod) {
			direct = false
		}
		single = it.mod
	}
	if direct && single != nil {
		return single, nil
	}
	b := &wasmbin.ModuleBuilder{}
	sources := map[string]api.Module{}
	srcName := map[api.Module]string{}
	names := make([]string, len(imports))
	for i, im := range imports {
		it, _ := arg.get(im.Name)
		// Host modules are found by their registered name; instances by
		// the resolver.
		sn := it.host
		if sn == "" {
			var ok bool
			if sn, ok = srcName[it.mod]; !ok {
				sn = fmt.Sprintf("\x00s%d", len(srcName))
				srcName[it.mod] = sn
				sources[sn] = it.mod
			}
		}
		names[i] = sn
	}
	// Every instance of a compiled component builds the same bundle here
	// (host functions are shared, instances are named by position).
	key := bundleKey{path: s.name, instance: len(s.coreInstances), module: name}
	if s.compiled != nil {
		key.index = s.compiled.index
	}
	if cm, ok := s.rt.shared.bundles.Load(key); ok {
		return s.instantiateBundle(ctx, key, cm.(wazero.CompiledModule), sources)
	}
	counts := map[wasmbin.ExternKind]uint32{}
	for i, im := range imports {
		it, _ := arg.get(im.Name)
		sn := names[i]
		var ft *wasmbin.CoreFuncType
		if im.Kind == wasmbin.ExternFunc {
			if it.host != "" {
				ft = it.sig
			} else {
				fn := it.mod.ExportedFunction(it.name)
				if fn == nil {
					return nil, s.fail("%q is not a function", it.name)
				}
				ft = &wasmbin.CoreFuncType{Params: valTypes(fn.Definition().ParamTypes()), Results: valTypes(fn.Definition().ResultTypes())}
			}
		}
		b.ImportDesc(sn, it.name, im.Desc, ft)
		b.Export(im.Name, im.Kind, counts[im.Kind])
		counts[im.Kind]++
	}
	cm, err := s.rt.compileBundle(ctx, b.Encode())
	if err != nil {
		return nil, s.fail("bundling core instance for %q: %w", name, err)
	}
	s.rt.shared.bundles.Store(key, cm)
	return s.instantiateBundle(ctx, key, cm, sources)
}

// instantiateBundle instantiates the bundle cm at place key with its
// sources. A bundle of functions the runtime made only (no sources: it
// imports shared host modules by name) is the same in every instance, so
// it is instantiated once per runtime and place and shared, like those
// functions: their Go side serves the calling module's instance, and the
// caller is the module that imports the bundle, not the bundle.
func (s *state) instantiateBundle(ctx context.Context, key bundleKey, cm wazero.CompiledModule, sources map[string]api.Module) (api.Module, error) {
	if len(sources) > 0 {
		return s.instantiateCore(ctx, cm, sources, nil)
	}
	sh := &s.rt.shared
	sh.mu.Lock()
	if sh.hostBundles == nil {
		sh.hostBundles = map[bundleKey]*sharedHost{}
	}
	h, ok := sh.hostBundles[key]
	if !ok {
		h = &sharedHost{}
		sh.hostBundles[key] = h
	}
	sh.mu.Unlock()
	h.once.Do(func() {
		// Instantiated outside any caller's deadline: it outlives the
		// instantiation that made it.
		h.mod, h.err = s.rt.wz.InstantiateModule(context.WithoutCancel(ctx), cm, internalInstanceConfig)
	})
	if h.err != nil {
		return nil, s.fail("instantiating a bundle of host functions: %w", h.err)
	}
	return h.mod, nil
}

func valTypes(ts []api.ValueType) []byte {
	out := make([]byte, len(ts))
	for i, t := range ts {
		out[i] = byte(t)
	}
	return out
}
