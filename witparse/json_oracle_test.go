package witparse

// The JSON encoder as it was written first, on encoding/json: the oracle
// for the streaming one.

import (
	"bytes"
	"encoding/json"
)

// object is a JSON object that keeps its keys in order.
type object []member

type member struct {
	key string
	val any
}

func (o object) MarshalJSON() ([]byte, error) {
	var b bytes.Buffer
	b.WriteByte('{')
	for i, m := range o {
		if i > 0 {
			b.WriteByte(',')
		}
		k, _ := json.Marshal(m.key)
		b.Write(k)
		b.WriteByte(':')
		v, err := json.Marshal(m.val)
		if err != nil {
			return nil, err
		}
		b.Write(v)
	}
	b.WriteByte('}')
	return b.Bytes(), nil
}

func (o *object) add(key string, val any) { *o = append(*o, member{key, val}) }

// EncodeJSON prints r in the JSON form of `wasm-tools component wit -j`:
// worlds, interfaces, types and packages arrays, items referring to each
// other by index.
func oracleJSON(r *Resolve) ([]byte, error) {
	worlds := make([]any, len(r.Worlds))
	for i, w := range r.Worlds {
		worlds[i] = oracleworldJSON(w)
	}
	ifaces := make([]any, len(r.Interfaces))
	for i, iface := range r.Interfaces {
		ifaces[i] = oracleinterfaceJSON(iface)
	}
	types := make([]any, len(r.Types))
	for i, t := range r.Types {
		types[i] = oracletypeDefJSON(t)
	}
	pkgs := make([]any, len(r.Packages))
	for i, p := range r.Packages {
		o := object{{"name", p.Name.String()}}
		if p.Docs != "" {
			o.add("docs", object{{"contents", p.Docs}})
		}
		o.add("interfaces", oraclenamedIDs(p.Interfaces))
		o.add("worlds", oraclenamedIDs(p.Worlds))
		pkgs[i] = o
	}
	top := object{{"worlds", worlds}, {"interfaces", ifaces}, {"types", types}, {"packages", pkgs}}
	out, err := json.MarshalIndent(top, "", "  ")
	if err != nil {
		return nil, err
	}
	return append(out, '\n'), nil
}

func oraclenamedIDs[T ~int](items []Named[T]) object {
	o := object{}
	for _, it := range items {
		o.add(it.Name, int(it.ID))
	}
	return o
}

func oracleaddDocsStability(o *object, docs string, s Stability) {
	if docs != "" {
		o.add("docs", object{{"contents", docs}})
	}
	if !s.IsZero() {
		o.add("stability", oraclestabilityJSON(s))
	}
}

func oraclestabilityJSON(s Stability) any {
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

func oracleworldJSON(w *World) any {
	o := object{{"name", w.Name}, {"imports", oracleentriesJSON(w.Imports)}, {"exports", oracleentriesJSON(w.Exports)}}
	if w.Package != nil {
		o.add("package", int(*w.Package))
	}
	oracleaddDocsStability(&o, w.Docs, w.Stability)
	return o
}

func oracleentriesJSON(entries []WorldEntry) object {
	o := object{}
	for _, e := range entries {
		var item any
		switch e.Item.Kind {
		case ItemInterface:
			inner := object{{"id", int(e.Item.Interface)}}
			if !e.Item.Stability.IsZero() {
				inner.add("stability", oraclestabilityJSON(e.Item.Stability))
			}
			if e.Item.Docs != "" {
				inner.add("docs", object{{"contents", e.Item.Docs}})
			}
			item = object{{"interface", inner}}
		case ItemFunction:
			item = object{{"function", oraclefunctionJSON(e.Item.Function)}}
		case ItemType:
			item = object{{"type", int(e.Item.Type)}}
		}
		o.add(e.key(), item)
	}
	return o
}

func oracleinterfaceJSON(iface *Interface) any {
	var name any
	if iface.Name != "" {
		name = iface.Name
	}
	o := object{{"name", name}, {"types", oraclenamedIDs(iface.Types)}}
	fns := object{}
	for _, f := range iface.Functions {
		fns.add(f.Name, oraclefunctionJSON(f))
	}
	o.add("functions", fns)
	oracleaddDocsStability(&o, iface.Docs, iface.Stability)
	if iface.Package != nil {
		o.add("package", int(*iface.Package))
	}
	return o
}

func oraclefunctionJSON(f *Function) any {
	var kind any = functionKinds[f.Kind]
	if f.Kind != Freestanding && f.Kind != AsyncFreestanding {
		kind = object{{functionKinds[f.Kind], int(f.Resource)}}
	}
	params := make([]any, len(f.Params))
	for i, p := range f.Params {
		params[i] = object{{"name", p.Name}, {"type", oracletypeJSON(p.Type)}}
	}
	o := object{{"name", f.Name}, {"kind", kind}, {"params", params}}
	if f.Result != nil {
		o.add("result", oracletypeJSON(*f.Result))
	}
	oracleaddDocsStability(&o, f.Docs, f.Stability)
	return o
}

func oracletypeJSON(t Type) any {
	if t.IsPrim() {
		return t.Prim
	}
	return int(t.ID)
}

func oracleoptTypeJSON(t *Type) any {
	if t == nil {
		return nil
	}
	return oracletypeJSON(*t)
}

func oracletypeDefJSON(t *TypeDef) any {
	var name any
	if t.Name != "" {
		name = t.Name
	}
	var kind any
	switch t.Kind {
	case KindRecord:
		fields := make([]any, len(t.Fields))
		for i, f := range t.Fields {
			fo := object{{"name", f.Name}, {"type", oracletypeJSON(f.Type)}}
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
		kind = object{{"flags", object{{"flags", oraclelabelsJSON(t.Labels)}}}}
	case KindEnum:
		kind = object{{"enum", object{{"cases", oraclelabelsJSON(t.Labels)}}}}
	case KindTuple:
		types := make([]any, len(t.Types))
		for i, e := range t.Types {
			types[i] = oracletypeJSON(e)
		}
		kind = object{{"tuple", object{{"types", types}}}}
	case KindVariant:
		cases := make([]any, len(t.Cases))
		for i, c := range t.Cases {
			co := object{{"name", c.Name}, {"type", oracleoptTypeJSON(c.Type)}}
			if c.Docs != "" {
				co.add("docs", object{{"contents", c.Docs}})
			}
			cases[i] = co
		}
		kind = object{{"variant", object{{"cases", cases}}}}
	case KindOption:
		kind = object{{"option", oracletypeJSON(t.Elem)}}
	case KindResult:
		kind = object{{"result", object{{"ok", oracleoptTypeJSON(t.Ok)}, {"err", oracleoptTypeJSON(t.Err)}}}}
	case KindList:
		kind = object{{"list", oracletypeJSON(t.Elem)}}
	case KindFixedList:
		kind = object{{"fixed-length-list", []any{oracletypeJSON(t.Elem), t.Len}}}
	case KindMap:
		kind = object{{"map", []any{oracletypeJSON(t.Elem), oracletypeJSON(t.Value)}}}
	case KindFuture, KindStream:
		var elem any
		if t.HasElem {
			elem = oracletypeJSON(t.Elem)
		}
		k := "future"
		if t.Kind == KindStream {
			k = "stream"
		}
		kind = object{{k, elem}}
	case KindAlias:
		kind = object{{"type", oracletypeJSON(t.Elem)}}
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
	oracleaddDocsStability(&o, t.Docs, t.Stability)
	return o
}

func oraclelabelsJSON(labels []Label) []any {
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

// key returns the entry's key as wasm-tools prints it.
func (e WorldEntry) key() string {
	if e.Name != "" {
		return e.Name
	}
	return "interface-" + itoa(int(e.Item.Interface))
}
