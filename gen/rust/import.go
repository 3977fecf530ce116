package rust

import (
	"fmt"
	"strings"

	"github.com/wasifill/wasifill/gen"
	"github.com/wasifill/wasifill/internal/canon"
	"github.com/wasifill/wasifill/internal/rpcwit"
	"github.com/wasifill/wasifill/witparse"
)

// importFill writes the import fill's exports, one per function.
func (f *fill) importFill(ifaces []gen.Interface) error {
	c := &f.body
	for _, ifc := range ifaces {
		id := f.ident(ifc)
		konst := strings.ToUpper(id)
		c.line("")
		c.line("/// The interface %s.", ifc.Name)
		c.line("const %s: &str = %q;", konst, ifc.Name)
		for _, fun := range f.r.Interfaces[ifc.ID].Functions {
			fn, err := f.function(ifc.Name, id, fun)
			if err != nil {
				return err
			}
			f.importFunc(fn, konst)
		}
	}
	return nil
}

// errsArg writes what the fill does with an rpc-error for fn (Go fills'
// rule): a string error gets "<case>: <message>"; an enum or variant
// error gets its case of the same name (with the message when that case
// takes a string); otherwise the fill traps.
func (f *fill) errsArg(fn *function) string {
	if fn.result == nil {
		return "Errs::Trap"
	}
	res := f.cs.deref(*fn.result)
	if res.IsPrim() || f.r.Types[res.ID].Kind != witparse.KindResult || f.r.Types[res.ID].Err == nil {
		return "Errs::Trap"
	}
	errType := f.r.Types[res.ID].Err
	e := f.cs.deref(*errType)
	if e.Prim == "string" {
		return "Errs::Str"
	}
	if e.IsPrim() {
		return "Errs::Trap"
	}
	type arm struct {
		own     int
		message bool
	}
	arms := map[int]arm{}
	d := f.r.Types[e.ID]
	for i, rc := range rpcwit.ErrorCases {
		switch d.Kind {
		case witparse.KindEnum:
			for k, l := range d.Labels {
				if l.Name == rc {
					arms[i] = arm{own: k}
				}
			}
		case witparse.KindVariant:
			for k, cs := range d.Cases {
				if cs.Name != rc {
					continue
				}
				if cs.Type == nil {
					arms[i] = arm{own: k}
				} else if f.cs.deref(*cs.Type).Prim == "string" {
					arms[i] = arm{own: k, message: true}
				}
			}
		}
	}
	if len(arms) == 0 {
		return "Errs::Trap"
	}
	k, slug := f.cs.key(errType), snake(f.cs.slug(errType))
	name, ok := f.errFns[k]
	if !ok {
		name = "rpc_to_" + slug
		for i := 2; f.used[name]; i++ {
			name = fmt.Sprintf("rpc_to_%s%d", slug, i)
		}
		f.used[name], f.errFns[k] = true, name
		c := &f.body
		c.line("")
		c.line("/// The case of `%s` that an rpc-error case becomes, and whether it", f.cs.slug(errType))
		c.line("/// carries the message.")
		c.open("fn %s(c: u32) -> Option<(u32, bool)> {", name)
		c.open("match c {")
		for i := range rpcwit.ErrorCases {
			if a, ok := arms[i]; ok {
				c.line("%d => Some((%d, %t)),", i, a.own, a.message)
			}
		}
		c.line("_ => None,")
		c.close("}")
		c.close("}")
	}
	return "Errs::Cases(" + name + ")"
}

// importFunc writes the export of one function, its result decoder and
// its post-return.
func (f *fill) importFunc(fn *function, konst string) {
	sig := f.signature(fn, canon.Lift)
	errs := f.errsArg(fn)
	c := &f.body
	var params []string
	var slots []slot
	for i, t := range sig.Params {
		s := slot{fmt.Sprintf("p%d", i), t}
		slots = append(slots, s)
		params = append(params, s.name+": "+rustType(t))
	}
	res := ""
	if len(sig.Results) == 1 {
		res = rustType(sig.Results[0])
	}
	export := fn.iface + "#" + fn.name
	c.line("")
	c.docs(fn.docs)
	c.line("#[export_name = %q]", export)
	c.signature("pub unsafe extern \"C\" fn "+fn.ident, params, res, " {")
	c.indent++
	c.line("let w = mark();")
	if sig.ParamsSpilled {
		c.line("%s(p0 as usize);", f.cs.enc(f.abi.Tuple(fn.params), fn.ident+"_params"))
	} else {
		for _, p := range fn.params {
			k := f.cs.flatLen(p)
			f.cs.flatEnc(c, p, slots[:k])
			slots = slots[k:]
		}
	}
	// A result of no core values (an empty record) is no result on the
	// wire either: zero bytes.
	none := fn.result == nil || (!sig.ResultsSpilled && len(sig.Results) == 0)
	mut := "mut "
	if none {
		mut = ""
	}
	c.call("let "+mut+"r = ", "invoke", []string{konst, fmt.Sprintf("%q", fn.name), "w", errs}, ";")
	switch {
	case none:
		c.line("check(r.end());")
		c.line("reset();")
	case sig.ResultsSpilled:
		c.call("let res = ", "result_"+fn.ident, []string{"&mut r"}, ";")
		c.line("check(res) as i32")
	default:
		c.call("let res = ", "result_"+fn.ident, []string{"&mut r"}, ";")
		c.line("let v = check(res);")
		c.line("reset();")
		c.line("v")
	}
	c.close("}")
	if none {
		return
	}
	if sig.ResultsSpilled {
		c.line("")
		c.line("/// After the host has read the result of `%s`: the call is over.", fn.name)
		c.line("#[export_name = %q]", "cabi_post_"+export)
		c.head("pub unsafe extern \"C\" fn post_"+fn.ident, []string{"_: i32"}, "")
		c.line("reset();")
		c.close("}")
	}
	c.line("")
	c.line("/// Decodes the result of `%s`.", fn.name)
	if sig.ResultsSpilled {
		c.head("unsafe fn result_"+fn.ident, []string{"r: &mut R"}, "Res<usize>")
		l := f.cs.layout(*fn.result)
		c.line("let ret = alloc(%d, %d);", l.Size, l.Align)
		f.cs.mem(c, *fn.result, "ret", fromWire)
		c.line("r.end()?;")
		c.line("Ok(ret)")
	} else {
		t := rustType(sig.Results[0])
		c.head("unsafe fn result_"+fn.ident, []string{"r: &mut R"}, "Res<"+t+">")
		c.line("let v: %s;", t)
		f.cs.flatDec(c, *fn.result, []slot{{"v", sig.Results[0]}})
		c.line("r.end()?;")
		c.line("Ok(v)")
	}
	c.close("}")
}
