package runtime

import (
	"context"
	"fmt"

	"github.com/wasifill/wasifill/internal/component"
	"github.com/wasifill/wasifill/value"
)

// hostItem provides import im from the runtime's host definitions.
// Resources the instance exports get host identities, shared (through
// bound) with later imports that use the same resource. vt converts the
// types (the compiled component's, which keeps each conversion).
func (r *Runtime) hostItem(vt *valueTypes, im component.Extern, bound map[*component.Resource]*resourceType) (item, bool) {
	switch im.Kind {
	case component.ExternFunc:
		f, ok := r.funcs[im.Name]
		if !ok {
			return item{}, false
		}
		hf, err := hostFunc(vt, im.Name, im.Type, f)
		if err != nil {
			return item{}, false
		}
		return item{kind: component.ExternFunc, fn: hf}, true
	case component.ExternType:
		// A type import bound to a type (eq), not a new resource: the
		// component defines it, as Wasmtime's linker takes it.
		if im.Type.Kind != component.KindResource {
			return item{kind: component.ExternType, typ: im.Type}, true
		}
		if res, ok := bound[im.Type.Resource]; ok && im.Type.Resource != nil {
			return item{kind: component.ExternType, typ: im.Type, res: res}, true
		}
		return item{}, false
	case component.ExternInstance:
		funcs, maker, ok := r.definedInstance(im.Name)
		if !ok && !typesOnly(im.Type) {
			return item{}, false
		}
		inst := &componentInstance{exports: map[string]item{}}
		for _, x := range im.Type.Exports {
			switch x.Kind {
			case component.ExternFunc:
				f, ok := funcs[x.Name]
				switch {
				case ok:
				case maker != nil:
					params, results, err := vt.Func(x.Type)
					if err != nil {
						return item{}, false
					}
					f = maker(x.Name, params, results)
				default:
					f = notImplemented(im.Name + "#" + x.Name)
				}
				hf, err := hostFunc(vt, im.Name+"#"+x.Name, x.Type, f)
				if err != nil {
					return item{}, false
				}
				inst.exports[x.Name] = item{kind: component.ExternFunc, fn: hf}
			case component.ExternType:
				it := item{kind: component.ExternType, typ: x.Type}
				if x.Type.Resource != nil {
					res, ok := bound[x.Type.Resource]
					if !ok {
						res = r.hostResource(im.Name, x.Name)
						bound[x.Type.Resource] = res
					}
					it.res = res
				}
				inst.exports[x.Name] = it
			}
		}
		return item{kind: component.ExternInstance, inst: inst}, true
	}
	return item{}, false
}

// typesOnly reports whether an instance type exports only types that
// are not resources (an interface of record, variant, enum and flags
// definitions that a world uses): the host need define nothing for it,
// as Wasmtime's linker does not.
func typesOnly(t *component.Type) bool {
	for _, x := range t.Exports {
		if x.Kind != component.ExternType || x.Type.Kind == component.KindResource {
			return false
		}
	}
	return true
}

func hostFunc(vt *valueTypes, name string, ft *component.Type, f HostFunc) (*Func, error) {
	params, results, err := vt.Func(ft)
	if err != nil {
		return nil, err
	}
	return &Func{name: name, typ: ft, params: params, results: results, host: f}, nil
}

// callHost calls a host function, checking how many results it returned.
func (f *Func) callHost(ctx context.Context, args []value.Value) ([]value.Value, error) {
	out, err := f.host(ctx, args)
	if err != nil {
		return nil, err
	}
	if len(out) != len(f.results) {
		return nil, fmt.Errorf("runtime: host function %s returned %d results, its type has %d", f.name, len(out), len(f.results))
	}
	return out, nil
}

// NotImplementedError is a call to an imported function the host's
// definition of that interface leaves out.
type NotImplementedError struct{ Func string }

func (e *NotImplementedError) Error() string {
	return "runtime: the host does not implement " + e.Func
}

func notImplemented(name string) HostFunc {
	return func(context.Context, []value.Value) ([]value.Value, error) {
		return nil, &NotImplementedError{Func: name}
	}
}
