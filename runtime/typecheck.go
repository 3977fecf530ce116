package runtime

import (
	"errors"
	"fmt"
	"hash/fnv"

	"github.com/wasifill/wasifill/internal/component"
)

// The component model's rule for what a component may export
// (wasmparser's validate_and_register_named_types, which Wasmtime applies
// at compile time): every type an export refers to that cannot be
// anonymous — records, variants, enums and flags — and every resource an
// own or borrow refers to must be named by the component, that is
// imported by it or exported by it before. Anonymous types (tuples, lists,
// options, results) need only their parts named. A composition that
// exports an interface whose types came from an import it satisfied
// internally breaks the rule: nothing outside could name those types.
//
// wasifill's component types keep resources' identity exactly (*Resource),
// so a resource is checked by identity. Other types may be copied when a
// component is instantiated with type arguments, so a type counts as named
// when it is the very type named or structurally equal to one; that can
// accept a component Wasmtime rejects (when an unrelated named type happens
// to have the same structure), never the other way round.

// ExportTypeError is a component exporting (or importing) an item whose
// type refers to a type or resource the component does not name: Wasmtime
// refuses it as "not valid to be used as export" (or import).
type ExportTypeError struct {
	Export string // the export (or import) path, "iface/func" for an instance's item
	Type   string // the unnamed type
	Import bool   // an import, which may refer only to what imports before it name
}

func (e *ExportTypeError) Error() string {
	if e.Import {
		return fmt.Sprintf("import %s is not valid to be used as import: it refers to %s, which no import before it names", e.Export, e.Type)
	}
	return fmt.Sprintf("%s is not valid to be used as export: it refers to %s, which the component neither imports nor exports", e.Export, e.Type)
}

// checkExportTypes applies the rule to a component and every component
// defined inside it.
func checkExportTypes(x *component.Index) error {
	if err := newNamedSet().component(x.Type); err != nil {
		return err
	}
	for _, n := range x.Nested {
		if err := checkExportTypes(n); err != nil {
			return err
		}
	}
	return nil
}

// namedSet is what a component has named so far.
type namedSet struct {
	types     map[*component.Type]bool
	shapes    map[uint64]bool // structural hashes of the named types
	resources map[*component.Resource]bool
	hashes    map[*component.Type]uint64
	resIDs    map[*component.Resource]uint64
	// fine are types found fully named: the set only grows, so they stay
	// so, and a type DAG is walked once however often it is used.
	fine map[*component.Type]bool
}

func newNamedSet() *namedSet {
	return &namedSet{types: map[*component.Type]bool{}, shapes: map[uint64]bool{},
		resources: map[*component.Resource]bool{}, hashes: map[*component.Type]uint64{},
		resIDs: map[*component.Resource]uint64{}, fine: map[*component.Type]bool{}}
}

// component checks and names ct's imports, then its exports, in order
// (imports see only what imports before them named, as wasmparser's
// imported_types; exports see both).
func (s *namedSet) component(ct *component.Type) error {
	for _, im := range ct.Imports {
		if err := s.export(im.Name, im); err != nil {
			var ete *ExportTypeError
			if errors.As(err, &ete) {
				ete.Import = true
			}
			return err
		}
	}
	for _, ex := range ct.Exports {
		if err := s.export(ex.Name, ex); err != nil {
			return err
		}
	}
	return nil
}

func (s *namedSet) name(t *component.Type) {
	s.types[t] = true
	if t.Kind == component.KindResource && t.Resource != nil {
		s.resources[t.Resource] = true
		return
	}
	s.shapes[s.hash(t)] = true
}

// export checks one import or export (an instance's items in order,
// naming its types as it goes) and names its types.
func (s *namedSet) export(path string, e component.Extern) error {
	switch e.Kind {
	case component.ExternFunc:
		return s.funcNamed(path, e.Type)
	case component.ExternType:
		if e.Type.Kind != component.KindResource {
			if bad := s.partsNamed(e.Type); bad != nil {
				return &ExportTypeError{Export: path, Type: describeType(bad)}
			}
		}
		s.name(e.Type)
	case component.ExternInstance:
		for _, x := range e.Type.Exports {
			if err := s.export(path+"/"+x.Name, x); err != nil {
				return err
			}
		}
	}
	return nil
}

func (s *namedSet) funcNamed(path string, ft *component.Type) error {
	for _, p := range ft.Fields {
		if bad := s.unnamed(p.Type); bad != nil {
			return &ExportTypeError{Export: path, Type: describeType(bad)}
		}
	}
	if bad := s.unnamed(ft.Result); bad != nil {
		return &ExportTypeError{Export: path, Type: describeType(bad)}
	}
	return nil
}

// unnamed returns the first type in t that must be named and is not
// (wasmparser's type_named_valtype), or nil.
func (s *namedSet) unnamed(t *component.Type) *component.Type {
	if t == nil {
		return nil
	}
	switch t.Kind {
	case component.KindRecord, component.KindVariant, component.KindEnum, component.KindFlags:
		if s.types[t] || s.shapes[s.hash(t)] {
			return nil
		}
		return t
	case component.KindOwn, component.KindBorrow:
		if t.Resource != nil && s.resources[t.Resource] {
			return nil
		}
		return t
	}
	if s.fine[t] {
		return nil
	}
	bad := s.partsNamed(t)
	if bad == nil {
		s.fine[t] = true
	}
	return bad
}

// partsNamed checks the parts of t (wasmparser's
// all_valtypes_named_in_defined): a named type's fields and cases, an
// anonymous type's elements.
func (s *namedSet) partsNamed(t *component.Type) *component.Type {
	for _, f := range t.Fields {
		if bad := s.unnamed(f.Type); bad != nil {
			return bad
		}
	}
	for _, c := range t.Cases {
		if bad := s.unnamed(c.Type); bad != nil {
			return bad
		}
	}
	for _, e := range t.Elems {
		if bad := s.unnamed(e); bad != nil {
			return bad
		}
	}
	for _, c := range []*component.Type{t.Elem, t.Value, t.Ok, t.Err, t.Result} {
		if bad := s.unnamed(c); bad != nil {
			return bad
		}
	}
	if t.Kind == component.KindOwn || t.Kind == component.KindBorrow {
		return s.unnamed(t)
	}
	return nil
}

// hash is a structural hash of t: equal for structurally equal types
// (resources by identity), whatever their names; memoized, so a type DAG
// costs its number of nodes.
func (s *namedSet) hash(t *component.Type) uint64 {
	if t == nil {
		return 0
	}
	if h, ok := s.hashes[t]; ok {
		return h
	}
	h := fnv.New64a()
	word := func(x uint64) {
		var b [8]byte
		for i := range b {
			b[i] = byte(x >> (8 * i))
		}
		h.Write(b[:])
	}
	str := func(x string) { word(uint64(len(x))); h.Write([]byte(x)) }
	word(uint64(t.Kind))
	word(uint64(t.Prim))
	word(uint64(t.Len))
	for _, l := range t.Labels {
		str(l)
	}
	for _, f := range t.Fields {
		str(f.Name)
		word(s.hash(f.Type))
	}
	for _, c := range t.Cases {
		str(c.Name)
		word(s.hash(c.Type))
	}
	word(uint64(len(t.Elems)))
	for _, e := range t.Elems {
		word(s.hash(e))
	}
	for _, c := range []*component.Type{t.Elem, t.Value, t.Ok, t.Err, t.Result} {
		word(s.hash(c))
	}
	if t.Resource != nil {
		id, ok := s.resIDs[t.Resource]
		if !ok {
			id = uint64(len(s.resIDs) + 1)
			s.resIDs[t.Resource] = id
		}
		word(id)
	}
	sum := h.Sum64()
	s.hashes[t] = sum
	return sum
}

// describeType names a type for an error: its name and structure, cut
// to a line.
func describeType(t *component.Type) string {
	if t.Kind == component.KindOwn || t.Kind == component.KindBorrow {
		if t.Resource != nil && t.Resource.Name != "" {
			return "resource " + t.Resource.Name
		}
		return "an anonymous resource"
	}
	s := t.Structure()
	if len(s) > 120 {
		s = s[:120] + "…"
	}
	if t.Name != "" {
		return t.Name + " (" + s + ")"
	}
	return s
}
