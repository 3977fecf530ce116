package runtime

import (
	"context"
	"fmt"
	"sort"
	"strings"
	"sync/atomic"

	"github.com/tetratelabs/wazero/api"

	"github.com/wasifill/wasifill/internal/component"
	"github.com/wasifill/wasifill/internal/guard"
	"github.com/wasifill/wasifill/internal/wasmbin"
	"github.com/wasifill/wasifill/value"
)

// Instance is an instantiated component.
type Instance struct {
	rt      *Runtime
	exports map[string]item
	typ     *component.Type
	modules []api.Module
	closed  atomic.Bool
}

// coreItem is one core item: export name of an instantiated module. For
// functions the runtime made (lowerings, resource built-ins), host names
// the host module and sig its type: wazero forbids looking host functions
// up, so they are only ever imported, by module name.
type coreItem struct {
	mod  api.Module
	name string
	kind wasmbin.ExternKind
	host string
	sig  *wasmbin.CoreFuncType
}

// coreInstance is a core instance's exports by name: an instantiated
// module's (mod, with the kinds of its exports, which every instance of
// the compiled module shares), a bundle of items of state s's core index
// spaces (names, shared by every instance of the compiled component), or
// a bundle of items.
type coreInstance struct {
	mod   api.Module
	kinds map[string]wasmbin.ExternKind
	s     *state
	names map[string]wasmbin.CoreInlineExport
	items map[string]coreItem
}

// get returns export name.
func (c coreInstance) get(name string) (coreItem, bool) {
	switch {
	case c.items != nil:
		it, ok := c.items[name]
		return it, ok
	case c.s != nil:
		e, ok := c.names[name]
		if !ok {
			return coreItem{}, false
		}
		it, err := c.s.coreAt(e.Sort, e.Index)
		return it, err == nil
	}
	k, ok := c.kinds[name]
	return coreItem{mod: c.mod, name: name, kind: k}, ok
}

// item is one component-level item.
type item struct {
	kind component.ExternKind
	fn   *Func
	inst *componentInstance
	comp *componentDef
	typ  *component.Type
	res  *resourceType // for resource types
}

// componentInstance is a component-level instance: its exports by name.
type componentInstance struct {
	exports map[string]item
}

// componentDef is a component definition with the state it closes over.
type componentDef struct {
	comp   *wasmbin.Component
	index  *component.Index
	parent *state
}

// state is one component being instantiated: its index spaces.
type state struct {
	rt       *Runtime
	compiled *Compiled
	index    *component.Index
	parent   *state
	vt       *valueTypes
	name     string // for errors: the component's path

	coreModules   []*wasmbin.Binary
	coreInstances []coreInstance
	core          map[wasmbin.Sort][]coreItem
	funcs         []*Func
	instances     []*componentInstance
	components    []*componentDef
	types         []*component.Type
	exports       map[string]item

	handles   *handleTable
	resTypes  map[*component.Resource]*resourceType
	nextType  int // the next type index, as definitions are walked
	owned     *[]api.Module
	snap      *snapRecorder      // set while Preinitialize instantiates
	hostFns   []api.GoModuleFunc // the Go functions of the core functions made, in order
	lazyFns   []*lazyFunc        // by core function index: realloc and post-return options (lazyCoreFunc)
	lifted    []liftedFunc       // room for the lifted functions (newLifted)
	nLifted   int                // how many were lifted
	lowerings []lowering         // room for the lowerings (newLowering)
	nLowered  int                // how many were lowered
	flags     *interruptFlags    // shared by the whole instance tree
}

// InstantiateError lists what an instantiation lacks or where it failed.
type InstantiateError struct {
	Missing []string // imports nobody provides
	Err     error
}

func (e *InstantiateError) Error() string {
	if len(e.Missing) > 0 {
		return "runtime: instantiate: missing imports: " + strings.Join(e.Missing, ", ")
	}
	return "runtime: instantiate: " + e.Err.Error()
}

func (e *InstantiateError) Unwrap() error { return e.Err }

// Instantiate instantiates a compiled component with the runtime's host
// definitions as its imports.
func (r *Runtime) Instantiate(ctx context.Context, c *Compiled) (_ *Instance, err error) {
	defer guard.Recover("runtime: instantiate", &err)
	return r.instantiateBudgeted(ctx, c, nil)
}

// instantiateBudgeted instantiates c with its memories counted against one
// memory tree's budget (memory.go).
func (r *Runtime) instantiateBudgeted(ctx context.Context, c *Compiled, rec *snapRecorder) (*Instance, error) {
	ctx, memory := r.withMemoryTree(ctx)
	inst, err := r.instantiate(ctx, c, rec)
	if over := memory.err(); over != nil {
		if err == nil {
			inst.Close(ctx)
		}
		return nil, &InstantiateError{Err: over}
	}
	return inst, err
}

func (r *Runtime) instantiate(ctx context.Context, c *Compiled, rec *snapRecorder) (*Instance, error) {
	if c.core != nil {
		return r.instantiateCore(ctx, c, rec)
	}
	args := map[string]item{}
	var missing []string
	bound := map[*component.Resource]*resourceType{}
	for _, im := range c.index.Type.Imports {
		it, ok := r.hostItem(c.valueTypes(), im, bound)
		if !ok {
			missing = append(missing, im.Name)
			continue
		}
		args[im.Name] = it
	}
	if len(missing) > 0 {
		sort.Strings(missing)
		return nil, &InstantiateError{Missing: missing}
	}
	var owned []api.Module
	s := &state{rt: r, compiled: c, index: c.index, vt: c.valueTypes(), name: "root",
		handles: newHandleTable(), resTypes: map[*component.Resource]*resourceType{}, owned: &owned, snap: rec, flags: r.newInterruptFlags()}
	s.recordTable()
	if err := s.run(ctx, c.comp, args); err != nil {
		r.closeModules(ctx, owned)
		return nil, &InstantiateError{Err: err}
	}
	r.open.Add(1)
	return &Instance{rt: r, exports: s.exports, typ: c.index.Type, modules: owned}, nil
}

// Close releases the instance's core instances.
func (i *Instance) Close(ctx context.Context) error {
	if i.closed.Swap(true) {
		return nil
	}
	i.rt.open.Add(-1)
	return i.rt.closeModules(ctx, i.modules)
}

// Runtime returns the runtime that instantiated the instance (which holds
// the handles Go code receives from it).
func (i *Instance) Runtime() *Runtime { return i.rt }

// Exports returns the names of the instance's exports, as
// Compiled.Exports does.
func (i *Instance) Exports() []string { return exportNames(i.typ) }

// Funcs returns the names of the instance's exported functions as Call
// and Func take them: "name" at world level, "ns:pkg/iface@v#name" inside
// an exported instance.
func (i *Instance) Funcs() []string {
	var out []string
	for _, e := range i.typ.Exports {
		switch e.Kind {
		case component.ExternFunc:
			out = append(out, externName(e))
		case component.ExternInstance:
			for _, f := range e.Type.Exports {
				if f.Kind == component.ExternFunc {
					out = append(out, externName(e)+"#"+f.Name)
				}
			}
		}
	}
	return out
}

// Func finds an exported function: "name" at world level, or
// "ns:pkg/iface@v#name" inside an exported instance.
func (i *Instance) Func(name string) (*Func, bool) {
	iface, fn, nested := strings.Cut(name, "#")
	if !nested {
		it, ok := i.exports[name]
		return it.fn, ok && it.kind == component.ExternFunc
	}
	it, ok := i.exports[iface]
	if !ok || it.kind != component.ExternInstance {
		return nil, false
	}
	f, ok := it.inst.exports[fn]
	return f.fn, ok && f.kind == component.ExternFunc
}

// Call calls an exported function with arguments in the value model.
func (i *Instance) Call(ctx context.Context, name string, args ...value.Value) ([]value.Value, error) {
	f, ok := i.Func(name)
	if !ok {
		return nil, fmt.Errorf("runtime: the component exports no function %q", name)
	}
	return f.Call(ctx, args...)
}

func (s *state) fail(format string, args ...any) error {
	return fmt.Errorf("%s: "+format, append([]any{s.name}, args...)...)
}

// run walks the definitions of comp with its imports satisfied by args.
func (s *state) run(ctx context.Context, comp *wasmbin.Component, args map[string]item) error {
	sz := s.compiled.walkSizes(comp)
	s.presize(sz)
	s.types = s.index.Types
	nested := 0
	for _, d := range comp.Defs {
		var err error
		switch d := d.(type) {
		case *wasmbin.CoreModuleDef:
			s.coreModules = append(s.coreModules, d.Module)
		case *wasmbin.CoreInstanceDefs:
			for _, ci := range d.Instances {
				if err = s.coreInstance(ctx, ci); err != nil {
					break
				}
			}
		case *wasmbin.ComponentDef:
			s.components = append(s.components, &componentDef{comp: d.Component, index: s.index.Nested[nested], parent: s})
			nested++
		case *wasmbin.InstanceDefs:
			for _, in := range d.Instances {
				if err = s.instance(ctx, in); err != nil {
					break
				}
			}
		case *wasmbin.AliasDefs:
			for _, a := range d.Aliases {
				if err = s.alias(a); err != nil {
					break
				}
			}
		case *wasmbin.TypeDefs:
			err = s.typeDefs(d)
		case *wasmbin.CanonDefs:
			for _, c := range d.Funcs {
				if err = s.canon(ctx, c); err != nil {
					break
				}
			}
		case *wasmbin.ImportDefs:
			for _, im := range d.Imports {
				a, ok := args[im.Name.Name]
				if !ok {
					return s.fail("import %q was not supplied", im.Name.Name)
				}
				if err := s.bindImport(im, a); err != nil {
					return err
				}
				s.push(a)
			}
		case *wasmbin.ExportDefs:
			for _, ex := range d.Exports {
				it, err := s.item(ex.Sort, ex.Index)
				if err != nil {
					return err
				}
				s.exports[ex.Name.Name] = it
				s.push(it)
			}
		case *wasmbin.StartDef, *wasmbin.ValueDefs:
			return s.fail("value definitions and component start functions are not supported")
		}
		if err != nil {
			return err
		}
	}
	if sz == nil {
		s.compiled.learnSizes(comp, s)
	}
	return nil
}

// push adds an item to its index space; a type takes the next type index
// and gives its resource, if it is one, its runtime identity there.
func (s *state) push(it item) {
	switch it.kind {
	case component.ExternType:
		s.bindType(it.res)
	case component.ExternFunc:
		s.funcs = append(s.funcs, it.fn)
	case component.ExternInstance:
		s.instances = append(s.instances, it.inst)
	case component.ExternComponent:
		s.components = append(s.components, it.comp)
	}
	// Types are static: the index already holds every type index.
}

func (s *state) item(sort wasmbin.Sort, idx uint32) (item, error) {
	switch sort {
	case wasmbin.SortFunc:
		if int(idx) < len(s.funcs) {
			return item{kind: component.ExternFunc, fn: s.funcs[idx]}, nil
		}
	case wasmbin.SortInstance:
		if int(idx) < len(s.instances) {
			return item{kind: component.ExternInstance, inst: s.instances[idx]}, nil
		}
	case wasmbin.SortComponent:
		if int(idx) < len(s.components) {
			return item{kind: component.ExternComponent, comp: s.components[idx]}, nil
		}
	case wasmbin.SortType:
		if int(idx) < len(s.types) {
			t := s.types[idx]
			return item{kind: component.ExternType, typ: t, res: s.resTypes[t.Resource]}, nil
		}
	default:
		return item{}, s.fail("%s items cannot be used here", sort)
	}
	return item{}, s.fail("%s %d is not defined", sort, idx)
}

func (s *state) coreAt(sort wasmbin.Sort, idx uint32) (coreItem, error) {
	items := s.core[sort]
	if int(idx) >= len(items) {
		return coreItem{}, s.fail("%s %d is not defined", sort, idx)
	}
	return items[idx], nil
}

// instance instantiates a nested component, or bundles items.
func (s *state) instance(ctx context.Context, in wasmbin.Instance) error {
	if !in.Instantiate {
		ci := &componentInstance{exports: make(map[string]item, len(in.Exports))}
		for _, e := range in.Exports {
			it, err := s.item(e.Sort, e.Index)
			if err != nil {
				return err
			}
			ci.exports[e.Name.Name] = it
		}
		s.instances = append(s.instances, ci)
		return nil
	}
	if int(in.Component) >= len(s.components) {
		return s.fail("component %d is not defined", in.Component)
	}
	def := s.components[in.Component]
	args := make(map[string]item, len(in.Args))
	for _, a := range in.Args {
		it, err := s.item(a.Sort, a.Index)
		if err != nil {
			return err
		}
		args[a.Name] = it
	}
	child := &state{rt: s.rt, compiled: s.compiled, index: def.index, parent: def.parent, vt: s.vt,
		name: fmt.Sprintf("%s/component%d", s.name, in.Component), handles: newHandleTable(),
		resTypes: map[*component.Resource]*resourceType{}, owned: s.owned, snap: s.snap, flags: s.flags}
	child.recordTable()
	if err := child.run(ctx, def.comp, args); err != nil {
		return err
	}
	s.instances = append(s.instances, &componentInstance{exports: child.exports})
	return nil
}

func (s *state) alias(a wasmbin.Alias) error {
	switch a.Target {
	case wasmbin.AliasExport:
		if int(a.Instance) >= len(s.instances) {
			return s.fail("instance %d is not defined", a.Instance)
		}
		it, ok := s.instances[a.Instance].exports[a.Name]
		if !ok {
			return s.fail("instance %d has no export %q", a.Instance, a.Name)
		}
		s.push(it)
	case wasmbin.AliasCoreExport:
		if int(a.Instance) >= len(s.coreInstances) {
			return s.fail("core instance %d is not defined", a.Instance)
		}
		ci, ok := s.coreInstances[a.Instance].get(a.Name)
		if !ok {
			return s.fail("core instance %d has no export %q", a.Instance, a.Name)
		}
		s.core[a.Sort] = append(s.core[a.Sort], ci)
	case wasmbin.AliasOuter:
		target := s
		for i := uint32(0); i < a.Count && target != nil; i++ {
			target = target.parent
		}
		if target == nil {
			return s.fail("outer alias reaches past the outermost component")
		}
		switch a.Sort {
		case wasmbin.SortType:
			if int(a.Index) >= len(target.types) {
				return s.fail("outer type %d is not defined", a.Index)
			}
			s.bindType(target.resTypes[target.types[a.Index].Resource])
		case wasmbin.SortCoreModule:
			if int(a.Index) >= len(target.coreModules) {
				return s.fail("outer core module %d is not defined", a.Index)
			}
			s.coreModules = append(s.coreModules, target.coreModules[a.Index])
		case wasmbin.SortComponent:
			if int(a.Index) >= len(target.components) {
				return s.fail("outer component %d is not defined", a.Index)
			}
			s.components = append(s.components, target.components[a.Index])
		}
		// Types (and core types) are static.
	}
	return nil
}

// bindType takes the next type index; a resource type there gets identity
// res (nil for value types).
func (s *state) bindType(res *resourceType) {
	k := s.nextType
	s.nextType++
	if k < len(s.types) && s.types[k].Resource != nil && res != nil {
		s.resTypes[s.types[k].Resource] = res
	}
}

// bindImport gives the resources an imported instance exports the
// identities of those of the instance supplied for it.
func (s *state) bindImport(im wasmbin.Import, a item) error {
	if im.Type.Kind != wasmbin.ExternTypeInstance || a.inst == nil {
		return nil
	}
	if int(im.Type.Index) >= len(s.types) {
		return s.fail("import %q: type %d is not defined", im.Name.Name, im.Type.Index)
	}
	for _, x := range s.types[im.Type.Index].Exports {
		if x.Kind != component.ExternType || x.Type.Resource == nil {
			continue
		}
		got, ok := a.inst.exports[x.Name]
		if !ok || got.res == nil {
			return s.fail("import %q: the instance supplied has no resource %s", im.Name.Name, x.Name)
		}
		s.resTypes[x.Type.Resource] = got.res
	}
	return nil
}

// recordTable tells a snapshot recorder about the instance's handle table.
func (s *state) recordTable() {
	if s.snap != nil {
		s.snap.tables = append(s.snap.tables, s.handles)
	}
}
