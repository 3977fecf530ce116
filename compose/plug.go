// Package compose builds components out of components: Plug wires the
// exports of plug components into the imports of a user component (what
// `wac plug` does), producing one component whose imports are what is
// left unsatisfied.
package compose

import (
	"fmt"
	"strings"

	"github.com/wasifill/wasifill/component"
	"github.com/wasifill/wasifill/guard"
	"github.com/wasifill/wasifill/wasmbin"
)

// Part is a component taking part in a composition, with a name for
// messages (usually its file name).
type Part struct {
	Name  string
	Bytes []byte
}

// PlugError is a composition that cannot be made: a part that is not a
// component, a plug that fits nothing, two plugs for one import, or a
// type mismatch between a plug's export and the import it would satisfy.
type PlugError struct {
	Part string // which input
	Msg  string
	Err  error // the underlying error, e.g. a *component.MismatchError
}

func (e *PlugError) Error() string {
	if e.Err != nil {
		return fmt.Sprintf("compose: %s: %s: %v", e.Part, e.Msg, e.Err)
	}
	return fmt.Sprintf("compose: %s: %s", e.Part, e.Msg)
}

func (e *PlugError) Unwrap() error { return e.Err }

// Wiring records which plug export satisfies which user import.
type Wiring struct {
	Import string // the user's import name
	Plug   string // the plug's name
	Export string // the plug's export name
}

// Result is a composed component and how it was wired.
type Result struct {
	Bytes   []byte
	Wired   []Wiring
	Imports []string // imports of the composed component
}

type decoded struct {
	Part
	comp *wasmbin.Component
	typ  *component.Type
}

func decodePart(p Part) (*decoded, error) {
	if k, ok := wasmbin.KindOf(p.Bytes); ok && k == wasmbin.KindCoreModule {
		return nil, &PlugError{Part: p.Name, Msg: "is a core module, not a component (run wasifill componentize first)"}
	}
	c, err := wasmbin.DecodeComponent(p.Bytes)
	if err != nil {
		return nil, &PlugError{Part: p.Name, Msg: "cannot decode", Err: err}
	}
	if err := wasmbin.ValidateComponent(c); err != nil {
		return nil, &PlugError{Part: p.Name, Msg: "invalid core module", Err: err}
	}
	t, err := component.Resolve(c)
	if err != nil {
		return nil, &PlugError{Part: p.Name, Msg: "cannot resolve its types", Err: err}
	}
	return &decoded{Part: p, comp: c, typ: t}, nil
}

// Plug composes user with plugs: every import of user that a plug exports
// (same interface, semver-compatible version) is satisfied by that plug;
// the plugs' own imports and user's unmatched imports become imports of
// the result, shared by name; user's exports are the result's exports.
func Plug(user Part, plugs []Part) (_ *Result, err error) {
	defer guard.Recover("compose", &err)
	u, err := decodePart(user)
	if err != nil {
		return nil, err
	}
	var ps []*decoded
	for _, p := range plugs {
		d, err := decodePart(p)
		if err != nil {
			return nil, err
		}
		ps = append(ps, d)
	}

	// Decide the wiring: for each user import, at most one plug.
	type supply struct {
		plug   int
		export component.Extern
	}
	wired := map[string]supply{}
	used := make([]bool, len(ps))
	for _, im := range u.typ.Imports {
		for pi, p := range ps {
			ex, ok := findCompatibleExport(p.typ, im)
			if !ok {
				continue
			}
			if prev, dup := wired[im.Name]; dup {
				return nil, &PlugError{Part: p.Name, Msg: fmt.Sprintf("both %s and %s export %s; give only one plug for it",
					ps[prev.plug].Name, p.Name, im.Name)}
			}
			wired[im.Name] = supply{pi, ex}
			used[pi] = true
		}
	}
	for pi, p := range ps {
		if !used[pi] {
			return nil, &PlugError{Part: p.Name, Msg: fmt.Sprintf("exports nothing that %s imports (it exports %s; %s imports %s)",
				user.Name, names(p.typ.Exports), user.Name, names(u.typ.Imports))}
		}
	}

	enc := component.NewEncoder()
	outer := map[string]outerImport{}
	var order []string
	importOnce := func(part string, im component.Extern) (uint32, error) {
		if prev, ok := outer[im.Name]; ok {
			if err := component.Satisfies(im, prev.ext, enc.Bindings); err != nil {
				return 0, &PlugError{Part: part, Msg: fmt.Sprintf("imports %s with a type that differs from another part's import of it", im.Name), Err: err}
			}
			return prev.index, nil
		}
		idx, err := enc.Import(im)
		if err != nil {
			return 0, &PlugError{Part: part, Msg: "cannot re-export its import", Err: err}
		}
		outer[im.Name] = outerImport{im, idx}
		order = append(order, im.Name)
		return idx, nil
	}

	// Imports of the plugs, then the user's unmatched ones.
	plugArgs := make([][]wasmbin.InstantiateArg, len(ps))
	for pi, p := range ps {
		for _, im := range p.typ.Imports {
			idx, err := importOnce(p.Name, im)
			if err != nil {
				return nil, err
			}
			plugArgs[pi] = append(plugArgs[pi], wasmbin.InstantiateArg{Name: im.Name, Sort: sortOf(im.Kind), Index: idx})
		}
	}
	var userArgs []wasmbin.InstantiateArg
	for _, im := range u.typ.Imports {
		if _, ok := wired[im.Name]; ok {
			continue
		}
		idx, err := importOnce(user.Name, im)
		if err != nil {
			return nil, err
		}
		userArgs = append(userArgs, wasmbin.InstantiateArg{Name: im.Name, Sort: sortOf(im.Kind), Index: idx})
	}

	// Type-check every wired pair (after the shared imports are bound).
	var wiring []Wiring
	for _, im := range u.typ.Imports {
		s, ok := wired[im.Name]
		if !ok {
			continue
		}
		if err := component.Satisfies(im, s.export, enc.Bindings); err != nil {
			msg := fmt.Sprintf("export %s does not match what %s imports", s.export.Name, user.Name)
			return nil, &PlugError{Part: ps[s.plug].Name, Msg: msg, Err: err}
		}
		wiring = append(wiring, Wiring{Import: im.Name, Plug: ps[s.plug].Name, Export: s.export.Name})
	}

	// Nest the parts, instantiate the plugs, alias what they supply,
	// instantiate the user, re-export its exports.
	defs := append([]wasmbin.Def(nil), enc.Defs()...)
	_, instances, funcs := enc.Counts()
	for _, p := range ps {
		defs = append(defs, &wasmbin.ComponentDef{Component: p.comp})
	}
	defs = append(defs, &wasmbin.ComponentDef{Component: u.comp})
	plugInstance := make([]uint32, len(ps))
	for pi := range ps {
		defs = append(defs, &wasmbin.InstanceDefs{Instances: []wasmbin.Instance{{Instantiate: true, Component: uint32(pi), Args: plugArgs[pi]}}})
		plugInstance[pi] = instances
		instances++
	}
	for _, im := range u.typ.Imports {
		s, ok := wired[im.Name]
		if !ok {
			continue
		}
		sort := sortOf(s.export.Kind)
		defs = append(defs, &wasmbin.AliasDefs{Aliases: []wasmbin.Alias{{Sort: sort, Target: wasmbin.AliasExport, Instance: plugInstance[s.plug], Name: s.export.Name}}})
		idx := &instances
		if sort == wasmbin.SortFunc {
			idx = &funcs
		}
		userArgs = append(userArgs, wasmbin.InstantiateArg{Name: im.Name, Sort: sort, Index: *idx})
		*idx++
	}
	defs = append(defs, &wasmbin.InstanceDefs{Instances: []wasmbin.Instance{{Instantiate: true, Component: uint32(len(ps)), Args: userArgs}}})
	userInstance := instances
	instances++
	var exports []wasmbin.Export
	for _, ex := range u.typ.Exports {
		sort := sortOf(ex.Kind)
		var idx *uint32
		switch sort {
		case wasmbin.SortInstance:
			idx = &instances
		case wasmbin.SortFunc:
			idx = &funcs
		default:
			continue // types are re-exported through the instances that use them
		}
		defs = append(defs, &wasmbin.AliasDefs{Aliases: []wasmbin.Alias{{Sort: sort, Target: wasmbin.AliasExport, Instance: userInstance, Name: ex.Name}}})
		name := wasmbin.Name{Name: ex.Name}
		if ex.Version != "" {
			name.Attrs = []wasmbin.NameAttr{{Kind: wasmbin.AttrVersion, Value: ex.Version}}
		}
		exports = append(exports, wasmbin.Export{Name: name, Sort: sort, Index: *idx})
		*idx++
	}
	if len(exports) > 0 {
		defs = append(defs, &wasmbin.ExportDefs{Exports: exports})
	}
	out := wasmbin.EncodeComponent(&wasmbin.Component{Defs: defs})
	return &Result{Bytes: out, Wired: wiring, Imports: order}, nil
}

type outerImport struct {
	ext   component.Extern
	index uint32
}

func sortOf(k component.ExternKind) wasmbin.Sort {
	if k == component.ExternFunc {
		return wasmbin.SortFunc
	}
	return wasmbin.SortInstance
}

func names(es []component.Extern) string {
	if len(es) == 0 {
		return "nothing"
	}
	var out []string
	for _, e := range es {
		out = append(out, e.Name)
	}
	return strings.Join(out, ", ")
}

// findCompatibleExport finds an export of plug that can satisfy im: the
// same kind and name, or for interface names the same package and
// interface with the highest semver-compatible version no older than im's.
func findCompatibleExport(plug *component.Type, im component.Extern) (component.Extern, bool) {
	var same []component.Extern
	for _, ex := range plug.Exports {
		if ex.Kind == im.Kind {
			same = append(same, ex)
		}
	}
	return component.BestExtern(im.Name, same)
}
