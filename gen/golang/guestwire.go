package golang

import (
	"fmt"

	"github.com/dave/jennifer/jen"

	"github.com/wasifill/wasifill/gen"
	"github.com/wasifill/wasifill/witparse"
)

// Guest bindings move typed Go values through the wire format (generated
// per type here) and the descriptor runtime of the fills (canonical ABI
// ↔ wire), so they need no package but the standard library.

var wirePrims = map[string]string{
	"bool": "Bool", "s8": "S8", "u8": "U8", "s16": "S16", "u16": "U16", "s32": "S32", "u32": "U32",
	"s64": "S64", "u64": "U64", "f32": "F32", "f64": "F64", "char": "Char", "string": "String",
}

// toWire appends the wire form of Go expression x of WIT type t to b.
func (ts *types) toWire(t witparse.Type, b, x jen.Code) (jen.Code, error) {
	t = ts.resolveAlias(t)
	if t.IsPrim() {
		return jen.Id("w"+wirePrims[t.Prim]).Call(b, x), nil
	}
	if name, ok := ts.names[t.ID]; ok {
		return jen.Id(lowerFirst(name)+"ToWire").Call(b, x), nil
	}
	if r, borrow, ok := ts.handleOf(t); ok {
		return ts.handleToWire(r, borrow, b, x)
	}
	d := ts.r.Types[t.ID]
	conv := func(t *witparse.Type) (jen.Code, error) {
		if t == nil { // a typed nil, so the generic helper can infer its types
			return jen.Parens(jen.Func().Params(jen.Index().Byte(), jen.Struct()).Index().Byte()).Parens(jen.Nil()), nil
		}
		g, err := ts.goType(*t)
		if err != nil {
			return nil, err
		}
		body, err := ts.toWire(*t, jen.Id("b"), jen.Id("x"))
		return jen.Func().Params(jen.Id("b").Index().Byte(), jen.Id("x").Add(g)).Index().Byte().Block(jen.Return(body)), err
	}
	switch d.Kind {
	case witparse.KindList:
		if e := ts.resolveAlias(d.Elem); e.IsPrim() && e.Prim == "u8" {
			return jen.Id("wBytes").Call(b, x), nil
		}
		f, err := conv(&d.Elem)
		return jen.Id("listToWire").Call(b, x, f), err
	case witparse.KindFixedList: // the elements, no count
		arr, err := ts.goType(t)
		if err != nil {
			return nil, err
		}
		fn := jen.Func().Params(jen.Id("b").Index().Byte(), jen.Id("x").Add(arr)).Index().Byte()
		if e := ts.resolveAlias(d.Elem); e.IsPrim() && e.Prim == "u8" {
			return fn.Block(jen.Return(jen.Append(jen.Id("b"), jen.Id("x").Index(jen.Op(":")).Op("...")))).Call(b, x), nil
		}
		elem, err := ts.toWire(d.Elem, jen.Id("b"), jen.Id("e"))
		return fn.Block(jen.For(jen.List(jen.Id("_"), jen.Id("e")).Op(":=").Range().Id("x")).Block(jen.Id("b").Op("=").Add(elem)),
			jen.Return(jen.Id("b"))).Call(b, x), err
	case witparse.KindOption:
		f, err := conv(&d.Elem)
		return jen.Id("optionToWire").Call(b, x, f), err
	case witparse.KindResult:
		ok, err := conv(d.Ok)
		if err != nil {
			return nil, err
		}
		e, err := conv(d.Err)
		return jen.Id("resultToWire").Call(b, x, ok, e), err
	case witparse.KindTuple:
		var stmts []jen.Code
		for i, e := range d.Types {
			v, err := ts.toWire(e, jen.Id("b"), jen.Add(x).Dot(fmt.Sprintf("F%d", i)))
			if err != nil {
				return nil, err
			}
			stmts = append(stmts, jen.Id("b").Op("=").Add(v))
		}
		stmts = append(stmts, jen.Return(jen.Id("b")))
		return jen.Func().Params(jen.Id("b").Index().Byte()).Index().Byte().Block(stmts...).Call(b), nil
	}
	return nil, ts.unsupported(kindName(d.Kind))
}

// fromWire reads a value of WIT type t from *wire expression w.
func (ts *types) fromWire(t witparse.Type, w jen.Code) (jen.Code, error) {
	t = ts.resolveAlias(t)
	if t.IsPrim() {
		return jen.Id("r" + wirePrims[t.Prim]).Call(w), nil
	}
	if name, ok := ts.names[t.ID]; ok {
		return jen.Id(lowerFirst(name) + "FromWire").Call(w), nil
	}
	if r, borrow, ok := ts.handleOf(t); ok {
		return ts.handleFromWire(r, borrow, w)
	}
	d := ts.r.Types[t.ID]
	conv := func(t *witparse.Type) (jen.Code, error) {
		if t == nil {
			return jen.Parens(jen.Func().Params(jen.Op("*").Id("wire")).Struct()).Parens(jen.Nil()), nil
		}
		g, err := ts.goType(*t)
		if err != nil {
			return nil, err
		}
		body, err := ts.fromWire(*t, jen.Id("w"))
		return jen.Func().Params(jen.Id("w").Op("*").Id("wire")).Add(g).Block(jen.Return(body)), err
	}
	switch d.Kind {
	case witparse.KindList:
		if e := ts.resolveAlias(d.Elem); e.IsPrim() && e.Prim == "u8" {
			return jen.Id("rBytes").Call(w), nil
		}
		f, err := conv(&d.Elem)
		return jen.Id("listFromWire").Call(w, f), err
	case witparse.KindFixedList:
		arr, err := ts.goType(t)
		if err != nil {
			return nil, err
		}
		fn := jen.Func().Params(jen.Id("w").Op("*").Id("wire")).Params(jen.Id("x").Add(arr))
		if e := ts.resolveAlias(d.Elem); e.IsPrim() && e.Prim == "u8" {
			return fn.Block(jen.Copy(jen.Id("x").Index(jen.Op(":")), jen.Id("w").Dot("take").Call(jen.Lit(int(d.Len)))), jen.Return()).Call(w), nil
		}
		elem, err := ts.fromWire(d.Elem, jen.Id("w"))
		return fn.Block(jen.For(jen.Id("i").Op(":=").Range().Id("x")).Block(jen.Id("x").Index(jen.Id("i")).Op("=").Add(elem)),
			jen.Return()).Call(w), err
	case witparse.KindOption:
		f, err := conv(&d.Elem)
		return jen.Id("optionFromWire").Call(w, f), err
	case witparse.KindResult:
		ok, err := conv(d.Ok)
		if err != nil {
			return nil, err
		}
		e, err := conv(d.Err)
		return jen.Id("resultFromWire").Call(w, ok, e), err
	case witparse.KindTuple:
		g, err := ts.goType(t)
		if err != nil {
			return nil, err
		}
		stmts := []jen.Code{jen.Var().Id("x").Add(g)}
		for i, e := range d.Types {
			v, err := ts.fromWire(e, jen.Id("w"))
			if err != nil {
				return nil, err
			}
			stmts = append(stmts, jen.Id("x").Dot(fmt.Sprintf("F%d", i)).Op("=").Add(v))
		}
		stmts = append(stmts, jen.Return(jen.Id("x")))
		return jen.Func().Params(jen.Id("w").Op("*").Id("wire")).Add(g).Block(stmts...).Call(w), nil
	}
	return nil, ts.unsupported(kindName(d.Kind))
}

// emitNamedWire writes named type id (its Go declaration and its wire
// conversions), once.
func (ts *types) emitNamedWire(f *jen.File, id witparse.TypeID) error {
	if ts.emitted[id] {
		return nil
	}
	ts.emitted[id] = true
	d := ts.r.Types[id]
	name := ts.names[id]
	toW, fromW := lowerFirst(name)+"ToWire", lowerFirst(name)+"FromWire"
	doc := d.Docs
	if doc == "" {
		doc = fmt.Sprintf("%s is the WIT %s `%s`.", name, witKind(d.Kind), d.Name)
	}
	defer f.Line()
	f.Comment(goDoc(name, doc))
	bytesT := jen.Index().Byte()
	wireT := jen.Op("*").Id("wire")
	switch d.Kind {
	case witparse.KindRecord:
		var fields, to, from []jen.Code
		for _, fd := range d.Fields {
			g, err := ts.goType(fd.Type)
			if err != nil {
				return err
			}
			fn := gen.GoName(fd.Name)
			field := jen.Id(fn).Add(g)
			if fd.Docs != "" {
				field = jen.Comment(goDoc(fn, fd.Docs)).Line().Add(field)
			}
			fields = append(fields, field)
			tw, err := ts.toWire(fd.Type, jen.Id("b"), jen.Id("x").Dot(fn))
			if err != nil {
				return err
			}
			to = append(to, jen.Id("b").Op("=").Add(tw))
			fw, err := ts.fromWire(fd.Type, jen.Id("w"))
			if err != nil {
				return err
			}
			from = append(from, jen.Id("x").Dot(fn).Op("=").Add(fw))
		}
		f.Type().Id(name).Struct(fields...)
		f.Func().Id(toW).Params(jen.Id("b").Add(bytesT), jen.Id("x").Id(name)).Add(bytesT).Block(append(to, jen.Return(jen.Id("b")))...)
		f.Func().Id(fromW).Params(jen.Id("w").Add(wireT)).Params(jen.Id("x").Id(name)).Block(append(from, jen.Return())...)
	case witparse.KindEnum:
		f.Type().Id(name).Uint32()
		var consts, labels []jen.Code
		for i, l := range d.Labels {
			c := jen.Id(name + gen.GoName(l.Name))
			if i == 0 {
				c = c.Id(name).Op("=").Iota()
			}
			consts = append(consts, c)
			labels = append(labels, jen.Lit(l.Name))
		}
		f.Const().Defs(consts...)
		f.Comment("String returns the WIT name of the case.")
		f.Func().Params(jen.Id("x").Id(name)).Id("String").Params().String().Block(
			jen.Id("names").Op(":=").Index().String().Values(labels...),
			jen.If(jen.Int().Call(jen.Id("x")).Op("<").Len(jen.Id("names"))).Block(jen.Return(jen.Id("names").Index(jen.Id("x")))),
			jen.Return(jen.Lit(name+"(?)")))
		f.Func().Id(toW).Params(jen.Id("b").Add(bytesT), jen.Id("x").Id(name)).Add(bytesT).Block(jen.Return(jen.Id("putUvarint").Call(jen.Id("b"), jen.Uint64().Call(jen.Id("x")))))
		f.Func().Id(fromW).Params(jen.Id("w").Add(wireT)).Id(name).Block(jen.Return(jen.Id(name).Call(jen.Id("rCase").Call(jen.Id("w"), jen.Lit(len(d.Labels))))))
	case witparse.KindFlags:
		if len(d.Labels) > 64 {
			return &UnsupportedError{Item: ts.item, What: fmt.Sprintf("flags with more than 64 labels (%s)", d.Name), Why: "Go flags are one uint64"}
		}
		f.Type().Id(name).Uint64()
		var consts []jen.Code
		for i, l := range d.Labels {
			c := jen.Id(name + gen.GoName(l.Name))
			if i == 0 {
				c = c.Id(name).Op("=").Lit(1).Op("<<").Iota()
			}
			consts = append(consts, c)
		}
		f.Const().Defs(consts...)
		f.Func().Id(toW).Params(jen.Id("b").Add(bytesT), jen.Id("x").Id(name)).Add(bytesT).Block(jen.Return(jen.Id("wFlags").Call(jen.Id("b"), jen.Uint64().Call(jen.Id("x")), jen.Lit(len(d.Labels)))))
		f.Func().Id(fromW).Params(jen.Id("w").Add(wireT)).Id(name).Block(jen.Return(jen.Id(name).Call(jen.Id("rFlags").Call(jen.Id("w"), jen.Lit(len(d.Labels))))))
	case witparse.KindVariant:
		caseType := name + "Case"
		fields := []jen.Code{jen.Comment("Case is which case the value is.").Line().Id("Case").Id(caseType)}
		var consts, toCases, fromCases []jen.Code
		for i, c := range d.Cases {
			cn := caseType + gen.GoName(c.Name)
			cc := jen.Id(cn)
			if i == 0 {
				cc = cc.Id(caseType).Op("=").Iota()
			}
			consts = append(consts, cc)
			to := []jen.Code{jen.Id("b").Op("=").Id("putUvarint").Call(jen.Id("b"), jen.Lit(i))}
			from := []jen.Code{jen.Id("x").Dot("Case").Op("=").Id(cn)}
			if c.Type != nil {
				g, err := ts.goType(*c.Type)
				if err != nil {
					return err
				}
				field := gen.GoName(c.Name)
				fields = append(fields, jen.Comment(field+" is the payload of case "+c.Name+".").Line().Id(field).Add(g))
				tw, err := ts.toWire(*c.Type, jen.Id("b"), jen.Id("x").Dot(field))
				if err != nil {
					return err
				}
				to = append(to, jen.Id("b").Op("=").Add(tw))
				fw, err := ts.fromWire(*c.Type, jen.Id("w"))
				if err != nil {
					return err
				}
				from = append(from, jen.Id("x").Dot(field).Op("=").Add(fw))
			}
			toCases = append(toCases, jen.Case(jen.Id(cn)).Block(to...))
			fromCases = append(fromCases, jen.Case(jen.Lit(i)).Block(from...))
		}
		f.Type().Id(name).Struct(fields...)
		f.Comment(caseType + " says which case a " + name + " is.")
		f.Type().Id(caseType).Uint32()
		f.Const().Defs(consts...)
		toCases = append(toCases, jen.Default().Block(jen.Id("fail").Call(jen.Lit(name+" with an unknown case"))))
		f.Func().Id(toW).Params(jen.Id("b").Add(bytesT), jen.Id("x").Id(name)).Add(bytesT).Block(
			jen.Switch(jen.Id("x").Dot("Case")).Block(toCases...), jen.Return(jen.Id("b")))
		f.Func().Id(fromW).Params(jen.Id("w").Add(wireT)).Params(jen.Id("x").Id(name)).Block(
			jen.Switch(jen.Id("rCase").Call(jen.Id("w"), jen.Lit(len(d.Cases)))).Block(fromCases...), jen.Return())
	}
	return nil
}
