package witparse

import "strconv"

func itoa(n int) string { return strconv.Itoa(n) }

// EncodeJSON prints r in the JSON form of `wasm-tools component wit -j`:
// worlds, interfaces, types and packages arrays, items referring to each
// other by index. The layout is encoding/json's MarshalIndent with a
// two-space indent.
func EncodeJSON(r *Resolve) ([]byte, error) {
	w := &jsonWriter{buf: make([]byte, 0, jsonSize(r))}
	w.open('{')
	w.key("worlds")
	w.open('[')
	for _, wd := range r.Worlds {
		w.elem()
		w.world(wd)
	}
	w.close(']')
	w.key("interfaces")
	w.open('[')
	for _, iface := range r.Interfaces {
		w.elem()
		w.iface(iface)
	}
	w.close(']')
	w.key("types")
	w.open('[')
	for _, t := range r.Types {
		w.elem()
		w.typeDef(t)
	}
	w.close(']')
	w.key("packages")
	w.open('[')
	for _, p := range r.Packages {
		w.elem()
		w.open('{')
		w.key("name")
		w.str(p.Name.String())
		if p.Docs != "" {
			w.docs(p.Docs)
		}
		w.key("interfaces")
		namedIDs(w, p.Interfaces)
		w.key("worlds")
		namedIDs(w, p.Worlds)
		w.close('}')
	}
	w.close(']')
	w.close('}')
	return append(w.buf, '\n'), nil
}

// jsonSize estimates the size of r's JSON from above, so the output is one
// allocation of about its length: a fixed share per item for the keys,
// punctuation and indentation, plus the strings it carries. (An estimate
// that falls short only costs the buffer a regrowth.)
func jsonSize(r *Resolve) int {
	n := 256
	fn := func(f *Function) int {
		m := 130 + 2*len(f.Name) + docsSize(f.Docs) + stabilitySize(f.Stability)
		for _, p := range f.Params {
			m += 80 + len(p.Name)
		}
		return m
	}
	for _, t := range r.Types {
		n += 140 + len(t.Name) + docsSize(t.Docs) + stabilitySize(t.Stability) + 24*len(t.Types)
		for _, f := range t.Fields {
			n += 80 + len(f.Name) + docsSize(f.Docs)
		}
		for _, c := range t.Cases {
			n += 80 + len(c.Name) + docsSize(c.Docs)
		}
		for _, l := range t.Labels {
			n += 50 + len(l.Name) + docsSize(l.Docs)
		}
	}
	for _, iface := range r.Interfaces {
		n += 140 + len(iface.Name) + docsSize(iface.Docs) + stabilitySize(iface.Stability)
		for _, t := range iface.Types {
			n += 24 + len(t.Name)
		}
		for _, f := range iface.Functions {
			n += fn(f)
		}
	}
	for _, wd := range r.Worlds {
		n += 140 + len(wd.Name) + docsSize(wd.Docs) + stabilitySize(wd.Stability)
		for _, es := range [2][]WorldEntry{wd.Imports, wd.Exports} {
			for _, e := range es {
				n += 120 + len(e.Name) + docsSize(e.Item.Docs) + stabilitySize(e.Item.Stability)
				if e.Item.Function != nil {
					n += fn(e.Item.Function)
				}
			}
		}
	}
	for _, p := range r.Packages {
		n += 100 + len(p.Name.Namespace) + len(p.Name.Name) + len(p.Name.Version) + docsSize(p.Docs)
		for _, it := range p.Interfaces {
			n += 24 + len(it.Name)
		}
		for _, it := range p.Worlds {
			n += 24 + len(it.Name)
		}
	}
	return n
}

// docsSize is room for a `"docs": {"contents": ...}` member: line breaks
// and quotes are escaped, so a little more than the text.
func docsSize(docs string) int {
	if docs == "" {
		return 0
	}
	return 90 + len(docs) + len(docs)/4
}

// stabilitySize is room for a `"stability"` member.
func stabilitySize(s Stability) int {
	if s.IsZero() {
		return 0
	}
	return 120 + len(s.Since) + len(s.Feature) + len(s.Deprecated)
}

func namedIDs[T ~int](w *jsonWriter, items []Named[T]) {
	w.open('{')
	for _, it := range items {
		w.key(it.Name)
		w.int(int(it.ID))
	}
	w.close('}')
}

func (w *jsonWriter) docs(docs string) {
	w.key("docs")
	w.open('{')
	w.key("contents")
	w.str(docs)
	w.close('}')
}

func (w *jsonWriter) docsStability(docs string, s Stability) {
	if docs != "" {
		w.docs(docs)
	}
	if !s.IsZero() {
		w.key("stability")
		w.stability(s)
	}
}

func (w *jsonWriter) stability(s Stability) {
	w.open('{')
	if s.Feature != "" {
		w.key("unstable")
		w.open('{')
		w.key("feature")
		w.str(s.Feature)
	} else {
		w.key("stable")
		w.open('{')
		w.key("since")
		w.str(s.Since)
	}
	if s.Deprecated != "" {
		w.key("deprecated")
		w.str(s.Deprecated)
	}
	w.close('}')
	w.close('}')
}

func (w *jsonWriter) world(wd *World) {
	w.open('{')
	w.key("name")
	w.str(wd.Name)
	w.key("imports")
	w.entries(wd.Imports)
	w.key("exports")
	w.entries(wd.Exports)
	if wd.Package != nil {
		w.key("package")
		w.int(int(*wd.Package))
	}
	w.docsStability(wd.Docs, wd.Stability)
	w.close('}')
}

func (w *jsonWriter) entries(entries []WorldEntry) {
	w.open('{')
	for _, e := range entries {
		if e.Name != "" {
			w.key(e.Name)
		} else {
			w.keyInterface(int(e.Item.Interface))
		}
		w.open('{')
		switch e.Item.Kind {
		case ItemInterface:
			w.key("interface")
			w.open('{')
			w.key("id")
			w.int(int(e.Item.Interface))
			if !e.Item.Stability.IsZero() {
				w.key("stability")
				w.stability(e.Item.Stability)
			}
			if e.Item.Docs != "" {
				w.docs(e.Item.Docs)
			}
			w.close('}')
		case ItemFunction:
			w.key("function")
			w.function(e.Item.Function)
		case ItemType:
			w.key("type")
			w.int(int(e.Item.Type))
		}
		w.close('}')
	}
	w.close('}')
}

func (w *jsonWriter) iface(iface *Interface) {
	w.open('{')
	w.key("name")
	if iface.Name != "" {
		w.str(iface.Name)
	} else {
		w.null()
	}
	w.key("types")
	namedIDs(w, iface.Types)
	w.key("functions")
	w.open('{')
	for _, f := range iface.Functions {
		w.key(f.Name)
		w.function(f)
	}
	w.close('}')
	w.docsStability(iface.Docs, iface.Stability)
	if iface.Package != nil {
		w.key("package")
		w.int(int(*iface.Package))
	}
	w.close('}')
}

var functionKinds = map[FunctionKind]string{
	Freestanding: "freestanding", Method: "method", Static: "static", Constructor: "constructor",
	AsyncFreestanding: "async-freestanding", AsyncMethod: "async-method", AsyncStatic: "async-static",
}

func (w *jsonWriter) function(f *Function) {
	w.open('{')
	w.key("name")
	w.str(f.Name)
	w.key("kind")
	if f.Kind != Freestanding && f.Kind != AsyncFreestanding {
		w.open('{')
		w.key(functionKinds[f.Kind])
		w.int(int(f.Resource))
		w.close('}')
	} else {
		w.str(functionKinds[f.Kind])
	}
	w.key("params")
	w.open('[')
	for _, p := range f.Params {
		w.elem()
		w.open('{')
		w.key("name")
		w.str(p.Name)
		w.key("type")
		w.typ(p.Type)
		w.close('}')
	}
	w.close(']')
	if f.Result != nil {
		w.key("result")
		w.typ(*f.Result)
	}
	w.docsStability(f.Docs, f.Stability)
	w.close('}')
}

func (w *jsonWriter) typ(t Type) {
	if t.IsPrim() {
		w.str(t.Prim)
	} else {
		w.int(int(t.ID))
	}
}

func (w *jsonWriter) optType(t *Type) {
	if t == nil {
		w.null()
	} else {
		w.typ(*t)
	}
}

// kind opens `{"name": {` and returns after the inner '{'.
func (w *jsonWriter) kind(name string) {
	w.open('{')
	w.key(name)
	w.open('{')
}

func (w *jsonWriter) typeDef(t *TypeDef) {
	w.open('{')
	w.key("name")
	if t.Name != "" {
		w.str(t.Name)
	} else {
		w.null()
	}
	w.key("kind")
	switch t.Kind {
	case KindRecord:
		w.kind("record")
		w.key("fields")
		w.open('[')
		for _, f := range t.Fields {
			w.elem()
			w.open('{')
			w.key("name")
			w.str(f.Name)
			w.key("type")
			w.typ(f.Type)
			if f.Docs != "" {
				w.docs(f.Docs)
			}
			w.close('}')
		}
		w.close(']')
		w.close('}')
		w.close('}')
	case KindResource:
		w.str("resource")
	case KindHandle:
		which := "own"
		if t.Borrow {
			which = "borrow"
		}
		w.kind("handle")
		w.key(which)
		w.int(int(t.Resource))
		w.close('}')
		w.close('}')
	case KindFlags:
		w.kind("flags")
		w.key("flags")
		w.labels(t.Labels)
		w.close('}')
		w.close('}')
	case KindEnum:
		w.kind("enum")
		w.key("cases")
		w.labels(t.Labels)
		w.close('}')
		w.close('}')
	case KindTuple:
		w.kind("tuple")
		w.key("types")
		w.open('[')
		for _, e := range t.Types {
			w.elem()
			w.typ(e)
		}
		w.close(']')
		w.close('}')
		w.close('}')
	case KindVariant:
		w.kind("variant")
		w.key("cases")
		w.open('[')
		for _, c := range t.Cases {
			w.elem()
			w.open('{')
			w.key("name")
			w.str(c.Name)
			w.key("type")
			w.optType(c.Type)
			if c.Docs != "" {
				w.docs(c.Docs)
			}
			w.close('}')
		}
		w.close(']')
		w.close('}')
		w.close('}')
	case KindOption, KindList, KindAlias:
		w.open('{')
		switch t.Kind {
		case KindOption:
			w.key("option")
		case KindList:
			w.key("list")
		default:
			w.key("type")
		}
		w.typ(t.Elem)
		w.close('}')
	case KindResult:
		w.kind("result")
		w.key("ok")
		w.optType(t.Ok)
		w.key("err")
		w.optType(t.Err)
		w.close('}')
		w.close('}')
	case KindFixedList, KindMap:
		w.open('{')
		if t.Kind == KindMap {
			w.key("map")
		} else {
			w.key("fixed-length-list")
		}
		w.open('[')
		w.elem()
		w.typ(t.Elem)
		w.elem()
		if t.Kind == KindMap {
			w.typ(t.Value)
		} else {
			w.buf = strconv.AppendUint(w.buf, uint64(t.Len), 10)
		}
		w.close(']')
		w.close('}')
	case KindFuture, KindStream:
		w.open('{')
		if t.Kind == KindStream {
			w.key("stream")
		} else {
			w.key("future")
		}
		if t.HasElem {
			w.typ(t.Elem)
		} else {
			w.null()
		}
		w.close('}')
	default:
		w.null()
	}
	w.key("owner")
	switch {
	case t.OwnerInterface != nil:
		w.open('{')
		w.key("interface")
		w.int(int(*t.OwnerInterface))
		w.close('}')
	case t.OwnerWorld != nil:
		w.open('{')
		w.key("world")
		w.int(int(*t.OwnerWorld))
		w.close('}')
	default:
		w.null()
	}
	w.docsStability(t.Docs, t.Stability)
	w.close('}')
}

func (w *jsonWriter) labels(labels []Label) {
	w.open('[')
	for _, l := range labels {
		w.elem()
		w.open('{')
		w.key("name")
		w.str(l.Name)
		if l.Docs != "" {
			w.docs(l.Docs)
		}
		w.close('}')
	}
	w.close(']')
}
