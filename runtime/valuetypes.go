package runtime

import (
	"sync"

	"github.com/tetratelabs/wazero/api"

	"github.com/wasifill/wasifill/internal/canon"
	"github.com/wasifill/wasifill/internal/component"
	"github.com/wasifill/wasifill/value"
)

// valueTypes converts a compiled component's types into value types once
// for all its instances: the conversion depends only on the component's
// types (which runtime resource a handle type stands for is the
// instance's own, in state.resTypes). Safe for concurrent use.
type valueTypes struct {
	mu    sync.Mutex
	vt    *component.ValueTypes
	funcs map[*component.Type]funcValueTypes
}

type funcValueTypes struct {
	params, results []*value.Type
	lowered         *loweredSig // made by Lowered
}

// loweredSig is the core signature a function type lowers to.
type loweredSig struct {
	sig             canon.Signature
	params, results []api.ValueType
}

func newValueTypes() *valueTypes {
	return &valueTypes{vt: component.NewValueTypes(), funcs: map[*component.Type]funcValueTypes{}}
}

// Lowered converts function type ft as Func does, with the core
// signature it lowers to; what it returns is shared and must not be
// modified.
func (v *valueTypes) Lowered(ft *component.Type) (params, results []*value.Type, low *loweredSig, err error) {
	if params, results, err = v.Func(ft); err != nil {
		return nil, nil, nil, err
	}
	v.mu.Lock()
	defer v.mu.Unlock()
	f := v.funcs[ft]
	if f.lowered == nil {
		sig := canon.FlattenFunc(params, results, canon.Lower)
		f.lowered = &loweredSig{sig: sig, params: apiTypes(sig.Params), results: apiTypes(sig.Results)}
		v.funcs[ft] = f
	}
	return params, results, f.lowered, nil
}

// Func converts the parameter and result types of function type ft; the
// slices returned are shared and must not be modified.
func (v *valueTypes) Func(ft *component.Type) (params, results []*value.Type, err error) {
	v.mu.Lock()
	defer v.mu.Unlock()
	if f, ok := v.funcs[ft]; ok {
		return f.params, f.results, nil
	}
	if params, results, err = v.vt.Func(ft); err != nil {
		return nil, nil, err
	}
	v.funcs[ft] = funcValueTypes{params: params, results: results}
	return params, results, nil
}

// Resource returns the resource of an own or borrow type Func made.
func (v *valueTypes) Resource(t *value.Type) *component.Resource {
	v.mu.Lock()
	defer v.mu.Unlock()
	return v.vt.Resource(t)
}

// valueTypes returns the converter c's instances share.
func (c *Compiled) valueTypes() *valueTypes {
	if c.vt == nil { // a Compiled made by hand in a test
		return newValueTypes()
	}
	return c.vt
}
