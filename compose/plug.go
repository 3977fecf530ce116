// Package compose builds components out of components: Plug wires the
// exports of plug components into the imports of a user component (what
// `wac plug` does), producing one component whose imports are what is
// left unsatisfied. Inspect reports on a core module or component. Core
// modules become components with package componentize first.
package compose

import (
	"fmt"
	"strings"

	"github.com/wasifill/wasifill/internal/component"
	"github.com/wasifill/wasifill/internal/guard"
	"github.com/wasifill/wasifill/internal/wasmbin"
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
	Err  error // the underlying error; a type mismatch names the path where the types differ
}

func (e *PlugError) Error() string {
	if e.Err != nil {
		return fmt.Sprintf("compose: %s: %s: %v", e.Part, e.Msg, e.Err)
	}
	return fmt.Sprintf("compose: %s: %s", e.Part, e.Msg)
}

// Unwrap returns the underlying error.
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
// The steps: decode the parts, match imports to plugs, import what is
// left, type-check each wired pair, assemble the component.
func Plug(user Part, plugs []Part) (_ *Result, err error) {
	defer guard.Recover("compose", &err)
	p, err := decodeParts(user, plugs)
	if err != nil {
		return nil, err
	}
	if err := p.match(); err != nil {
		return nil, err
	}
	if err := p.importUnwired(); err != nil {
		return nil, err
	}
	wiring, err := p.typeCheck()
	if err != nil {
		return nil, err
	}
	return &Result{Bytes: p.assemble(), Wired: wiring, Imports: p.order}, nil
}

// plugger is one composition in progress.
type plugger struct {
	user  *decoded
	plugs []*decoded
	// wired maps a user import to the plug export that satisfies it.
	wired map[string]supply
	enc   *component.Encoder
	outer map[string]outerImport // the result's imports, by name
	order []string               // their names, in order
	// plugArgs and userArgs instantiate the parts.
	plugArgs [][]wasmbin.InstantiateArg
	userArgs []wasmbin.InstantiateArg
}

// supply is the export of plug number plug that serves an import.
type supply struct {
	plug   int
	export component.Extern
}

// decodeParts decodes, validates and resolves every part.
func decodeParts(user Part, plugs []Part) (*plugger, error) {
	u, err := decodePart(user)
	if err != nil {
		return nil, err
	}
	p := &plugger{user: u, wired: map[string]supply{}, enc: component.NewEncoder(), outer: map[string]outerImport{}}
	for _, pl := range plugs {
		d, err := decodePart(pl)
		if err != nil {
			return nil, err
		}
		p.plugs = append(p.plugs, d)
	}
	return p, nil
}

// match decides the wiring: at most one plug for each user import, and
// every plug serving at least one.
func (p *plugger) match() error {
	used := make([]bool, len(p.plugs))
	for _, im := range p.user.typ.Imports {
		for pi, pl := range p.plugs {
			ex, ok := findCompatibleExport(pl.typ, im)
			if !ok {
				continue
			}
			if prev, dup := p.wired[im.Name]; dup {
				return &PlugError{Part: pl.Name, Msg: fmt.Sprintf("both %s and %s export %s; give only one plug for it",
					p.plugs[prev.plug].Name, pl.Name, im.Name)}
			}
			p.wired[im.Name] = supply{pi, ex}
			used[pi] = true
		}
	}
	for pi, pl := range p.plugs {
		if !used[pi] {
			return &PlugError{Part: pl.Name, Msg: fmt.Sprintf("exports nothing that %s imports (it exports %s; %s imports %s)",
				p.user.Name, names(pl.typ.Exports), p.user.Name, names(p.user.typ.Imports))}
		}
	}
	return nil
}

// importOnce makes im an import of the result, or returns the import of
// the same name another part made (whose type must match).
func (p *plugger) importOnce(part string, im component.Extern) (uint32, error) {
	if prev, ok := p.outer[im.Name]; ok {
		if err := component.Satisfies(im, prev.ext, p.enc.Bindings); err != nil {
			return 0, &PlugError{Part: part, Msg: fmt.Sprintf("imports %s with a type that differs from another part's import of it", im.Name), Err: err}
		}
		return prev.index, nil
	}
	idx, err := p.enc.Import(im)
	if err != nil {
		return 0, &PlugError{Part: part, Msg: "cannot re-export its import", Err: err}
	}
	p.outer[im.Name] = outerImport{im, idx}
	p.order = append(p.order, im.Name)
	return idx, nil
}

// importUnwired imports what no plug serves: the plugs' imports, then
// the user's unmatched ones.
func (p *plugger) importUnwired() error {
	p.plugArgs = make([][]wasmbin.InstantiateArg, len(p.plugs))
	for pi, pl := range p.plugs {
		for _, im := range pl.typ.Imports {
			idx, err := p.importOnce(pl.Name, im)
			if err != nil {
				return err
			}
			p.plugArgs[pi] = append(p.plugArgs[pi], wasmbin.InstantiateArg{Name: im.Name, Sort: sortOf(im.Kind), Index: idx})
		}
	}
	for _, im := range p.user.typ.Imports {
		if _, ok := p.wired[im.Name]; ok {
			continue
		}
		idx, err := p.importOnce(p.user.Name, im)
		if err != nil {
			return err
		}
		p.userArgs = append(p.userArgs, wasmbin.InstantiateArg{Name: im.Name, Sort: sortOf(im.Kind), Index: idx})
	}
	return nil
}

// typeCheck checks every wired pair (after the shared imports are bound)
// and returns the wiring.
func (p *plugger) typeCheck() ([]Wiring, error) {
	var wiring []Wiring
	for _, im := range p.user.typ.Imports {
		s, ok := p.wired[im.Name]
		if !ok {
			continue
		}
		if err := component.Satisfies(im, s.export, p.enc.Bindings); err != nil {
			msg := fmt.Sprintf("export %s does not match what %s imports", s.export.Name, p.user.Name)
			return nil, &PlugError{Part: p.plugs[s.plug].Name, Msg: msg, Err: err}
		}
		wiring = append(wiring, Wiring{Import: im.Name, Plug: p.plugs[s.plug].Name, Export: s.export.Name})
	}
	return wiring, nil
}

// assemble writes the component: the imports, the parts nested, the
// plugs instantiated, what they supply aliased, the user instantiated,
// its exports re-exported.
func (p *plugger) assemble() []byte {
	defs := append([]wasmbin.Def(nil), p.enc.Defs()...)
	_, instances, funcs := p.enc.Counts()
	for _, pl := range p.plugs {
		defs = append(defs, &wasmbin.ComponentDef{Component: pl.comp})
	}
	defs = append(defs, &wasmbin.ComponentDef{Component: p.user.comp})
	plugInstance := make([]uint32, len(p.plugs))
	for pi := range p.plugs {
		defs = append(defs, &wasmbin.InstanceDefs{Instances: []wasmbin.Instance{{Instantiate: true, Component: uint32(pi), Args: p.plugArgs[pi]}}})
		plugInstance[pi] = instances
		instances++
	}
	userArgs := p.userArgs
	for _, im := range p.user.typ.Imports {
		s, ok := p.wired[im.Name]
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
	defs = append(defs, &wasmbin.InstanceDefs{Instances: []wasmbin.Instance{{Instantiate: true, Component: uint32(len(p.plugs)), Args: userArgs}}})
	userInstance := instances
	instances++
	var exports []wasmbin.Export
	for _, ex := range p.user.typ.Exports {
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
	return wasmbin.EncodeComponent(&wasmbin.Component{Defs: defs})
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
