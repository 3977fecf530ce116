package witparse

import (
	"fmt"
	"strings"

	"github.com/wasifill/wasifill/witparse/scanner"
)

// FormatPackage prints a resolved package as WIT text: its interfaces and
// worlds with docs and gates, `use` for types from other interfaces, and
// resources with their functions. The output parses back to the same
// package.
func FormatPackage(r *Resolve, pkg PackageID) (string, error) {
	if int(pkg) < 0 || int(pkg) >= len(r.Packages) {
		return "", fmt.Errorf("witparse: no package %d", pkg)
	}
	p := &printer{r: r, pkg: pkg}
	p.docs(r.Packages[pkg].Docs, "")
	fmt.Fprintf(&p.b, "package %s;\n", pkgRef(r.Packages[pkg].Name))
	for _, n := range r.Packages[pkg].Interfaces {
		p.b.WriteByte('\n')
		p.interface_(n.ID)
	}
	for _, n := range r.Packages[pkg].Worlds {
		p.b.WriteByte('\n')
		p.world(n.ID)
	}
	return p.b.String(), nil
}

type printer struct {
	r   *Resolve
	pkg PackageID
	b   strings.Builder
}

// ident escapes a name that spells a keyword.
func ident(name string) string {
	if _, kw := scanner.Keyword(name); kw {
		return "%" + name
	}
	return name
}

func (p *printer) docs(docs, indent string) {
	if docs == "" {
		return
	}
	for _, line := range strings.Split(docs, "\n") {
		if line == "" {
			p.b.WriteString(indent + "///\n")
			continue
		}
		p.b.WriteString(indent + "/// " + line + "\n")
	}
}

func (p *printer) gates(s Stability, indent string) {
	switch {
	case s.Feature != "":
		fmt.Fprintf(&p.b, "%s@unstable(feature = %s)\n", indent, s.Feature)
	case s.Since != "":
		fmt.Fprintf(&p.b, "%s@since(version = %s)\n", indent, s.Since)
	}
	if s.Deprecated != "" {
		fmt.Fprintf(&p.b, "%s@deprecated(version = %s)\n", indent, s.Deprecated)
	}
}

// ifaceRef names an interface as seen from the printed package.
func (p *printer) ifaceRef(id InterfaceID) string {
	iface := p.r.Interfaces[id]
	if iface.Package != nil && *iface.Package == p.pkg {
		return ident(iface.Name)
	}
	n := p.r.Packages[*iface.Package].Name
	s := ident(n.Namespace) + ":" + ident(n.Name) + "/" + ident(iface.Name)
	if n.Version != "" {
		s += "@" + n.Version
	}
	return s
}

// pkgRef prints a package name with keyword parts escaped.
func pkgRef(n PackageName) string {
	s := ident(n.Namespace) + ":" + ident(n.Name)
	if n.Version != "" {
		s += "@" + n.Version
	}
	return s
}

func (p *printer) interface_(id InterfaceID) {
	iface := p.r.Interfaces[id]
	p.docs(iface.Docs, "")
	p.gates(iface.Stability, "")
	fmt.Fprintf(&p.b, "interface %s {\n", ident(iface.Name))
	p.body(iface.Types, iface.Functions, "  ")
	p.b.WriteString("}\n")
}

// body prints an interface's (or inline interface's) types and functions.
func (p *printer) body(types []Named[TypeID], funcs []*Function, indent string) {
	for _, n := range types {
		p.typeDef(n.ID, indent)
	}
	for _, f := range funcs {
		if f.Kind == Freestanding || f.Kind == AsyncFreestanding {
			p.docs(f.Docs, indent)
			p.gates(f.Stability, indent)
			fmt.Fprintf(&p.b, "%s%s: %s;\n", indent, ident(f.Name), p.signature(f))
		}
	}
	for _, n := range types {
		if t := p.r.Types[n.ID]; t.Kind == KindResource {
			p.resourceBody(n.ID, funcs, indent)
		}
	}
}

// typeDef prints one named type of an interface or world. Resources are
// printed with their functions by resourceBody.
func (p *printer) typeDef(id TypeID, indent string) {
	t := p.r.Types[id]
	if t.Kind == KindResource {
		return
	}
	p.docs(t.Docs, indent)
	p.gates(t.Stability, indent)
	name := ident(t.Name)
	switch t.Kind {
	case KindAlias:
		if !t.Elem.IsPrim() {
			target := p.r.Types[t.Elem.ID]
			if from := target.OwnerInterface; from != nil && t.OwnerInterface != nil && *from != *t.OwnerInterface ||
				from != nil && t.OwnerWorld != nil {
				as := ""
				if target.Name != t.Name {
					as = " as " + name
				}
				fmt.Fprintf(&p.b, "%suse %s.{%s%s};\n", indent, p.ifaceRef(*from), ident(target.Name), as)
				return
			}
		}
		fmt.Fprintf(&p.b, "%stype %s = %s;\n", indent, name, p.typ(t.Elem))
	case KindRecord:
		fmt.Fprintf(&p.b, "%srecord %s {\n", indent, name)
		for _, f := range t.Fields {
			p.docs(f.Docs, indent+"  ")
			fmt.Fprintf(&p.b, "%s  %s: %s,\n", indent, ident(f.Name), p.typ(f.Type))
		}
		p.b.WriteString(indent + "}\n")
	case KindVariant:
		fmt.Fprintf(&p.b, "%svariant %s {\n", indent, name)
		for _, c := range t.Cases {
			p.docs(c.Docs, indent+"  ")
			if c.Type != nil {
				fmt.Fprintf(&p.b, "%s  %s(%s),\n", indent, ident(c.Name), p.typ(*c.Type))
			} else {
				fmt.Fprintf(&p.b, "%s  %s,\n", indent, ident(c.Name))
			}
		}
		p.b.WriteString(indent + "}\n")
	case KindEnum, KindFlags:
		kw := "enum"
		if t.Kind == KindFlags {
			kw = "flags"
		}
		fmt.Fprintf(&p.b, "%s%s %s {\n", indent, kw, name)
		for _, l := range t.Labels {
			p.docs(l.Docs, indent+"  ")
			fmt.Fprintf(&p.b, "%s  %s,\n", indent, ident(l.Name))
		}
		p.b.WriteString(indent + "}\n")
	default:
		fmt.Fprintf(&p.b, "%stype %s = %s;\n", indent, name, p.kindExpr(t))
	}
}

func (p *printer) resourceBody(id TypeID, funcs []*Function, indent string) {
	t := p.r.Types[id]
	p.docs(t.Docs, indent)
	p.gates(t.Stability, indent)
	var mine []*Function
	for _, f := range funcs {
		if f.Kind != Freestanding && f.Kind != AsyncFreestanding && f.Resource == id {
			mine = append(mine, f)
		}
	}
	if len(mine) == 0 {
		fmt.Fprintf(&p.b, "%sresource %s;\n", indent, ident(t.Name))
		return
	}
	fmt.Fprintf(&p.b, "%sresource %s {\n", indent, ident(t.Name))
	for _, f := range mine {
		in := indent + "  "
		p.docs(f.Docs, in)
		p.gates(f.Stability, in)
		short := f.Name[strings.LastIndexAny(f.Name, ".]")+1:]
		switch f.Kind {
		case Constructor:
			fmt.Fprintf(&p.b, "%sconstructor%s;\n", in, p.ctorSignature(f))
		case Static, AsyncStatic:
			fmt.Fprintf(&p.b, "%s%s: static %s;\n", in, ident(short), p.signature(f))
		default:
			fmt.Fprintf(&p.b, "%s%s: %s;\n", in, ident(short), p.signature(f))
		}
	}
	p.b.WriteString(indent + "}\n")
}

func (p *printer) params(ps []Param) string {
	var parts []string
	for _, prm := range ps {
		parts = append(parts, ident(prm.Name)+": "+p.typ(prm.Type))
	}
	return "(" + strings.Join(parts, ", ") + ")"
}

func (p *printer) signature(f *Function) string {
	params := f.Params
	if f.Kind == Method || f.Kind == AsyncMethod {
		params = params[1:] // self is implied
	}
	s := "func" + p.params(params)
	if f.Kind == AsyncFreestanding || f.Kind == AsyncMethod || f.Kind == AsyncStatic {
		s = "async " + s
	}
	if f.Result != nil {
		s += " -> " + p.typ(*f.Result)
	}
	return s
}

// ctorSignature prints a constructor's params, and its result only when it
// is not the implied own<resource>.
func (p *printer) ctorSignature(f *Function) string {
	s := p.params(f.Params)
	if f.Result != nil && !f.Result.IsPrim() {
		if t := p.r.Types[f.Result.ID]; !(t.Kind == KindHandle && !t.Borrow && t.Name == "") {
			s += " -> " + p.typ(*f.Result)
		}
	}
	return s
}

// typ prints a type reference: named types by name, anonymous ones as
// expressions.
func (p *printer) typ(t Type) string {
	if t.IsPrim() {
		return t.Prim
	}
	d := p.r.Types[t.ID]
	if d.Name != "" {
		return ident(d.Name)
	}
	return p.kindExpr(d)
}

func (p *printer) kindExpr(d *TypeDef) string {
	switch d.Kind {
	case KindHandle:
		name := ident(p.r.Types[d.Resource].Name)
		if d.Borrow {
			return "borrow<" + name + ">"
		}
		return name
	case KindTuple:
		var parts []string
		for _, e := range d.Types {
			parts = append(parts, p.typ(e))
		}
		return "tuple<" + strings.Join(parts, ", ") + ">"
	case KindOption:
		return "option<" + p.typ(d.Elem) + ">"
	case KindList:
		return "list<" + p.typ(d.Elem) + ">"
	case KindFixedList:
		return fmt.Sprintf("list<%s, %d>", p.typ(d.Elem), d.Len)
	case KindMap:
		return "map<" + p.typ(d.Elem) + ", " + p.typ(d.Value) + ">"
	case KindResult:
		switch {
		case d.Ok == nil && d.Err == nil:
			return "result"
		case d.Err == nil:
			return "result<" + p.typ(*d.Ok) + ">"
		case d.Ok == nil:
			return "result<_, " + p.typ(*d.Err) + ">"
		}
		return "result<" + p.typ(*d.Ok) + ", " + p.typ(*d.Err) + ">"
	case KindFuture, KindStream:
		kw := "future"
		if d.Kind == KindStream {
			kw = "stream"
		}
		if d.HasElem {
			return kw + "<" + p.typ(d.Elem) + ">"
		}
		return kw
	case KindAlias:
		return p.typ(d.Elem)
	}
	return ident(d.Name)
}

func (p *printer) world(id WorldID) {
	w := p.r.Worlds[id]
	p.docs(w.Docs, "")
	p.gates(w.Stability, "")
	fmt.Fprintf(&p.b, "world %s {\n", ident(w.Name))
	for _, dir := range []struct {
		verb    string
		entries []WorldEntry
	}{{"import", w.Imports}, {"export", w.Exports}} {
		for _, e := range dir.entries {
			p.worldEntry(dir.verb, e)
		}
	}
	p.b.WriteString("}\n")
}

func (p *printer) worldEntry(verb string, e WorldEntry) {
	const in = "  "
	switch e.Item.Kind {
	case ItemInterface:
		p.gates(e.Item.Stability, in)
		iface := p.r.Interfaces[e.Item.Interface]
		switch {
		case e.Name == "":
			fmt.Fprintf(&p.b, "%s%s %s;\n", in, verb, p.ifaceRef(e.Item.Interface))
		case iface.Name == "":
			p.docs(iface.Docs, in)
			fmt.Fprintf(&p.b, "%s%s %s: interface {\n", in, verb, ident(e.Name))
			p.body(iface.Types, iface.Functions, in+"  ")
			p.b.WriteString(in + "}\n")
		default:
			fmt.Fprintf(&p.b, "%s%s %s: %s;\n", in, verb, ident(e.Name), p.ifaceRef(e.Item.Interface))
		}
	case ItemFunction:
		f := e.Item.Function
		if f.Kind != Freestanding && f.Kind != AsyncFreestanding {
			return // printed inside its resource
		}
		p.docs(f.Docs, in)
		p.gates(f.Stability, in)
		fmt.Fprintf(&p.b, "%s%s %s: %s;\n", in, verb, ident(e.Name), p.signature(f))
	case ItemType:
		t := p.r.Types[e.Item.Type]
		if t.Kind == KindResource {
			var funcs []*Function
			for _, other := range p.r.Worlds[*t.OwnerWorld].Imports {
				if other.Item.Kind == ItemFunction {
					funcs = append(funcs, other.Item.Function)
				}
			}
			p.resourceBody(e.Item.Type, funcs, in)
			return
		}
		p.typeDef(e.Item.Type, in)
	}
}
