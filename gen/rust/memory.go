package rust

import "github.com/wasifill/wasifill/witparse"

// Values in linear memory: the statements that move one value between its
// canonical-ABI memory form at an address and the wire.

// memPrim is, for each primitive, the statement that writes the wire form
// of the one at memory %s (toWire), and the one that decodes one into
// memory at %s (fromWire). A string's toWire is ptrLen's.
var memPrim = map[string]map[direction]string{
	"bool":   {toWire: "w_bool(ld8(%s) != 0);", fromWire: "st8(%s, r.bool()? as u8);"},
	"u8":     {toWire: "w_byte(ld8(%s));", fromWire: "st8(%s, r.byte()?);"},
	"s8":     {toWire: "w_byte(ld8(%s));", fromWire: "st8(%s, r.byte()?);"},
	"u16":    {toWire: "w_uleb(ld16(%s) as u64);", fromWire: "st16(%s, r.uleb(16)? as u16);"},
	"s16":    {toWire: "w_sleb(ld16(%s) as i16 as i64);", fromWire: "st16(%s, r.sleb(16)? as u16);"},
	"u32":    {toWire: "w_uleb(ld32(%s) as u64);", fromWire: "st32(%s, r.uleb(32)? as u32);"},
	"s32":    {toWire: "w_sleb(ld32(%s) as i32 as i64);", fromWire: "st32(%s, r.sleb(32)? as u32);"},
	"u64":    {toWire: "w_uleb(ld64(%s));", fromWire: "st64(%s, r.uleb(64)?);"},
	"s64":    {toWire: "w_sleb(ld64(%s) as i64);", fromWire: "st64(%s, r.sleb(64)? as u64);"},
	"f32":    {toWire: "w_f32(ld32(%s));", fromWire: "st32(%s, r.f32()?);"},
	"f64":    {toWire: "w_f64(ld64(%s));", fromWire: "st64(%s, r.f64()?);"},
	"char":   {toWire: "w_char(ld32(%s));", fromWire: "st32(%s, r.char()?);"},
	"string": {fromWire: "put(%s, r.string()?);"},
}

// mem writes the statement that moves the t value at memory p for dir:
// encodes it (toWire) or decodes one into p (fromWire).
func (cs *codecs) mem(c *code, t witparse.Type, p string, dir direction) {
	t = cs.deref(t)
	if t.IsPrim() {
		if dir == toWire && t.Prim == "string" {
			c.call("", "w_string", ptrLen(p), ";")
		} else {
			c.line(memPrim[t.Prim][dir], p)
		}
		return
	}
	d := cs.r.Types[t.ID]
	l := cs.layout(t)
	switch {
	case d.Kind == witparse.KindEnum && dir == toWire:
		c.line("w_enum(ld%d(%s) as u32, %d);", bits(l.DiscSize), p, len(d.Labels))
	case d.Kind == witparse.KindEnum:
		c.line("st%d(%s, r.disc(%d)? as u%d);", bits(l.DiscSize), p, len(d.Labels), bits(l.DiscSize))
	case d.Kind == witparse.KindFlags && dir == toWire:
		c.line("w_raw(bytes(%s, %d));", p, flagBytes(len(d.Labels)))
	case d.Kind == witparse.KindFlags:
		c.line("r.flags(%d, %s, %d)?;", len(d.Labels), p, l.Size)
	case d.Kind == witparse.KindList && cs.isBytes(t) && dir == toWire:
		c.call("", "w_string", ptrLen(p), ";")
	case d.Kind == witparse.KindList && cs.isBytes(t):
		c.line("put(%s, r.bytes()?);", p)
	case d.Kind == witparse.KindList && dir == toWire:
		c.call("", cs.enc(t, ""), ptrLen(p), ";")
	case d.Kind == witparse.KindList:
		c.line("put(%s, %s(r)?);", p, cs.dec(t, ""))
	case dir == toWire:
		c.line("%s(%s);", cs.enc(t, ""), p)
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
