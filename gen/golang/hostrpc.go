package golang

import (
	"fmt"
	"sort"
	"strings"

	"github.com/dave/jennifer/jen"

	"github.com/wasifill/wasifill/witparse"
)

const (
	rpcPkg  = "github.com/wasifill/wasifill/runtime/rpc"
	wirePkg = "github.com/wasifill/wasifill/value/wire"
)

// rpcTypes writes the value types (package value) the rpc providers decode
// params and encode results with. Named WIT types become package-level
// variables, written once for every named type a signature reaches.
type rpcTypes struct {
	ts     *types
	named  map[witparse.TypeID]bool
	served bool // an rpc provider was written, so the shared helper is needed
}

func newRPCTypes(ts *types) *rpcTypes {
	return &rpcTypes{ts: ts, named: map[witparse.TypeID]bool{}}
}

// varName is the variable holding the value type of named type id.
func (rt *rpcTypes) varName(id witparse.TypeID) string { return lowerFirst(rt.ts.names[id]) + "Type" }

// expr is a Go expression of type *value.Type for t.
func (rt *rpcTypes) expr(t witparse.Type) (jen.Code, error) {
	t = rt.ts.resolveAlias(t)
	if t.IsPrim() {
		if _, ok := prims[t.Prim]; !ok {
			return nil, rt.ts.unsupported(t.Prim + " values")
		}
		return jen.Qual(valuePkg, strings.ToUpper(t.Prim[:1])+t.Prim[1:]), nil
	}
	if _, ok := rt.ts.names[t.ID]; ok {
		rt.named[t.ID] = true
		return jen.Id(rt.varName(t.ID)), nil
	}
	d := rt.ts.r.Types[t.ID]
	switch d.Kind {
	case witparse.KindList:
		e, err := rt.expr(d.Elem)
		return jen.Qual(valuePkg, "ListOf").Call(e), err
	case witparse.KindFixedList:
		e, err := rt.expr(d.Elem)
		return jen.Qual(valuePkg, "FixedListOf").Call(e, jen.Lit(int(d.Len))), err
	case witparse.KindOption:
		e, err := rt.expr(d.Elem)
		return jen.Qual(valuePkg, "OptionOf").Call(e), err
	case witparse.KindResult:
		ok, err := rt.optExpr(d.Ok)
		if err != nil {
			return nil, err
		}
		e, err := rt.optExpr(d.Err)
		return jen.Qual(valuePkg, "ResultOf").Call(ok, e), err
	case witparse.KindTuple:
		elems, err := rt.exprs(d.Types)
		return jen.Qual(valuePkg, "TupleOf").Call(elems...), err
	}
	return nil, rt.ts.unsupported(kindName(d.Kind))
}

// optExpr is expr for a result's payload; nil when there is none.
func (rt *rpcTypes) optExpr(t *witparse.Type) (jen.Code, error) {
	if t == nil {
		return jen.Nil(), nil
	}
	return rt.expr(*t)
}

func (rt *rpcTypes) exprs(ts []witparse.Type) ([]jen.Code, error) {
	out := make([]jen.Code, len(ts))
	for i, t := range ts {
		var err error
		if out[i], err = rt.expr(t); err != nil {
			return nil, err
		}
	}
	return out, nil
}

// namedExpr is the definition of named type id as a value type.
func (rt *rpcTypes) namedExpr(id witparse.TypeID) (jen.Code, error) {
	d := rt.ts.r.Types[id]
	args := []jen.Code{jen.Lit(d.Name)}
	switch d.Kind {
	case witparse.KindRecord:
		for _, fd := range d.Fields {
			ft, err := rt.expr(fd.Type)
			if err != nil {
				return nil, err
			}
			args = append(args, jen.Qual(valuePkg, "Field").Values(keyed("Name", jen.Lit(fd.Name)), keyed("Type", ft)))
		}
		return jen.Qual(valuePkg, "RecordOf").Custom(lines, args...), nil
	case witparse.KindVariant:
		for _, c := range d.Cases {
			fields := []jen.Code{keyed("Name", jen.Lit(c.Name))}
			if c.Type != nil {
				ct, err := rt.expr(*c.Type)
				if err != nil {
					return nil, err
				}
				fields = append(fields, keyed("Type", ct))
			}
			args = append(args, jen.Qual(valuePkg, "Case").Values(fields...))
		}
		return jen.Qual(valuePkg, "VariantOf").Custom(lines, args...), nil
	case witparse.KindEnum, witparse.KindFlags:
		for _, l := range d.Labels {
			args = append(args, jen.Lit(l.Name))
		}
		if d.Kind == witparse.KindEnum {
			return jen.Qual(valuePkg, "EnumOf").Call(args...), nil
		}
		return jen.Qual(valuePkg, "FlagsOf").Call(args...), nil
	}
	return nil, rt.ts.unsupported(kindName(d.Kind))
}

// emitRPCProvider writes New<Name>RPCProvider for imported interface in:
// the provider interface served as a wasifill:rpc provider, its params
// decoded from and its result encoded to the wire format by value/wire
// through the value-model functions Register<Name> uses too.
func emitRPCProvider(f *jen.File, rt *rpcTypes, in iface) error {
	sigs := jen.Dict{}
	for _, fn := range rt.ts.r.Interfaces[in.id].Functions {
		rt.ts.item = in.name + ": function " + fn.Name
		var params []witparse.Type
		for _, p := range fn.Params {
			params = append(params, p.Type)
		}
		pt, err := rt.exprs(params)
		if err != nil {
			return err
		}
		sig := []jen.Code{keyed("params", jen.Qual(valuePkg, "TupleOf").Call(pt...))}
		if fn.Result != nil {
			r, err := rt.expr(*fn.Result)
			if err != nil {
				return err
			}
			sig = append(sig, keyed("result", r))
		}
		sigs[jen.Lit(fn.Name)] = jen.Values(sig...)
	}
	rt.served = true
	name := "New" + in.goName + "RPCProvider"
	f.Comment(fmt.Sprintf(`%s returns a wasifill:rpc provider that serves %s
with p: it decodes an invocation's params (wire format) into Go values, calls
the method with the invocation's context — whose deadline is the
invocation's — and encodes the result. An unknown interface or function
answers rpc-error not-found, params that do not decode answer decode; an
*rpc.Error the method returns reaches the caller as is, any other error
becomes trap.

	h.AddProvider("name", %s(p), 0)
	h.Link("caller", %q, "name", 0)`, name, in.name, name, in.name))
	f.Func().Id(name).Params(jen.Id("p").Id(in.goName)).Qual(rpcPkg, "Provider").Block(
		jen.Return(jen.Id("rpcProvider").Call(jen.Lit(in.name), jen.Id(hostFuncsName(in)).Call(jen.Id("p")),
			jen.Map(jen.String()).Id("rpcSignature").Values(sigs))))
	return nil
}

// emitSupport writes the value types of the named types the providers
// reach and the helper they share, when the world imports an interface.
func (rt *rpcTypes) emitSupport(f *jen.File) error {
	if !rt.served {
		return nil
	}
	// Defining a named type may reach others: repeat until none is new.
	defined := map[witparse.TypeID]jen.Code{}
	for len(defined) < len(rt.named) {
		for id := range rt.named {
			if defined[id] != nil {
				continue
			}
			def, err := rt.namedExpr(id)
			if err != nil {
				return err
			}
			defined[id] = def
		}
	}
	ids := make([]witparse.TypeID, 0, len(defined))
	for id := range defined {
		ids = append(ids, id)
	}
	sort.Slice(ids, func(i, j int) bool { return ids[i] < ids[j] })
	var vars []jen.Code
	for _, id := range ids {
		vars = append(vars, jen.Id(rt.varName(id)).Op("=").Add(defined[id]))
	}
	if len(vars) > 0 {
		f.Comment("The value types of the named WIT types the rpc providers decode and encode.")
		f.Var().Defs(vars...)
	}
	typ := jen.Op("*").Qual(valuePkg, "Type")
	f.Comment("rpcSignature is a function's params, as one tuple, and its result (nil: none).")
	f.Type().Id("rpcSignature").Struct(jen.List(jen.Id("params"), jen.Id("result")).Add(typ))
	f.Comment("rpcProvider serves iface: it decodes the params of an invocation of fn\nwith its signature, calls funcs[fn] and encodes the result.")
	key := jen.Id("iface").Op("+").Lit("#").Op("+").Id("fn")
	f.Func().Id("rpcProvider").Params(
		jen.Id("iface").String(), jen.Id("funcs").Map(jen.String()).Qual(runtimePkg, "HostFunc"), jen.Id("sigs").Map(jen.String()).Id("rpcSignature"),
	).Qual(rpcPkg, "Provider").Block(
		jen.Return(jen.Func().Params(jen.Id("ctx").Qual("context", "Context"), jen.Id("called"), jen.Id("fn").String(), jen.Id("params").Index().Byte()).
			Params(jen.Index().Byte(), jen.Error()).Block(
			jen.List(jen.Id("sig"), jen.Id("ok")).Op(":=").Id("sigs").Index(jen.Id("fn")),
			jen.If(jen.Op("!").Id("ok").Op("||").Id("called").Op("!=").Id("iface")).Block(
				jen.Return(jen.Nil(), jen.Op("&").Qual(rpcPkg, "Error").Values(jen.Dict{
					jen.Id("Kind"): jen.Qual(rpcPkg, "NotFound"), jen.Id("Msg"): jen.Id("called").Op("+").Lit("#").Op("+").Id("fn")}))),
			jen.List(jen.Id("args"), jen.Err()).Op(":=").Qual(wirePkg, "Decode").Call(jen.Id("sig").Dot("params"), jen.Id("params")),
			jen.If(jen.Err().Op("!=").Nil()).Block(
				jen.Return(jen.Nil(), jen.Op("&").Qual(rpcPkg, "Error").Values(jen.Dict{
					jen.Id("Kind"): jen.Qual(rpcPkg, "Decode"), jen.Id("Msg"): jen.Add(key).Op("+").Lit(": ").Op("+").Err().Dot("Error").Call()}))),
			jen.List(jen.Id("out"), jen.Err()).Op(":=").Id("funcs").Index(jen.Id("fn")).Call(jen.Id("ctx"), jen.Id("args").Assert(jen.Index().Qual(valuePkg, "Value"))),
			jen.If(jen.Err().Op("!=").Nil()).Block(
				jen.Return(jen.Nil(), jen.Qual("fmt", "Errorf").Call(jen.Lit("%s#%s: %w"), jen.Id("iface"), jen.Id("fn"), jen.Err()))),
			jen.If(jen.Id("sig").Dot("result").Op("==").Nil()).Block(jen.Return(jen.Nil(), jen.Nil())),
			jen.List(jen.Id("b"), jen.Err()).Op(":=").Qual(wirePkg, "Encode").Call(jen.Id("sig").Dot("result"), jen.Id("out").Index(jen.Lit(0))),
			jen.If(jen.Err().Op("!=").Nil()).Block(
				jen.Return(jen.Nil(), jen.Qual("fmt", "Errorf").Call(jen.Lit("%s#%s: encoding the result: %w"), jen.Id("iface"), jen.Id("fn"), jen.Err()))),
			jen.Return(jen.Id("b"), jen.Nil()))))
	return nil
}

// lines renders call arguments one a line.
var lines = jen.Options{Open: "(", Close: ")", Separator: ",", Multi: true}

// keyed is the element `key: v` of a composite literal, kept on one line.
func keyed(key string, v jen.Code) jen.Code { return jen.Id(key).Op(":").Add(v) }
