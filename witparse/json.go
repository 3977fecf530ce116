package witparse

import "strconv"

func itoa(n int) string { return strconv.Itoa(n) }

// object is a JSON object that keeps its keys in order.
type object []member

type member struct {
	key string
	val any
}

func (o *object) add(key string, val any) { *o = append(*o, member{key, val}) }

// EncodeJSON prints r in the JSON form of `wasm-tools component wit -j`:
// worlds, interfaces, types and packages arrays, items referring to each
// other by index.
func EncodeJSON(r *Resolve) ([]byte, error) {
	w := jsonWriter{buf: make([]byte, 0, 64<<10)}
	w.value(jsonTree(r), 0)
	return append(w.buf, '\n'), nil
}

// jsonTree builds the JSON document of r.
func jsonTree(r *Resolve) object {
	worlds := make([]any, len(r.Worlds))
	for i, w := range r.Worlds {
		worlds[i] = worldJSON(w)
	}
	ifaces := make([]any, len(r.Interfaces))
	for i, iface := range r.Interfaces {
		ifaces[i] = interfaceJSON(iface)
	}
	types := make([]any, len(r.Types))
	for i, t := range r.Types {
		types[i] = typeDefJSON(t)
	}
	pkgs := make([]any, len(r.Packages))
	for i, p := range r.Packages {
		o := object{{"name", p.Name.String()}}
		if p.Docs != "" {
			o.add("docs", object{{"contents", p.Docs}})
		}
		o.add("interfaces", namedIDs(p.Interfaces))
		o.add("worlds", namedIDs(p.Worlds))
		pkgs[i] = o
	}
	return object{{"worlds", worlds}, {"interfaces", ifaces}, {"types", types}, {"packages", pkgs}}
}

func namedIDs[T ~int](items []Named[T]) object {
	o := object{}
	for _, it := range items {
		o.add(it.Name, int(it.ID))
	}
	return o
}

func addDocsStability(o *object, docs string, s Stability) {
	if docs != "" {
		o.add("docs", object{{"contents", docs}})
	}
	if !s.IsZero() {
		o.add("stability", stabilityJSON(s))
	}
}

func stabilityJSON(s Stability) any {
	var inner object
	kind := "stable"
	if s.Feature != "" {
		kind = "unstable"
		inner.add("feature", s.Feature)
	} else {
		inner.add("since", s.Since)
	}
	if s.Deprecated != "" {
		inner.add("deprecated", s.Deprecated)
	}
	return object{{kind, inner}}
}

func worldJSON(w *World) any {
	o := object{{"name", w.Name}, {"imports", entriesJSON(w.Imports)}, {"exports", entriesJSON(w.Exports)}}
	if w.Package != nil {
		o.add("package", int(*w.Package))
	}
	addDocsStability(&o, w.Docs, w.Stability)
	return o
}

func entriesJSON(entries []WorldEntry) object {
	o := object{}
	for _, e := range entries {
		var item any
		switch e.Item.Kind {
		case ItemInterface:
			inner := object{{"id", int(e.Item.Interface)}}
			if !e.Item.Stability.IsZero() {
				inner.add("stability", stabilityJSON(e.Item.Stability))
			}
			item = object{{"interface", inner}}
		case ItemFunction:
			item = object{{"function", functionJSON(e.Item.Function)}}
		case ItemType:
			item = object{{"type", int(e.Item.Type)}}
		}
		o.add(e.key(), item)
	}
	return o
}

func interfaceJSON(iface *Interface) any {
	var name any
	if iface.Name != "" {
		name = iface.Name
	}
	o := object{{"name", name}, {"types", namedIDs(iface.Types)}}
	fns := object{}
	for _, f := range iface.Functions {
		fns.add(f.Name, functionJSON(f))
	}
	o.add("functions", fns)
	addDocsStability(&o, iface.Docs, iface.Stability)
	if iface.Package != nil {
		o.add("package", int(*iface.Package))
	}
	return o
}

var functionKinds = map[FunctionKind]string{
	Freestanding: "freestanding", Method: "method", Static: "static", Constructor: "constructor",
	AsyncFreestanding: "async-freestanding", AsyncMethod: "async-method", AsyncStatic: "async-static",
}

func functionJSON(f *Function) any {
	var kind any = functionKinds[f.Kind]
	if f.Kind != Freestanding && f.Kind != AsyncFreestanding {
		kind = object{{functionKinds[f.Kind], int(f.Resource)}}
	}
	params := make([]any, len(f.Params))
	for i, p := range f.Params {
		params[i] = object{{"name", p.Name}, {"type", typeJSON(p.Type)}}
	}
	o := object{{"name", f.Name}, {"kind", kind}, {"params", params}}
	if f.Result != nil {
		o.add("result", typeJSON(*f.Result))
	}
	addDocsStability(&o, f.Docs, f.Stability)
	return o
}

func typeJSON(t Type) any {
	if t.IsPrim() {
		return t.Prim
	}
	return int(t.ID)
}

func optTypeJSON(t *Type) any {
	if t == nil {
		return nil
	}
	return typeJSON(*t)
}

func typeDefJSON(t *TypeDef) any {
	var name any
	if t.Name != "" {
		name = t.Name
	}
	var kind any
	switch t.Kind {
	case KindRecord:
		fields := make([]any, len(t.Fields))
		for i, f := range t.Fields {
			fo := object{{"name", f.Name}, {"type", typeJSON(f.Type)}}
			if f.Docs != "" {
				fo.add("docs", object{{"contents", f.Docs}})
			}
			fields[i] = fo
		}
		kind = object{{"record", object{{"fields", fields}}}}
	case KindResource:
		kind = "resource"
	case KindHandle:
		which := "own"
		if t.Borrow {
			which = "borrow"
		}
		kind = object{{"handle", object{{which, int(t.Resource)}}}}
	case KindFlags:
		kind = object{{"flags", object{{"flags", labelsJSON(t.Labels)}}}}
	case KindEnum:
		kind = object{{"enum", object{{"cases", labelsJSON(t.Labels)}}}}
	case KindTuple:
		types := make([]any, len(t.Types))
		for i, e := range t.Types {
			types[i] = typeJSON(e)
		}
		kind = object{{"tuple", object{{"types", types}}}}
	case KindVariant:
		cases := make([]any, len(t.Cases))
		for i, c := range t.Cases {
			co := object{{"name", c.Name}, {"type", optTypeJSON(c.Type)}}
			if c.Docs != "" {
				co.add("docs", object{{"contents", c.Docs}})
			}
			cases[i] = co
		}
		kind = object{{"variant", object{{"cases", cases}}}}
	case KindOption:
		kind = object{{"option", typeJSON(t.Elem)}}
	case KindResult:
		kind = object{{"result", object{{"ok", optTypeJSON(t.Ok)}, {"err", optTypeJSON(t.Err)}}}}
	case KindList:
		kind = object{{"list", typeJSON(t.Elem)}}
	case KindFixedList:
		kind = object{{"fixed-length-list", []any{typeJSON(t.Elem), t.Len}}}
	case KindMap:
		kind = object{{"map", []any{typeJSON(t.Elem), typeJSON(t.Value)}}}
	case KindFuture, KindStream:
		var elem any
		if t.HasElem {
			elem = typeJSON(t.Elem)
		}
		k := "future"
		if t.Kind == KindStream {
			k = "stream"
		}
		kind = object{{k, elem}}
	case KindAlias:
		kind = object{{"type", typeJSON(t.Elem)}}
	}
	o := object{{"name", name}, {"kind", kind}}
	switch {
	case t.OwnerInterface != nil:
		o.add("owner", object{{"interface", int(*t.OwnerInterface)}})
	case t.OwnerWorld != nil:
		o.add("owner", object{{"world", int(*t.OwnerWorld)}})
	default:
		o.add("owner", nil)
	}
	addDocsStability(&o, t.Docs, t.Stability)
	return o
}

func labelsJSON(labels []Label) []any {
	out := make([]any, len(labels))
	for i, l := range labels {
		lo := object{{"name", l.Name}}
		if l.Docs != "" {
			lo.add("docs", object{{"contents", l.Docs}})
		}
		out[i] = lo
	}
	return out
}
