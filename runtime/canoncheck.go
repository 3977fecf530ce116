package runtime

import (
	"fmt"
	"slices"

	"github.com/tetratelabs/wazero/api"

	"github.com/wasifill/wasifill/internal/canon"
	"github.com/wasifill/wasifill/internal/component"
	"github.com/wasifill/wasifill/internal/wasmbin"
	"github.com/wasifill/wasifill/value"
)

// Canonical options, checked at compile time as the component model
// validates them (Explainer.md, "Canonical definitions"; CanonicalABI.md,
// canon_lift and canon_lower): each option at most once, one string
// encoding; post-return only on a lift, with the type
// (func (param flatten_functype(ft, 'lift').results)); realloc with the
// type (func (param i32 i32 i32 i32) (result i32)); memory present when
// the function's values need one (a string or list, or values spilled to
// memory), realloc when the callee receives such values (a lift's params,
// a lower's results). The types of core functions are known when they come
// from an instantiated module of the component; one that is not known
// (from an outer alias, an instance argument) is checked when called.

// CanonOptionError is a canon lift or lower whose canonical options the
// component model does not allow.
type CanonOptionError struct {
	Func   uint32 // the lift's (or lower's) position among the component's lifts (lowers)
	Lift   bool
	Reason string
}

func (e *CanonOptionError) Error() string {
	op := "lower"
	if e.Lift {
		op = "lift"
	}
	return fmt.Sprintf("canon %s %d: %s", op, e.Func, e.Reason)
}

// coreSig is a core function's type; nil when it is not known.
type coreSig struct{ params, results []api.ValueType }

// canonChecker tracks, for one component scope, the core index spaces the
// options refer to.
type canonChecker struct {
	modules   map[*wasmbin.Binary]*compiledModule
	index     *component.Index
	vt        *component.ValueTypes
	coreMods  []*compiledModule     // nil: not known
	instances []map[string]*coreSig // a known instance's functions; nil map: not known
	funcs     []*coreSig            // nil: not known
	memories  int
	lifts     int
	lowers    int
}

// checkCanonOptions checks the canonical options of every lift and lower
// of comp (index is its index) and the components nested in it.
func checkCanonOptions(comp *wasmbin.Component, index *component.Index, modules map[*wasmbin.Binary]*compiledModule) error {
	c := &canonChecker{modules: modules, index: index, vt: component.NewValueTypes()}
	nested := 0
	for _, d := range comp.Defs {
		switch d := d.(type) {
		case *wasmbin.CoreModuleDef:
			c.coreMods = append(c.coreMods, modules[d.Module])
		case *wasmbin.ComponentDef:
			if nested < len(index.Nested) {
				if err := checkCanonOptions(d.Component, index.Nested[nested], modules); err != nil {
					return err
				}
			}
			nested++
		case *wasmbin.CoreInstanceDefs:
			for _, ci := range d.Instances {
				c.instances = append(c.instances, c.coreInstance(ci))
			}
		case *wasmbin.AliasDefs:
			for _, a := range d.Aliases {
				c.alias(a)
			}
		case *wasmbin.CanonDefs:
			for _, cn := range d.Funcs {
				if err := c.canon(cn); err != nil {
					return err
				}
			}
		}
	}
	return nil
}

func (c *canonChecker) coreInstance(ci wasmbin.CoreInstance) map[string]*coreSig {
	if !ci.Instantiate {
		out := map[string]*coreSig{}
		for _, e := range ci.Exports {
			if e.Sort == wasmbin.SortCoreFunc && int(e.Index) < len(c.funcs) && c.funcs[e.Index] != nil {
				out[e.Name] = c.funcs[e.Index]
			}
		}
		return out
	}
	if int(ci.Module) >= len(c.coreMods) || c.coreMods[ci.Module] == nil {
		return nil
	}
	out := map[string]*coreSig{}
	for name, def := range c.coreMods[ci.Module].compiled.ExportedFunctions() {
		out[name] = &coreSig{params: def.ParamTypes(), results: def.ResultTypes()}
	}
	return out
}

func (c *canonChecker) alias(a wasmbin.Alias) {
	switch a.Sort {
	case wasmbin.SortCoreFunc:
		var sig *coreSig
		if a.Target == wasmbin.AliasCoreExport && int(a.Instance) < len(c.instances) && c.instances[a.Instance] != nil {
			sig = c.instances[a.Instance][a.Name]
		}
		c.funcs = append(c.funcs, sig)
	case wasmbin.SortCoreMemory:
		c.memories++
	case wasmbin.SortCoreModule:
		c.coreMods = append(c.coreMods, nil)
	case wasmbin.SortCoreInstance:
		c.instances = append(c.instances, nil)
	}
}

func (c *canonChecker) canon(cn wasmbin.Canon) error {
	switch cn.Op {
	case wasmbin.CanonLift:
		n := c.lifts
		c.lifts++
		return c.options(cn, uint32(n), true)
	case wasmbin.CanonLower:
		n := c.lowers
		c.lowers++
		c.funcs = append(c.funcs, nil)
		return c.options(cn, uint32(n), false)
	default:
		c.funcs = append(c.funcs, nil) // a resource built-in: a core function
	}
	return nil
}

// options checks the options of the lift or lower cn, the n-th of its
// kind.
func (c *canonChecker) options(cn wasmbin.Canon, n uint32, lift bool) error {
	fail := func(format string, args ...any) error {
		return &CanonOptionError{Func: n, Lift: lift, Reason: fmt.Sprintf(format, args...)}
	}
	seen := map[byte]bool{}
	var realloc, post *wasmbin.CanonOpt
	memory := false
	for i, o := range cn.Opts {
		kind := o.Kind
		if kind <= wasmbin.OptLatin1 {
			kind = wasmbin.OptUTF8 // one string encoding
		}
		if seen[kind] {
			return fail("canonical option 0x%02x given twice (or two string encodings)", o.Kind)
		}
		seen[kind] = true
		switch o.Kind {
		case wasmbin.OptMemory:
			if int(o.Index) >= c.memories {
				return fail("memory option refers to core memory %d, which is not defined", o.Index)
			}
			memory = true
		case wasmbin.OptRealloc:
			realloc = &cn.Opts[i]
		case wasmbin.OptPostReturn:
			post = &cn.Opts[i]
		}
	}
	if post != nil && !lift {
		return fail("post-return cannot be given to a lower")
	}
	if realloc != nil {
		want := &coreSig{params: []api.ValueType{api.ValueTypeI32, api.ValueTypeI32, api.ValueTypeI32, api.ValueTypeI32}, results: []api.ValueType{api.ValueTypeI32}}
		if err := c.funcHasType(realloc.Index, want); err != nil {
			return fail("realloc: %v", err)
		}
	}
	var ft *component.Type
	switch {
	case lift && int(cn.Type) < len(c.index.Types):
		ft = c.index.Types[cn.Type]
	case !lift && int(cn.Func) < len(c.index.Funcs):
		ft = c.index.Funcs[cn.Func]
	}
	if ft == nil || ft.Kind != component.KindFunc {
		return nil // reported where the function is made
	}
	params, results, err := c.vt.Func(ft)
	if err != nil {
		return nil // reported where the function is made
	}
	cx := canon.Lower
	if lift {
		cx = canon.Lift
	}
	sig := canon.FlattenFunc(params, results, cx)
	needMemory := sig.ParamsSpilled || sig.ResultsSpilled || slices.ContainsFunc(params, usesMemory) || slices.ContainsFunc(results, usesMemory)
	needRealloc := (lift && (sig.ParamsSpilled || slices.ContainsFunc(params, usesMemory))) || (!lift && slices.ContainsFunc(results, usesMemory))
	if needMemory && !memory {
		return fail("the memory option is required: the function's values are passed in memory")
	}
	if needRealloc && realloc == nil {
		return fail("the realloc option is required: the callee receives values in memory")
	}
	if lift {
		core := &coreSig{params: apiTypes(sig.Params), results: apiTypes(sig.Results)}
		if err := c.funcHasType(cn.Func, core); err != nil {
			return fail("the lifted core function: %v", err)
		}
		if post != nil {
			if err := c.funcHasType(post.Index, &coreSig{params: core.results}); err != nil {
				return fail("post-return: %v", err)
			}
		}
	}
	return nil
}

// funcHasType checks that core function idx, when its type is known, is
// want.
func (c *canonChecker) funcHasType(idx uint32, want *coreSig) error {
	if int(idx) >= len(c.funcs) {
		return fmt.Errorf("core function %d is not defined", idx)
	}
	got := c.funcs[idx]
	if got == nil {
		return nil
	}
	if !slices.Equal(got.params, want.params) || !slices.Equal(got.results, want.results) {
		return fmt.Errorf("core function %d has type %s, want %s", idx, got, want)
	}
	return nil
}

func (s *coreSig) String() string {
	names := func(ts []api.ValueType) string {
		out := ""
		for i, t := range ts {
			if i > 0 {
				out += " "
			}
			out += api.ValueTypeName(t)
		}
		return out
	}
	return fmt.Sprintf("(func (param %s) (result %s))", names(s.params), names(s.results))
}

// usesMemory reports whether values of t live partly in linear memory (a
// string or a variable-length list, anywhere in it).
func usesMemory(t *value.Type) bool {
	return usesMemoryMemo(t, map[*value.Type]bool{})
}

func usesMemoryMemo(t *value.Type, seen map[*value.Type]bool) bool {
	if t == nil || seen[t] {
		return false
	}
	seen[t] = true // a DAG: each node once
	switch {
	case t.Kind == value.KindString, t.Kind == value.KindList && t.Len == 0:
		return true
	}
	for _, f := range t.Fields {
		if usesMemoryMemo(f.Type, seen) {
			return true
		}
	}
	for _, k := range t.Cases {
		if usesMemoryMemo(k.Type, seen) {
			return true
		}
	}
	for _, e := range t.Elems {
		if usesMemoryMemo(e, seen) {
			return true
		}
	}
	return usesMemoryMemo(t.Elem, seen) || usesMemoryMemo(t.Ok, seen) || usesMemoryMemo(t.Err, seen)
}
