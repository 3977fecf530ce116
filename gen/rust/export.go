package rust

import (
	"fmt"

	"github.com/wasifill/wasifill/gen"
	"github.com/wasifill/wasifill/internal/canon"
)

// exportFill writes the export fill: the component's exports as imports,
// a serve function for each, and dispatch, which handle.rs calls.
func (f *fill) exportFill(ifaces []gen.Interface) error {
	c := &f.body
	type served struct {
		iface string
		fns   []*function
	}
	var all []served
	for _, ifc := range ifaces {
		id := f.ident(ifc)
		s := served{iface: ifc.Name}
		for _, fun := range f.r.Interfaces[ifc.ID].Functions {
			fn, err := f.function(ifc.Name, id, fun)
			if err != nil {
				return err
			}
			s.fns = append(s.fns, fn)
		}
		c.line("")
		c.line("// The component's %s.", ifc.Name)
		if len(ifaces) > 1 { // wasm imports are per module: the same name in two is no clash
			c.line("#[allow(clashing_extern_declarations)]")
		}
		c.attr("link", fmt.Sprintf("wasm_import_module = %q", ifc.Name))
		c.open("extern \"C\" {")
		for i, fn := range s.fns {
			if i > 0 {
				c.line("")
			}
			f.importDecl(fn)
		}
		c.close("}")
		all = append(all, s)
	}
	for _, s := range all {
		for _, fn := range s.fns {
			f.serveFunc(fn)
		}
	}
	c.line("")
	c.line("/// Serves the function an invocation names (None: there is none).")
	c.open("unsafe fn dispatch(iface: &[u8], func: &[u8], r: &mut R) -> Option<Res<usize>> {")
	c.open("match iface {")
	for _, s := range all {
		c.open("b%q => match func {", s.iface)
		for _, fn := range s.fns {
			c.line("b%q => Some(serve_%s(r)),", fn.name, fn.ident)
		}
		c.line("_ => None,")
		c.close("},")
	}
	c.line("_ => None,")
	c.close("}")
	c.close("}")
	return nil
}

// importDecl declares the component's export fn as the fill's import.
func (f *fill) importDecl(fn *function) {
	c := &f.body
	sig := f.signature(fn, canon.Lower)
	var params []string
	for i, t := range sig.Params {
		params = append(params, fmt.Sprintf("p%d: %s", i, rustType(t)))
	}
	res := ""
	if len(sig.Results) == 1 {
		res = rustType(sig.Results[0])
	}
	c.docs(fn.docs)
	c.line("#[link_name = %q]", fn.name)
	c.signature("fn "+fn.ident, params, res, ";")
}

// serveFunc writes serve_<fn>: params from the wire, the call, the result
// to the wire; it returns where the result's bytes start.
func (f *fill) serveFunc(fn *function) {
	c := &f.body
	sig := f.signature(fn, canon.Lower)
	c.line("")
	c.line("/// Serves %s#%s.", fn.iface, fn.name)
	c.head("unsafe fn serve_"+fn.ident, []string{"r: &mut R"}, "Res<usize>")
	var args []string
	if sig.ParamsSpilled {
		t := f.abi.Tuple(fn.params)
		l := f.cs.layout(t)
		c.line("let a = alloc(%d, %d);", l.Size, l.Align)
		c.line("%s(r, a)?;", f.cs.dec(t, fn.ident+"_params"))
		args = append(args, "a as i32")
	} else {
		n := len(sig.Params)
		if sig.ResultsSpilled {
			n--
		}
		var slots []slot
		for i := 0; i < n; i++ {
			s := slot{fmt.Sprintf("f%d", i), sig.Params[i]}
			slots = append(slots, s)
			args = append(args, s.name)
			c.line("let %s: %s;", s.name, rustType(s.typ))
		}
		for _, p := range fn.params {
			k := f.cs.flatLen(p)
			f.cs.flatDec(c, p, slots[:k])
			slots = slots[k:]
		}
	}
	c.line("r.end()?;")
	switch {
	case fn.result == nil || (!sig.ResultsSpilled && len(sig.Results) == 0): // none, or an empty record
		c.call("", fn.ident, args, ";")
		c.line("Ok(mark())")
	case sig.ResultsSpilled:
		l := f.cs.layout(*fn.result)
		c.line("let ret = alloc(%d, %d);", l.Size, l.Align)
		c.call("", fn.ident, append(args, "ret as i32"), ";")
		c.line("let w = mark();")
		f.cs.mem(c, *fn.result, "ret", toWire)
		c.line("Ok(w)")
	default:
		c.call("let v = ", fn.ident, args, ";")
		c.line("let w = mark();")
		f.cs.flatEnc(c, *fn.result, []slot{{"v", sig.Results[0]}})
		c.line("Ok(w)")
	}
	c.close("}")
}
