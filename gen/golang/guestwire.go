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

// wireHelpers names the conversions of the anonymous types (lists,
// options, results, tuples, fixed-length lists, handles) guest bindings
// use: each is a package-level function written once, so the bindings
// have no nested function literals (which gofmt lays out at a cost
// quadratic in their depth).
type wireHelpers struct {
	names map[string]string // typeKey+direction → function name
	decls []jen.Code
}

// typeKey is a structural key of t: equal for types whose Go type and
// wire conversions are the same.
func (ts *types) typeKey(t witparse.Type) string {
	t = ts.resolveAlias(t)
	if t.IsPrim() {
		return t.Prim
	}
	if name, ok := ts.names[t.ID]; ok {
		return "N" + name
	}
	if r, borrow, ok := ts.handleOf(t); ok {
		return fmt.Sprintf("H%s/%v", r.goName, borrow)
	}
	d := ts.r.Types[t.ID]
	opt := func(t *witparse.Type) string {
		if t == nil {
			return "_"
		}
		return ts.typeKey(*t)
	}
	switch d.Kind {
	case witparse.KindList:
		return "L(" + ts.typeKey(d.Elem) + ")"
	case witparse.KindFixedList:
		return fmt.Sprintf("F%d(%s)", d.Len, ts.typeKey(d.Elem))
	case witparse.KindOption:
		return "O(" + ts.typeKey(d.Elem) + ")"
	case witparse.KindResult:
		return "R(" + opt(d.Ok) + "," + opt(d.Err) + ")"
	case witparse.KindTuple:
		k := "T("
		for _, e := range d.Types {
			k += ts.typeKey(e) + ","
		}
		return k + ")"
	}
	return fmt.Sprintf("?%d", t.ID)
}

// helper returns the name of the helper for key (prefix: its kind), and
// whether it still has to be written.
func (ts *types) helper(prefix, key string) (string, bool) {
	if ts.wire.names == nil {
		ts.wire.names = map[string]string{}
	}
	if name, ok := ts.wire.names[prefix+key]; ok {
		return name, false
	}
	name := fmt.Sprintf("%s%d", prefix, len(ts.wire.names))
	ts.wire.names[prefix+key] = name
	return name, true
}

// toWireFunc is a function value of type func([]byte, G) []byte that
// appends the wire form of a G, the Go type of t.
func (ts *types) toWireFunc(t *witparse.Type) (jen.Code, error) {
	if t == nil { // a typed nil, so the generic helpers can infer their types
		return jen.Parens(jen.Func().Params(jen.Index().Byte(), jen.Struct()).Index().Byte()).Parens(jen.Nil()), nil
	}
	rt := ts.resolveAlias(*t)
	if rt.IsPrim() {
		return jen.Id("w" + wirePrims[rt.Prim]), nil
	}
	if name, ok := ts.names[rt.ID]; ok {
		return jen.Id(lowerFirst(name) + "ToWire"), nil
	}
	name, todo := ts.helper("toWire", ts.typeKey(rt))
	if todo {
		g, err := ts.goType(rt)
		if err != nil {
			return nil, err
		}
		body, err := ts.toWireBody(rt, jen.Id("b"), jen.Id("x"))
		if err != nil {
			return nil, err
		}
		ts.wire.decls = append(ts.wire.decls, jen.Func().Id(name).Params(jen.Id("b").Index().Byte(), jen.Id("x").Add(g)).Index().Byte().Block(body...))
	}
	return jen.Id(name), nil
}

// toWire appends the wire form of Go expression x of WIT type t to b.
func (ts *types) toWire(t witparse.Type, b, x jen.Code) (jen.Code, error) {
	if r, borrow, ok := ts.handleOf(t); ok {
		return ts.handleToWire(r, borrow, b, x)
	}
	f, err := ts.toWireFunc(&t)
	if err != nil {
		return nil, err
	}
	return jen.Add(f).Call(b, x), nil
}

// toWireBody is the body of t's toWire helper (b and x its parameters).
func (ts *types) toWireBody(t witparse.Type, b, x jen.Code) ([]jen.Code, error) {
	ret := func(c jen.Code, err error) ([]jen.Code, error) { return []jen.Code{jen.Return(c)}, err }
	if r, borrow, ok := ts.handleOf(t); ok {
		return ret(ts.handleToWire(r, borrow, b, x))
	}
	d := ts.r.Types[t.ID]
	switch d.Kind {
	case witparse.KindList:
		if e := ts.resolveAlias(d.Elem); e.IsPrim() && e.Prim == "u8" {
			return ret(jen.Id("wBytes").Call(b, x), nil)
		}
		f, err := ts.toWireFunc(&d.Elem)
		return ret(jen.Id("listToWire").Call(b, x, f), err)
	case witparse.KindFixedList: // the elements, no count
		if e := ts.resolveAlias(d.Elem); e.IsPrim() && e.Prim == "u8" {
			return ret(jen.Append(b, jen.Add(x).Index(jen.Op(":")).Op("...")), nil)
		}
		elem, err := ts.toWire(d.Elem, b, jen.Id("e"))
		return []jen.Code{jen.For(jen.List(jen.Id("_"), jen.Id("e")).Op(":=").Range().Add(x)).Block(jen.Add(b).Op("=").Add(elem)),
			jen.Return(b)}, err
	case witparse.KindOption:
		f, err := ts.toWireFunc(&d.Elem)
		return ret(jen.Id("optionToWire").Call(b, x, f), err)
	case witparse.KindResult:
		ok, err := ts.toWireFunc(d.Ok)
		if err != nil {
			return nil, err
		}
		e, err := ts.toWireFunc(d.Err)
		return ret(jen.Id("resultToWire").Call(b, x, ok, e), err)
	case witparse.KindTuple:
		var stmts []jen.Code
		for i, e := range d.Types {
			v, err := ts.toWire(e, b, jen.Add(x).Dot(fmt.Sprintf("F%d", i)))
			if err != nil {
				return nil, err
			}
			stmts = append(stmts, jen.Add(b).Op("=").Add(v))
		}
		return append(stmts, jen.Return(b)), nil
	}
	return nil, ts.unsupported(kindName(d.Kind))
}

// fromWireFunc is a function value of type func(*wire) G that reads a G,
// the Go type of t.
func (ts *types) fromWireFunc(t *witparse.Type) (jen.Code, error) {
	if t == nil {
		return jen.Parens(jen.Func().Params(jen.Op("*").Id("wire")).Struct()).Parens(jen.Nil()), nil
	}
	rt := ts.resolveAlias(*t)
	if rt.IsPrim() {
		return jen.Id("r" + wirePrims[rt.Prim]), nil
	}
	if name, ok := ts.names[rt.ID]; ok {
		return jen.Id(lowerFirst(name) + "FromWire"), nil
	}
	name, todo := ts.helper("fromWire", ts.typeKey(rt))
	if todo {
		g, err := ts.goType(rt)
		if err != nil {
			return nil, err
		}
		body, err := ts.fromWireBody(rt, jen.Id("w"), g)
		if err != nil {
			return nil, err
		}
		ts.wire.decls = append(ts.wire.decls, jen.Func().Id(name).Params(jen.Id("w").Op("*").Id("wire")).Params(jen.Id("x").Add(g)).Block(body...))
	}
	return jen.Id(name), nil
}

// fromWire reads a value of WIT type t from *wire expression w.
func (ts *types) fromWire(t witparse.Type, w jen.Code) (jen.Code, error) {
	if r, borrow, ok := ts.handleOf(t); ok {
		return ts.handleFromWire(r, borrow, w)
	}
	f, err := ts.fromWireFunc(&t)
	if err != nil {
		return nil, err
	}
	return jen.Add(f).Call(w), nil
}

// fromWireBody is the body of t's fromWire helper (w its parameter, x
// its named result, of Go type g).
func (ts *types) fromWireBody(t witparse.Type, w, g jen.Code) ([]jen.Code, error) {
	ret := func(c jen.Code, err error) ([]jen.Code, error) { return []jen.Code{jen.Return(c)}, err }
	if r, borrow, ok := ts.handleOf(t); ok {
		return ret(ts.handleFromWire(r, borrow, w))
	}
	d := ts.r.Types[t.ID]
	switch d.Kind {
	case witparse.KindList:
		if e := ts.resolveAlias(d.Elem); e.IsPrim() && e.Prim == "u8" {
			return ret(jen.Id("rBytes").Call(w), nil)
		}
		f, err := ts.fromWireFunc(&d.Elem)
		return ret(jen.Id("listFromWire").Call(w, f), err)
	case witparse.KindFixedList:
		if e := ts.resolveAlias(d.Elem); e.IsPrim() && e.Prim == "u8" {
			return []jen.Code{jen.Copy(jen.Id("x").Index(jen.Op(":")), jen.Add(w).Dot("take").Call(jen.Lit(int(d.Len)))), jen.Return()}, nil
		}
		elem, err := ts.fromWire(d.Elem, w)
		return []jen.Code{jen.For(jen.Id("i").Op(":=").Range().Id("x")).Block(jen.Id("x").Index(jen.Id("i")).Op("=").Add(elem)),
			jen.Return()}, err
	case witparse.KindOption:
		f, err := ts.fromWireFunc(&d.Elem)
		return ret(jen.Id("optionFromWire").Call(w, f), err)
	case witparse.KindResult:
		ok, err := ts.fromWireFunc(d.Ok)
		if err != nil {
			return nil, err
		}
		e, err := ts.fromWireFunc(d.Err)
		return ret(jen.Id("resultFromWire").Call(w, ok, e), err)
	case witparse.KindTuple:
		var stmts []jen.Code
		for i, e := range d.Types {
			v, err := ts.fromWire(e, w)
			if err != nil {
				return nil, err
			}
			stmts = append(stmts, jen.Id("x").Dot(fmt.Sprintf("F%d", i)).Op("=").Add(v))
		}
		return append(stmts, jen.Return()), nil
	}
	return nil, ts.unsupported(kindName(d.Kind))
}

// emitWireConv writes the wire conversions of named type id (guest
// bindings).
func (ts *types) emitWireConv(f *jen.File, id witparse.TypeID) error {
	d := ts.r.Types[id]
	name := ts.names[id]
	toW, fromW := lowerFirst(name)+"ToWire", lowerFirst(name)+"FromWire"
	bytesT := jen.Index().Byte()
	wireT := jen.Op("*").Id("wire")
	switch d.Kind {
	case witparse.KindRecord:
		var to, from []jen.Code
		for _, fd := range d.Fields {
			fn := gen.GoName(fd.Name)
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
		f.Func().Id(toW).Params(jen.Id("b").Add(bytesT), jen.Id("x").Id(name)).Add(bytesT).Block(append(to, jen.Return(jen.Id("b")))...)
		f.Func().Id(fromW).Params(jen.Id("w").Add(wireT)).Params(jen.Id("x").Id(name)).Block(append(from, jen.Return())...)
	case witparse.KindEnum:
		f.Func().Id(toW).Params(jen.Id("b").Add(bytesT), jen.Id("x").Id(name)).Add(bytesT).Block(jen.Return(jen.Id("putUvarint").Call(jen.Id("b"), jen.Uint64().Call(jen.Id("x")))))
		f.Func().Id(fromW).Params(jen.Id("w").Add(wireT)).Id(name).Block(jen.Return(jen.Id(name).Call(jen.Id("rCase").Call(jen.Id("w"), jen.Lit(len(d.Labels))))))
	case witparse.KindFlags:
		f.Func().Id(toW).Params(jen.Id("b").Add(bytesT), jen.Id("x").Id(name)).Add(bytesT).Block(jen.Return(jen.Id("wFlags").Call(jen.Id("b"), jen.Uint64().Call(jen.Id("x")), jen.Lit(len(d.Labels)))))
		f.Func().Id(fromW).Params(jen.Id("w").Add(wireT)).Id(name).Block(jen.Return(jen.Id(name).Call(jen.Id("rFlags").Call(jen.Id("w"), jen.Lit(len(d.Labels))))))
	case witparse.KindVariant:
		caseType := name + "Case"
		var toCases, fromCases []jen.Code
		for i, c := range d.Cases {
			cn := caseType + gen.GoName(c.Name)
			to := []jen.Code{jen.Id("b").Op("=").Id("putUvarint").Call(jen.Id("b"), jen.Lit(i))}
			from := []jen.Code{jen.Id("x").Dot("Case").Op("=").Id(cn)}
			if c.Type != nil {
				field := gen.GoName(c.Name)
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
		toCases = append(toCases, jen.Default().Block(jen.Id("fail").Call(jen.Lit(name+" with an unknown case"))))
		f.Func().Id(toW).Params(jen.Id("b").Add(bytesT), jen.Id("x").Id(name)).Add(bytesT).Block(
			jen.Switch(jen.Id("x").Dot("Case")).Block(toCases...), jen.Return(jen.Id("b")))
		f.Func().Id(fromW).Params(jen.Id("w").Add(wireT)).Params(jen.Id("x").Id(name)).Block(
			jen.Switch(jen.Id("rCase").Call(jen.Id("w"), jen.Lit(len(d.Cases)))).Block(fromCases...), jen.Return())
	}
	return nil
}
