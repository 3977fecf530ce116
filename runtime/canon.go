package runtime

import (
	"context"
	"errors"
	"fmt"

	"github.com/tetratelabs/wazero/api"
	"github.com/tetratelabs/wazero/sys"

	"github.com/wasifill/wasifill/canon"
	"github.com/wasifill/wasifill/component"
	"github.com/wasifill/wasifill/value"
	"github.com/wasifill/wasifill/wasmbin"
)

// Func is a component-level function: lifted from a guest, or provided by
// the host.
type Func struct {
	name    string
	typ     *component.Type
	params  []*value.Type
	results []*value.Type
	call    func(ctx context.Context, args []value.Value) ([]value.Value, error)
}

// Type returns the function's component type.
func (f *Func) Type() *component.Type { return f.typ }

// Params and Results return the value types of the parameters and results.
func (f *Func) Params() []*value.Type  { return f.params }
func (f *Func) Results() []*value.Type { return f.results }

// Call calls the function.
func (f *Func) Call(ctx context.Context, args ...value.Value) ([]value.Value, error) {
	if len(args) != len(f.params) {
		return nil, fmt.Errorf("runtime: %s takes %d arguments, got %d", f.name, len(f.params), len(args))
	}
	return f.call(ctx, args)
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
// it stopped.
func (e *TrapError) ExitCode() (uint32, bool) {
	var exit *sys.ExitError
	if errors.As(e.Err, &exit) {
		return exit.ExitCode(), true
	}
	return 0, false
}

// options are the canonical options of one lift or lower, resolved.
type options struct {
	memory     coreItem
	hasMemory  bool
	realloc    api.Function
	postReturn api.Function
	encoding   canon.StringEncoding
}

func (s *state) options(opts []wasmbin.CanonOpt) (*options, error) {
	o := &options{}
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
				return nil, err
			}
			o.memory, o.hasMemory = it, true
		case wasmbin.OptRealloc, wasmbin.OptPostReturn:
			it, err := s.coreAt(wasmbin.SortCoreFunc, opt.Index)
			if err != nil {
				return nil, err
			}
			fn := it.mod.ExportedFunction(it.name)
			if fn == nil {
				return nil, s.fail("canonical option refers to %q, which is not a function", it.name)
			}
			if opt.Kind == wasmbin.OptRealloc {
				o.realloc = fn
			} else {
				o.postReturn = fn
			}
		default:
			return nil, s.fail("canonical option 0x%02x (async) is not supported", opt.Kind)
		}
	}
	return o, nil
}

// canonOptions builds the canon package's options for one call.
func (o *options) canonOptions(handles canon.HandleTable) *canon.Options {
	co := &canon.Options{StringEncoding: o.encoding, Handles: handles}
	if o.hasMemory {
		if m := o.memory.mod.ExportedMemory(o.memory.name); m != nil {
			co.Memory = m
		}
	}
	if o.realloc != nil {
		fn := o.realloc
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
	core := it.mod.ExportedFunction(it.name)
	if core == nil {
		return s.fail("canon lift of %q, which is not a function", it.name)
	}
	ft, params, results, err := s.funcType(c.Type)
	if err != nil {
		return err
	}
	opts, err := s.options(c.Opts)
	if err != nil {
		return err
	}
	name, comp, handles := it.name, s.name, s.handles
	f := &Func{name: name, typ: ft, params: params, results: results}
	f.call = func(ctx context.Context, args []value.Value) ([]value.Value, error) {
		co := opts.canonOptions(handles.forCall())
		flat, err := canon.LowerValues(ctx, co, canon.MaxFlatParams, params, args, nil)
		if err != nil {
			return nil, callError(comp, name, err)
		}
		res, err := core.Call(ctx, flat...)
		if err != nil {
			return nil, &TrapError{Component: comp, Func: name, Err: err}
		}
		out, err := canon.LiftValues(ctx, co, canon.MaxFlatResults, results, res)
		if err != nil {
			return nil, callError(comp, name, err)
		}
		if opts.postReturn != nil {
			if _, err := opts.postReturn.Call(ctx, res...); err != nil {
				return nil, &TrapError{Component: comp, Func: "post-return of " + name, Err: err}
			}
		}
		return out, nil
	}
	s.funcs = append(s.funcs, f)
	return nil
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
	opts, err := s.options(c.Opts)
	if err != nil {
		return err
	}
	sig := canon.FlattenFunc(target.params, target.results, canon.Lower)
	comp, handles := s.name, s.handles
	fn := api.GoModuleFunc(func(ctx context.Context, caller api.Module, stack []uint64) {
		co := opts.canonOptions(handles.forCall())
		nparams := len(sig.Params)
		var outPtr *uint32
		if sig.ResultsSpilled {
			p := uint32(stack[nparams-1])
			outPtr = &p
			nparams--
		}
		args, err := canon.LiftValues(ctx, co, canon.MaxFlatParams, target.params, stack[:nparams])
		if err != nil {
			panic(callError(comp, target.name, err))
		}
		results, err := target.call(ctx, args)
		if err != nil {
			panic(err)
		}
		flat, err := canon.LowerValues(ctx, co, canon.MaxFlatResults, target.results, results, outPtr)
		if err != nil {
			panic(callError(comp, target.name, err))
		}
		copy(stack, flat)
	})
	name := s.rt.uniqueName("wasifill-lower")
	host, err := s.rt.wz.NewHostModuleBuilder(name).NewFunctionBuilder().
		WithGoModuleFunction(fn, apiTypes(sig.Params), apiTypes(sig.Results)).Export("f").Instantiate(ctx)
	if err != nil {
		return s.fail("lowering %s: %w", target.name, err)
	}
	*s.owned = append(*s.owned, host)
	s.core[wasmbin.SortCoreFunc] = append(s.core[wasmbin.SortCoreFunc], coreItem{mod: host, name: "f", kind: wasmbin.ExternFunc})
	return nil
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
	return nil
}

// resourceBuiltin is not supported yet: resources come next.
func (s *state) resourceBuiltin(ctx context.Context, c wasmbin.Canon) error {
	return s.fail("resource built-ins are not supported yet")
}
