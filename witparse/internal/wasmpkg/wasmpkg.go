// Package wasmpkg reads a WIT package encoded as a component — the form
// `wasm-tools component wit --wasm` writes — and gives back the package as
// WIT text, which the WIT loader then parses like any other dependency.
//
// The encoding (wit-parser's decoding.rs, format "v2") is a component whose
// only definitions are component types, each exported under a plain label.
// Each such type imports the instances it uses types from and has exactly
// one export: an instance type (an interface, named "ns:pkg/iface@version")
// or a component type (a world, named "ns:pkg/world@version").
//
// The input is untrusted: the binary decoder bounds every count, and the
// text written here is bounded by MaxText (anonymous types are written
// inline, so a type DAG could otherwise expand exponentially) and by
// MaxDepth levels of type nesting.
package wasmpkg

import (
	"errors"
	"fmt"
	"strings"

	"github.com/wasifill/wasifill/internal/wasmbin"
	"github.com/wasifill/wasifill/witparse/scanner"
)

// MaxText bounds the WIT text a package decodes to (the WIT file limit).
const MaxText = 8 << 20

// MaxDepth bounds the nesting of anonymous types written inline.
const MaxDepth = 100

var errTooLarge = fmt.Errorf("package text exceeds %d bytes", MaxText)

// ErrNotPackage is returned for a valid component that is not an encoded
// WIT package (an actual component, or no exported component types).
var ErrNotPackage = errors.New("found an actual component instead of an encoded WIT package in wasm")

// ToWIT decodes an encoded WIT package and returns it as WIT source.
func ToWIT(b []byte) ([]byte, error) {
	c, err := wasmbin.DecodeComponent(b)
	if err != nil {
		return nil, fmt.Errorf("decoding WIT package: %w", err)
	}
	return ComponentToWIT(c)
}

// ComponentToWIT is ToWIT for a component already decoded (or parsed from
// the text format).
func ComponentToWIT(c *wasmbin.Component) ([]byte, error) {
	text, _, err := Decode(c)
	return text, err
}

// Decode gives the WIT of an encoded package and the docs and stability
// of its package-docs section (nil when there is none), which the WIT
// cannot carry as it is written here and the loader applies after
// resolving, as wit-parser injects them into its resolve.
func Decode(c *wasmbin.Component) (text []byte, docs *PackageDocs, err error) {
	if docs, err = componentDocs(c); err != nil {
		return nil, nil, fmt.Errorf("decoding WIT package: %w", err)
	}
	text, err = componentToWIT(c)
	return text, docs, err
}

func componentToWIT(c *wasmbin.Component) ([]byte, error) {
	d := &decoder{out: &strings.Builder{}}
	if err := d.component(c); err != nil {
		return nil, fmt.Errorf("decoding WIT package: %w", err)
	}
	return []byte(d.out.String()), nil
}

// entry is one slot of a type index space.
type entry struct {
	def   *wasmbin.Type // a type defined in this scope
	sc    *scope        // the scope def's indices refer to
	name  string        // a named (exported or used) type
	owner string        // the interface that owns name ("" for world-level)
	res   bool          // an abstract resource (sub resource)
	alias *entry        // a type-equal export: what it re-exports
}

// scope is the index spaces of one component or instance type.
type scope struct {
	parent    *scope
	types     []*entry
	instances []*instEntry
}

// instEntry is an imported instance: the interface it names and its
// exported types by name.
type instEntry struct {
	name  string
	types map[string]*entry
}

func (s *scope) typ(i uint32) (*entry, error) {
	if int64(i) >= int64(len(s.types)) {
		return nil, fmt.Errorf("type index %d out of bounds (%d types)", i, len(s.types))
	}
	return s.types[i], nil
}

func (s *scope) outer(count uint32) (*scope, error) {
	o := s
	for ; count > 0 && o != nil; count-- {
		o = o.parent
	}
	if o == nil {
		return nil, fmt.Errorf("outer alias count out of bounds")
	}
	return o, nil
}

type decoder struct {
	out     *strings.Builder
	pkg     string // "ns:name@version", from the first item
	cur     string // the package being written (pkg, or a foreign one)
	inline  int    // bytes of inline type text built so far
	err     error
	foreign []foreignImport
}

// foreignImport is an instance an item imports: the interface's full
// name, its instance type and the scope that type is in.
type foreignImport struct {
	name string
	body *wasmbin.Type
	sc   *scope
}

func (d *decoder) printf(format string, args ...any) {
	if d.err != nil {
		return
	}
	fmt.Fprintf(d.out, format, args...)
	if d.out.Len() > MaxText {
		d.err = errTooLarge
	}
}

// component walks the outer component: only type definitions and their
// exports are allowed.
func (d *decoder) component(c *wasmbin.Component) error {
	top := &scope{}
	var items []*wasmbin.Type
	for _, def := range c.Defs {
		switch def := def.(type) {
		case *wasmbin.TypeDefs:
			for i := range def.Types {
				top.types = append(top.types, &entry{def: &def.Types[i], sc: top})
			}
		case *wasmbin.ExportDefs:
			for _, e := range def.Exports {
				if e.Sort != wasmbin.SortType {
					return ErrNotPackage
				}
				t, err := top.typ(e.Index)
				if err != nil {
					return err
				}
				if t.def == nil || t.def.Kind != wasmbin.TypeComponent {
					return ErrNotPackage
				}
				if strings.ContainsAny(e.Name.Name, ":/") {
					return fmt.Errorf("export %q: only the v2 encoding (plain labels) is supported", e.Name.Name)
				}
				items = append(items, t.def)
				top.types = append(top.types, t) // an export adds a type index
			}
		case *wasmbin.CustomDef:
			// package-docs is read by Decode; others are ignored
		default:
			return ErrNotPackage
		}
	}
	if len(items) == 0 {
		return ErrNotPackage
	}
	for _, it := range items {
		if err := d.item(top, it); err != nil {
			return err
		}
		if d.err != nil {
			return d.err
		}
	}
	if err := d.stubs(); err != nil {
		return err
	}
	return d.err
}

// splitName splits "ns:pkg/item@version" into its package ("ns:pkg"),
// item and version ("@version" or "").
func splitName(full string) (pkg, item, version string, ok bool) {
	version = ""
	if i := strings.IndexByte(full, '@'); i >= 0 {
		full, version = full[:i], full[i:]
	}
	slash := strings.IndexByte(full, '/')
	if slash < 0 || !strings.Contains(full[:slash], ":") {
		return "", "", "", false
	}
	return full[:slash], full[slash+1:], version, true
}

// item decodes one exported component type: an interface or a world.
func (d *decoder) item(top *scope, ct *wasmbin.Type) error {
	sc := &scope{parent: top}
	var export *wasmbin.Decl
	for i := range ct.Decls {
		decl := &ct.Decls[i]
		if decl.Kind == wasmbin.DeclExport {
			if export != nil {
				return fmt.Errorf("expected a single export in a package item")
			}
			export = decl
			continue
		}
		if err := d.decl(sc, decl, ""); err != nil {
			return err
		}
	}
	if export == nil {
		return fmt.Errorf("expected a single export in a package item, found none")
	}
	pkg, name, version, ok := splitName(export.Name.Name)
	if !ok {
		return fmt.Errorf("package item %q is not named ns:pkg/name", export.Name.Name)
	}
	if d.pkg == "" {
		d.pkg, d.cur = pkg+version, pkg+version
		d.printf("package %s;\n\n", d.pkg)
	} else if pkg+version != d.pkg {
		return fmt.Errorf("item defined with mismatched package name")
	}
	body, err := d.localType(sc, export.Extern.Index)
	if err != nil {
		return err
	}
	switch {
	case export.Extern.Kind == wasmbin.ExternTypeInstance && body.Kind == wasmbin.TypeInstance:
		d.printf("interface %s {\n", ident(name))
		if err := d.iface(sc, body, export.Name.Name, "  "); err != nil {
			return err
		}
		d.printf("}\n\n")
	case export.Extern.Kind == wasmbin.ExternTypeComponent && body.Kind == wasmbin.TypeComponent:
		d.printf("world %s {\n", ident(name))
		if err := d.world(sc, body); err != nil {
			return err
		}
		d.printf("}\n\n")
	default:
		return fmt.Errorf("package item %q is neither an instance nor a component type", export.Name.Name)
	}
	return nil
}

// localType returns the type definition at index i of sc.
func (d *decoder) localType(sc *scope, i uint32) (*wasmbin.Type, error) {
	e, err := sc.typ(i)
	if err != nil {
		return nil, err
	}
	if e.def == nil {
		return nil, fmt.Errorf("type %d is not a definition", i)
	}
	return e.def, nil
}

// decl records a non-export declarator of a component or instance type
// in sc: a type, an alias or an imported instance. owner names the
// interface being decoded (for names of its type exports).
func (d *decoder) decl(sc *scope, decl *wasmbin.Decl, owner string) error {
	switch decl.Kind {
	case wasmbin.DeclCoreType:
		return fmt.Errorf("core types are not part of a WIT package")
	case wasmbin.DeclType:
		sc.types = append(sc.types, &entry{def: decl.Type, sc: sc})
	case wasmbin.DeclAlias:
		a := decl.Alias
		if a.Sort != wasmbin.SortType {
			return fmt.Errorf("alias of a %s is not part of a WIT package", a.Sort)
		}
		switch a.Target {
		case wasmbin.AliasOuter:
			o, err := sc.outer(a.Count)
			if err != nil {
				return err
			}
			t, err := o.typ(a.Index)
			if err != nil {
				return err
			}
			sc.types = append(sc.types, t)
		case wasmbin.AliasExport:
			if int64(a.Instance) >= int64(len(sc.instances)) {
				return fmt.Errorf("instance index %d out of bounds", a.Instance)
			}
			t := sc.instances[a.Instance].types[a.Name]
			if t == nil {
				return fmt.Errorf("instance %q has no type %q", sc.instances[a.Instance].name, a.Name)
			}
			sc.types = append(sc.types, t)
		default:
			return fmt.Errorf("core alias is not part of a WIT package")
		}
	case wasmbin.DeclImport:
		if decl.Extern.Kind != wasmbin.ExternTypeInstance {
			return fmt.Errorf("import %q: only instances are imported by a package item", decl.Name.Name)
		}
		body, err := d.localType(sc, decl.Extern.Index)
		if err != nil {
			return err
		}
		inst, err := d.instanceTypes(sc, body, decl.Name.Name)
		if err != nil {
			return err
		}
		sc.instances = append(sc.instances, inst)
		d.foreign = append(d.foreign, foreignImport{decl.Name.Name, body, sc})
	default:
		return fmt.Errorf("declarator kind %#x is not part of a WIT package", decl.Kind)
	}
	return nil
}

// instanceTypes collects the type exports of an imported instance type
// (an interface another item uses types from).
func (d *decoder) instanceTypes(parent *scope, body *wasmbin.Type, name string) (*instEntry, error) {
	if body.Kind != wasmbin.TypeInstance {
		return nil, fmt.Errorf("import %q is not an instance type", name)
	}
	sc := &scope{parent: parent}
	inst := &instEntry{name: name, types: map[string]*entry{}}
	for i := range body.Decls {
		decl := &body.Decls[i]
		if decl.Kind != wasmbin.DeclExport {
			if err := d.decl(sc, decl, name); err != nil {
				return nil, err
			}
			continue
		}
		if decl.Extern.Kind != wasmbin.ExternTypeType {
			continue
		}
		e, err := exportedType(sc, decl, name)
		if err != nil {
			return nil, err
		}
		sc.types = append(sc.types, e)
		inst.types[decl.Name.Name] = e
	}
	return inst, nil
}

// exportedType makes the entry a type export introduces.
func exportedType(sc *scope, decl *wasmbin.Decl, owner string) (*entry, error) {
	e := &entry{name: decl.Name.Name, owner: owner}
	if decl.Extern.Bound == 0x01 {
		e.res = true
		return e, nil
	}
	target, err := sc.typ(decl.Extern.Index)
	if err != nil {
		return nil, err
	}
	e.alias = target
	return e, nil
}

// ident escapes a name that spells a WIT keyword.
func ident(name string) string {
	if _, kw := scanner.Keyword(name); kw {
		return "%" + name
	}
	return name
}
