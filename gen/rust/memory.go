package rust

import "github.com/wasifill/wasifill/witparse"

// Values in linear memory: the statements that move one value between its
// canonical-ABI memory form at an address and the wire.

// memEncPrim is, for each primitive, the statement that writes the wire
// form of the one at memory %s.
var memEncPrim = map[string]string{
	"bool": "w_bool(ld8(%s) != 0);", "u8": "w_byte(ld8(%s));", "s8": "w_byte(ld8(%s));",
	"u16": "w_uleb(ld16(%s) as u64);", "s16": "w_sleb(ld16(%s) as i16 as i64);",
	"u32": "w_uleb(ld32(%s) as u64);", "s32": "w_sleb(ld32(%s) as i32 as i64);",
	"u64": "w_uleb(ld64(%s));", "s64": "w_sleb(ld64(%s) as i64);",
	"f32": "w_f32(ld32(%s));", "f64": "w_f64(ld64(%s));", "char": "w_char(ld32(%s));",
}

// memDecPrim is, for each primitive, the statement that decodes one into
// memory at %s.
var memDecPrim = map[string]string{
	"bool": "st8(%s, r.bool()? as u8);", "u8": "st8(%s, r.byte()?);", "s8": "st8(%s, r.byte()?);",
	"u16": "st16(%s, r.uleb(16)? as u16);", "s16": "st16(%s, r.sleb(16)? as u16);",
	"u32": "st32(%s, r.uleb(32)? as u32);", "s32": "st32(%s, r.sleb(32)? as u32);",
	"u64": "st64(%s, r.uleb(64)?);", "s64": "st64(%s, r.sleb(64)? as u64);",
	"f32": "st32(%s, r.f32()?);", "f64": "st64(%s, r.f64()?);", "char": "st32(%s, r.char()?);",
	"string": "put(%s, r.string()?);",
}

// memEnc writes the statement that encodes the t value at memory p.
func (cs *codecs) memEnc(c *code, t witparse.Type, p string) {
	t = cs.deref(t)
	if t.Prim == "string" {
		c.call("", "w_string", ptrLen(p), ";")
		return
	}
	if t.IsPrim() {
		c.line(memEncPrim[t.Prim], p)
		return
	}
	d := cs.r.Types[t.ID]
	switch d.Kind {
	case witparse.KindEnum:
		c.line("w_enum(ld%d(%s) as u32, %d);", bits(cs.layout(t).DiscSize), p, len(d.Labels))
	case witparse.KindFlags:
		c.line("w_raw(bytes(%s, %d));", p, flagBytes(len(d.Labels)))
	case witparse.KindList:
		fn := "w_string"
		if !cs.isBytes(t) {
			fn = cs.enc(t, "")
		}
		c.call("", fn, ptrLen(p), ";")
	default:
		c.line("%s(%s);", cs.enc(t, ""), p)
	}
}

// memDec writes the statement that decodes a t value into memory at p.
func (cs *codecs) memDec(c *code, t witparse.Type, p string) {
	t = cs.deref(t)
	if t.IsPrim() {
		c.line(memDecPrim[t.Prim], p)
		return
	}
	d := cs.r.Types[t.ID]
	switch d.Kind {
	case witparse.KindEnum:
		disc := bits(cs.layout(t).DiscSize)
		c.line("st%d(%s, r.disc(%d)? as u%d);", disc, p, len(d.Labels), disc)
	case witparse.KindFlags:
		c.line("r.flags(%d, %s, %d)?;", len(d.Labels), p, cs.layout(t).Size)
	case witparse.KindList:
		if cs.isBytes(t) {
			c.line("put(%s, r.bytes()?);", p)
		} else {
			c.line("put(%s, %s(r)?);", p, cs.dec(t, ""))
		}
	default:
		c.line("%s(r, %s)?;", cs.dec(t, ""), p)
	}
}

// primFlat is how a primitive moves between a flat core value and the
// wire: enc writes the wire form of the value in %s (cast to the
// primitive's Rust type: "x as u16"); dec is the Rust expression of the
// decoded value as the slot's core type would hold it.
var primFlat = map[string]struct{ enc, dec string }{
	"bool": {"w_bool(%s != 0);", "r.bool()? as i32"},
	"u8":   {"w_byte(%s as u8);", "r.byte()? as i32"},
	"s8":   {"w_byte(%s as u8);", "r.byte()? as i8 as i32"},
	"u16":  {"w_uleb(%s as u16 as u64);", "r.uleb(16)? as i32"},
	"s16":  {"w_sleb(%s as i16 as i64);", "r.sleb(16)? as i32"},
	"u32":  {"w_uleb(%s as u32 as u64);", "r.uleb(32)? as i32"},
	"u64":  {"w_uleb(%s as u64);", "r.uleb(64)? as i64"},
	"s64":  {"w_sleb(%s);", "r.sleb(64)?"},
	"char": {"w_char(%s as u32);", "r.char()? as i32"},
	"s32":  {"", "r.sleb(32)? as i32"},
	"f32":  {"", "r.f32()?"},
	"f64":  {"", "r.f64()?"},
}
