package runtime

import (
	"context"
	"errors"
	"fmt"
	"sync"

	"github.com/tetratelabs/wazero/api"

	"github.com/wasifill/wasifill/internal/component"
	"github.com/wasifill/wasifill/internal/wasmbin"
)

// Core functions the runtime makes (lowered imports, resource built-ins)
// are Go functions in host modules. Compiling a host module is most of
// what instantiating one costs, so each is compiled and instantiated once
// per runtime, compiled component and place in it, and shared by every
// instance: its Go function finds the instance it serves from the module
// that calls it (every core instance the runtime makes is registered with
// the component instance it belongs to; core functions never cross
// component boundaries, so the caller's component instance is the one
// that defined the function).

// sharedHosts are a runtime's shared host modules and the registry of
// callers.
type sharedHosts struct {
	mu      sync.Mutex
	modules map[hostKey]*sharedHost
	// hostBundles are the instances of bundles of shared host functions
	// only, by place (instantiateBundle).
	hostBundles map[bundleKey]*sharedHost
	callers     sync.Map // api.Module → *state
	bundles     sync.Map // bundleKey → wazero.CompiledModule
}

// bundleKey is the bundle a place in a compiled component instantiates:
// the argument for import module module of the core instance at position
// instance of the component instantiated at path.
type bundleKey struct {
	index    *component.Index
	path     string
	instance int
	module   string
}

// hostKey is a place in a compiled component: the n-th function the
// runtime made while instantiating the component at path, with its type.
type hostKey struct {
	index *component.Index
	path  string
	n     int
	sig   string
}

type sharedHost struct {
	once sync.Once
	name string
	sig  wasmbin.CoreFuncType
	mod  api.Module
	err  error
}

// hostFunc adds a core function implemented in Go, fn, to the core
// function index space.
func (s *state) hostFunc(ctx context.Context, prefix string, fn api.GoModuleFunc, params, results []api.ValueType) error {
	n := len(s.hostFns)
	s.hostFns = append(s.hostFns, fn)
	var index *component.Index
	if s.compiled != nil {
		index = s.compiled.index
	}
	key := hostKey{index: index, path: s.name, n: n, sig: string(valTypes(params)) + "/" + string(valTypes(results))}
	sh := &s.rt.shared
	sh.mu.Lock()
	if sh.modules == nil {
		sh.modules = map[hostKey]*sharedHost{}
	}
	h, ok := sh.modules[key]
	if !ok {
		h = &sharedHost{name: s.rt.uniqueName(prefix), sig: wasmbin.CoreFuncType{Params: valTypes(params), Results: valTypes(results)}}
		sh.modules[key] = h
	}
	sh.mu.Unlock()
	h.once.Do(func() {
		// Instantiated outside any caller's deadline: it outlives the
		// instantiation that made it.
		h.mod, h.err = s.rt.wz.NewHostModuleBuilder(h.name).NewFunctionBuilder().
			WithGoModuleFunction(s.rt.dispatch(n, prefix), params, results).Export("f").
			Instantiate(context.WithoutCancel(ctx))
	})
	if h.err != nil {
		return s.fail("%s: %w", prefix, h.err)
	}
	s.core[wasmbin.SortCoreFunc] = append(s.core[wasmbin.SortCoreFunc], coreItem{mod: h.mod, name: "f", kind: wasmbin.ExternFunc, host: h.name, sig: &h.sig})
	return nil
}

// errUnknownCaller is a shared host function called by a module no live
// instance owns.
var errUnknownCaller = errors.New("called from a module no instance of this runtime owns")

// dispatch is the Go function of the n-th shared host function of a
// place: the caller's instance's own.
func (r *Runtime) dispatch(n int, what string) api.GoModuleFunc {
	return func(ctx context.Context, caller api.Module, stack []uint64) {
		v, ok := r.shared.callers.Load(caller)
		if !ok {
			panic(&TrapError{Component: "?", Func: what, Err: errUnknownCaller})
		}
		s := v.(*state)
		if n >= len(s.hostFns) {
			panic(&TrapError{Component: s.name, Func: what, Err: fmt.Errorf("no function %d", n)})
		}
		s.hostFns[n](ctx, caller, stack)
	}
}

// register makes s the instance shared host functions serve when mod
// calls them.
func (s *state) register(mod api.Module) { s.rt.shared.callers.Store(mod, s) }

// closeModules closes an instance's modules and forgets them as callers.
func (r *Runtime) closeModules(ctx context.Context, mods []api.Module) error {
	var first error
	for _, m := range mods {
		r.shared.callers.Delete(m)
		if err := m.Close(ctx); err != nil && first == nil {
			first = err
		}
	}
	return first
}
