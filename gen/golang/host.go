package golang

import (
	"fmt"
	"sort"

	"github.com/dave/jennifer/jen"

	"github.com/wasifill/wasifill/gen"
	"github.com/wasifill/wasifill/internal/guard"
	"github.com/wasifill/wasifill/witparse"
)

const runtimePkg = "github.com/wasifill/wasifill/runtime"

// GenerateHost writes host bindings for world: a Go package named pkg
// (default: from the world's name) with a Go interface a native provider
// implements for each imported interface, its registration with the
// wasifill runtime, and a typed client for each exported interface. It
// returns the files by name, gofmt'd.
func GenerateHost(r *witparse.Resolve, world witparse.WorldID, pkg string) (_ map[string][]byte, err error) {
	defer guard.Recover("gen go: host", &err)
	g, ts, ifaces, err := startBindings(r, world, pkg, modeHost, "--host", func(pkg, world string) string {
		return fmt.Sprintf("Package %s holds host bindings for world %s: Go providers for the\ninterfaces it imports (served to components directly or as wasifill:rpc\nproviders) and typed clients for the interfaces it exports.", pkg, world)
	})
	if err != nil {
		return nil, err
	}
	rt := newRPCTypes(ts)
	for _, in := range ifaces {
		f := g.File()
		var err error
		if in.imported {
			// Resources do not cross wasifill:rpc yet: no rpc provider
			// for an interface that uses them.
			if err = emitProvider(f, ts, in); err == nil && !ts.usesResources(in) {
				err = emitRPCProvider(f, rt, in)
			}
		} else {
			err = emitClient(f, ts, in)
		}
		if err != nil {
			return nil, err
		}
		g.Cut()
	}
	f := g.File()
	if err := rt.emitSupport(f); err != nil {
		return nil, err
	}
	emitHostResourceSupport(f, ts)
	emitClientHandleSupport(f, ts)
	emitSupport(f, ts)
	src, err := g.Bytes()
	if err != nil {
		return nil, err
	}
	return map[string][]byte{"host.go": src}, nil
}

// iface is an interface of the world, with its Go name.
type iface struct {
	id       witparse.InterfaceID
	name     string // full WIT name, e.g. acme:kv/store@1.0.0
	goName   string
	imported bool
}

func worldInterfaces(r *witparse.Resolve, w *witparse.World) []iface {
	var out []iface
	add := func(list []witparse.WorldEntry, imported bool) {
		for _, e := range list {
			if e.Item.Kind != witparse.ItemInterface {
				continue
			}
			name := e.Name
			if name == "" {
				name = r.InterfaceName(e.Item.Interface)
			}
			short := r.Interfaces[e.Item.Interface].Name
			if short == "" {
				short = e.Name
			}
			out = append(out, iface{id: e.Item.Interface, name: name, goName: gen.GoName(short), imported: imported})
		}
	}
	add(w.Imports, true)
	add(w.Exports, false)
	// Two interfaces of one short name: prefix the package.
	seen := map[string]int{}
	for _, in := range out {
		seen[in.goName]++
	}
	for i, in := range out {
		if seen[in.goName] > 1 {
			if p := r.Interfaces[in.id].Package; p != nil {
				out[i].goName = gen.GoName(r.Packages[*p].Name.Name) + in.goName
			}
		}
	}
	return out
}

// nameTypes gives every record, variant, enum and flags of the world's
// interfaces a Go name: its WIT name, prefixed with the interface's when
// two interfaces use the same name.
func nameTypes(ts *types, ifaces []iface) {
	count := map[string]int{}
	for _, in := range ifaces {
		for _, nt := range ts.r.Interfaces[in.id].Types {
			if isNominal(ts.r.Types[nt.ID].Kind) {
				count[gen.GoName(nt.Name)]++
			}
		}
	}
	for _, in := range ifaces {
		for _, nt := range ts.r.Interfaces[in.id].Types {
			if !isNominal(ts.r.Types[nt.ID].Kind) {
				continue
			}
			name := gen.GoName(nt.Name)
			if count[name] > 1 {
				name = in.goName + name
			}
			ts.names[nt.ID] = name
		}
	}
}

func isNominal(k witparse.TypeDefKind) bool {
	return k == witparse.KindRecord || k == witparse.KindVariant || k == witparse.KindEnum || k == witparse.KindFlags
}

// signature writes a Go method signature for f: context first, then the
// parameters (a method's self is its receiver); the result (if any) and
// an error.
func signature(ts *types, f *witparse.Function) (params []jen.Code, results []jen.Code, err error) {
	switch f.Kind {
	case witparse.Freestanding, witparse.Method, witparse.Static, witparse.Constructor:
	default:
		return nil, nil, ts.unsupported("async functions")
	}
	params = append(params, jen.Id("ctx").Qual("context", "Context"))
	for _, p := range ownParams(f) {
		g, err := ts.goType(p.Type)
		if err != nil {
			return nil, nil, err
		}
		params = append(params, jen.Id(gen.GoLocal(p.Name)).Add(g))
	}
	if f.Result != nil {
		g, err := ts.goType(*f.Result)
		if err != nil {
			return nil, nil, err
		}
		results = append(results, g)
	}
	results = append(results, jen.Error())
	return params, results, nil
}

// ownParams are f's parameters but a method's self.
func ownParams(f *witparse.Function) []witparse.Param {
	if (f.Kind == witparse.Method || f.Kind == witparse.AsyncMethod) && len(f.Params) > 0 {
		return f.Params[1:]
	}
	return f.Params
}

// resourcesOf lists the resources interface in defines, in order.
func (ts *types) resourcesOf(in iface) []*resource {
	var out []*resource
	for _, nt := range ts.r.Interfaces[in.id].Types {
		if r := ts.res[nt.ID]; r != nil {
			out = append(out, r)
		}
	}
	return out
}

// emitProvider writes the interface a Go provider of an imported
// interface implements and the function registering it with a runtime;
// for its resources, the interfaces their values implement.
func emitProvider(f *jen.File, ts *types, in iface) error {
	i := ts.r.Interfaces[in.id]
	ts.scope, ts.repsUsed = scopeProvider, map[witparse.TypeID]bool{}
	defer func() { ts.scope = scopeNone }()
	for _, r := range ts.resourcesOf(in) {
		if err := emitProviderResource(f, ts, r); err != nil {
			return err
		}
	}
	var methods []jen.Code
	funcs := jen.Dict{}
	for _, fn := range i.Functions {
		ts.item = in.name + ": function " + fn.Name
		params, results, err := signature(ts, fn)
		if err != nil {
			return err
		}
		name := gen.GoName(fn.Name)
		recv := jen.Id("p")
		args := fn.Params
		switch fn.Kind {
		case witparse.Constructor, witparse.Static:
			name = resourceFuncName(ts, fn)
		case witparse.Method:
			self, err := ts.fromValue(fn.Params[0].Type, jen.Id("args").Index(jen.Lit(0)))
			if err != nil {
				return err
			}
			recv, args = self.(*jen.Statement), nil
		}
		if fn.Kind != witparse.Method {
			m := jen.Id(name).Params(params...).Params(results...)
			if fn.Docs != "" {
				m = jen.Comment(goDoc(name, fn.Docs)).Line().Add(m)
			}
			methods = append(methods, m)
		}
		// The host function: values in, typed call, values out.
		call := []jen.Code{jen.Id("ctx")}
		for k, p := range fn.Params {
			if args == nil && k == 0 {
				continue // a method's self: the receiver
			}
			v, err := ts.fromValue(p.Type, jen.Id("args").Index(jen.Lit(k)))
			if err != nil {
				return err
			}
			call = append(call, v)
		}
		var body []jen.Code
		if fn.Result != nil {
			out, err := ts.toValue(*fn.Result, jen.Id("r"))
			if err != nil {
				return err
			}
			body = append(body,
				jen.List(jen.Id("r"), jen.Err()).Op(":=").Add(recv).Dot(name).Call(call...),
				jen.If(jen.Err().Op("!=").Nil()).Block(jen.Return(jen.Nil(), jen.Err())),
				jen.Return(jen.Index().Qual(valuePkg, "Value").Values(out), jen.Nil()))
		} else {
			body = append(body, jen.Return(jen.Nil(), jen.Add(recv).Dot(name).Call(call...)))
		}
		funcs[jen.Lit(fn.Name)] = jen.Func().Params(jen.Id("ctx").Qual("context", "Context"), jen.Id("args").Index().Qual(valuePkg, "Value")).
			Params(jen.Index().Qual(valuePkg, "Value"), jen.Error()).Block(body...)
	}
	doc := fmt.Sprintf("%s is what a Go provider of %s implements.", in.goName, in.name)
	if i.Docs != "" {
		doc += "\n\n" + i.Docs
	}
	f.Comment(doc)
	f.Type().Id(in.goName).Interface(methods...)
	hostFuncs := jen.Return(jen.Map(jen.String()).Qual(runtimePkg, "HostFunc").Values(funcs))
	rtParam := jen.Id("rt").Op("*").Qual(runtimePkg, "Runtime")
	if ts.usesResources(in) {
		// The rep tables of the imported resources the functions use.
		var decls []jen.Code
		for _, r := range ts.sortedReps() {
			decls = append(decls, jen.Id(repsVar(r)).Op(":=").Id("hostRepsOf").Types(jen.Id(r.goName)).Call(jen.Id("rt"), jen.Lit(r.in.name), jen.Lit(r.name)))
		}
		f.Comment(fmt.Sprintf("%s serves %s with p on the value model; the values of\nits resources are handles on rt.", hostFuncsName(in), in.name))
		f.Func().Id(hostFuncsName(in)).Params(rtParam, jen.Id("p").Id(in.goName)).Map(jen.String()).Qual(runtimePkg, "HostFunc").Block(append(decls, hostFuncs)...)
		f.Comment(fmt.Sprintf("Register%s makes p serve %s to the components rt instantiates.", in.goName, in.name))
		f.Func().Id("Register"+in.goName).Params(rtParam, jen.Id("p").Id(in.goName)).Block(
			jen.Id("rt").Dot("DefineInstance").Call(jen.Lit(in.name), jen.Id(hostFuncsName(in)).Call(jen.Id("rt"), jen.Id("p"))))
		return nil
	}
	f.Comment(fmt.Sprintf("%s serves %s with p on the value model.", hostFuncsName(in), in.name))
	f.Func().Id(hostFuncsName(in)).Params(jen.Id("p").Id(in.goName)).Map(jen.String()).Qual(runtimePkg, "HostFunc").Block(hostFuncs)
	f.Comment(fmt.Sprintf("Register%s makes p serve %s to the components rt instantiates.", in.goName, in.name))
	f.Func().Id("Register"+in.goName).Params(rtParam, jen.Id("p").Id(in.goName)).Block(
		jen.Id("rt").Dot("DefineInstance").Call(jen.Lit(in.name), jen.Id(hostFuncsName(in)).Call(jen.Id("p"))))
	return nil
}

// sortedReps lists the resources whose rep tables the provider being
// written uses, in definition order.
func (ts *types) sortedReps() []*resource {
	var out []*resource
	for id := range ts.repsUsed {
		out = append(out, ts.res[id])
	}
	sort.Slice(out, func(i, j int) bool { return out[i].id < out[j].id })
	ts.hostReps = ts.hostReps || len(out) > 0
	return out
}

// hostFuncsName names the generated function that turns a provider of in
// into runtime host functions.
func hostFuncsName(in iface) string { return lowerFirst(in.goName) + "Funcs" }

// emitClient writes a typed client for an exported interface, and handle
// types for its resources.
func emitClient(f *jen.File, ts *types, in iface) error {
	i := ts.r.Interfaces[in.id]
	ts.scope = scopeClient
	defer func() { ts.scope = scopeNone }()
	client := in.goName + "Client"
	f.Comment(fmt.Sprintf("%s calls %s, exported by a component instance.", client, in.name))
	f.Type().Id(client).Struct(jen.Id("inst").Op("*").Qual(runtimePkg, "Instance"))
	f.Comment(fmt.Sprintf("New%s returns a client for the %s that inst exports.", client, in.name))
	f.Func().Id("New" + client).Params(jen.Id("inst").Op("*").Qual(runtimePkg, "Instance")).Op("*").Id(client).Block(
		jen.Return(jen.Op("&").Id(client).Values(jen.Dict{jen.Id("inst"): jen.Id("inst")})))
	for _, r := range ts.resourcesOf(in) {
		if err := emitClientResource(f, ts, r); err != nil {
			return err
		}
	}
	for _, fn := range i.Functions {
		name := gen.GoName(fn.Name)
		switch fn.Kind {
		case witparse.Method:
			continue // on the handle type
		case witparse.Constructor, witparse.Static:
			name = resourceFuncName(ts, fn)
		}
		if err := emitClientFunc(f, ts, in, fn, jen.Id("cl").Op("*").Id(client), name); err != nil {
			return err
		}
	}
	return nil
}

// emitClientFunc writes the client method name calling exported function
// fn; a resource method passes its receiver's handle as self.
func emitClientFunc(f *jen.File, ts *types, in iface, fn *witparse.Function, recv *jen.Statement, name string) error {
	ts.item = in.name + ": function " + fn.Name
	params, results, err := signature(ts, fn)
	if err != nil {
		return err
	}
	args := []jen.Code{jen.Id("ctx"), jen.Lit(in.name + "#" + fn.Name)}
	if fn.Kind == witparse.Method {
		args = append(args, jen.Id("cl").Dot("h").Dot("use").Call())
	}
	for _, p := range ownParams(fn) {
		v, err := ts.toValue(p.Type, jen.Id(gen.GoLocal(p.Name)))
		if err != nil {
			return err
		}
		args = append(args, v)
	}
	var body []jen.Code
	if fn.Result != nil {
		zero, _ := ts.goType(*fn.Result)
		res, err := ts.fromValue(*fn.Result, jen.Id("out").Index(jen.Lit(0)))
		if err != nil {
			return err
		}
		body = append(body,
			jen.List(jen.Id("out"), jen.Err()).Op(":=").Id("cl").Dot("inst").Dot("Call").Call(args...),
			jen.If(jen.Err().Op("!=").Nil()).Block(jen.Var().Id("zero").Add(zero), jen.Return(jen.Id("zero"), jen.Err())),
			jen.Return(res, jen.Nil()))
	} else {
		body = append(body,
			jen.List(jen.Id("_"), jen.Err()).Op(":=").Id("cl").Dot("inst").Dot("Call").Call(args...),
			jen.Return(jen.Err()))
	}
	doc := fmt.Sprintf("%s calls %s.", name, fn.Name)
	if fn.Docs != "" {
		doc = goDoc(name, fn.Docs)
	}
	f.Comment(doc)
	f.Func().Params(recv).Id(name).Params(params...).Params(results...).Block(body...)
	return nil
}

// emitSupport writes the generic types and helpers the bindings use.
func emitSupport(f *jen.File, ts *types) {
	val := jen.Qual(valuePkg, "Value")
	emitGenericTypes(f, ts)
	f.Func().Id("listToValue").Types(jen.Id("T").Any()).Params(jen.Id("xs").Index().Id("T"), jen.Id("f").Func().Params(jen.Id("T")).Add(val)).Add(val).Block(
		jen.Id("out").Op(":=").Make(jen.Index().Add(val), jen.Len(jen.Id("xs"))),
		jen.For(jen.List(jen.Id("i"), jen.Id("x")).Op(":=").Range().Id("xs")).Block(jen.Id("out").Index(jen.Id("i")).Op("=").Id("f").Call(jen.Id("x"))),
		jen.Return(jen.Id("out")))
	f.Func().Id("listFromValue").Types(jen.Id("T").Any()).Params(jen.Id("v").Add(val), jen.Id("f").Func().Params(val).Id("T")).Index().Id("T").Block(
		jen.Id("vs").Op(":=").Id("v").Assert(jen.Index().Add(val)),
		jen.Id("out").Op(":=").Make(jen.Index().Id("T"), jen.Len(jen.Id("vs"))),
		jen.For(jen.List(jen.Id("i"), jen.Id("x")).Op(":=").Range().Id("vs")).Block(jen.Id("out").Index(jen.Id("i")).Op("=").Id("f").Call(jen.Id("x"))),
		jen.Return(jen.Id("out")))
	f.Func().Id("optionToValue").Types(jen.Id("T").Any()).Params(jen.Id("x").Id("Option").Types(jen.Id("T")), jen.Id("f").Func().Params(jen.Id("T")).Add(val)).Add(val).Block(
		jen.If(jen.Op("!").Id("x").Dot("Some")).Block(jen.Return(jen.Qual(valuePkg, "None"))),
		jen.Return(jen.Qual(valuePkg, "Some").Call(jen.Id("f").Call(jen.Id("x").Dot("Value")))))
	f.Func().Id("optionFromValue").Types(jen.Id("T").Any()).Params(jen.Id("v").Add(val), jen.Id("f").Func().Params(val).Id("T")).Id("Option").Types(jen.Id("T")).Block(
		jen.Id("o").Op(":=").Id("v").Assert(jen.Qual(valuePkg, "Option")),
		jen.If(jen.Op("!").Id("o").Dot("Some")).Block(jen.Return(jen.Id("Option").Types(jen.Id("T")).Values())),
		jen.Return(jen.Id("Option").Types(jen.Id("T")).Values(jen.Dict{jen.Id("Some"): jen.True(), jen.Id("Value"): jen.Id("f").Call(jen.Id("o").Dot("Value"))})))
	f.Func().Id("resultToValue").Types(jen.Id("T").Any(), jen.Id("E").Any()).Params(
		jen.Id("x").Id("Result").Types(jen.Id("T"), jen.Id("E")), jen.Id("ok").Func().Params(jen.Id("T")).Add(val), jen.Id("fail").Func().Params(jen.Id("E")).Add(val)).Add(val).Block(
		jen.If(jen.Id("x").Dot("IsErr")).Block(
			jen.If(jen.Id("fail").Op("==").Nil()).Block(jen.Return(jen.Qual(valuePkg, "Err").Call(jen.Nil()))),
			jen.Return(jen.Qual(valuePkg, "Err").Call(jen.Id("fail").Call(jen.Id("x").Dot("Err"))))),
		jen.If(jen.Id("ok").Op("==").Nil()).Block(jen.Return(jen.Qual(valuePkg, "Ok").Call(jen.Nil()))),
		jen.Return(jen.Qual(valuePkg, "Ok").Call(jen.Id("ok").Call(jen.Id("x").Dot("Ok")))))
	f.Func().Id("resultFromValue").Types(jen.Id("T").Any(), jen.Id("E").Any()).Params(
		jen.Id("v").Add(val), jen.Id("ok").Func().Params(val).Id("T"), jen.Id("fail").Func().Params(val).Id("E")).Id("Result").Types(jen.Id("T"), jen.Id("E")).Block(
		jen.Id("r").Op(":=").Id("v").Assert(jen.Qual(valuePkg, "Result")),
		jen.Var().Id("out").Id("Result").Types(jen.Id("T"), jen.Id("E")),
		jen.Id("out").Dot("IsErr").Op("=").Id("r").Dot("IsErr"),
		jen.Switch().Block(
			jen.Case(jen.Id("r").Dot("IsErr").Op("&&").Id("fail").Op("!=").Nil()).Block(jen.Id("out").Dot("Err").Op("=").Id("fail").Call(jen.Id("r").Dot("Value"))),
			jen.Case(jen.Op("!").Id("r").Dot("IsErr").Op("&&").Id("ok").Op("!=").Nil()).Block(jen.Id("out").Dot("Ok").Op("=").Id("ok").Call(jen.Id("r").Dot("Value")))),
		jen.Return(jen.Id("out")))
	f.Func().Id("flagsToValue").Params(jen.Id("x").Uint64(), jen.Id("n").Int()).Add(val).Block(
		jen.Id("out").Op(":=").Make(jen.Qual(valuePkg, "Flags"), jen.Id("n")),
		jen.For(jen.Id("i").Op(":=").Range().Id("out")).Block(jen.Id("out").Index(jen.Id("i")).Op("=").Id("x").Op("&").Parens(jen.Lit(1).Op("<<").Id("i")).Op("!=").Lit(0)),
		jen.Return(jen.Id("out")))
	f.Func().Id("flagsFromValue").Params(jen.Id("v").Add(val)).Uint64().Block(
		jen.Var().Id("x").Uint64(),
		jen.For(jen.List(jen.Id("i"), jen.Id("set")).Op(":=").Range().Id("v").Assert(jen.Qual(valuePkg, "Flags"))).Block(
			jen.If(jen.Id("set")).Block(jen.Id("x").Op("|=").Lit(1).Op("<<").Id("i"))),
		jen.Return(jen.Id("x")))
}

// startBindings begins a bindings file of world for mode: it checks the
// world and its type sizes, names the world's types, collects its
// resources, and declares every named type once.
func startBindings(r *witparse.Resolve, world witparse.WorldID, pkg string, m mode, flag string, doc func(pkg, world string) string) (*goFile, *types, []iface, error) {
	w, err := checkWorld(r, world)
	if err != nil {
		return nil, nil, nil, err
	}
	if pkg == "" {
		pkg = gen.PackageName(w.Name)
	}
	ts := newTypes(r, m)
	ifaces := worldInterfaces(r, w)
	nameTypes(ts, ifaces)
	collectResources(ts, ifaces)
	g := newGoFile(pkg, "Code generated by wasifill gen go "+flag+"; DO NOT EDIT.", doc(pkg, w.Name))
	for _, in := range ifaces {
		k := 0
		for _, nt := range r.Interfaces[in.id].Types {
			if _, named := ts.names[nt.ID]; named {
				ts.item = in.name + ": type " + nt.Name
				if err := ts.emitNamed(g.File(), nt.ID); err != nil {
					return nil, nil, nil, err
				}
				if k++; k%declsPerChunk == 0 {
					g.Cut()
				}
			}
		}
		g.Cut()
	}
	return g, ts, ifaces, nil
}

// checkWorld returns world of r if r has it and its types are within the
// generators' size bounds.
func checkWorld(r *witparse.Resolve, world witparse.WorldID) (*witparse.World, error) {
	if int(world) < 0 || int(world) >= len(r.Worlds) {
		return nil, fmt.Errorf("gen go: no world %d", world)
	}
	if err := gen.CheckSizes(r, world); err != nil {
		return nil, fmt.Errorf("gen go: %w", err)
	}
	return r.Worlds[world], nil
}
