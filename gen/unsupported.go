package gen

import "github.com/wasifill/wasifill/witparse"

// unsupportedKinds are the type kinds fills cannot carry yet, by what an
// UnsupportedError calls them.
var unsupportedKinds = map[witparse.TypeDefKind]string{
	witparse.KindResource: "resources", witparse.KindHandle: "resources", witparse.KindMap: "maps",
	witparse.KindStream: "streams", witparse.KindFuture: "futures",
}

// fillPrims are the primitive types fills carry.
var fillPrims = map[string]bool{
	"bool": true, "s8": true, "u8": true, "s16": true, "u16": true, "s32": true, "u32": true,
	"s64": true, "u64": true, "f32": true, "f64": true, "char": true, "string": true,
}

// maxUnsupportedDepth bounds how deep FillUnsupported looks; deeper types
// are refused by the fills' own depth checks.
const maxUnsupportedDepth = 100

// FillUnsupported names what in t fills (emitted and generated) cannot
// carry yet ("resources", "maps", "streams", "futures", "<prim> values"),
// or is "". It looks at each type definition once, at most
// maxUnsupportedDepth deep.
func FillUnsupported(r *witparse.Resolve, t witparse.Type) string {
	return fillUnsupported(r, t, map[witparse.TypeID]bool{}, 0)
}

func fillUnsupported(r *witparse.Resolve, t witparse.Type, seen map[witparse.TypeID]bool, depth int) string {
	if t.IsPrim() {
		if fillPrims[t.Prim] {
			return ""
		}
		return t.Prim + " values"
	}
	if depth > maxUnsupportedDepth || int(t.ID) < 0 || int(t.ID) >= len(r.Types) || seen[t.ID] {
		return ""
	}
	seen[t.ID] = true
	d := r.Types[t.ID]
	if what, ok := unsupportedKinds[d.Kind]; ok {
		return what
	}
	for _, p := range d.Parts() {
		if what := fillUnsupported(r, p, seen, depth+1); what != "" {
			return what
		}
	}
	return ""
}
