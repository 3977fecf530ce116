package component

import (
	"fmt"

	"github.com/wasifill/wasifill/internal/wasmbin"
)

// Error reports a component whose definitions do not resolve: an index
// out of range, an item of the wrong sort, an export that does not exist.
type Error struct {
	Where string // e.g. "type section, item 3"
	Msg   string
}

func (e *Error) Error() string { return "component: " + e.Where + ": " + e.Msg }

// scope holds the index spaces of one component, component type or
// instance type while its definitions are walked.
type scope struct {
	parent     *scope
	types      []*Type
	funcs      []*Type
	instances  []*Type
	components []*Type
	values     int
	core       map[wasmbin.Sort]int
	imports    []Extern
	exports    []Extern
	where      string
	nested     []*scope // nested component definitions, in order
}

func newScope(parent *scope) *scope {
	return &scope{parent: parent, core: map[wasmbin.Sort]int{}}
}

func (s *scope) fail(format string, args ...any) error {
	return &Error{Where: s.where, Msg: fmt.Sprintf(format, args...)}
}

// Resolve resolves the type of a decoded component: its imports and
// exports with structural types.
func Resolve(c *wasmbin.Component) (*Type, error) {
	s := newScope(nil)
	if err := s.walkComponent(c); err != nil {
		return nil, err
	}
	return &Type{Kind: KindComponent, Imports: s.imports, Exports: s.exports}, nil
}

// Index is a component's index spaces after all its definitions: the
// type of every type, function, instance and component index (indices
// never move, so these are also the types at the time each is defined),
// and the same for each nested component definition, in order.
type Index struct {
	Type       *Type // the component's own type: imports and exports
	Types      []*Type
	Funcs      []*Type
	Instances  []*Type
	Components []*Type
	Nested     []*Index
}

// IndexComponent resolves c and returns its index spaces.
func IndexComponent(c *wasmbin.Component) (*Index, error) {
	s := newScope(nil)
	if err := s.walkComponent(c); err != nil {
		return nil, err
	}
	return s.index(), nil
}

func (s *scope) index() *Index {
	x := &Index{Type: &Type{Kind: KindComponent, Imports: s.imports, Exports: s.exports},
		Types: s.types, Funcs: s.funcs, Instances: s.instances, Components: s.components}
	for _, n := range s.nested {
		x.Nested = append(x.Nested, n.index())
	}
	return x
}

// Counts reports how many items of a core sort a component defines (core
// modules, instances, functions, memories ...), for tools that add to it.
func Counts(c *wasmbin.Component) (map[wasmbin.Sort]int, error) {
	s := newScope(nil)
	if err := s.walkComponent(c); err != nil {
		return nil, err
	}
	out := map[wasmbin.Sort]int{
		wasmbin.SortType: len(s.types), wasmbin.SortFunc: len(s.funcs), wasmbin.SortInstance: len(s.instances),
		wasmbin.SortComponent: len(s.components), wasmbin.SortValue: s.values,
	}
	for k, v := range s.core {
		out[k] = v
	}
	return out, nil
}

func (s *scope) walkComponent(c *wasmbin.Component) error {
	for i, d := range c.Defs {
		if err := s.walkDef(i, d); err != nil {
			return err
		}
	}
	return nil
}

func (s *scope) walkDef(i int, d wasmbin.Def) error {
	switch d := d.(type) {
	case *wasmbin.CoreModuleDef:
		s.core[wasmbin.SortCoreModule]++
	case *wasmbin.CoreInstanceDefs:
		s.core[wasmbin.SortCoreInstance] += len(d.Instances)
	case *wasmbin.CoreTypeDefs:
		s.core[wasmbin.SortCoreType] += len(d.Types)
	case *wasmbin.ComponentDef:
		s.where = fmt.Sprintf("section %d (nested component)", i)
		child := newScope(s)
		if err := child.walkComponent(d.Component); err != nil {
			return err
		}
		s.nested = append(s.nested, child)
		ct := &Type{Kind: KindComponent, Imports: child.imports, Exports: child.exports}
		if !ct.sized() {
			return s.fail("component type is too large")
		}
		s.components = append(s.components, ct)
	case *wasmbin.InstanceDefs:
		for j := range d.Instances {
			s.where = fmt.Sprintf("section %d (instance), item %d", i, j)
			if err := s.instance(&d.Instances[j]); err != nil {
				return err
			}
		}
	case *wasmbin.AliasDefs:
		for j := range d.Aliases {
			s.where = fmt.Sprintf("section %d (alias), item %d", i, j)
			if err := s.alias(&d.Aliases[j]); err != nil {
				return err
			}
		}
	case *wasmbin.TypeDefs:
		for j := range d.Types {
			s.where = fmt.Sprintf("section %d (type), item %d", i, j)
			t, err := s.def(&d.Types[j], 0)
			if err != nil {
				return err
			}
			s.types = append(s.types, t)
		}
	case *wasmbin.CanonDefs:
		for j, f := range d.Funcs {
			s.where = fmt.Sprintf("section %d (canon), item %d", i, j)
			if err := s.canon(f); err != nil {
				return err
			}
		}
	case *wasmbin.StartDef:
		s.values += int(d.Results)
	case *wasmbin.ImportDefs:
		for j, im := range d.Imports {
			s.where = fmt.Sprintf("section %d (import), item %d", i, j)
			e, err := s.extern(im.Name, im.Type)
			if err != nil {
				return err
			}
			s.push(e)
			s.imports = append(s.imports, e)
		}
	case *wasmbin.ExportDefs:
		for j, ex := range d.Exports {
			s.where = fmt.Sprintf("section %d (export), item %d", i, j)
			if err := s.export(ex); err != nil {
				return err
			}
		}
	}
	return nil
}

// item returns the type of item idx of a component-level sort.
func (s *scope) item(sort wasmbin.Sort, idx uint32) (*Type, error) {
	var space []*Type
	switch sort {
	case wasmbin.SortFunc:
		space = s.funcs
	case wasmbin.SortType:
		space = s.types
	case wasmbin.SortInstance:
		space = s.instances
	case wasmbin.SortComponent:
		space = s.components
	case wasmbin.SortCoreModule:
		if int(idx) >= s.core[sort] {
			return nil, s.fail("core module %d out of range (%d defined)", idx, s.core[sort])
		}
		return &Type{Kind: KindCoreModule}, nil
	case wasmbin.SortValue:
		return nil, s.fail("value imports and exports are not supported")
	default:
		return nil, s.fail("%s cannot be used here", sort)
	}
	if int(idx) >= len(space) {
		return nil, s.fail("%s index %d out of range (%d defined)", sort, idx, len(space))
	}
	return space[idx], nil
}

func sortOf(k ExternKind) wasmbin.Sort {
	switch k {
	case ExternFunc:
		return wasmbin.SortFunc
	case ExternInstance:
		return wasmbin.SortInstance
	case ExternType:
		return wasmbin.SortType
	case ExternComponent:
		return wasmbin.SortComponent
	case ExternCoreModule:
		return wasmbin.SortCoreModule
	}
	return wasmbin.SortValue
}

func kindOf(sort wasmbin.Sort) ExternKind {
	switch sort {
	case wasmbin.SortFunc:
		return ExternFunc
	case wasmbin.SortInstance:
		return ExternInstance
	case wasmbin.SortType:
		return ExternType
	case wasmbin.SortComponent:
		return ExternComponent
	case wasmbin.SortCoreModule:
		return ExternCoreModule
	}
	return ExternValue
}

// push adds an imported, exported or aliased item to its index space.
func (s *scope) push(e Extern) {
	switch e.Kind {
	case ExternFunc:
		s.funcs = append(s.funcs, e.Type)
	case ExternInstance:
		s.instances = append(s.instances, e.Type)
	case ExternType:
		s.types = append(s.types, e.Type)
	case ExternComponent:
		s.components = append(s.components, e.Type)
	case ExternCoreModule:
		s.core[wasmbin.SortCoreModule]++
	case ExternValue:
		s.values++
	}
}

// named returns t under an export name: a shallow copy carrying the name
// and t as its Source (resources keep their identity, and take the name
// if they had none).
func named(t *Type, name string) *Type {
	if t.Resource != nil && t.Resource.Name == "" {
		t.Resource.Name = name
	}
	c := *t
	c.Name = name
	c.Source = t
	return &c
}

func (s *scope) extern(n wasmbin.Name, et wasmbin.ExternType) (Extern, error) {
	e := Extern{Name: n.Name, Version: n.Attr(wasmbin.AttrVersion)}
	var want Kind
	switch et.Kind {
	case wasmbin.ExternTypeCoreModule:
		e.Kind, e.Type = ExternCoreModule, &Type{Kind: KindCoreModule}
		return e, nil
	case wasmbin.ExternTypeFunc:
		e.Kind, want = ExternFunc, KindFunc
	case wasmbin.ExternTypeInstance:
		e.Kind, want = ExternInstance, KindInstance
	case wasmbin.ExternTypeComponent:
		e.Kind, want = ExternComponent, KindComponent
	case wasmbin.ExternTypeType:
		e.Kind = ExternType
		if et.Bound == 0x01 {
			e.Type = &Type{Kind: KindResource, Name: n.Name, Resource: &Resource{Name: n.Name, Imported: true}}
			return e, nil
		}
		t, err := s.item(wasmbin.SortType, et.Index)
		if err != nil {
			return e, err
		}
		e.Type = named(t, n.Name)
		return e, nil
	case wasmbin.ExternTypeValue:
		e.Kind = ExternValue
		return e, nil
	default:
		return e, s.fail("unknown extern kind 0x%02x", et.Kind)
	}
	t, err := s.item(wasmbin.SortType, et.Index)
	if err != nil {
		return e, err
	}
	if t.Kind != want {
		return e, s.fail("%q: type %d is not a %s type", n.Name, et.Index, e.Kind)
	}
	e.Type = t
	return e, nil
}

func (s *scope) export(ex wasmbin.Export) error {
	var e Extern
	var err error
	if ex.Type != nil {
		e, err = s.extern(ex.Name, *ex.Type)
		if err != nil {
			return err
		}
	} else {
		t, err := s.item(ex.Sort, ex.Index)
		if err != nil {
			return err
		}
		e = Extern{Name: ex.Name.Name, Version: ex.Name.Attr(wasmbin.AttrVersion), Kind: kindOf(ex.Sort), Type: t}
		if e.Kind == ExternType {
			e.Type = named(t, ex.Name.Name)
		}
	}
	s.push(e)
	s.exports = append(s.exports, e)
	return nil
}

func (s *scope) instance(in *wasmbin.Instance) error {
	if !in.Instantiate {
		t := &Type{Kind: KindInstance}
		for _, ex := range in.Exports {
			it, err := s.item(ex.Sort, ex.Index)
			if err != nil {
				return err
			}
			e := Extern{Name: ex.Name.Name, Version: ex.Name.Attr(wasmbin.AttrVersion), Kind: kindOf(ex.Sort), Type: it}
			if e.Kind == ExternType {
				e.Type = named(it, ex.Name.Name)
			}
			t.Exports = append(t.Exports, e)
		}
		if !t.sized() {
			return s.fail("instance type is too large")
		}
		s.instances = append(s.instances, t)
		return nil
	}
	ct, err := s.item(wasmbin.SortComponent, in.Component)
	if err != nil {
		return err
	}
	args := map[string]*Type{}
	for _, a := range in.Args {
		at, err := s.item(a.Sort, a.Index)
		if err != nil {
			return err
		}
		args[a.Name] = at
	}
	sub := map[*Resource]*Resource{}
	for _, im := range ct.Imports {
		at, ok := args[im.Name]
		if !ok {
			return s.fail("instantiation is missing the argument for import %q", im.Name)
		}
		if im.Kind == ExternType && im.Type.Kind == KindResource && at.Resource != nil {
			sub[im.Type.Resource] = at.Resource
		}
		if im.Kind == ExternInstance && at.Kind == KindInstance {
			bindResources(im.Type, at, sub)
		}
	}
	exports := make([]Extern, len(ct.Exports))
	memo := map[*Type]*Type{}
	for i, e := range ct.Exports {
		e.Type = substitute(e.Type, sub, memo)
		if e.Kind == ExternType && e.Type.Resource != nil && e.Type.Resource.Name == "" {
			e.Type.Resource.Name = e.Name
		}
		exports[i] = e
	}
	it := &Type{Kind: KindInstance, Exports: exports}
	if !it.sized() {
		return s.fail("instance type is too large")
	}
	s.instances = append(s.instances, it)
	return nil
}

// bindResources maps the abstract resources an instance type exports to
// the resources of the instance supplied for it.
func bindResources(want, got *Type, sub map[*Resource]*Resource) {
	for _, e := range want.Exports {
		if e.Kind != ExternType || e.Type.Kind != KindResource {
			continue
		}
		if g, ok := got.Export(e.Name); ok && g.Type.Resource != nil {
			sub[e.Type.Resource] = g.Type.Resource
		}
	}
}

// substitute replaces resources in t according to sub.
func substitute(t *Type, sub map[*Resource]*Resource, memo map[*Type]*Type) *Type {
	if t == nil || len(sub) == 0 {
		return t
	}
	if c, ok := memo[t]; ok {
		return c
	}
	c := *t
	memo[t] = &c
	if r, ok := sub[t.Resource]; ok {
		c.Resource = r
	}
	c.Elem = substitute(t.Elem, sub, memo)
	c.Value = substitute(t.Value, sub, memo)
	c.Ok = substitute(t.Ok, sub, memo)
	c.Err = substitute(t.Err, sub, memo)
	c.Result = substitute(t.Result, sub, memo)
	c.Fields = make([]Field, len(t.Fields))
	for i, f := range t.Fields {
		c.Fields[i] = Field{f.Name, substitute(f.Type, sub, memo)}
	}
	c.Cases = make([]Case, len(t.Cases))
	for i, k := range t.Cases {
		c.Cases[i] = Case{k.Name, substitute(k.Type, sub, memo)}
	}
	c.Elems = make([]*Type, len(t.Elems))
	for i, e := range t.Elems {
		c.Elems[i] = substitute(e, sub, memo)
	}
	c.Exports = make([]Extern, len(t.Exports))
	for i, e := range t.Exports {
		e.Type = substitute(e.Type, sub, memo)
		c.Exports[i] = e
	}
	c.Imports = make([]Extern, len(t.Imports))
	for i, e := range t.Imports {
		e.Type = substitute(e.Type, sub, memo)
		c.Imports[i] = e
	}
	return &c
}

func (s *scope) alias(a *wasmbin.Alias) error {
	switch a.Target {
	case wasmbin.AliasExport:
		inst, err := s.item(wasmbin.SortInstance, a.Instance)
		if err != nil {
			return err
		}
		e, ok := inst.Export(a.Name)
		if !ok {
			return s.fail("instance %d has no export %q", a.Instance, a.Name)
		}
		if sortOf(e.Kind) != a.Sort {
			return s.fail("export %q of instance %d is a %s, not a %s", a.Name, a.Instance, e.Kind, a.Sort)
		}
		s.push(e)
	case wasmbin.AliasCoreExport:
		if !a.Sort.IsCore() {
			return s.fail("core export alias of a component sort")
		}
		s.core[a.Sort]++
	case wasmbin.AliasOuter:
		target := s
		for i := uint32(0); i < a.Count; i++ {
			if target.parent == nil {
				return s.fail("outer alias %d levels up, only %d enclosing scopes", a.Count, i)
			}
			target = target.parent
		}
		if a.Sort.IsCore() {
			s.core[a.Sort]++
			return nil
		}
		t, err := target.item(a.Sort, a.Index)
		if err != nil {
			return err
		}
		s.push(Extern{Kind: kindOf(a.Sort), Type: t})
	}
	return nil
}

func (s *scope) canon(c wasmbin.Canon) error {
	switch c.Op {
	case wasmbin.CanonLift:
		t, err := s.item(wasmbin.SortType, c.Type)
		if err != nil {
			return err
		}
		if t.Kind != KindFunc {
			return s.fail("canon lift with type %d, which is not a function type", c.Type)
		}
		s.funcs = append(s.funcs, t)
	case wasmbin.CanonLower:
		if _, err := s.item(wasmbin.SortFunc, c.Func); err != nil {
			return err
		}
		s.core[wasmbin.SortCoreFunc]++
	default:
		t, err := s.item(wasmbin.SortType, c.Type)
		if err != nil {
			return err
		}
		if t.Kind != KindResource {
			return s.fail("resource built-in with type %d, which is not a resource", c.Type)
		}
		s.core[wasmbin.SortCoreFunc]++
	}
	return nil
}

// EmbeddedWorlds finds the worlds in the type of a component-type custom
// section's component (wit-component's encoding: an exported component
// type whose one export, named after the world, is the world itself).
func EmbeddedWorlds(t *Type) []Extern {
	var out []Extern
	for _, e := range t.Exports {
		if e.Kind != ExternType || e.Type.Kind != KindComponent {
			continue
		}
		for _, w := range e.Type.Exports {
			if w.Kind == ExternComponent {
				out = append(out, w)
			}
		}
	}
	return out
}

// WorldOfModule returns the world a core module carries in its
// component-type custom sections, or nil if it carries none.
func WorldOfModule(m *wasmbin.Binary) (*Type, error) {
	var worlds []Extern
	for _, s := range m.CustomSections("component-type") {
		c, err := wasmbin.DecodeComponent(s.Data)
		if err != nil {
			return nil, fmt.Errorf("custom section %s: %w", s.Name, err)
		}
		t, err := Resolve(c)
		if err != nil {
			return nil, fmt.Errorf("custom section %s: %w", s.Name, err)
		}
		worlds = append(worlds, EmbeddedWorlds(t)...)
	}
	switch len(worlds) {
	case 0:
		return nil, nil
	case 1:
		return worlds[0].Type, nil
	}
	return nil, fmt.Errorf("the module embeds %d worlds; merging several is not supported", len(worlds))
}
