package rust

import (
	"fmt"
	"strings"

	"github.com/wasifill/wasifill/gen/internal/abi"
	"github.com/wasifill/wasifill/internal/canon"
	"github.com/wasifill/wasifill/witparse"
)

// codecs writes the per-type Rust code that moves values between the
// canonical ABI and the wire encoding, with no intermediate Rust types:
// straight from flat core values or linear memory to wire bytes, and
// back. Scalars are inline; every compound type gets one function per
// direction (enc_<name>, dec_<name>), emitted once, on first use. Types
// are witparse's; sizes, alignments, offsets and flattenings are
// internal/canon's, asked through gen/internal/abi.
type codecs struct {
	r       *witparse.Resolve // abi's resolve (with the spilled-params tuples)
	abi     *abi.Types
	out     code              // the functions, in order of first use
	names   map[string]string // type key → function suffix
	taken   map[string]bool   // suffixes in use
	emitted map[string]bool   // "enc_<suffix>", "dec_<suffix>" written
	err     error             // the first type without a value form
}

func newCodecs(a *abi.Types) *codecs {
	return &codecs{r: a.Resolve(), abi: a, names: map[string]string{}, taken: map[string]bool{}, emitted: map[string]bool{}}
}

// direction is which way a codec moves a value.
type direction uint8

const (
	toWire   direction = iota + 1 // canonical ABI → wire
	fromWire                      // wire → canonical ABI
)

// slot is a flat core value: a Rust local or parameter and its core type.
type slot struct {
	name string
	typ  canon.ValType
}

func rustType(t canon.ValType) string {
	return map[canon.ValType]string{canon.I32: "i32", canon.I64: "i64", canon.F32: "f32", canon.F64: "f64"}[t]
}

func zero(t canon.ValType) string {
	if t == canon.F32 || t == canon.F64 {
		return "0.0"
	}
	return "0"
}

// at renders base+off.
func at(base string, off uint32) string {
	if off == 0 {
		return base
	}
	return fmt.Sprintf("%s + %d", base, off)
}

// bits is the width in bits of a memory access of size bytes: the
// runtime's ld<bits> and st<bits>.
func bits(size uint32) uint32 { return 8 * size }

// ptrLen is the (pointer, length) pair of the string or list at memory p,
// as usize expressions.
func ptrLen(p string) []string {
	return []string{
		fmt.Sprintf("ld%d(%s) as usize", bits(canon.PointerSize), p),
		fmt.Sprintf("ld%d(%s) as usize", bits(canon.PointerSize), at(p, canon.PointerSize)),
	}
}

// deref is t with aliases followed.
func (cs *codecs) deref(t witparse.Type) witparse.Type { return abi.Deref(cs.r, t) }

// def is the definition of compound type t (aliases followed).
func (cs *codecs) def(t witparse.Type) *witparse.TypeDef { return cs.r.Types[cs.deref(t).ID] }

// layout is t's canonical-ABI layout. A type without one (which the
// generator refuses before it writes code) records the error and is laid
// out as nothing.
func (cs *codecs) layout(t witparse.Type) canon.Layout {
	l, err := cs.abi.Layout(t)
	if err != nil && cs.err == nil {
		cs.err = err
	}
	return l
}

// flatLen is how many core values t flattens to.
func (cs *codecs) flatLen(t witparse.Type) int { return len(cs.layout(t).Flat) }

// payloads returns the case payload types of a variant, option, result or
// enum (nil: none).
func payloads(d *witparse.TypeDef) []*witparse.Type {
	switch d.Kind {
	case witparse.KindOption:
		return []*witparse.Type{nil, &d.Elem}
	case witparse.KindResult:
		return []*witparse.Type{d.Ok, d.Err}
	case witparse.KindEnum:
		return make([]*witparse.Type, len(d.Labels))
	}
	out := make([]*witparse.Type, len(d.Cases))
	for i, c := range d.Cases {
		out[i] = c.Type
	}
	return out
}

// fields returns the field types of a record or tuple.
func fields(d *witparse.TypeDef) []witparse.Type {
	if d.Kind == witparse.KindTuple {
		return d.Types
	}
	out := make([]witparse.Type, len(d.Fields))
	for i, f := range d.Fields {
		out[i] = f.Type
	}
	return out
}

// isBytes reports list<u8> and list<s8>, which cross as one block.
func (cs *codecs) isBytes(t witparse.Type) bool {
	t = cs.deref(t)
	if t.IsPrim() || cs.r.Types[t.ID].Kind != witparse.KindList {
		return false
	}
	e := cs.deref(cs.r.Types[t.ID].Elem)
	return e.Prim == "u8" || e.Prim == "s8"
}

// key identifies a type for its codecs: a named type by its definition,
// an anonymous one (list, option, result, tuple) by its structure, so
// that every list<string> shares one pair of codecs.
func (cs *codecs) key(t *witparse.Type) string { return cs.render(t, true) }

// slug is a readable Rust identifier part for t: "person",
// "list_string", "option_point", "result_u32_string".
func (cs *codecs) slug(t *witparse.Type) string { return cs.render(t, false) }

// render writes t as a key (key true: "list(#3)/0") or a slug
// ("list_point"): the same walk, named types being leaves.
func (cs *codecs) render(t *witparse.Type, key bool) string {
	if t == nil {
		return map[bool]string{true: "_", false: "unit"}[key]
	}
	d := cs.deref(*t)
	if d.IsPrim() {
		return d.Prim
	}
	def := cs.r.Types[d.ID]
	var kind string
	var parts []*witparse.Type
	switch def.Kind {
	case witparse.KindList, witparse.KindFixedList:
		kind, parts = "list", []*witparse.Type{&def.Elem}
	case witparse.KindOption:
		kind, parts = "option", []*witparse.Type{&def.Elem}
	case witparse.KindResult:
		kind, parts = "result", []*witparse.Type{def.Ok, def.Err}
	case witparse.KindTuple:
		kind = "tuple"
		for i := range def.Types {
			parts = append(parts, &def.Types[i])
		}
	}
	switch {
	case key && (def.Name != "" || kind == ""):
		return fmt.Sprintf("#%d", d.ID)
	case def.Name != "":
		return snake(def.Name)
	case kind == "":
		return "t"
	}
	rendered := make([]string, len(parts))
	for i, p := range parts {
		rendered[i] = cs.render(p, key)
	}
	if key {
		return fmt.Sprintf("%s(%s)/%d", kind, strings.Join(rendered, ","), def.Len)
	}
	s := kind + "_" + strings.Join(rendered, "_")
	if def.Kind == witparse.KindFixedList {
		s += fmt.Sprintf("_%d", def.Len)
	}
	return s
}

// snake turns a WIT identifier into a Rust one: "get-user" → "get_user".
func snake(id string) string { return strings.ReplaceAll(id, "-", "_") }

// enc returns the name of compound type t's encoder (hint: a name to
// prefer for an anonymous type), emitting it on first use.
func (cs *codecs) enc(t witparse.Type, hint string) string { return cs.codec(t, hint, toWire) }

// dec returns the name of compound type t's decoder, emitting it on
// first use.
func (cs *codecs) dec(t witparse.Type, hint string) string { return cs.codec(t, hint, fromWire) }

func (cs *codecs) codec(t witparse.Type, hint string, dir direction) string {
	n := map[direction]string{toWire: "enc_", fromWire: "dec_"}[dir] + cs.name(t, hint)
	if !cs.emitted[n] {
		cs.emitted[n] = true
		cs.emit(t, n, dir)
	}
	return n
}

// name returns the function suffix of compound type t.
func (cs *codecs) name(t witparse.Type, hint string) string {
	k := cs.key(&t)
	if n, ok := cs.names[k]; ok {
		return n
	}
	n := hint
	if n == "" {
		n = cs.slug(&t)
	}
	if len(n) > 40 {
		n = fmt.Sprintf("t%d", len(cs.names))
	}
	base := n
	for i := 2; cs.taken[n]; i++ {
		n = fmt.Sprintf("%s%d", base, i)
	}
	cs.names[k], cs.taken[n] = n, true
	return n
}

// typeDocs writes the summary line what (with the type's WIT name or
// expression) and a named type's docs above its codec.
func (cs *codecs) typeDocs(c *code, t witparse.Type, what string) {
	d := cs.def(t)
	if d.Name == "" {
		v, err := cs.abi.Value(t)
		if err != nil {
			cs.err = err
			return
		}
		c.line(what, v.String())
		return
	}
	c.line(what, d.Name)
	if doc := strings.TrimSpace(d.Docs); doc != "" {
		c.line("///")
		c.docs(doc)
	}
}

// emit writes the codec named n of compound type t for dir: enc_<n>
// writes the wire form of the t value in memory at p (a list: of its n
// elements at q); dec_<n> decodes a t value into memory at p (a list:
// returns where its elements are and how many).
func (cs *codecs) emit(t witparse.Type, n string, dir direction) {
	var c code
	d := cs.def(t)
	list := d.Kind == witparse.KindList
	cs.typeDocs(&c, t, map[direction]string{
		toWire:   "/// Writes the wire form of a `%s` in memory.",
		fromWire: "/// Decodes a `%s` into memory.",
	}[dir])
	switch {
	case list && dir == toWire:
		c.open("unsafe fn %s(q: usize, n: usize) {", n)
		c.line("w_uleb(n as u64);")
	case list:
		el := cs.layout(d.Elem)
		c.open("unsafe fn %s(r: &mut R) -> Res<(usize, usize)> {", n)
		c.line("let n = r.count(%d)?;", cs.minWire(d.Elem))
		c.line("let q = alloc_n(n, %d, %d);", el.Size, el.Align)
	case dir == toWire:
		c.open("unsafe fn %s(p: usize) {", n)
	default:
		c.open("unsafe fn %s(r: &mut R, p: usize) -> Res<()> {", n)
	}
	l := cs.layout(t)
	switch d.Kind {
	case witparse.KindList:
		cs.elems(&c, d.Elem, "n", "q", dir)
	case witparse.KindFixedList:
		cs.elems(&c, d.Elem, fmt.Sprint(d.Len), "p", dir)
	case witparse.KindRecord, witparse.KindTuple:
		for i, f := range fields(d) {
			cs.mem(&c, f, at("p", l.FieldOffsets[i]), dir)
		}
	default: // variant, option, result
		ps := payloads(d)
		if dir == toWire {
			c.line("let c = ld%d(p) as u32;", bits(l.DiscSize))
			c.line("w_enum(c, %d);", len(ps))
		} else {
			c.line("let c = %s;", discRead(d, len(ps)))
			c.line("st%d(p, c as u%d);", bits(l.DiscSize), bits(l.DiscSize))
		}
		c.open("match c {")
		for i, p := range ps {
			if p == nil {
				continue
			}
			c.open("%d => {", i)
			cs.mem(&c, *p, at("p", l.PayloadOffset), dir)
			c.close("}")
		}
		c.line("_ => {}")
		c.close("}")
	}
	switch {
	case list && dir == fromWire:
		c.line("Ok((q, n))")
	case dir == fromWire:
		c.line("Ok(())")
	}
	c.close("}")
	c.line("")
	cs.out.b.WriteString(c.b.String())
}

// elems writes the loop that moves count elements of type elem laid out
// from base.
func (cs *codecs) elems(c *code, elem witparse.Type, count, base string, dir direction) {
	c.open("for i in 0..%s {", count)
	c.line("let e = %s + i * %d;", base, cs.layout(elem).Size)
	cs.mem(c, elem, "e", dir)
	c.close("}")
}

// discRead reads a case index of d (n cases): option and result have a
// tag byte, the others a LEB128 index.
func discRead(d *witparse.TypeDef, n int) string {
	if d.Kind == witparse.KindOption || d.Kind == witparse.KindResult {
		return "r.tag()?"
	}
	return fmt.Sprintf("r.disc(%d)?", n)
}

// flagBytes is how many bytes n flags take on the wire (one bit each).
func flagBytes(n int) int { return (n + 7) / 8 }

// minWire is the fewest wire bytes a t value takes.
func (cs *codecs) minWire(t witparse.Type) uint32 {
	t = cs.deref(t)
	switch t.Prim {
	case "f32":
		return 4
	case "f64":
		return 8
	case "":
	default:
		return 1
	}
	d := cs.r.Types[t.ID]
	switch d.Kind {
	case witparse.KindFlags:
		return uint32(flagBytes(len(d.Labels)))
	case witparse.KindFixedList:
		return d.Len * cs.minWire(d.Elem)
	case witparse.KindRecord, witparse.KindTuple:
		n := uint32(0)
		for _, f := range fields(d) {
			n += cs.minWire(f)
		}
		return n
	}
	return 1
}
