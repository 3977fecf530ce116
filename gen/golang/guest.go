package golang

import (
	"bytes"
	_ "embed"
	"fmt"
	"sort"
	"strings"

	"github.com/dave/jennifer/jen"

	"github.com/wasifill/wasifill/gen"
	"github.com/wasifill/wasifill/internal/canon"
	"github.com/wasifill/wasifill/internal/guard"
	"github.com/wasifill/wasifill/witparse"
)

//go:embed guestrt.go.txt
var guestRuntime []byte

// GenerateGuest writes guest bindings for world: a Go package (standard
// library only, for GOOS=wasip1) that a component written in plain Go
// uses — for every interface the world imports or exports, wasi:* and
// wasifill:rpc included, each imported function as a Go function
// (<Interface><Function>) or resource method, each exported interface as
// a Go interface to implement and pass to Register<Interface> (world-level
// exports: Register<World>). What it cannot write is an
// *UnsupportedError naming the interface, the function or type, and why.
func GenerateGuest(r *witparse.Resolve, world witparse.WorldID, pkg string) (_ map[string][]byte, err error) {
	defer guard.Recover("gen go: guest", &err)
	g, ts, ifaces, err := startBindings(r, world, pkg, modeGuest, "--guest", func(pkg, world string) string {
		return fmt.Sprintf("Package %s holds the guest bindings of world %s: its imports as Go\nfunctions, its exports as Go interfaces to implement and register. Build the\ncomponent with GOOS=wasip1 GOARCH=wasm go build -buildmode=c-shared.", pkg, world)
	})
	if err != nil {
		return nil, err
	}
	w := r.Worlds[world]
	n := 0
	for _, in := range ifaces {
		f := g.File()
		var err error
		if in.imported {
			for _, res := range ts.resourcesOf(in) {
				emitImportedResource(f, res, &n)
			}
			funcs := r.Interfaces[in.id].Functions
			for len(funcs) > 0 && err == nil {
				batch := funcs[:min(len(funcs), declsPerChunk)]
				funcs = funcs[len(batch):]
				err = emitGuestImports(g.File(), ts, in, batch, &n)
				g.Cut()
			}
		} else {
			for _, res := range ts.resourcesOf(in) {
				if err = emitExportedResource(f, ts, res); err != nil {
					return nil, err
				}
			}
			err = emitGuestExports(f, ts, in.goName, in.name+"#", r.Interfaces[in.id].Functions, &n)
		}
		if err != nil {
			return nil, err
		}
		g.Cut()
	}
	var worldFuncs []*witparse.Function
	for _, e := range w.Exports {
		if e.Item.Kind == witparse.ItemFunction {
			worldFuncs = append(worldFuncs, e.Item.Function)
		}
	}
	if len(worldFuncs) > 0 {
		if err := emitGuestExports(g.File(), ts, gen.GoName(w.Name), "", worldFuncs, &n); err != nil {
			return nil, err
		}
		g.Cut()
	}
	for i, d := range ts.wire.decls {
		if i > 0 && i%declsPerChunk == 0 {
			g.Cut()
		}
		g.File().Add(d).Line()
	}
	g.Cut()
	emitGuestResourceSupport(g.File(), ts)
	emitGenericTypes(g.File(), ts)
	src, err := g.Bytes() // standard library imports only
	if err != nil {
		return nil, err
	}
	clause := []byte("package " + pkg)
	return map[string][]byte{
		"bindings.go": src,
		"fillrt.go":   bytes.Replace(fillRuntime, []byte("package main"), clause, 1),
		"guestrt.go":  bytes.Replace(guestRuntime, []byte("package main"), clause, 1),
	}, nil
}

func (ts *types) gfnExpr(fun *witparse.Function) (jen.Code, error) {
	params, result, err := ts.funcDescs(fun)
	if err != nil {
		return nil, err
	}
	return jen.Op("&").Id("gfn").Values(jen.Dict{jen.Id("params"): params, jen.Id("result"): result}), nil
}

func emitGuestImports(f *jen.File, ts *types, in iface, funcs []*witparse.Function, n *int) error {
	for _, fun := range funcs {
		ts.item = in.name + ": function " + fun.Name
		name := in.goName + gen.GoName(fun.Name)
		var recv []jen.Code // a method's receiver: its self
		switch fun.Kind {
		case witparse.Freestanding:
		case witparse.Constructor, witparse.Static:
			name = resourceFuncName(ts, fun)
		case witparse.Method:
			name = gen.GoName(fun.Name)
			recv = []jen.Code{jen.Params(jen.Id("self").Id(ts.res[ts.resourceID(fun.Resource)].goName))}
		default:
			return ts.unsupported("async functions")
		}
		g, err := ts.gfnExpr(fun)
		if err != nil {
			return err
		}
		sig, err := ts.signature(fun, canon.Lower)
		if err != nil {
			return err
		}
		k := *n
		*n++
		gv, imp := fmt.Sprintf("gfn%d", k), fmt.Sprintf("wasmimport%d", k)
		f.Var().Id(gv).Op("=").Add(g)
		// The core import, lower-direction signature (a trailing return
		// pointer when the result spills), called with the lowered params.
		var decl, args []jen.Code
		for i, t := range sig.Params {
			gt, _, out := flatGo(uint8(t))
			decl = append(decl, jen.Id(fmt.Sprintf("p%d", i)).Add(gt))
			if sig.ResultsSpilled && i == len(sig.Params)-1 {
				args = append(args, jen.Id("c").Dot("ret"))
			} else {
				args = append(args, out(jen.Id("c").Dot("flat").Index(jen.Lit(i))))
			}
		}
		f.Comment(fmt.Sprintf("%s is %s#%s as the component model passes it.", imp, in.name, fun.Name))
		f.Comment("//go:wasmimport " + in.name + " " + fun.Name)
		var call []jen.Code // the call, then w: its result as wire
		if len(sig.Results) == 1 {
			gt, toU64, _ := flatGo(uint8(sig.Results[0]))
			f.Func().Id(imp).Params(decl...).Add(gt)
			call = []jen.Code{jen.Id("w").Op(":=").Id("c").Dot("lift").Call(toU64(jen.Id(imp).Call(args...)))}
		} else {
			f.Func().Id(imp).Params(decl...)
			call = []jen.Code{jen.Id(imp).Call(args...), jen.Id("w").Op(":=").Id("c").Dot("lift").Call(jen.Lit(0))}
		}
		// The typed function.
		var params []jen.Code
		body := []jen.Code{jen.Var().Id("b").Index().Byte()}
		for k, p := range fun.Params {
			gt, err := ts.goType(p.Type)
			if err != nil {
				return err
			}
			local := importLocal(p.Name)
			if recv != nil && k == 0 {
				local = "self"
			} else {
				params = append(params, jen.Id(local).Add(gt))
			}
			tw, err := ts.toWire(p.Type, jen.Id("b"), jen.Id(local))
			if err != nil {
				return err
			}
			body = append(body, jen.Id("b").Op("=").Add(tw))
		}
		doc := fmt.Sprintf("%s calls %s#%s.", name, in.name, fun.Name)
		if fun.Docs != "" {
			doc = goDoc(name, fun.Docs)
		}
		f.Comment(doc)
		body = append(body, jen.Id("c").Op(":=").Id("lowerImport").Call(jen.Id(gv), jen.Id("b")))
		body = append(body, call...)
		if fun.Result == nil {
			body[len(body)-1] = jen.Id("c").Dot("lift").Call(jen.Lit(0))
			f.Func().Add(recv...).Id(name).Params(params...).Block(body...)
			continue
		}
		rt, err := ts.goType(*fun.Result)
		if err != nil {
			return err
		}
		fw, err := ts.fromWire(*fun.Result, jen.Id("w"))
		if err != nil {
			return err
		}
		body = append(body, jen.Return(fw))
		f.Func().Add(recv...).Id(name).Params(params...).Add(rt).Block(body...)
	}
	return nil
}

// importLocal is the Go name of an imported function's parameter, kept
// apart from the locals the function body declares.
func importLocal(name string) string {
	l := gen.GoLocal(name)
	switch l {
	case "b", "c", "w", "self":
		return l + "_"
	}
	return l
}

func emitGuestExports(f *jen.File, ts *types, goName, prefix string, funcs []*witparse.Function, n *int) error {
	var methods []jen.Code
	impl := lowerFirst(goName) + "Impl"
	type stub struct {
		k    int
		fun  *witparse.Function
		flat []uint8
		res  []uint8
	}
	var stubs []stub
	what := strings.TrimSuffix(prefix, "#")
	if what == "" {
		what = "the world's exported functions"
	}
	for _, fun := range funcs {
		ts.item = what + ": function " + fun.Name
		switch fun.Kind {
		case witparse.Freestanding, witparse.Constructor, witparse.Static:
			m, err := guestMethod(ts, fun, guestExportName(ts, fun))
			if err != nil {
				return err
			}
			methods = append(methods, m)
		case witparse.Method: // on the resource's interface
		default:
			return ts.unsupported("async functions")
		}
		flat, err := ts.flatOf(fun)
		if err != nil {
			return err
		}
		res, err := ts.resultFlat(fun)
		if err != nil {
			return err
		}
		stubs = append(stubs, stub{*n, fun, flat, res})
		*n++
	}
	f.Comment(fmt.Sprintf("%s is what the component implements for %s.", goName, what))
	f.Type().Id(goName).Interface(methods...)
	f.Var().Id(impl).Id(goName)
	f.Comment(fmt.Sprintf("Register%s sets the implementation the exports call; call it in init.", goName))
	f.Func().Id("Register" + goName).Params(jen.Id("impl").Id(goName)).Block(jen.Id(impl).Op("=").Id("impl"))
	sort.Slice(stubs, func(i, j int) bool { return stubs[i].k < stubs[j].k })
	for _, s := range stubs {
		g, err := ts.gfnExpr(s.fun)
		if err != nil {
			return err
		}
		gv := fmt.Sprintf("gfn%d", s.k)
		f.Var().Id(gv).Op("=").Add(g)
		var decl, conv []jen.Code
		for i, t := range s.flat {
			gt, in, _ := flatGo(t)
			decl = append(decl, jen.Id(fmt.Sprintf("p%d", i)).Add(gt))
			conv = append(conv, in(jen.Id(fmt.Sprintf("p%d", i))))
		}
		params := jen.Id("exportParams").Call(jen.Id(gv), jen.Index().Uint64().Values(conv...))
		body := []jen.Code{params}
		if len(s.fun.Params) > 0 {
			body = []jen.Code{jen.Id("w").Op(":=").Add(params)}
		}
		var args []jen.Code
		for i, p := range s.fun.Params {
			fw, err := ts.fromWire(p.Type, jen.Id("w"))
			if err != nil {
				return err
			}
			a := fmt.Sprintf("a%d", i)
			body = append(body, jen.Id(a).Op(":=").Add(fw))
			args = append(args, jen.Id(a))
		}
		export := prefix + s.fun.Name
		f.Comment(fmt.Sprintf("wasmexport%d serves %s.", s.k, export))
		f.Comment("//go:wasmexport " + export)
		call := jen.Id(impl).Dot(guestExportName(ts, s.fun)).Call(args...)
		if s.fun.Kind == witparse.Method { // self: the rep's value
			call = jen.Id("a0").Dot(gen.GoName(s.fun.Name)).Call(args[1:]...)
		}
		if s.fun.Result == nil {
			f.Func().Id(fmt.Sprintf("wasmexport%d", s.k)).Params(decl...).Block(append(body, call)...)
			continue
		}
		if len(s.res) == 0 { // a result with no core values (an empty record)
			f.Func().Id(fmt.Sprintf("wasmexport%d", s.k)).Params(decl...).Block(append(body, jen.Id("_").Op("=").Add(call))...)
			continue
		}
		tw, err := ts.toWire(*s.fun.Result, jen.Nil(), jen.Id("r"))
		if err != nil {
			return err
		}
		body = append(body, jen.Id("r").Op(":=").Add(call))
		out := jen.Id("exportResult").Call(jen.Id(gv), tw)
		if len(s.res) <= 1 {
			gt, _, toGo := flatGo(s.res[0])
			f.Func().Id(fmt.Sprintf("wasmexport%d", s.k)).Params(decl...).Add(gt).Block(append(body, jen.Return(toGo(out)))...)
		} else {
			f.Func().Id(fmt.Sprintf("wasmexport%d", s.k)).Params(decl...).Uint32().Block(append(body, jen.Return(jen.Uint32().Call(out)))...)
			f.Comment("//go:wasmexport cabi_post_" + export)
			f.Func().Id(fmt.Sprintf("post%d", s.k)).Params(jen.Uint32()).Block(jen.Id("unpin").Call())
		}
	}
	return nil
}

// guestExportName is the Go method name of exported function fun.
func guestExportName(ts *types, fun *witparse.Function) string {
	if fun.Kind == witparse.Constructor || fun.Kind == witparse.Static {
		return resourceFuncName(ts, fun)
	}
	return gen.GoName(fun.Name)
}

// emitGenericTypes writes the generic types bindings use: Option,
// Result and a TupleN for each tuple arity the world has.
func emitGenericTypes(f *jen.File, ts *types) {
	f.Comment("Option is a WIT option: Value is meaningful when Some is true.")
	f.Type().Id("Option").Types(jen.Id("T").Any()).Struct(jen.Id("Some").Bool(), jen.Id("Value").Id("T"))
	f.Comment("Result is a WIT result: Ok when IsErr is false, else Err.")
	f.Type().Id("Result").Types(jen.Id("T").Any(), jen.Id("E").Any()).Struct(jen.Id("IsErr").Bool(), jen.Id("Ok").Id("T"), jen.Id("Err").Id("E"))
	var arities []int
	for k := range ts.tuples {
		arities = append(arities, k)
	}
	sort.Ints(arities)
	for _, k := range arities {
		var params, fields []jen.Code
		for i := 0; i < k; i++ {
			params = append(params, jen.Id(fmt.Sprintf("T%d", i)).Any())
			fields = append(fields, jen.Id(fmt.Sprintf("F%d", i)).Id(fmt.Sprintf("T%d", i)))
		}
		f.Comment(fmt.Sprintf("Tuple%d is a WIT tuple of %d values.", k, k))
		f.Type().Id(fmt.Sprintf("Tuple%d", k)).Types(params...).Struct(fields...)
	}
}
