package rust

import (
	"fmt"

	"github.com/wasifill/wasifill/internal/canon"
	"github.com/wasifill/wasifill/witparse"
)

// Flat values: a value's flattening is a run of slots. A slot's core type
// is the one its position has in the function's signature; inside a
// variant that is the join of its cases' types, so the code converts
// between a case's own type and the slot's as the canonical ABI does
// (ints widen unsigned, floats travel as their bits).

// flatEnc writes the statements that encode the t value held in slots.
func (cs *codecs) flatEnc(c *code, t witparse.Type, s []slot) {
	t = cs.deref(t)
	x := ""
	if len(s) > 0 {
		x = s[0].name
	}
	switch t.Prim {
	case "s32":
		if s[0].typ == canon.I32 {
			c.line("w_sleb(%s as i64);", x)
		} else {
			c.line("w_sleb(%s as i32 as i64);", x)
		}
		return
	case "f32", "f64":
		if w := map[string]canon.ValType{"f32": canon.F32, "f64": canon.F64}[t.Prim]; s[0].typ == w {
			c.line("w_%s(%s.to_bits());", t.Prim, x)
		} else {
			c.line("w_%s(%s as u%s);", t.Prim, x, t.Prim[1:])
		}
		return
	case "string":
		c.line("w_string(%s as usize, %s as usize);", x, s[1].name)
		return
	case "":
	default:
		c.line(primFlat[t.Prim].enc, x)
		return
	}
	d := cs.r.Types[t.ID]
	switch d.Kind {
	case witparse.KindEnum:
		c.line("w_enum(%s as u32, %d);", x, len(d.Labels))
	case witparse.KindFlags:
		// Word i holds flags 32i…: its low bytes are theirs on the wire.
		n := len(d.Labels)
		for i := range s {
			c.line("w_le(%s as u32, %d);", s[i].name, flagBytes(min(canon.FlagsPerWord, n-canon.FlagsPerWord*i)))
		}
	case witparse.KindFixedList:
		k := cs.flatLen(d.Elem)
		for i := 0; i < int(d.Len); i++ {
			cs.flatEnc(c, d.Elem, s[i*k:(i+1)*k])
		}
	case witparse.KindList:
		fn := "w_string"
		if !cs.isBytes(t) {
			fn = cs.enc(t, "")
		}
		c.line("%s(%s as usize, %s as usize);", fn, x, s[1].name)
	case witparse.KindRecord, witparse.KindTuple:
		for _, f := range fields(d) {
			k := cs.flatLen(f)
			cs.flatEnc(c, f, s[:k])
			s = s[k:]
		}
	default: // variant, option, result
		ps := payloads(d)
		c.line("w_enum(%s as u32, %d);", x, len(ps))
		if len(s) == 1 {
			return
		}
		c.open("match %s as u32 {", x)
		for i, p := range ps {
			if p == nil {
				continue
			}
			c.open("%d => {", i)
			cs.flatEnc(c, *p, s[1:1+cs.flatLen(*p)])
			c.close("}")
		}
		c.line("_ => {}")
		c.close("}")
	}
}

// decodeTo is the assignment of decoded value v to slot s: v is
// a Rust expression whose type is want's (i32 and i64: as is; f32 and
// f64: as their bits, u32 and u64).
func decodeTo(s slot, want canon.ValType, v string) string {
	switch {
	case want == canon.F32 && s.typ == canon.F32:
		v = "f32::from_bits(" + v + ")"
	case want == canon.F64 && s.typ == canon.F64:
		v = "f64::from_bits(" + v + ")"
	case want == canon.F32 && s.typ == canon.I32:
		v += " as i32"
	case want == canon.I32 && s.typ == canon.I64, want == canon.F32 && s.typ == canon.I64:
		v += " as u32 as i64"
	case want == canon.F64 && s.typ == canon.I64:
		v += " as i64"
	}
	return fmt.Sprintf("%s = %s;", s.name, v)
}

// flatDec writes the statements that decode a t value into slots s,
// assigning every slot exactly once on every path.
func (cs *codecs) flatDec(c *code, t witparse.Type, s []slot) {
	t = cs.deref(t)
	one := func(v string) { c.line("%s", decodeTo(s[0], cs.layout(t).Flat[0], v)) }
	// A string or variable-length list: where its elements are and how
	// many, from the expression that decodes it.
	ptrLen := func(decode string) {
		c.line("let (q, n) = %s;", decode)
		c.line("%s", decodeTo(s[0], canon.I32, "q as i32"))
		c.line("%s", decodeTo(s[1], canon.I32, "n as i32"))
	}
	switch t.Prim {
	case "string":
		ptrLen("r.string()?")
		return
	case "":
	default:
		one(primFlat[t.Prim].dec)
		return
	}
	d := cs.r.Types[t.ID]
	switch d.Kind {
	case witparse.KindEnum:
		one(fmt.Sprintf("r.disc(%d)? as i32", len(d.Labels)))
	case witparse.KindFlags:
		for i := range s {
			c.line("%s", decodeTo(s[i], canon.I32, fmt.Sprintf("r.flag_word(%d, %d)?", len(d.Labels), i)))
		}
	case witparse.KindFixedList:
		k := cs.flatLen(d.Elem)
		for i := 0; i < int(d.Len); i++ {
			cs.flatDec(c, d.Elem, s[i*k:(i+1)*k])
		}
	case witparse.KindList:
		if cs.isBytes(t) {
			ptrLen("r.bytes()?")
		} else {
			ptrLen(cs.dec(t, "") + "(r)?")
		}
	case witparse.KindRecord, witparse.KindTuple:
		for _, f := range fields(d) {
			k := cs.flatLen(f)
			cs.flatDec(c, f, s[:k])
			s = s[k:]
		}
	default:
		cs.flatDecVariant(c, d, s)
	}
}

// flatDecVariant decodes a variant (option, result) into slots s: the
// case index, then the case's payload, then zeros for the unused slots.
func (cs *codecs) flatDecVariant(c *code, d *witparse.TypeDef, s []slot) {
	ps := payloads(d)
	if len(s) == 1 {
		c.line("%s", decodeTo(s[0], canon.I32, discRead(d, len(ps))+" as i32"))
		return
	}
	c.line("let c = %s;", discRead(d, len(ps)))
	c.line("%s", decodeTo(s[0], canon.I32, "c as i32"))
	// Payload-less cases share the last arm, which zeroes every slot; if
	// every case has a payload, the last case is that arm.
	last := len(ps) - 1
	for _, p := range ps {
		if p == nil {
			last = -1
		}
	}
	c.open("match c {")
	arm := func(p *witparse.Type) {
		n := 0
		if p != nil {
			n = cs.flatLen(*p)
			cs.flatDec(c, *p, s[1:1+n])
		}
		for _, z := range s[1+n:] {
			c.line("%s = %s;", z.name, zero(z.typ))
		}
	}
	for i, p := range ps {
		if p == nil || i == last {
			continue
		}
		c.open("%d => {", i)
		arm(p)
		c.close("}")
	}
	c.open("_ => {")
	if last >= 0 {
		arm(ps[last])
	} else {
		arm(nil)
	}
	c.close("}")
	c.close("}")
}
