package wasmpkg

import (
	"fmt"
	"strings"

	"github.com/wasifill/wasifill/internal/wasmbin"
)

// resFunc is a function that belongs to a resource.
type resFunc struct {
	kind string // "constructor", "method", "static"
	name string
	fn   *wasmbin.Type
}

// iface writes the body of an interface from its instance type. owner is
// the interface's full name (its type exports are named in it).
func (d *decoder) iface(parent *scope, body *wasmbin.Type, owner, indent string) error {
	sc := &scope{parent: parent}
	type named struct {
		name string
		e    *entry
	}
	var types []named
	type freeFunc struct {
		name string
		fn   *wasmbin.Type
	}
	var funcs []freeFunc
	methods := map[string][]resFunc{}
	for i := range body.Decls {
		decl := &body.Decls[i]
		if decl.Kind != wasmbin.DeclExport {
			if err := d.decl(sc, decl, owner); err != nil {
				return err
			}
			continue
		}
		switch decl.Extern.Kind {
		case wasmbin.ExternTypeType:
			e, err := exportedType(sc, decl, owner)
			if err != nil {
				return err
			}
			sc.types = append(sc.types, e)
			types = append(types, named{decl.Name.Name, e})
		case wasmbin.ExternTypeFunc:
			fn, err := d.localType(sc, decl.Extern.Index)
			if err != nil {
				return err
			}
			if fn.Kind != wasmbin.TypeFunc && fn.Kind != wasmbin.TypeAsyncFunc {
				return fmt.Errorf("function %q: not a function type", decl.Name.Name)
			}
			if res, rf, ok := resourceFunc(decl.Name.Name); ok {
				rf.fn = fn
				methods[res] = append(methods[res], rf)
				continue
			}
			funcs = append(funcs, freeFunc{decl.Name.Name, fn})
		default:
			return fmt.Errorf("export %q: an interface exports only types and functions", decl.Name.Name)
		}
	}
	for _, t := range types {
		if err := d.typeDecl(sc, t.name, t.e, owner, indent, methods[t.name]); err != nil {
			return err
		}
		delete(methods, t.name)
	}
	for res := range methods {
		return fmt.Errorf("functions of resource %q, which the interface does not export", res)
	}
	for _, f := range funcs {
		sig, err := d.signature(sc, f.fn, "", false)
		if err != nil {
			return err
		}
		d.printf("%s%s: %s;\n", indent, ident(f.name), sig)
	}
	return d.err
}

// resourceFunc splits a resource function's name: "[constructor]r",
// "[method]r.m", "[static]r.m" (and their "[async …]" forms).
func resourceFunc(name string) (res string, rf resFunc, ok bool) {
	if !strings.HasPrefix(name, "[") {
		return "", rf, false
	}
	end := strings.IndexByte(name, ']')
	if end < 0 {
		return "", rf, false
	}
	kind, rest := strings.TrimPrefix(name[1:end], "async "), name[end+1:]
	if kind == "constructor" {
		return rest, resFunc{kind: kind}, true
	}
	dot := strings.IndexByte(rest, '.')
	if dot < 0 || (kind != "method" && kind != "static") {
		return "", rf, false
	}
	return rest[:dot], resFunc{kind: kind, name: rest[dot+1:]}, true
}

// typeDecl writes a named type of an interface or world.
func (d *decoder) typeDecl(sc *scope, name string, e *entry, owner, indent string, methods []resFunc) error {
	if e.res {
		if len(methods) == 0 {
			d.printf("%sresource %s;\n", indent, ident(name))
			return d.err
		}
		d.printf("%sresource %s {\n", indent, ident(name))
		for _, m := range methods {
			var err error
			switch m.kind {
			case "constructor":
				err = d.constructor(sc, e, m.fn, indent+"  ")
			case "method":
				var sig string
				sig, err = d.signature(sc, m.fn, "", true)
				d.printf("%s  %s: %s;\n", indent, ident(m.name), sig)
			case "static":
				var sig string
				sig, err = d.signature(sc, m.fn, "static ", false)
				d.printf("%s  %s: %s;\n", indent, ident(m.name), sig)
			}
			if err != nil {
				return err
			}
		}
		d.printf("%s}\n", indent)
		return d.err
	}
	if len(methods) > 0 {
		return fmt.Errorf("functions of %q, which is not a resource", name)
	}
	t := e.alias
	if t.name != "" {
		if t.owner != "" && t.owner != owner {
			as := ""
			if t.name != name {
				as = " as " + ident(name)
			}
			d.printf("%suse %s.{%s%s};\n", indent, d.ref(t.owner), ident(t.name), as)
			return d.err
		}
		d.printf("%stype %s = %s;\n", indent, ident(name), ident(t.name))
		return d.err
	}
	if t.def == nil {
		return fmt.Errorf("type %q refers to nothing", name)
	}
	def := t.def
	switch def.Kind {
	case wasmbin.TypeRecord:
		d.printf("%srecord %s {\n", indent, ident(name))
		for _, f := range def.Fields {
			s, err := d.valType(t.sc, f.Type, 0)
			if err != nil {
				return err
			}
			d.printf("%s  %s: %s,\n", indent, ident(f.Name), s)
		}
		d.printf("%s}\n", indent)
	case wasmbin.TypeVariant:
		d.printf("%svariant %s {\n", indent, ident(name))
		for _, c := range def.Cases {
			payload := ""
			if c.Type != nil {
				s, err := d.valType(t.sc, *c.Type, 0)
				if err != nil {
					return err
				}
				payload = "(" + s + ")"
			}
			d.printf("%s  %s%s,\n", indent, ident(c.Name), payload)
		}
		d.printf("%s}\n", indent)
	case wasmbin.TypeEnum, wasmbin.TypeFlags:
		kw := "enum"
		if def.Kind == wasmbin.TypeFlags {
			kw = "flags"
		}
		d.printf("%s%s %s {\n", indent, kw, ident(name))
		for _, l := range def.Labels {
			d.printf("%s  %s,\n", indent, ident(l))
		}
		d.printf("%s}\n", indent)
	default:
		s, err := d.defType(t.sc, def, 0)
		if err != nil {
			return err
		}
		d.printf("%stype %s = %s;\n", indent, ident(name), s)
	}
	return d.err
}

// constructor writes a resource constructor; its result is the resource
// itself (left out) or a result whose ok type is the resource.
func (d *decoder) constructor(sc *scope, res *entry, fn *wasmbin.Type, indent string) error {
	params, err := d.params(sc, fn.Params, false)
	if err != nil {
		return err
	}
	ret := ""
	if fn.Result != nil {
		if t, ok := d.handleOf(sc, *fn.Result, wasmbin.TypeOwn); !ok || resource(t) != resource(res) {
			s, err := d.valType(sc, *fn.Result, 0)
			if err != nil {
				return err
			}
			ret = " -> " + s
		}
	}
	d.printf("%sconstructor(%s)%s;\n", indent, params, ret)
	return d.err
}

// resource returns the abstract resource e is or re-exports, or nil.
func resource(e *entry) *entry {
	for ; e != nil; e = e.alias {
		if e.res {
			return e
		}
	}
	return nil
}

// handleOf reports the resource vt is a handle of the given kind to.
func (d *decoder) handleOf(sc *scope, vt wasmbin.ValType, kind byte) (*entry, bool) {
	if vt.Prim != 0 {
		return nil, false
	}
	e, err := sc.typ(vt.Index)
	if err != nil || e.def == nil || e.def.Kind != kind {
		return nil, false
	}
	r, err := e.sc.typ(e.def.Index)
	return r, err == nil
}

// signature writes a function type; method drops the self parameter.
func (d *decoder) signature(sc *scope, fn *wasmbin.Type, prefix string, method bool) (string, error) {
	params, err := d.params(sc, fn.Params, method)
	if err != nil {
		return "", err
	}
	var b strings.Builder
	b.WriteString(prefix)
	if fn.Kind == wasmbin.TypeAsyncFunc {
		b.WriteString("async ")
	}
	b.WriteString("func(" + params + ")")
	if fn.Result != nil {
		s, err := d.valType(sc, *fn.Result, 0)
		if err != nil {
			return "", err
		}
		b.WriteString(" -> " + s)
	}
	return b.String(), nil
}

func (d *decoder) params(sc *scope, ps []wasmbin.Field, method bool) (string, error) {
	if method {
		if len(ps) == 0 {
			return "", fmt.Errorf("method without a self parameter")
		}
		ps = ps[1:]
	}
	parts := make([]string, 0, len(ps))
	for _, p := range ps {
		s, err := d.valType(sc, p.Type, 0)
		if err != nil {
			return "", err
		}
		parts = append(parts, ident(p.Name)+": "+s)
	}
	return strings.Join(parts, ", "), nil
}

var prims = map[byte]string{
	wasmbin.PrimBool: "bool", wasmbin.PrimS8: "s8", wasmbin.PrimU8: "u8", wasmbin.PrimS16: "s16",
	wasmbin.PrimU16: "u16", wasmbin.PrimS32: "s32", wasmbin.PrimU32: "u32", wasmbin.PrimS64: "s64",
	wasmbin.PrimU64: "u64", wasmbin.PrimF32: "f32", wasmbin.PrimF64: "f64", wasmbin.PrimChar: "char",
	wasmbin.PrimString: "string", wasmbin.PrimErrorContext: "error-context",
}

// valType writes a reference to a value type: a primitive, a named type,
// or an anonymous type inline.
func (d *decoder) valType(sc *scope, vt wasmbin.ValType, depth int) (string, error) {
	if vt.Prim != 0 {
		if s, ok := prims[vt.Prim]; ok {
			return s, nil
		}
		return "", fmt.Errorf("unknown primitive type %#x", vt.Prim)
	}
	e, err := sc.typ(vt.Index)
	if err != nil {
		return "", err
	}
	if e.name != "" {
		return ident(e.name), nil
	}
	if e.def == nil {
		return "", fmt.Errorf("type %d is not a value type", vt.Index)
	}
	return d.defType(e.sc, e.def, depth)
}

// defType writes an anonymous type definition. Every byte it builds counts
// against MaxText (inline text of a shared type is built once per use), so
// the work stays linear in MaxText however the types are shared.
func (d *decoder) defType(sc *scope, t *wasmbin.Type, depth int) (string, error) {
	if depth >= MaxDepth {
		return "", fmt.Errorf("types nested deeper than %d", MaxDepth)
	}
	s, err := d.defTypeText(sc, t, depth)
	if err != nil {
		return "", err
	}
	if d.inline += len(s); d.inline > MaxText {
		return "", errTooLarge
	}
	return s, nil
}

func (d *decoder) defTypeText(sc *scope, t *wasmbin.Type, depth int) (string, error) {
	sub := func(vt wasmbin.ValType) (string, error) { return d.valType(sc, vt, depth+1) }
	if s, ok := prims[t.Kind]; ok {
		return s, nil
	}
	switch t.Kind {
	case wasmbin.TypeList, wasmbin.TypeOption:
		s, err := sub(t.Elem)
		if t.Kind == wasmbin.TypeOption {
			return "option<" + s + ">", err
		}
		return "list<" + s + ">", err
	case wasmbin.TypeFixedList:
		s, err := sub(t.Elem)
		return fmt.Sprintf("list<%s, %d>", s, t.Len), err
	case wasmbin.TypeTuple:
		parts := make([]string, len(t.Elems))
		for i, el := range t.Elems {
			s, err := sub(el)
			if err != nil {
				return "", err
			}
			parts[i] = s
		}
		return "tuple<" + strings.Join(parts, ", ") + ">", nil
	case wasmbin.TypeMap:
		k, err := sub(t.Elem)
		if err != nil {
			return "", err
		}
		v, err := sub(t.Value)
		return "map<" + k + ", " + v + ">", err
	case wasmbin.TypeResult:
		ok, errS := "_", ""
		var err error
		if t.Ok != nil {
			if ok, err = sub(*t.Ok); err != nil {
				return "", err
			}
		}
		if t.Err != nil {
			if errS, err = sub(*t.Err); err != nil {
				return "", err
			}
		}
		switch {
		case t.Ok == nil && t.Err == nil:
			return "result", nil
		case t.Err == nil:
			return "result<" + ok + ">", nil
		}
		return "result<" + ok + ", " + errS + ">", nil
	case wasmbin.TypeStream, wasmbin.TypeFuture:
		kw := "stream"
		if t.Kind == wasmbin.TypeFuture {
			kw = "future"
		}
		if t.Ok == nil {
			return kw, nil
		}
		s, err := sub(*t.Ok)
		return kw + "<" + s + ">", err
	case wasmbin.TypeOwn, wasmbin.TypeBorrow:
		r, err := sc.typ(t.Index)
		if err != nil {
			return "", err
		}
		if resource(r) == nil || r.name == "" {
			return "", fmt.Errorf("handle to a type that is not a resource")
		}
		if t.Kind == wasmbin.TypeBorrow {
			return "borrow<" + ident(r.name) + ">", nil
		}
		return ident(r.name), nil
	}
	return "", fmt.Errorf("type kind %#x cannot be written inline", t.Kind)
}

// ref writes a reference to an interface by its full name: a bare name in
// this package, the full name otherwise.
func (d *decoder) ref(full string) string {
	pkg, item, version, ok := splitName(full)
	if ok && pkg+version == d.cur {
		return ident(item)
	}
	return full
}

// world writes the body of a world from its component type.
func (d *decoder) world(parent *scope, body *wasmbin.Type) error {
	sc := &scope{parent: parent}
	for i := range body.Decls {
		decl := &body.Decls[i]
		var kw string
		switch decl.Kind {
		case wasmbin.DeclImport:
			kw = "import"
		case wasmbin.DeclExport:
			kw = "export"
		default:
			if err := d.decl(sc, decl, ""); err != nil {
				return err
			}
			continue
		}
		name := decl.Name.Name
		switch decl.Extern.Kind {
		case wasmbin.ExternTypeInstance:
			inst, err := d.localType(sc, decl.Extern.Index)
			if err != nil {
				return err
			}
			if inst.Kind != wasmbin.TypeInstance {
				return fmt.Errorf("%s %q: not an instance type", kw, name)
			}
			if _, _, _, ok := splitName(name); ok {
				d.printf("  %s %s;\n", kw, d.ref(name))
				if kw == "import" {
					types, err := d.instanceTypes(sc, inst, name)
					if err != nil {
						return err
					}
					sc.instances = append(sc.instances, types)
				}
				continue
			}
			d.printf("  %s %s: interface {\n", kw, ident(name))
			if err := d.iface(sc, inst, name, "    "); err != nil {
				return err
			}
			d.printf("  }\n")
			if kw == "import" {
				sc.instances = append(sc.instances, &instEntry{name: name, types: map[string]*entry{}})
			}
		case wasmbin.ExternTypeFunc:
			fn, err := d.localType(sc, decl.Extern.Index)
			if err != nil {
				return err
			}
			if fn.Kind != wasmbin.TypeFunc && fn.Kind != wasmbin.TypeAsyncFunc {
				return fmt.Errorf("%s %q: not a function type", kw, name)
			}
			if strings.HasPrefix(name, "[") {
				return fmt.Errorf("%s %q: resources defined in a world are not supported", kw, name)
			}
			sig, err := d.signature(sc, fn, "", false)
			if err != nil {
				return err
			}
			d.printf("  %s %s: %s;\n", kw, ident(name), sig)
		case wasmbin.ExternTypeType:
			e, err := exportedType(sc, decl, "")
			if err != nil {
				return err
			}
			sc.types = append(sc.types, e)
			if err := d.typeDecl(sc, name, e, "", "  ", nil); err != nil {
				return err
			}
		default:
			return fmt.Errorf("%s %q: not part of a WIT world", kw, name)
		}
	}
	return d.err
}
