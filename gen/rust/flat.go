package rust

import (
	"fmt"

	"github.com/wasifill/wasifill/internal/canon"
	"github.com/wasifill/wasifill/value"
)

// Flat values: a value's flattening is a run of slots. A slot's core type
// is the one its position has in the function's signature; inside a
// variant that is the join of its cases' types, so the code converts
// between a case's own type and the slot's as the canonical ABI does
// (ints widen unsigned, floats travel as their bits).

// flatEnc writes the statements that encode the t value held in slots.
func (cs *codecs) flatEnc(c *code, t *value.Type, s []slot) {
	x := ""
	if len(s) > 0 {
		x = s[0].name
	}
	// asInt casts slot x to Rust integer type to, keeping the low bits.
	asInt := func(to string) string { return x + " as " + to }
	switch t.Kind {
	case value.KindBool:
		c.line("w_bool(%s != 0);", x)
	case value.KindU8, value.KindS8:
		c.line("w_byte(%s);", asInt("u8"))
	case value.KindU16:
		c.line("w_uleb(%s as u64);", asInt("u16"))
	case value.KindS16:
		c.line("w_sleb(%s as i64);", asInt("i16"))
	case value.KindU32:
		c.line("w_uleb(%s as u64);", asInt("u32"))
	case value.KindS32:
		if s[0].typ == canon.I32 {
			c.line("w_sleb(%s as i64);", x)
		} else {
			c.line("w_sleb(%s as i32 as i64);", x)
		}
	case value.KindU64:
		c.line("w_uleb(%s);", asInt("u64"))
	case value.KindS64:
		c.line("w_sleb(%s);", x)
	case value.KindF32:
		if s[0].typ == canon.F32 {
			c.line("w_f32(%s.to_bits());", x)
		} else {
			c.line("w_f32(%s);", asInt("u32"))
		}
	case value.KindF64:
		if s[0].typ == canon.F64 {
			c.line("w_f64(%s.to_bits());", x)
		} else {
			c.line("w_f64(%s);", asInt("u64"))
		}
	case value.KindChar:
		c.line("w_char(%s);", asInt("u32"))
	case value.KindEnum:
		c.line("w_enum(%s, %d);", asInt("u32"), len(t.Labels))
	case value.KindFlags:
		n := len(t.Labels)
		for i := range s {
			c.line("w_le(%s as u32, %d);", s[i].name, min(4, (n-32*i+7)/8))
		}
	case value.KindString:
		c.line("w_string(%s as usize, %s as usize);", x, s[1].name)
	case value.KindList:
		if t.Len > 0 {
			k := len(canon.Flatten(t.Elem))
			for i := 0; i < int(t.Len); i++ {
				cs.flatEnc(c, t.Elem, s[i*k:(i+1)*k])
			}
			return
		}
		fn := "w_string"
		if !isBytes(t) {
			fn = cs.enc(t, "")
		}
		c.line("%s(%s as usize, %s as usize);", fn, x, s[1].name)
	case value.KindRecord, value.KindTuple:
		for _, f := range fields(t) {
			k := len(canon.Flatten(f))
			cs.flatEnc(c, f, s[:k])
			s = s[k:]
		}
	default: // variant, option, result
		ps := payloads(t)
		c.line("w_enum(%s, %d);", asInt("u32"), len(ps))
		if len(s) == 1 {
			return
		}
		c.open("match %s {", asInt("u32"))
		for i, p := range ps {
			if p == nil {
				continue
			}
			c.open("%d => {", i)
			cs.flatEnc(c, p, s[1:1+len(canon.Flatten(p))])
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
func (cs *codecs) flatDec(c *code, t *value.Type, s []slot) {
	one := func(v string) { c.line("%s", decodeTo(s[0], canon.Flatten(t)[0], v)) }
	switch t.Kind {
	case value.KindBool:
		one("r.bool()? as i32")
	case value.KindU8:
		one("r.byte()? as i32")
	case value.KindS8:
		one("r.byte()? as i8 as i32")
	case value.KindU16:
		one("r.uleb(16)? as i32")
	case value.KindS16:
		one("r.sleb(16)? as i32")
	case value.KindU32:
		one("r.uleb(32)? as i32")
	case value.KindS32:
		one("r.sleb(32)? as i32")
	case value.KindU64:
		one("r.uleb(64)? as i64")
	case value.KindS64:
		one("r.sleb(64)?")
	case value.KindF32:
		one("r.f32()?")
	case value.KindF64:
		one("r.f64()?")
	case value.KindChar:
		one("r.char()? as i32")
	case value.KindEnum:
		one(fmt.Sprintf("r.disc(%d)? as i32", len(t.Labels)))
	case value.KindFlags:
		for i := range s {
			c.line("%s", decodeTo(s[i], canon.I32, fmt.Sprintf("r.flag_word(%d, %d)?", len(t.Labels), i)))
		}
	case value.KindString, value.KindList:
		if t.Len > 0 {
			k := len(canon.Flatten(t.Elem))
			for i := 0; i < int(t.Len); i++ {
				cs.flatDec(c, t.Elem, s[i*k:(i+1)*k])
			}
			return
		}
		switch {
		case t.Kind == value.KindString:
			c.line("let (q, n) = r.string()?;")
		case isBytes(t):
			c.line("let (q, n) = r.bytes()?;")
		default:
			c.line("let (q, n) = %s(r)?;", cs.dec(t, ""))
		}
		c.line("%s", decodeTo(s[0], canon.I32, "q as i32"))
		c.line("%s", decodeTo(s[1], canon.I32, "n as i32"))
	case value.KindRecord, value.KindTuple:
		for _, f := range fields(t) {
			k := len(canon.Flatten(f))
			cs.flatDec(c, f, s[:k])
			s = s[k:]
		}
	default:
		cs.flatDecVariant(c, t, s)
	}
}

// flatDecVariant decodes a variant (option, result) into slots s: the
// case index, then the case's payload, then zeros for the unused slots.
func (cs *codecs) flatDecVariant(c *code, t *value.Type, s []slot) {
	ps := payloads(t)
	if len(s) == 1 {
		c.line("%s", decodeTo(s[0], canon.I32, discRead(t, len(ps))+" as i32"))
		return
	}
	c.line("let c = %s;", discRead(t, len(ps)))
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
	arm := func(p *value.Type) {
		n := 0
		if p != nil {
			n = len(canon.Flatten(p))
			cs.flatDec(c, p, s[1:1+n])
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
