package witparse_test

import (
	"encoding/json"
	"fmt"
	"reflect"
	"sort"
	"strconv"
	"strings"
)

// canonical rewrites a Resolve in wasm-tools JSON form so that two resolves
// compare equal when they mean the same thing, whatever order their arenas
// are in: named items are referred to by name, anonymous types are inlined,
// `interface-N` keys name the interface.
type canonical struct {
	doc    map[string]any
	ifaces []any
	types  []any
	worlds []any
	pkgs   []any
	ifaceN []string // identity of each interface
}

func canonicalize(raw []byte) (any, error) {
	var doc map[string]any
	if err := json.Unmarshal(raw, &doc); err != nil {
		return nil, err
	}
	c := &canonical{doc: doc}
	c.ifaces, _ = doc["interfaces"].([]any)
	c.types, _ = doc["types"].([]any)
	c.worlds, _ = doc["worlds"].([]any)
	c.pkgs, _ = doc["packages"].([]any)
	c.ifaceN = make([]string, len(c.ifaces))
	for i, it := range c.ifaces {
		m := it.(map[string]any)
		if name, ok := m["name"].(string); ok {
			c.ifaceN[i] = c.pkgName(m["package"]) + "/" + name
		}
	}
	// Anonymous interfaces are known by the world entry that holds them.
	for _, w := range c.worlds {
		wm := w.(map[string]any)
		for _, dir := range []string{"imports", "exports"} {
			for key, item := range wm[dir].(map[string]any) {
				im := item.(map[string]any)
				if iface, ok := im["interface"].(map[string]any); ok {
					id := toInt(iface["id"])
					if id >= 0 && id < len(c.ifaceN) && c.ifaceN[id] == "" {
						c.ifaceN[id] = fmt.Sprintf("%s/%s %s %s", c.pkgName(wm["package"]), wm["name"], dir, key)
					}
				}
			}
		}
	}
	// Arenas may be ordered differently, but not hold more or fewer items.
	out := map[string]any{"#interfaces": len(c.ifaces), "#worlds": len(c.worlds), "#packages": len(c.pkgs)}
	for _, p := range c.pkgs {
		pm := p.(map[string]any)
		cp := map[string]any{"docs": pm["docs"]}
		ifs := map[string]any{}
		for name, id := range pm["interfaces"].(map[string]any) {
			ifs[name] = c.iface(toInt(id))
		}
		ws := map[string]any{}
		for name, id := range pm["worlds"].(map[string]any) {
			ws[name] = c.world(toInt(id))
		}
		cp["interfaces"], cp["worlds"] = ifs, ws
		out[pm["name"].(string)] = cp
	}
	return out, nil
}

func toInt(v any) int {
	if f, ok := v.(float64); ok {
		return int(f)
	}
	return -1
}

func (c *canonical) pkgName(v any) string {
	i := toInt(v)
	if i < 0 || i >= len(c.pkgs) {
		return "?"
	}
	return c.pkgs[i].(map[string]any)["name"].(string)
}

func (c *canonical) ifaceName(v any) string {
	i := toInt(v)
	if i < 0 || i >= len(c.ifaceN) {
		return "?"
	}
	return c.ifaceN[i]
}

func (c *canonical) iface(id int) any {
	m := c.ifaces[id].(map[string]any)
	types := map[string]any{}
	for name, tid := range m["types"].(map[string]any) {
		types[name] = c.typeDef(toInt(tid), true)
	}
	fns := map[string]any{}
	for name, f := range m["functions"].(map[string]any) {
		fns[name] = c.function(f)
	}
	return map[string]any{"name": m["name"], "docs": m["docs"], "stability": m["stability"],
		"package": c.pkgName(m["package"]), "types": types, "functions": fns}
}

func (c *canonical) world(id int) any {
	m := c.worlds[id].(map[string]any)
	out := map[string]any{"name": m["name"], "docs": m["docs"], "stability": m["stability"], "package": c.pkgName(m["package"])}
	for _, dir := range []string{"imports", "exports"} {
		entries := map[string]any{}
		for key, item := range m[dir].(map[string]any) {
			im := item.(map[string]any)
			if strings.HasPrefix(key, "interface-") {
				n, _ := strconv.Atoi(strings.TrimPrefix(key, "interface-"))
				key = "interface " + c.ifaceName(float64(n))
			}
			switch {
			case im["interface"] != nil:
				iface := im["interface"].(map[string]any)
				entries[key] = map[string]any{"interface": c.ifaceName(iface["id"]), "stability": iface["stability"]}
			case im["function"] != nil:
				entries[key] = map[string]any{"function": c.function(im["function"])}
			case im["type"] != nil:
				entries[key] = map[string]any{"type": c.typeDef(toInt(im["type"]), true)}
			}
		}
		out[dir] = entries
	}
	return out
}

func (c *canonical) function(f any) any {
	m := f.(map[string]any)
	var params []any
	for _, p := range m["params"].([]any) {
		pm := p.(map[string]any)
		params = append(params, map[string]any{"name": pm["name"], "type": c.ref(pm["type"])})
	}
	kind := m["kind"]
	if km, ok := kind.(map[string]any); ok {
		for k, v := range km {
			kind = map[string]any{k: c.ref(v)}
		}
	}
	return map[string]any{"name": m["name"], "kind": kind, "params": params, "result": c.ref(m["result"]),
		"docs": m["docs"], "stability": m["stability"]}
}

// ref is a type reference: primitives as themselves, named types by owner
// and name, anonymous types inlined.
func (c *canonical) ref(v any) any {
	if v == nil {
		return nil
	}
	if s, ok := v.(string); ok {
		return s
	}
	return c.typeDef(toInt(v), false)
}

func (c *canonical) owner(m map[string]any) string {
	o, _ := m["owner"].(map[string]any)
	if i, ok := o["interface"]; ok {
		return c.ifaceName(i)
	}
	if w, ok := o["world"]; ok {
		wm := c.worlds[toInt(w)].(map[string]any)
		return c.pkgName(wm["package"]) + "/world " + wm["name"].(string)
	}
	return ""
}

func (c *canonical) typeDef(id int, definition bool) any {
	if id < 0 || id >= len(c.types) {
		return "?bad type index"
	}
	m := c.types[id].(map[string]any)
	if name, ok := m["name"].(string); ok && !definition {
		return "type " + c.owner(m) + "." + name
	}
	out := map[string]any{"name": m["name"], "owner": c.owner(m), "docs": m["docs"], "stability": m["stability"]}
	kind := m["kind"]
	if km, ok := kind.(map[string]any); ok {
		ck := map[string]any{}
		for k, v := range km {
			ck[k] = c.kind(k, v)
		}
		kind = ck
	}
	out["kind"] = kind
	return out
}

func (c *canonical) kind(k string, v any) any {
	switch k {
	case "record":
		var fields []any
		for _, f := range v.(map[string]any)["fields"].([]any) {
			fm := f.(map[string]any)
			fields = append(fields, map[string]any{"name": fm["name"], "type": c.ref(fm["type"]), "docs": fm["docs"]})
		}
		return fields
	case "variant":
		var cases []any
		for _, f := range v.(map[string]any)["cases"].([]any) {
			fm := f.(map[string]any)
			cases = append(cases, map[string]any{"name": fm["name"], "type": c.ref(fm["type"]), "docs": fm["docs"]})
		}
		return cases
	case "tuple":
		var types []any
		for _, t := range v.(map[string]any)["types"].([]any) {
			types = append(types, c.ref(t))
		}
		return types
	case "handle":
		for hk, hv := range v.(map[string]any) {
			return map[string]any{hk: c.ref(hv)}
		}
	case "result":
		rm := v.(map[string]any)
		return map[string]any{"ok": c.ref(rm["ok"]), "err": c.ref(rm["err"])}
	case "map":
		a := v.([]any)
		return []any{c.ref(a[0]), c.ref(a[1])}
	case "fixed-length-list":
		a := v.([]any)
		return []any{c.ref(a[0]), a[1]}
	case "enum", "flags":
		return v
	}
	return c.ref(v)
}

// firstDiff describes where two canonical values first differ.
func firstDiff(path string, a, b any) string {
	if reflect.DeepEqual(a, b) {
		return ""
	}
	am, ok1 := a.(map[string]any)
	bm, ok2 := b.(map[string]any)
	if ok1 && ok2 {
		keys := map[string]bool{}
		for k := range am {
			keys[k] = true
		}
		for k := range bm {
			keys[k] = true
		}
		var sorted []string
		for k := range keys {
			sorted = append(sorted, k)
		}
		sort.Strings(sorted)
		for _, k := range sorted {
			if d := firstDiff(path+"."+k, am[k], bm[k]); d != "" {
				return d
			}
		}
	}
	as, ok1 := a.([]any)
	bs, ok2 := b.([]any)
	if ok1 && ok2 && len(as) == len(bs) {
		for i := range as {
			if d := firstDiff(fmt.Sprintf("%s[%d]", path, i), as[i], bs[i]); d != "" {
				return d
			}
		}
	}
	ja, _ := json.Marshal(a)
	jb, _ := json.Marshal(b)
	return fmt.Sprintf("%s: got %.300s, want %.300s", path, ja, jb)
}
