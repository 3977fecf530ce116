package rust

import (
	"fmt"
	"strings"

	"github.com/wasifill/wasifill/internal/canon"
	"github.com/wasifill/wasifill/value"
)

// codecs writes the per-type Rust code that moves values between the
// canonical ABI and the wire encoding, with no intermediate Rust types:
// straight from flat core values or linear memory to wire bytes, and
// back. Scalars are inline; every compound type gets one function per
// direction (enc_<name>, dec_<name>), emitted once, on first use.
type codecs struct {
	out     code              // the functions, in order of first use
	names   map[string]string // type key → function suffix
	taken   map[string]bool   // suffixes in use
	emitted map[string]bool   // "enc_<suffix>", "dec_<suffix>" written
	docs    map[string]string // named type → its WIT docs
}

func newCodecs(docs map[string]string) *codecs {
	return &codecs{names: map[string]string{}, taken: map[string]bool{}, emitted: map[string]bool{}, docs: docs}
}

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

func alignTo(x, a uint32) uint32 { return (x + a - 1) / a * a }

// payloads returns t's case payload types seen as a variant (nil: none).
func payloads(t *value.Type) []*value.Type {
	switch t.Kind {
	case value.KindOption:
		return []*value.Type{nil, t.Elem}
	case value.KindResult:
		return []*value.Type{t.Ok, t.Err}
	case value.KindEnum:
		return make([]*value.Type, len(t.Labels))
	}
	out := make([]*value.Type, len(t.Cases))
	for i, c := range t.Cases {
		out[i] = c.Type
	}
	return out
}

// variantLayout is the discriminant size and the payload offset of a
// variant with the given payloads.
func variantLayout(ps []*value.Type) (disc, payload uint32) {
	disc = 4
	switch {
	case len(ps) <= 1<<8:
		disc = 1
	case len(ps) <= 1<<16:
		disc = 2
	}
	align := uint32(1)
	for _, p := range ps {
		if p != nil {
			align = max(align, canon.Alignment(p))
		}
	}
	return disc, alignTo(disc, align)
}

// fields returns the field types of a record or tuple.
func fields(t *value.Type) []*value.Type {
	if t.Kind == value.KindTuple {
		return t.Elems
	}
	out := make([]*value.Type, len(t.Fields))
	for i, f := range t.Fields {
		out[i] = f.Type
	}
	return out
}

// isBytes reports list<u8> and list<s8>, which cross as one block.
func isBytes(t *value.Type) bool {
	return t.Kind == value.KindList && t.Len == 0 && (t.Elem.Kind == value.KindU8 || t.Elem.Kind == value.KindS8)
}

// key identifies a type's structure, names included.
func key(t *value.Type) string {
	var b strings.Builder
	var walk func(t *value.Type)
	walk = func(t *value.Type) {
		if t == nil {
			b.WriteString("_")
			return
		}
		b.WriteString(t.Kind.String() + ":" + t.Name + fmt.Sprintf("/%d", t.Len) + "(")
		for _, f := range t.Fields {
			b.WriteString(f.Name + "=")
			walk(f.Type)
		}
		for _, c := range t.Cases {
			b.WriteString(c.Name + "=")
			walk(c.Type)
		}
		b.WriteString(strings.Join(t.Labels, ","))
		for _, e := range t.Elems {
			walk(e)
		}
		if t.Elem != nil {
			walk(t.Elem)
		}
		if t.Kind == value.KindResult {
			walk(t.Ok)
			walk(t.Err)
		}
		b.WriteString(")")
	}
	walk(t)
	return b.String()
}

// slug is a readable Rust identifier part for t: "person",
// "list_string", "option_point", "result_u32_string".
func slug(t *value.Type) string {
	if t == nil {
		return "unit"
	}
	if t.Name != "" {
		return snake(t.Name)
	}
	switch t.Kind {
	case value.KindList:
		if t.Len > 0 {
			return fmt.Sprintf("list_%s_%d", slug(t.Elem), t.Len)
		}
		return "list_" + slug(t.Elem)
	case value.KindOption:
		return "option_" + slug(t.Elem)
	case value.KindResult:
		return "result_" + slug(t.Ok) + "_" + slug(t.Err)
	case value.KindTuple:
		var parts []string
		for _, e := range t.Elems {
			parts = append(parts, slug(e))
		}
		return "tuple_" + strings.Join(parts, "_")
	}
	return t.Kind.String()
}

// snake turns a WIT identifier into a Rust one: "get-user" → "get_user".
func snake(id string) string { return strings.ReplaceAll(id, "-", "_") }

// enc returns the name of compound type t's encoder (hint: a name to
// prefer for an anonymous type), emitting it on first use.
func (cs *codecs) enc(t *value.Type, hint string) string {
	n := "enc_" + cs.name(t, hint)
	if !cs.emitted[n] {
		cs.emitted[n] = true
		cs.emitEnc(t, n)
	}
	return n
}

// dec returns the name of compound type t's decoder, emitting it on
// first use.
func (cs *codecs) dec(t *value.Type, hint string) string {
	n := "dec_" + cs.name(t, hint)
	if !cs.emitted[n] {
		cs.emitted[n] = true
		cs.emitDec(t, n)
	}
	return n
}

// name returns the function suffix of compound type t.
func (cs *codecs) name(t *value.Type, hint string) string {
	k := key(t)
	if n, ok := cs.names[k]; ok {
		return n
	}
	n := hint
	if n == "" {
		n = slug(t)
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

// typeDocs writes the docs of a named type above its codecs.
func (cs *codecs) typeDocs(c *code, t *value.Type, what string) {
	if t.Name == "" {
		c.line(what, t.String())
		return
	}
	c.line(what, t.Name)
	if d := cs.docs[t.Name]; d != "" {
		c.line("///")
		c.docs(d)
	}
}

// emitEnc writes enc_<n>: the wire form of a t value in memory at p (or,
// for a list, of its n elements at q).
func (cs *codecs) emitEnc(t *value.Type, n string) {
	var c code
	cs.typeDocs(&c, t, "/// Writes the wire form of a `%s` in memory.")
	if t.Kind == value.KindList && t.Len == 0 {
		c.open("unsafe fn %s(q: usize, n: usize) {", n)
		c.line("w_uleb(n as u64);")
		c.open("for i in 0..n {")
		c.line("let e = q + i * %d;", canon.Size(t.Elem))
		cs.memEnc(&c, t.Elem, "e")
		c.close("}")
		c.close("}")
		c.line("")
		cs.out.b.WriteString(c.b.String())
		return
	}
	c.open("unsafe fn %s(p: usize) {", n)
	switch t.Kind {
	case value.KindList:
		c.open("for i in 0..%d {", t.Len)
		c.line("let e = p + i * %d;", canon.Size(t.Elem))
		cs.memEnc(&c, t.Elem, "e")
		c.close("}")
	case value.KindRecord, value.KindTuple:
		off := uint32(0)
		for _, f := range fields(t) {
			off = alignTo(off, canon.Alignment(f))
			cs.memEnc(&c, f, at("p", off))
			off += canon.Size(f)
		}
	default: // variant, option, result
		ps := payloads(t)
		disc, pay := variantLayout(ps)
		c.line("let c = ld%d(p) as u32;", disc*8)
		c.line("w_enum(c, %d);", len(ps))
		c.open("match c {")
		for i, p := range ps {
			if p == nil {
				continue
			}
			c.open("%d => {", i)
			cs.memEnc(&c, p, at("p", pay))
			c.close("}")
		}
		c.line("_ => {}")
		c.close("}")
	}
	c.close("}")
	c.line("")
	cs.out.b.WriteString(c.b.String())
}

// emitDec writes dec_<n>: decodes a t value into memory at p (a list:
// returns where its elements are and how many).
func (cs *codecs) emitDec(t *value.Type, n string) {
	var c code
	cs.typeDocs(&c, t, "/// Decodes a `%s` into memory.")
	if t.Kind == value.KindList && t.Len == 0 {
		size := canon.Size(t.Elem)
		c.open("unsafe fn %s(r: &mut R) -> Res<(usize, usize)> {", n)
		c.line("let n = r.count(%d)?;", minWire(t.Elem))
		c.line("let q = alloc_n(n, %d, %d);", size, canon.Alignment(t.Elem))
		c.open("for i in 0..n {")
		c.line("let e = q + i * %d;", size)
		cs.memDec(&c, t.Elem, "e")
		c.close("}")
		c.line("Ok((q, n))")
		c.close("}")
		c.line("")
		cs.out.b.WriteString(c.b.String())
		return
	}
	c.open("unsafe fn %s(r: &mut R, p: usize) -> Res<()> {", n)
	switch t.Kind {
	case value.KindList:
		c.open("for i in 0..%d {", t.Len)
		c.line("let e = p + i * %d;", canon.Size(t.Elem))
		cs.memDec(&c, t.Elem, "e")
		c.close("}")
	case value.KindRecord, value.KindTuple:
		off := uint32(0)
		for _, f := range fields(t) {
			off = alignTo(off, canon.Alignment(f))
			cs.memDec(&c, f, at("p", off))
			off += canon.Size(f)
		}
	default:
		ps := payloads(t)
		disc, pay := variantLayout(ps)
		c.line("let c = %s;", discRead(t, len(ps)))
		c.line("st%d(p, c as u%d);", disc*8, disc*8)
		c.open("match c {")
		for i, p := range ps {
			if p == nil {
				continue
			}
			c.open("%d => {", i)
			cs.memDec(&c, p, at("p", pay))
			c.close("}")
		}
		c.line("_ => {}")
		c.close("}")
	}
	c.line("Ok(())")
	c.close("}")
	c.line("")
	cs.out.b.WriteString(c.b.String())
}

// discRead reads a case index of t (n cases): option and result have a
// tag byte, the others a LEB128 index.
func discRead(t *value.Type, n int) string {
	if t.Kind == value.KindOption || t.Kind == value.KindResult {
		return "r.tag()?"
	}
	return fmt.Sprintf("r.disc(%d)?", n)
}

// minWire is the fewest wire bytes a t value takes.
func minWire(t *value.Type) uint32 {
	switch t.Kind {
	case value.KindF32:
		return 4
	case value.KindF64:
		return 8
	case value.KindFlags:
		return uint32(len(t.Labels)+7) / 8
	case value.KindList:
		if t.Len > 0 {
			return t.Len * minWire(t.Elem)
		}
	case value.KindRecord, value.KindTuple:
		n := uint32(0)
		for _, f := range fields(t) {
			n += minWire(f)
		}
		return n
	}
	return 1
}

// memEnc writes the statement that encodes the t value at memory p.
func (cs *codecs) memEnc(c *code, t *value.Type, p string) {
	switch t.Kind {
	case value.KindBool:
		c.line("w_bool(ld8(%s) != 0);", p)
	case value.KindU8, value.KindS8:
		c.line("w_byte(ld8(%s));", p)
	case value.KindU16:
		c.line("w_uleb(ld16(%s) as u64);", p)
	case value.KindS16:
		c.line("w_sleb(ld16(%s) as i16 as i64);", p)
	case value.KindU32:
		c.line("w_uleb(ld32(%s) as u64);", p)
	case value.KindS32:
		c.line("w_sleb(ld32(%s) as i32 as i64);", p)
	case value.KindU64:
		c.line("w_uleb(ld64(%s));", p)
	case value.KindS64:
		c.line("w_sleb(ld64(%s) as i64);", p)
	case value.KindF32:
		c.line("w_f32(ld32(%s));", p)
	case value.KindF64:
		c.line("w_f64(ld64(%s));", p)
	case value.KindChar:
		c.line("w_char(ld32(%s));", p)
	case value.KindEnum:
		disc, _ := variantLayout(payloads(t))
		c.line("w_enum(ld%d(%s) as u32, %d);", disc*8, p, len(t.Labels))
	case value.KindFlags:
		c.line("w_raw(bytes(%s, %d));", p, (len(t.Labels)+7)/8)
	case value.KindString:
		c.call("", "w_string", []string{fmt.Sprintf("ld32(%s) as usize", p), fmt.Sprintf("ld32(%s + 4) as usize", p)}, ";")
	case value.KindList:
		if t.Len > 0 {
			c.line("%s(%s);", cs.enc(t, ""), p)
			return
		}
		fn := "w_string"
		if !isBytes(t) {
			fn = cs.enc(t, "")
		}
		c.call("", fn, []string{fmt.Sprintf("ld32(%s) as usize", p), fmt.Sprintf("ld32(%s + 4) as usize", p)}, ";")
	default:
		c.line("%s(%s);", cs.enc(t, ""), p)
	}
}

// memDec writes the statement that decodes a t value into memory at p.
func (cs *codecs) memDec(c *code, t *value.Type, p string) {
	switch t.Kind {
	case value.KindBool:
		c.line("st8(%s, r.bool()? as u8);", p)
	case value.KindU8, value.KindS8:
		c.line("st8(%s, r.byte()?);", p)
	case value.KindU16:
		c.line("st16(%s, r.uleb(16)? as u16);", p)
	case value.KindS16:
		c.line("st16(%s, r.sleb(16)? as u16);", p)
	case value.KindU32:
		c.line("st32(%s, r.uleb(32)? as u32);", p)
	case value.KindS32:
		c.line("st32(%s, r.sleb(32)? as u32);", p)
	case value.KindU64:
		c.line("st64(%s, r.uleb(64)?);", p)
	case value.KindS64:
		c.line("st64(%s, r.sleb(64)? as u64);", p)
	case value.KindF32:
		c.line("st32(%s, r.f32()?);", p)
	case value.KindF64:
		c.line("st64(%s, r.f64()?);", p)
	case value.KindChar:
		c.line("st32(%s, r.char()?);", p)
	case value.KindEnum:
		disc, _ := variantLayout(payloads(t))
		c.line("st%d(%s, r.disc(%d)? as u%d);", disc*8, p, len(t.Labels), disc*8)
	case value.KindFlags:
		c.line("r.flags(%d, %s, %d)?;", len(t.Labels), p, canon.Size(t))
	case value.KindString:
		c.line("put(%s, r.string()?);", p)
	case value.KindList:
		switch {
		case t.Len > 0:
			c.line("%s(r, %s)?;", cs.dec(t, ""), p)
		case isBytes(t):
			c.line("put(%s, r.bytes()?);", p)
		default:
			c.line("put(%s, %s(r)?);", p, cs.dec(t, ""))
		}
	default:
		c.line("%s(r, %s)?;", cs.dec(t, ""), p)
	}
}
