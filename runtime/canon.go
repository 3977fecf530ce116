package runtime

import (
	"context"
	"errors"
	"fmt"
	"sync"

	"github.com/tetratelabs/wazero/api"
	"github.com/tetratelabs/wazero/sys"

	"github.com/wasifill/wasifill/internal/canon"
	"github.com/wasifill/wasifill/internal/component"
	"github.com/wasifill/wasifill/internal/guard"
	"github.com/wasifill/wasifill/internal/wasmbin"
	"github.com/wasifill/wasifill/value"
)

// Func is a component-level function: lifted from a guest, or provided by
// the host.
type Func struct {
	name    string
	typ     *component.Type
	params  []*value.Type
	results []*value.Type
	call    func(ctx context.Context, args []value.Value) ([]value.Value, error)
	lifted  *liftedFunc     // a lifted function: call is nil, this calls
	host    HostFunc        // a host function: call is nil, this calls
	flags   *interruptFlags // of the instance a lifted function runs in
}

// invoke calls the function without the checks Call makes.
func (f *Func) invoke(ctx context.Context, args []value.Value) ([]value.Value, error) {
	switch {
	case f.lifted != nil:
		return f.lifted.call(ctx, args)
	case f.host != nil:
		return f.callHost(ctx, args)
	}
	return f.call(ctx, args)
}

// Params and Results return the value types of the parameters and results.
func (f *Func) Params() []*value.Type  { return f.params }
func (f *Func) Results() []*value.Type { return f.results }

// Call calls the function.
func (f *Func) Call(ctx context.Context, args ...value.Value) (_ []value.Value, err error) {
	defer guard.Recover("runtime: call", &err)
	if len(args) != len(f.params) {
		return nil, fmt.Errorf("runtime: %s takes %d arguments, got %d", f.name, len(f.params), len(args))
	}
	var out []value.Value
	err = f.flags.guard(ctx, f.name, func() (err error) {
		out, err = f.invoke(ctx, args)
		return err
	})
	return out, err
}

// TrapError is a guest that trapped (or exited, or was interrupted), in
// the named function of the named component.
type TrapError struct {
	Component, Func string
	Err             error
}

func (e *TrapError) Error() string {
	return fmt.Sprintf("runtime: %s: %s trapped: %v", e.Component, e.Func, e.Err)
}

func (e *TrapError) Unwrap() error { return e.Err }

// ExitCode reports a guest's exit through wasi proc_exit, if that is why
// it stopped. A guest interrupted because its context ended did not exit
// (wazero reports that with reserved exit codes).
func (e *TrapError) ExitCode() (uint32, bool) {
	var exit *sys.ExitError
	if errors.As(e.Err, &exit) {
		switch code := exit.ExitCode(); code {
		case sys.ExitCodeDeadlineExceeded, sys.ExitCodeContextCanceled:
			return 0, false
		default:
			return code, true
		}
	}
	return 0, false
}

// options are the canonical options of one lift or lower, resolved.
type options struct {
	memMod     api.Module // the memory option: export memName of memMod (nil: none)
	memName    string
	realloc    *lazyFunc // nil: no realloc option
	postReturn *lazyFunc // nil: no post-return option
	encoding   canon.StringEncoding
}

// memory returns the memory option's memory (nil: none).
func (o *options) memory() api.Memory {
	if o.memMod == nil {
		return nil
	}
	return o.memMod.ExportedMemory(o.memName)
}

// options resolves canonical options into o; a post-return function is
// post, when given (the lifted function's own), else one shared per
// core function index.
func (s *state) options(o *options, opts []wasmbin.CanonOpt, post *lazyFunc) error {
	for _, opt := range opts {
		switch opt.Kind {
		case wasmbin.OptUTF8:
			o.encoding = canon.UTF8
		case wasmbin.OptUTF16:
			o.encoding = canon.UTF16
		case wasmbin.OptLatin1:
			o.encoding = canon.Latin1UTF16
		case wasmbin.OptMemory:
			it, err := s.coreAt(wasmbin.SortCoreMemory, opt.Index)
			if err != nil {
				return err
			}
			o.memMod, o.memName = it.mod, it.name
		case wasmbin.OptRealloc, wasmbin.OptPostReturn:
			it, err := s.coreAt(wasmbin.SortCoreFunc, opt.Index)
			if err != nil {
				return err
			}
			if it.host != "" {
				return s.fail("realloc and post-return must be guest functions")
			}
			if it.kind != wasmbin.ExternFunc {
				return s.fail("canonical option refers to %q, which is not a function", it.name)
			}
			switch {
			case opt.Kind == wasmbin.OptRealloc:
				o.realloc = s.lazyCoreFunc(opt.Index, it)
			case post != nil:
				*post = lazyFunc{mod: it.mod, name: it.name}
				o.postReturn = post
			default:
				o.postReturn = s.lazyCoreFunc(opt.Index, it)
			}
		default:
			return s.fail("canonical option 0x%02x (async) is not supported", opt.Kind)
		}
	}
	return nil
}

// lazyCoreFunc returns the lazily looked-up guest function at index idx
// of the core function index space, it: one per index and instance, however
// many options name it.
func (s *state) lazyCoreFunc(idx uint32, it coreItem) *lazyFunc {
	if n := len(s.core[wasmbin.SortCoreFunc]); len(s.lazyFns) < n {
		s.lazyFns = append(s.lazyFns, make([]*lazyFunc, n-len(s.lazyFns))...)
	}
	if l := s.lazyFns[idx]; l != nil {
		return l
	}
	l := &lazyFunc{mod: it.mod, name: it.name}
	s.lazyFns[idx] = l
	return l
}

// canonOptions builds the canon package's options for one call.
func (o *options) canonOptions(handles canon.HandleTable, liftBudget uint64) *canon.Options {
	co := &canon.Options{StringEncoding: o.encoding, Handles: handles, LiftBudget: liftBudget}
	if m := o.memory(); m != nil {
		co.Memory = m
	}
	if o.realloc != nil && o.realloc.get() != nil {
		fn := o.realloc.get()
		co.Realloc = func(ctx context.Context, oldPtr, oldSize, align, newSize uint32) (uint32, error) {
			res, err := fn.Call(ctx, uint64(oldPtr), uint64(oldSize), uint64(align), uint64(newSize))
			if err != nil {
				return 0, err
			}
			return uint32(res[0]), nil
		}
	}
	return co
}

func (s *state) canon(ctx context.Context, c wasmbin.Canon) error {
	switch c.Op {
	case wasmbin.CanonLift:
		return s.lift(c)
	case wasmbin.CanonLower:
		return s.lower(ctx, c)
	default:
		return s.resourceBuiltin(ctx, c)
	}
}

func (s *state) funcType(idx uint32) (*component.Type, []*value.Type, []*value.Type, error) {
	if int(idx) >= len(s.types) || s.types[idx].Kind != component.KindFunc {
		return nil, nil, nil, s.fail("type %d is not a function type", idx)
	}
	ft := s.types[idx]
	params, results, err := s.vt.Func(ft)
	if err != nil {
		return nil, nil, nil, s.fail("function type %d: %v", idx, err)
	}
	return ft, params, results, nil
}

// lift makes a component function of a core function.
func (s *state) lift(c wasmbin.Canon) error {
	it, err := s.coreAt(wasmbin.SortCoreFunc, c.Func)
	if err != nil {
		return err
	}
	if it.host != "" {
		return s.fail("canon lift of a function the runtime made is not supported")
	}
	if it.kind != wasmbin.ExternFunc {
		return s.fail("canon lift of %q, which is not a function", it.name)
	}
	ft, params, results, err := s.funcType(c.Type)
	if err != nil {
		return err
	}
	l := s.newLifted()
	l.s, l.core = s, lazyFunc{mod: it.mod, name: it.name}
	if err := s.options(&l.opts, c.Opts, &l.post); err != nil {
		return err
	}
	l.f = Func{name: it.name, typ: ft, params: params, results: results, flags: s.flags, lifted: l}
	s.funcs = append(s.funcs, &l.f)
	return nil
}

// errCoreFuncGone is a lifted function's core function missing from its
// instance when first called (compile checked that it is exported).
var errCoreFuncGone = errors.New("runtime: the core function is not exported")

// lazyExport returns the function that export name of mod is, looked up
// on first use: wazero gives each api.Function a call stack of its own,
// so an instance makes only those of the functions that are called.
func lazyExport(mod api.Module, name string) func() api.Function {
	return (&lazyFunc{mod: mod, name: name}).get
}

// lazyFunc is lazyExport's state: one allocation (sync.OnceValue takes
// several, and an instance makes one per lifted function and option).
type lazyFunc struct {
	once sync.Once
	mod  api.Module
	name string
	fn   api.Function
}

func (l *lazyFunc) get() api.Function {
	l.once.Do(func() { l.fn = l.mod.ExportedFunction(l.name) })
	return l.fn
}

// liftFunc makes a component function of core function coreName, an
// export of mod looked up on the first call.
func (s *state) liftFunc(name string, mod api.Module, coreName string, ft *component.Type, params, results []*value.Type, opts *options) *Func {
	// One allocation for the function and its state: an instance makes
	// one per lifted function.
	l := &liftedFunc{s: s, opts: *opts, core: lazyFunc{mod: mod, name: coreName}}
	l.f = Func{name: name, typ: ft, params: params, results: results, flags: s.flags, lifted: l}
	return &l.f
}

// liftedFunc is a lifted function with what its calls need.
type liftedFunc struct {
	f    Func
	s    *state
	opts options
	core lazyFunc
	post lazyFunc // the post-return function, when opts has one
}

// newLifted returns room for a lifted function: a component's lifted
// functions share one allocation, at the count its first instantiation
// reached (walksizes.go).
func (s *state) newLifted() *liftedFunc {
	s.nLifted++
	if len(s.lifted) == cap(s.lifted) {
		return &liftedFunc{}
	}
	s.lifted = s.lifted[:len(s.lifted)+1]
	return &s.lifted[len(s.lifted)-1]
}

func (l *liftedFunc) call(ctx context.Context, args []value.Value) ([]value.Value, error) {
	s, opts, comp, name := l.s, &l.opts, l.s.name, l.f.name
	handles := s.callHandles()
	defer handles.done()
	co := opts.canonOptions(handles, s.rt.cfg.liftBudget)
	flat, err := canon.LowerValues(ctx, co, canon.MaxFlatParams, l.f.params, args, nil)
	if err != nil {
		return nil, callError(comp, name, err)
	}
	fn := l.core.get()
	if fn == nil {
		return nil, &TrapError{Component: comp, Func: name, Err: errCoreFuncGone}
	}
	res, err := fn.Call(ctx, flat...)
	if err != nil {
		return nil, &TrapError{Component: comp, Func: name, Err: err}
	}
	out, err := canon.LiftValues(ctx, co, canon.MaxFlatResults, l.f.results, res)
	if err != nil {
		return nil, callError(comp, name, err)
	}
	if opts.postReturn != nil {
		post := opts.postReturn.get()
		if post == nil {
			return nil, &TrapError{Component: comp, Func: "post-return of " + name, Err: errCoreFuncGone}
		}
		if _, err := post.Call(ctx, res...); err != nil {
			return nil, &TrapError{Component: comp, Func: "post-return of " + name, Err: err}
		}
	}
	return out, nil
}

// callError wraps what the canonical ABI refused: hostile pointers,
// invalid strings, bad discriminants from the guest are traps.
func callError(comp, fn string, err error) error {
	var ce *canon.Error
	if errors.As(err, &ce) {
		return &TrapError{Component: comp, Func: fn, Err: err}
	}
	return fmt.Errorf("runtime: %s: %s: %w", comp, fn, err)
}

// lower makes a core function (a one-function host module) of a
// component function.
func (s *state) lower(ctx context.Context, c wasmbin.Canon) error {
	if int(c.Func) >= len(s.funcs) {
		return s.fail("func %d is not defined", c.Func)
	}
	target := s.funcs[c.Func]
	l := s.newLowering()
	if err := s.options(&l.own, c.Opts, nil); err != nil {
		return err
	}
	// The types as this component sees the function: its resources are
	// the ones this instance's handle table knows.
	if int(c.Func) >= len(s.index.Funcs) {
		return s.fail("func %d has no type", c.Func)
	}
	params, results, low, err := s.vt.Lowered(s.index.Funcs[c.Func])
	if err != nil {
		return s.fail("lowering %s: %v", target.name, err)
	}
	l.s, l.target, l.params, l.results, l.sig, l.opts = s, target, params, results, &low.sig, &l.own
	return s.hostFunc(ctx, "wasifill-lower", l.call, low.params, low.results)
}

// lowerFunc is the Go side of a lowered function: lift the arguments from
// the caller, call target, lower the results (sig is the core signature
// params and results lower to; opts may be filled in later).
func (s *state) lowerFunc(target *Func, params, results []*value.Type, opts *options, sig *canon.Signature) api.GoModuleFunc {
	l := s.newLowering()
	l.s, l.target, l.params, l.results, l.sig, l.opts = s, target, params, results, sig, opts
	return l.call
}

// lowering is a lowered function with what its calls need.
type lowering struct {
	s               *state
	target          *Func
	params, results []*value.Type
	sig             *canon.Signature
	opts            *options
	own             options // opts, when the lowering has options of its own
}

// newLowering returns room for a lowering: a component's lowerings share
// one allocation, at the count its first instantiation reached
// (walksizes.go).
func (s *state) newLowering() *lowering {
	s.nLowered++
	if len(s.lowerings) == cap(s.lowerings) {
		return &lowering{}
	}
	s.lowerings = s.lowerings[:len(s.lowerings)+1]
	return &s.lowerings[len(s.lowerings)-1]
}

func (l *lowering) call(ctx context.Context, caller api.Module, stack []uint64) {
	s, sig, comp, target := l.s, l.sig, l.s.name, l.target
	handles := s.callHandles()
	defer handles.done()
	co := l.opts.canonOptions(handles, s.rt.cfg.liftBudget)
	nparams := len(sig.Params)
	var outPtr *uint32
	if sig.ResultsSpilled {
		p := uint32(stack[nparams-1])
		outPtr = &p
		nparams--
	}
	args, err := canon.LiftValues(ctx, co, canon.MaxFlatParams, l.params, stack[:nparams])
	if err != nil {
		panic(callError(comp, target.name, err))
	}
	out, err := target.invoke(ctx, args)
	if err != nil {
		panic(err)
	}
	flat, err := canon.LowerValues(ctx, co, canon.MaxFlatResults, l.results, out, outPtr)
	if err != nil {
		panic(callError(comp, target.name, err))
	}
	copy(stack, flat)
}

func apiTypes(ts []canon.ValType) []api.ValueType {
	out := make([]api.ValueType, len(ts))
	for i, t := range ts {
		switch t {
		case canon.I32:
			out[i] = api.ValueTypeI32
		case canon.I64:
			out[i] = api.ValueTypeI64
		case canon.F32:
			out[i] = api.ValueTypeF32
		case canon.F64:
			out[i] = api.ValueTypeF64
		}
	}
	return out
}

// typeDefs gives resource types defined here their runtime identity.
func (s *state) typeDefs(d *wasmbin.TypeDefs) error {
	for _, t := range d.Types {
		if t.Kind != wasmbin.TypeResource {
			s.bindType(nil)
			continue
		}
		rt := &resourceType{owner: s.handles}
		if k := s.nextType; k < len(s.types) && s.types[k].Resource != nil {
			rt.name = s.types[k].Resource.Name
		}
		if t.Dtor != nil {
			it, err := s.coreAt(wasmbin.SortCoreFunc, *t.Dtor)
			if err != nil {
				return err
			}
			if it.host != "" {
				return s.fail("a destructor must be a guest function")
			}
			if it.kind != wasmbin.ExternFunc {
				return s.fail("destructor %q is not a function", it.name)
			}
			fn := lazyExport(it.mod, it.name)
			comp := s.name
			rt.dtor = func(ctx context.Context, rep uint32) error {
				f := fn()
				if f == nil {
					return &TrapError{Component: comp, Func: "destructor of " + rt.name, Err: errCoreFuncGone}
				}
				if _, err := f.Call(ctx, uint64(rep)); err != nil {
					return &TrapError{Component: comp, Func: "destructor of " + rt.name, Err: err}
				}
				return nil
			}
		}
		s.bindType(rt)
	}
	return nil
}

// callHandles returns the handle view of one call in this instance.
func (s *state) callHandles() *callHandles {
	return &callHandles{guest: s.handles, host: s.rt.handles, limit: s.rt.cfg.handleLimit, types: func(t *value.Type) *resourceType {
		return s.resTypes[s.vt.Resource(t)]
	}}
}

// resourceBuiltin defines resource.new, resource.rep or resource.drop as
// a core function over this instance's handle table.
func (s *state) resourceBuiltin(ctx context.Context, c wasmbin.Canon) error {
	if int(c.Type) >= len(s.types) || s.types[c.Type].Resource == nil {
		return s.fail("resource built-in on type %d, which is not a resource", c.Type)
	}
	static := s.types[c.Type].Resource
	res := s.resTypes[static]
	if res == nil {
		return s.fail("resource %s has no runtime identity", static.Name)
	}
	fn, params, results, err := s.resourceFunc(c.Op, res)
	if err != nil {
		return err
	}
	return s.hostFunc(ctx, "wasifill-resource", fn, params, results)
}

// resourceFunc is the Go side of resource.new, resource.rep or
// resource.drop of res over this instance's handle table.
func (s *state) resourceFunc(op byte, res *resourceType) (api.GoModuleFunc, []api.ValueType, []api.ValueType, error) {
	table, comp, limit := s.handles, s.name, s.rt.cfg.handleLimit
	var fn api.GoModuleFunc
	params, results := []api.ValueType{api.ValueTypeI32}, []api.ValueType{api.ValueTypeI32}
	switch op {
	case wasmbin.CanonResourceNew:
		if res.owner != table {
			return nil, nil, nil, s.fail("resource.new of %s, which this component does not define", res.name)
		}
		fn = func(_ context.Context, _ api.Module, stack []uint64) {
			i, err := table.add(handleEntry{res: res, rep: uint32(stack[0]), own: true}, limit)
			if err != nil {
				panic(&TrapError{Component: comp, Func: "resource.new", Err: err})
			}
			stack[0] = uint64(i)
		}
	case wasmbin.CanonResourceRep:
		fn = func(_ context.Context, _ api.Module, stack []uint64) {
			e, err := table.get(uint32(stack[0]), res)
			if err != nil {
				panic(&TrapError{Component: comp, Func: "resource.rep", Err: err})
			}
			stack[0] = uint64(e.rep)
		}
	case wasmbin.CanonResourceDrop:
		results = nil
		fn = func(ctx context.Context, _ api.Module, stack []uint64) {
			e, err := table.remove(uint32(stack[0]), res)
			if err != nil {
				panic(&TrapError{Component: comp, Func: "resource.drop", Err: err})
			}
			if err := dropOwn(ctx, e); err != nil {
				panic(err)
			}
		}
	default:
		return nil, nil, nil, s.fail("canon built-in 0x%02x is not supported", op)
	}
	return fn, params, results, nil
}
