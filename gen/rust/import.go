package rust

import (
	"fmt"
	"strings"

	"github.com/wasifill/wasifill/gen"
	"github.com/wasifill/wasifill/internal/canon"
	"github.com/wasifill/wasifill/internal/rpcwit"
	"github.com/wasifill/wasifill/value"
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
	t := fn.result
	if t == nil || t.Kind != value.KindResult || t.Err == nil {
		return "Errs::Trap"
	}
	e := t.Err
	if e.Kind == value.KindString {
		return "Errs::Str"
	}
	type arm struct {
		own     int
		message bool
	}
	arms := map[int]arm{}
	for i, rc := range rpcwit.ErrorCases {
		switch e.Kind {
		case value.KindEnum:
			for k, l := range e.Labels {
				if l == rc {
					arms[i] = arm{own: k}
				}
			}
		case value.KindVariant:
			for k, cs := range e.Cases {
				if cs.Name != rc {
					continue
				}
				if cs.Type == nil {
					arms[i] = arm{own: k}
				} else if cs.Type.Kind == value.KindString {
					arms[i] = arm{own: k, message: true}
				}
			}
		}
	}
	if len(arms) == 0 {
		return "Errs::Trap"
	}
	name, ok := f.errFns[key(e)]
	if !ok {
		name = "rpc_to_" + snake(slug(e))
		for i := 2; f.used[name]; i++ {
			name = fmt.Sprintf("rpc_to_%s%d", snake(slug(e)), i)
		}
		f.used[name], f.errFns[key(e)] = true, name
		c := &f.body
		c.line("")
		c.line("/// The case of `%s` that an rpc-error case becomes, and whether it", slug(e))
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
	var results []*value.Type
	if fn.result != nil {
		results = append(results, fn.result)
	}
	sig := canon.FlattenFunc(fn.params, results, canon.Lift)
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
		c.line("%s(p0 as usize);", f.cs.enc(value.TupleOf(fn.params...), fn.ident+"_params"))
	} else {
		for _, p := range fn.params {
			k := len(canon.Flatten(p))
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
		c.line("let ret = alloc(%d, %d);", canon.Size(fn.result), canon.Alignment(fn.result))
		f.cs.memDec(c, fn.result, "ret")
		c.line("r.end()?;")
		c.line("Ok(ret)")
	} else {
		t := rustType(sig.Results[0])
		c.head("unsafe fn result_"+fn.ident, []string{"r: &mut R"}, "Res<"+t+">")
		c.line("let v: %s;", t)
		f.cs.flatDec(c, fn.result, []slot{{"v", sig.Results[0]}})
		c.line("r.end()?;")
		c.line("Ok(v)")
	}
	c.close("}")
}
