package golang

import (
	"fmt"

	"github.com/dave/jennifer/jen"

	"github.com/wasifill/wasifill/gen"
	"github.com/wasifill/wasifill/witparse"
)

// Resources. Every resource of the world's interfaces gets a Go name (its
// WIT name, prefixed with the interface's when two interfaces share it)
// and a side: a resource of an imported interface is implemented outside
// the component (by a Go provider, in host bindings), one of an exported
// interface by the component. Handles are converted where they appear,
// as parameters and results or inside lists, options, results and
// tuples; inside records and variants (whose conversions are functions of
// their own, with no handle tables in reach) they are refused.

// resource is a resource of the world, with its functions.
type resource struct {
	id      witparse.TypeID
	name    string // WIT name
	goName  string
	docs    string
	in      iface
	ctor    *witparse.Function
	methods []*witparse.Function
	statics []*witparse.Function
}

// handleScope says which handles the code being written can convert.
type handleScope uint8

const (
	scopeNone     handleScope = iota // named-type conversions: none
	scopeProvider                    // a host provider: imported resources, through their rep tables
	scopeClient                      // a host client: exported resources, as handles of cl.inst
	scopeGuest                       // guest bindings: every resource
)

// collectResources names the resources of ifaces and sorts their
// functions, given the Go names nameTypes chose.
func collectResources(ts *types, ifaces []iface) {
	ts.res = map[witparse.TypeID]*resource{}
	count := map[string]int{}
	for _, in := range ifaces {
		for _, nt := range ts.r.Interfaces[in.id].Types {
			if k := ts.r.Types[nt.ID].Kind; isNominal(k) || k == witparse.KindResource {
				count[gen.GoName(nt.Name)]++
			}
		}
	}
	for _, in := range ifaces {
		i := ts.r.Interfaces[in.id]
		for _, nt := range i.Types {
			d := ts.r.Types[nt.ID]
			if d.Kind != witparse.KindResource {
				continue
			}
			name := gen.GoName(nt.Name)
			if count[name] > 1 {
				name = in.goName + name
			}
			ts.res[nt.ID] = &resource{id: nt.ID, name: nt.Name, goName: name, docs: d.Docs, in: in}
		}
		for _, fn := range i.Functions {
			if fn.Kind == witparse.Freestanding || fn.Kind == witparse.AsyncFreestanding {
				continue // no resource: fn.Resource is not a type
			}
			r := ts.res[ts.resourceID(fn.Resource)]
			if r == nil {
				continue
			}
			switch fn.Kind {
			case witparse.Constructor:
				r.ctor = fn
			case witparse.Method:
				r.methods = append(r.methods, fn)
			case witparse.Static:
				r.statics = append(r.statics, fn)
			}
		}
	}
}

// resourceID follows aliases (`use`) to the resource definition.
func (ts *types) resourceID(id witparse.TypeID) witparse.TypeID {
	return ts.resolveAlias(witparse.Type{ID: id}).ID
}

// handleOf reports whether t is a handle (own<R>, borrow<R>, or a bare
// resource name, which is own) and of which resource.
func (ts *types) handleOf(t witparse.Type) (r *resource, borrow, ok bool) {
	t = ts.resolveAlias(t)
	if t.IsPrim() {
		return nil, false, false
	}
	d := ts.r.Types[t.ID]
	switch d.Kind {
	case witparse.KindHandle:
		id := ts.resourceID(d.Resource)
		r = ts.res[id]
		if r == nil {
			r = &resource{id: id, name: ts.r.Types[id].Name, goName: gen.GoName(ts.r.Types[id].Name)}
		}
		return r, d.Borrow, true
	case witparse.KindResource:
		r = ts.res[t.ID]
		if r == nil {
			r = &resource{id: t.ID, name: d.Name, goName: gen.GoName(d.Name)}
		}
		return r, false, true
	}
	return nil, false, false
}

// usesResources reports whether interface in defines resources or has a
// function whose parameters or result hold a handle.
func (ts *types) usesResources(in iface) bool {
	i := ts.r.Interfaces[in.id]
	for _, nt := range i.Types {
		if ts.r.Types[nt.ID].Kind == witparse.KindResource {
			return true
		}
	}
	for _, fn := range i.Functions {
		if fn.Kind != witparse.Freestanding {
			return true
		}
		for _, p := range fn.Params {
			if ts.holdsHandle(p.Type, 0) {
				return true
			}
		}
		if fn.Result != nil && ts.holdsHandle(*fn.Result, 0) {
			return true
		}
	}
	return false
}

// holdsHandle reports whether a value of type t can hold a handle.
func (ts *types) holdsHandle(t witparse.Type, depth int) bool {
	t = ts.resolveAlias(t)
	if t.IsPrim() || depth > 50 {
		return false
	}
	if _, _, ok := ts.handleOf(t); ok {
		return true
	}
	d := ts.r.Types[t.ID]
	var parts []witparse.Type
	switch d.Kind {
	case witparse.KindList, witparse.KindOption, witparse.KindFixedList:
		parts = append(parts, d.Elem)
	case witparse.KindTuple:
		parts = append(parts, d.Types...)
	case witparse.KindRecord:
		for _, f := range d.Fields {
			parts = append(parts, f.Type)
		}
	case witparse.KindVariant:
		for _, c := range d.Cases {
			if c.Type != nil {
				parts = append(parts, *c.Type)
			}
		}
	case witparse.KindResult:
		for _, p := range []*witparse.Type{d.Ok, d.Err} {
			if p != nil {
				parts = append(parts, *p)
			}
		}
	}
	for _, p := range parts {
		if ts.holdsHandle(p, depth+1) {
			return true
		}
	}
	return false
}

// handleGoType is the Go type of a handle to r.
func (ts *types) handleGoType(r *resource) (jen.Code, error) {
	if ts.res[r.id] == nil {
		return nil, ts.unsupported(fmt.Sprintf("resource %s of an interface outside the world", r.name))
	}
	if ts.scope == scopeNone {
		return nil, ts.unsupported(fmt.Sprintf("handles (to %s) inside records and variants", r.name))
	}
	return jen.Id(r.goName), nil
}

// repsVar is the rep table variable of imported resource r in a provider.
func repsVar(r *resource) string { return lowerFirst(r.goName) + "Reps" }

// handleToValue converts Go expression x, a handle to r, to a value.
func (ts *types) handleToValue(r *resource, borrow bool, x jen.Code) (jen.Code, error) {
	if _, err := ts.handleGoType(r); err != nil {
		return nil, err
	}
	switch {
	case ts.scope == scopeProvider && r.in.imported && !borrow:
		ts.repsUsed[r.id] = true
		return jen.Id(repsVar(r)).Dot("own").Call(x), nil
	case ts.scope == scopeClient && !r.in.imported:
		ts.clientHandles = true
		if borrow {
			return jen.Add(x).Dot("h").Dot("use").Call(), nil
		}
		return jen.Add(x).Dot("h").Dot("move").Call(), nil
	}
	return nil, ts.unsupported(ts.handleWhere(r, borrow))
}

// handleFromValue converts value expression v, a handle to r, to Go.
func (ts *types) handleFromValue(r *resource, borrow bool, v jen.Code) (jen.Code, error) {
	if _, err := ts.handleGoType(r); err != nil {
		return nil, err
	}
	switch {
	case ts.scope == scopeProvider && r.in.imported:
		ts.repsUsed[r.id] = true
		if borrow {
			return jen.Id(repsVar(r)).Dot("get").Call(v), nil
		}
		return jen.Id(repsVar(r)).Dot("take").Call(jen.Id("ctx"), v), nil
	case ts.scope == scopeClient && !r.in.imported:
		return jen.Id(r.goName).Values(jen.Dict{jen.Id("inst"): jen.Id("cl").Dot("inst"),
			jen.Id("h"): jen.Op("&").Id("clientHandle").Values(jen.Dict{jen.Id("handle"): jen.Add(v).Assert(jen.Qual(valuePkg, "Handle"))})}), nil
	}
	return nil, ts.unsupported(ts.handleWhere(r, borrow))
}

func (ts *types) handleWhere(r *resource, borrow bool) string {
	kind := "own"
	if borrow {
		kind = "borrow"
	}
	if ts.scope == scopeProvider {
		return fmt.Sprintf("%s<%s> handles of a resource the component exports, in a host provider", kind, r.name)
	}
	return fmt.Sprintf("%s<%s> handles of a resource the host implements, in a client of the component's exports", kind, r.name)
}

// resourceFuncName is the Go name of a constructor or static function on
// the provider interface or the client: New<Res>, <Res><Func>.
func resourceFuncName(ts *types, fn *witparse.Function) string {
	r := ts.res[ts.resourceID(fn.Resource)]
	if fn.Kind == witparse.Constructor {
		return "New" + r.goName
	}
	return r.goName + gen.GoName(fn.Name)
}

// resourceDoc is the doc comment of resource r's Go type.
func resourceDoc(r *resource, what string) string {
	doc := fmt.Sprintf("%s is %s resource %s of %s.", r.goName, what, r.name, r.in.name)
	if r.docs != "" {
		doc = goDoc(r.goName, r.docs) + "\n\n" + doc
	}
	return doc
}

// emitProviderResource writes the Go interface a provider's values of
// imported resource r implement: its methods, and Drop.
func emitProviderResource(f *jen.File, ts *types, r *resource) error {
	var methods []jen.Code
	for _, fn := range r.methods {
		ts.item = r.in.name + ": function " + fn.Name
		params, results, err := signature(ts, fn)
		if err != nil {
			return err
		}
		m := jen.Id(gen.GoName(fn.Name)).Params(params...).Params(results...)
		if fn.Docs != "" {
			m = jen.Comment(goDoc(gen.GoName(fn.Name), fn.Docs)).Line().Add(m)
		}
		methods = append(methods, m)
	}
	methods = append(methods, jen.Comment("Drop releases the resource: the last handle to it was dropped.").Line().
		Id("Drop").Params(jen.Id("ctx").Qual("context", "Context")).Error())
	f.Comment(resourceDoc(r, "what a Go provider implements for") + "\nThe provider's constructor and static functions return these values; the\nguest holds them as handles.")
	f.Type().Id(r.goName).Interface(methods...)
	return nil
}

// emitClientResource writes the handle type of exported resource r: its
// methods call the component, Drop drops the handle.
func emitClientResource(f *jen.File, ts *types, r *resource) error {
	f.Comment(resourceDoc(r, "a handle to") + "\nA value a client returns owns its handle: call Drop when done with it.\nPassed as an own parameter, the handle moves into the component; a moved\nor dropped handle (and every copy of it) is gone: using it is an error.")
	f.Type().Id(r.goName).Struct(jen.Id("inst").Op("*").Qual(runtimePkg, "Instance"), jen.Id("h").Op("*").Id("clientHandle"))
	ts.clientHandles = true
	for _, fn := range r.methods {
		if err := emitClientFunc(f, ts, r.in, fn, jen.Id("cl").Id(r.goName), gen.GoName(fn.Name)); err != nil {
			return err
		}
	}
	f.Comment("Drop drops the handle: the component's destructor runs once no handle is left.")
	f.Func().Params(jen.Id("cl").Id(r.goName)).Id("Drop").Params(jen.Id("ctx").Qual("context", "Context")).Error().Block(
		jen.Return(jen.Id("cl").Dot("inst").Dot("Runtime").Call().Dot("DropHandle").Call(jen.Id("ctx"), jen.Id("cl").Dot("h").Dot("move").Call())))
	return nil
}

// emitClientHandleSupport writes the handle state client handle types
// share, when there is one.
func emitClientHandleSupport(f *jen.File, ts *types) {
	if !ts.clientHandles {
		return
	}
	h := jen.Qual(valuePkg, "Handle")
	f.Comment("clientHandle is a handle Go code holds; once moved or dropped it is gone.")
	f.Type().Id("clientHandle").Struct(jen.Id("handle").Add(h), jen.Id("gone").Qual("sync/atomic", "Bool"))
	f.Comment("goneHandle is no handle: the runtime refuses it with a *runtime.HandleError.")
	f.Const().Id("goneHandle").Op("=").Qual(valuePkg, "Handle").Call(jen.Lit(0xffffffff))
	f.Comment("use returns the handle to lend, or goneHandle.")
	f.Func().Params(jen.Id("x").Op("*").Id("clientHandle")).Id("use").Params().Add(h).Block(
		jen.If(jen.Id("x").Op("==").Nil().Op("||").Id("x").Dot("gone").Dot("Load").Call()).Block(jen.Return(jen.Id("goneHandle"))),
		jen.Return(jen.Id("x").Dot("handle")))
	f.Comment("move returns the handle to give away (it is gone then), or goneHandle.")
	f.Func().Params(jen.Id("x").Op("*").Id("clientHandle")).Id("move").Params().Add(h).Block(
		jen.If(jen.Id("x").Op("==").Nil().Op("||").Id("x").Dot("gone").Dot("Swap").Call(jen.True())).Block(jen.Return(jen.Id("goneHandle"))),
		jen.Return(jen.Id("x").Dot("handle")))
}

// emitHostResourceSupport writes the rep tables of resources Go
// providers implement, when a provider uses one.
func emitHostResourceSupport(f *jen.File, ts *types) {
	if !ts.hostReps {
		return
	}
	ctx := jen.Qual("context", "Context")
	val := jen.Qual(valuePkg, "Value")
	rtT := jen.Op("*").Qual(runtimePkg, "Runtime")
	dropper := jen.Interface(jen.Id("Drop").Params(ctx).Error())
	f.Comment("hostReps maps the reps of a host resource's handles to the provider's\nvalues behind them, for one runtime.")
	f.Type().Id("hostReps").Types(jen.Id("T").Add(dropper)).Struct(
		jen.Id("rt").Add(rtT),
		jen.List(jen.Id("iface"), jen.Id("name")).String(),
		jen.Id("mu").Qual("sync", "Mutex"),
		jen.Id("vals").Map(jen.Uint32()).Id("T"),
		jen.Id("next").Uint32())
	f.Comment("hostRepsKey names a rep table: a runtime and a resource (iface#name).")
	f.Type().Id("hostRepsKey").Struct(jen.Id("rt").Add(rtT), jen.Id("res").String())
	f.Var().Id("hostRepsTables").Qual("sync", "Map")
	f.Comment("hostRepsOf returns the rep table of resource name of iface on rt; the\nfirst call makes the runtime drop a value (Drop) with its last handle.")
	f.Func().Id("hostRepsOf").Types(jen.Id("T").Add(dropper)).Params(jen.Id("rt").Add(rtT), jen.List(jen.Id("iface"), jen.Id("name")).String()).Op("*").Id("hostReps").Types(jen.Id("T")).Block(
		jen.Id("key").Op(":=").Id("hostRepsKey").Values(jen.Id("rt"), jen.Id("iface").Op("+").Lit("#").Op("+").Id("name")),
		jen.Id("r").Op(":=").Op("&").Id("hostReps").Types(jen.Id("T")).Values(jen.Dict{jen.Id("rt"): jen.Id("rt"), jen.Id("iface"): jen.Id("iface"), jen.Id("name"): jen.Id("name"), jen.Id("vals"): jen.Map(jen.Uint32()).Id("T").Values()}),
		jen.List(jen.Id("v"), jen.Id("loaded")).Op(":=").Id("hostRepsTables").Dot("LoadOrStore").Call(jen.Id("key"), jen.Id("r")),
		jen.If(jen.Op("!").Id("loaded")).Block(
			jen.Id("rt").Dot("DefineResourceDrop").Call(jen.Id("iface"), jen.Id("name"), jen.Func().Params(jen.Id("ctx").Add(ctx), jen.Id("rep").Uint32()).Error().Block(
				jen.List(jen.Id("x"), jen.Id("ok")).Op(":=").Id("r").Dot("remove").Call(jen.Id("rep")),
				jen.If(jen.Op("!").Id("ok")).Block(jen.Return(jen.Nil())),
				jen.Return(jen.Id("x").Dot("Drop").Call(jen.Id("ctx")))))),
		jen.Return(jen.Id("v").Assert(jen.Op("*").Id("hostReps").Types(jen.Id("T")))))
	recv := func() *jen.Statement { return jen.Params(jen.Id("r").Op("*").Id("hostReps").Types(jen.Id("T"))) }
	lock := []jen.Code{jen.Id("r").Dot("mu").Dot("Lock").Call(), jen.Defer().Id("r").Dot("mu").Dot("Unlock").Call()}
	f.Comment("own gives x a rep and returns a new own handle to it.")
	f.Func().Add(recv()).Id("own").Params(jen.Id("x").Id("T")).Add(val).Block(
		jen.Id("r").Dot("mu").Dot("Lock").Call(),
		jen.Id("r").Dot("next").Op("++"),
		jen.Id("rep").Op(":=").Id("r").Dot("next"),
		jen.Id("r").Dot("vals").Index(jen.Id("rep")).Op("=").Id("x"),
		jen.Id("r").Dot("mu").Dot("Unlock").Call(),
		jen.Return(jen.Id("r").Dot("rt").Dot("NewHandle").Call(jen.Id("r").Dot("iface"), jen.Id("r").Dot("name"), jen.Id("rep"))))
	f.Comment("get returns the value behind handle v (the runtime checked its type).")
	f.Func().Add(recv()).Id("get").Params(jen.Id("v").Add(val)).Id("T").Block(
		jen.List(jen.Id("rep"), jen.Err()).Op(":=").Id("r").Dot("rt").Dot("HandleRep").Call(jen.Id("v").Assert(jen.Qual(valuePkg, "Handle"))),
		jen.If(jen.Err().Op("!=").Nil()).Block(jen.Panic(jen.Err())),
		jen.Id("r").Dot("mu").Dot("Lock").Call(),
		jen.Defer().Id("r").Dot("mu").Dot("Unlock").Call(),
		jen.List(jen.Id("x"), jen.Id("ok")).Op(":=").Id("r").Dot("vals").Index(jen.Id("rep")),
		jen.If(jen.Op("!").Id("ok")).Block(jen.Panic(jen.Qual("fmt", "Sprintf").Call(jen.Lit("%s#%s: no value for rep %d"), jen.Id("r").Dot("iface"), jen.Id("r").Dot("name"), jen.Id("rep")))),
		jen.Return(jen.Id("x")))
	f.Comment("take returns the value behind own handle v and ends the handle: the\nvalue is the receiver's now, and Drop is not called for it.")
	f.Func().Add(recv()).Id("take").Params(jen.Id("ctx").Add(ctx), jen.Id("v").Add(val)).Id("T").Block(
		jen.Id("h").Op(":=").Id("v").Assert(jen.Qual(valuePkg, "Handle")),
		jen.List(jen.Id("rep"), jen.Err()).Op(":=").Id("r").Dot("rt").Dot("HandleRep").Call(jen.Id("h")),
		jen.If(jen.Err().Op("!=").Nil()).Block(jen.Panic(jen.Err())),
		jen.List(jen.Id("x"), jen.Id("ok")).Op(":=").Id("r").Dot("remove").Call(jen.Id("rep")),
		jen.If(jen.Op("!").Id("ok")).Block(jen.Panic(jen.Qual("fmt", "Sprintf").Call(jen.Lit("%s#%s: no value for rep %d"), jen.Id("r").Dot("iface"), jen.Id("r").Dot("name"), jen.Id("rep")))),
		jen.Id("r").Dot("rt").Dot("DropHandle").Call(jen.Id("ctx"), jen.Id("h")), // the rep is gone: Drop does not run
		jen.Return(jen.Id("x")))
	f.Comment("remove forgets rep and returns its value, if it had one.")
	f.Func().Add(recv()).Id("remove").Params(jen.Id("rep").Uint32()).Params(jen.Id("T"), jen.Bool()).Block(append(lock,
		jen.List(jen.Id("x"), jen.Id("ok")).Op(":=").Id("r").Dot("vals").Index(jen.Id("rep")),
		jen.Delete(jen.Id("r").Dot("vals"), jen.Id("rep")),
		jen.Return(jen.Id("x"), jen.Id("ok")))...)
}
