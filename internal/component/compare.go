package component

import (
	"fmt"
	"strings"
)

// MismatchError says where a supplied item's type differs from the type
// an import asks for.
type MismatchError struct {
	Path []string // e.g. ["instance acme:kv/store@1.0.0", "func get", "param key"]
	Want string
	Got  string
}

func (e *MismatchError) Error() string {
	return fmt.Sprintf("%s: expected %s, found %s", strings.Join(e.Path, ": "), e.Want, e.Got)
}

// Bindings maps the resources of an importer's view to the resources of
// what is supplied for them. Satisfies fills it as it meets abstract
// resources; callers may pre-bind resources that reach both sides through
// a shared import.
type Bindings map[*Resource]*Resource

// Satisfies checks that got can be supplied for the import want:
// instances must export everything the import lists (more is fine), with
// equal types; each resource of want is bound to the resource of got met
// in its place, and must then stand for that resource everywhere.
func Satisfies(want, got Extern, b Bindings) error {
	c := &checker{b: b}
	path := []string{fmt.Sprintf("%s %s", want.Kind, want.Name)}
	if want.Kind != got.Kind {
		return c.mismatch(path, want.Kind.String(), got.Kind.String())
	}
	return c.extern(path, want, got)
}

type checker struct{ b Bindings }

func (c *checker) mismatch(path []string, want, got string) error {
	return &MismatchError{Path: append([]string(nil), path...), Want: want, Got: got}
}

func (c *checker) extern(path []string, want, got Extern) error {
	switch want.Kind {
	case ExternInstance:
		for _, we := range want.Type.Exports {
			ge, ok := got.Type.Export(we.Name)
			p := append(path, fmt.Sprintf("%s %s", we.Kind, we.Name))
			if !ok {
				return c.mismatch(p, "an export named "+we.Name, "none")
			}
			if we.Kind != ge.Kind {
				return c.mismatch(p, we.Kind.String(), ge.Kind.String())
			}
			if err := c.extern(p, we, ge); err != nil {
				return err
			}
		}
		return nil
	case ExternType:
		if want.Type.Kind == KindResource {
			if got.Type.Kind != KindResource {
				return c.mismatch(path, "a resource", got.Type.Structure())
			}
			return c.resource(path, want.Type.Resource, got.Type.Resource)
		}
		return c.value(path, want.Type, got.Type)
	case ExternFunc:
		return c.fn(path, want.Type, got.Type)
	case ExternComponent, ExternCoreModule, ExternValue:
		return nil // not checked structurally yet
	}
	return nil
}

func (c *checker) resource(path []string, want, got *Resource) error {
	if bound, ok := c.b[want]; ok {
		if bound != got {
			return c.mismatch(path, "resource "+want.Name+" (as bound earlier)", "a different resource "+got.Name)
		}
		return nil
	}
	if want == got {
		return nil
	}
	// First sight: the importer's resource stands for got from now on.
	c.b[want] = got
	return nil
}

func (c *checker) fn(path []string, want, got *Type) error {
	if len(want.Fields) != len(got.Fields) {
		return c.mismatch(path, fmt.Sprintf("%d parameters (%s)", len(want.Fields), want.Structure()),
			fmt.Sprintf("%d (%s)", len(got.Fields), got.Structure()))
	}
	for i, wp := range want.Fields {
		gp := got.Fields[i]
		p := append(path, "param "+wp.Name)
		if wp.Name != gp.Name {
			return c.mismatch(p, "parameter named "+wp.Name, gp.Name)
		}
		if err := c.value(p, wp.Type, gp.Type); err != nil {
			return err
		}
	}
	p := append(path, "result")
	switch {
	case want.Result == nil && got.Result == nil:
		return nil
	case want.Result == nil || got.Result == nil:
		return c.mismatch(p, describe(want.Result), describe(got.Result))
	}
	return c.value(p, want.Result, got.Result)
}

func describe(t *Type) string {
	if t == nil {
		return "no result"
	}
	return t.String()
}

// value compares two value types structurally.
func (c *checker) value(path []string, want, got *Type) error {
	if want == got {
		return nil
	}
	if want == nil || got == nil || want.Kind != got.Kind {
		return c.mismatch(path, describe(want), describe(got))
	}
	diff := func() error { return c.mismatch(path, want.Structure(), got.Structure()) }
	switch want.Kind {
	case KindPrim:
		if want.Prim != got.Prim {
			return diff()
		}
	case KindRecord:
		if len(want.Fields) != len(got.Fields) {
			return diff()
		}
		for i, f := range want.Fields {
			if f.Name != got.Fields[i].Name {
				return diff()
			}
			if err := c.value(append(path, "field "+f.Name), f.Type, got.Fields[i].Type); err != nil {
				return err
			}
		}
	case KindVariant:
		if len(want.Cases) != len(got.Cases) {
			return diff()
		}
		for i, k := range want.Cases {
			g := got.Cases[i]
			if k.Name != g.Name || (k.Type == nil) != (g.Type == nil) {
				return diff()
			}
			if k.Type != nil {
				if err := c.value(append(path, "case "+k.Name), k.Type, g.Type); err != nil {
					return err
				}
			}
		}
	case KindFlags, KindEnum:
		if strings.Join(want.Labels, ",") != strings.Join(got.Labels, ",") {
			return diff()
		}
	case KindTuple:
		if len(want.Elems) != len(got.Elems) {
			return diff()
		}
		for i := range want.Elems {
			if err := c.value(path, want.Elems[i], got.Elems[i]); err != nil {
				return err
			}
		}
	case KindFixedList:
		if want.Len != got.Len {
			return diff()
		}
		return c.value(path, want.Elem, got.Elem)
	case KindList, KindOption:
		return c.value(path, want.Elem, got.Elem)
	case KindStream, KindFuture:
		if (want.Elem == nil) != (got.Elem == nil) {
			return diff()
		}
		if want.Elem != nil {
			return c.value(path, want.Elem, got.Elem)
		}
	case KindMap:
		if err := c.value(path, want.Elem, got.Elem); err != nil {
			return err
		}
		return c.value(path, want.Value, got.Value)
	case KindResult:
		if (want.Ok == nil) != (got.Ok == nil) || (want.Err == nil) != (got.Err == nil) {
			return diff()
		}
		if want.Ok != nil {
			if err := c.value(path, want.Ok, got.Ok); err != nil {
				return err
			}
		}
		if want.Err != nil {
			return c.value(path, want.Err, got.Err)
		}
	case KindOwn, KindBorrow:
		return c.resource(path, want.Resource, got.Resource)
	}
	return nil
}
