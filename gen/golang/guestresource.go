package golang

import (
	"fmt"

	"github.com/dave/jennifer/jen"

	"github.com/wasifill/wasifill/gen"
	"github.com/wasifill/wasifill/witparse"
)

// Resources in guest bindings. A handle is a u32 in the canonical ABI, so
// the descriptors describe it as one (desc, in modeGuest) and the
// typed side converts:
//
//   - a resource of an imported interface is a handle type (type R
//     uint32) with its methods, New<R> and <R><Static> functions calling
//     [constructor]r, [method]r.f and [static]r.f, and Drop calling
//     [resource-drop]r;
//   - a resource of an exported interface is a Go interface the component
//     implements (its methods and Drop); the values live in a rep table.
//     An own handle going out is [resource-new]r of a new rep, a borrow
//     coming in is a rep, an own handle coming in is taken out of the
//     table ([resource-rep]r, then [resource-drop]r: the value is the
//     callee's now, and its Drop does not run), and [dtor]r drops the
//     value behind a rep when the last handle to it is dropped.

// handleToWire appends the wire form (a u32) of Go expression x, a handle
// to r, to b.
func (ts *types) handleToWire(r *resource, borrow bool, b, x jen.Code) (jen.Code, error) {
	if _, err := ts.handleGoType(r); err != nil {
		return nil, err
	}
	switch {
	case r.in.imported:
		return jen.Id("wU32").Call(b, jen.Uint32().Call(x)), nil
	case !borrow:
		return jen.Id("wU32").Call(b, jen.Id(lowerFirst(r.goName)+"New").Call(x)), nil
	}
	return nil, &UnsupportedError{Item: ts.item, What: fmt.Sprintf("borrow<%s> handles of the component's own resource passed out", r.name),
		Why: "the guest bindings hand out the component's own resources as own handles only"}
}

// handleFromWire reads a handle to r from *wire expression w.
func (ts *types) handleFromWire(r *resource, borrow bool, w jen.Code) (jen.Code, error) {
	if _, err := ts.handleGoType(r); err != nil {
		return nil, err
	}
	switch {
	case r.in.imported:
		return jen.Id(r.goName).Call(jen.Id("rU32").Call(w)), nil
	case borrow:
		return jen.Id(lowerFirst(r.goName) + "Reps").Dot("get").Call(jen.Id("rU32").Call(w)), nil
	}
	return jen.Id(lowerFirst(r.goName) + "Take").Call(jen.Id("rU32").Call(w)), nil
}

// emitImportedResource writes the handle type of imported resource r
// and its Drop; its functions are written with the interface's.
func emitImportedResource(f *jen.File, r *resource, n *int) {
	f.Comment(resourceDoc(r, "a handle to") + "\nThe component imports it: New" + r.goName + " and the resource's static\nfunctions return own handles, to Drop when done.")
	f.Type().Id(r.goName).Uint32()
	imp := fmt.Sprintf("wasmimport%d", *n)
	*n++
	f.Comment(fmt.Sprintf("%s is %s#[resource-drop]%s.", imp, r.in.name, r.name))
	f.Comment("//go:wasmimport " + r.in.name + " [resource-drop]" + r.name)
	f.Func().Id(imp).Params(jen.Id("handle").Uint32())
	f.Comment("Drop drops the handle: the resource is destroyed once no handle is left.")
	f.Func().Params(jen.Id("self").Id(r.goName)).Id("Drop").Params().Block(jen.Id(imp).Call(jen.Uint32().Call(jen.Id("self"))))
}

// emitExportedResource writes the interface the component implements for
// exported resource r, its rep table, the resource built-ins it imports
// and its destructor.
func emitExportedResource(f *jen.File, ts *types, r *resource) error {
	var methods []jen.Code
	for _, fn := range r.methods {
		ts.item = r.in.name + ": function " + fn.Name
		m, err := guestMethod(ts, fn, gen.GoName(fn.Name))
		if err != nil {
			return err
		}
		methods = append(methods, m)
	}
	methods = append(methods, jen.Comment("Drop releases the resource: the last handle to it was dropped.").Line().Id("Drop").Params())
	f.Comment(resourceDoc(r, "what the component implements for") + "\nIts constructor and static functions return these values; callers hold\nthem as handles.")
	f.Type().Id(r.goName).Interface(methods...)
	base := lowerFirst(r.goName)
	reps := base + "Reps"
	f.Comment(fmt.Sprintf("%s holds the %s values callers have handles to, by rep.", reps, r.name))
	f.Var().Id(reps).Id("guestReps").Types(jen.Id(r.goName))
	module := "[export]" + r.in.name
	for _, b := range []struct{ op, name string }{{"new", "New"}, {"rep", "Rep"}, {"drop", "Drop"}} {
		fn := base + "Resource" + b.name
		f.Comment(fmt.Sprintf("%s is the [resource-%s] built-in of %s.", fn, b.op, r.name))
		f.Comment(fmt.Sprintf("//go:wasmimport %s [resource-%s]%s", module, b.op, r.name))
		if b.op == "drop" {
			f.Func().Id(fn).Params(jen.Id("handle").Uint32())
		} else {
			f.Func().Id(fn).Params(jen.Id("x").Uint32()).Uint32()
		}
	}
	f.Comment(fmt.Sprintf("%sNew makes an own handle to x.", base))
	f.Func().Id(base + "New").Params(jen.Id("x").Id(r.goName)).Uint32().Block(
		jen.Return(jen.Id(base + "ResourceNew").Call(jen.Id(reps).Dot("add").Call(jen.Id("x")))))
	f.Comment(fmt.Sprintf("%sTake returns the value behind own handle h and ends the handle\n(without calling Drop: the value is the receiver's now).", base))
	f.Func().Id(base+"Take").Params(jen.Id("h").Uint32()).Id(r.goName).Block(
		jen.List(jen.Id("x"), jen.Id("_")).Op(":=").Id(reps).Dot("remove").Call(jen.Id(base+"ResourceRep").Call(jen.Id("h"))),
		jen.Id(base+"ResourceDrop").Call(jen.Id("h")),
		jen.Return(jen.Id("x")))
	dtor := r.in.name + "#[dtor]" + r.name
	f.Comment(fmt.Sprintf("%sDtor serves %s: the last handle to rep was dropped.", base, dtor))
	f.Comment("//go:wasmexport " + dtor)
	f.Func().Id(base + "Dtor").Params(jen.Id("rep").Uint32()).Block(
		jen.If(jen.List(jen.Id("x"), jen.Id("ok")).Op(":=").Id(reps).Dot("remove").Call(jen.Id("rep")), jen.Id("ok")).Block(
			jen.Id("x").Dot("Drop").Call()))
	ts.guestReps = true
	return nil
}

// guestMethod is the Go method declaration of fn (an exported function,
// a method without its self) named name.
func guestMethod(ts *types, fn *witparse.Function, name string) (jen.Code, error) {
	var params []jen.Code
	for _, p := range ownParams(fn) {
		gt, err := ts.goType(p.Type)
		if err != nil {
			return nil, err
		}
		params = append(params, jen.Id(gen.GoLocal(p.Name)).Add(gt))
	}
	m := jen.Id(name).Params(params...)
	if fn.Result != nil {
		rt, err := ts.goType(*fn.Result)
		if err != nil {
			return nil, err
		}
		m = m.Add(rt)
	}
	if fn.Docs != "" {
		m = jen.Comment(goDoc(name, fn.Docs)).Line().Add(m)
	}
	return m, nil
}

// emitGuestResourceSupport writes the rep table type, when an exported
// resource uses it.
func emitGuestResourceSupport(f *jen.File, ts *types) {
	if !ts.guestReps {
		return
	}
	recv := jen.Id("r").Op("*").Id("guestReps").Types(jen.Id("T"))
	f.Comment("guestReps maps the reps of the component's own resources to the values\nbehind them.")
	f.Type().Id("guestReps").Types(jen.Id("T").Any()).Struct(jen.Id("vals").Map(jen.Uint32()).Id("T"), jen.Id("next").Uint32())
	f.Func().Params(recv).Id("add").Params(jen.Id("x").Id("T")).Uint32().Block(
		jen.If(jen.Id("r").Dot("vals").Op("==").Nil()).Block(jen.Id("r").Dot("vals").Op("=").Map(jen.Uint32()).Id("T").Values()),
		jen.Id("r").Dot("next").Op("++"),
		jen.Id("r").Dot("vals").Index(jen.Id("r").Dot("next")).Op("=").Id("x"),
		jen.Return(jen.Id("r").Dot("next")))
	f.Func().Params(recv.Clone()).Id("get").Params(jen.Id("rep").Uint32()).Id("T").Block(
		jen.List(jen.Id("x"), jen.Id("ok")).Op(":=").Id("r").Dot("vals").Index(jen.Id("rep")),
		jen.If(jen.Op("!").Id("ok")).Block(jen.Id("fail").Call(jen.Lit("no resource has this rep"))),
		jen.Return(jen.Id("x")))
	f.Func().Params(recv.Clone()).Id("remove").Params(jen.Id("rep").Uint32()).Params(jen.Id("T"), jen.Bool()).Block(
		jen.List(jen.Id("x"), jen.Id("ok")).Op(":=").Id("r").Dot("vals").Index(jen.Id("rep")),
		jen.Delete(jen.Id("r").Dot("vals"), jen.Id("rep")),
		jen.Return(jen.Id("x"), jen.Id("ok")))
}
