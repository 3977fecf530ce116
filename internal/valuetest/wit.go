package valuetest

import (
	"fmt"
	"strings"

	"github.com/wasifill/wasifill/value"
)

// WIT writes value types as WIT type expressions. Records, variants, enums
// and flags, which WIT only has as named types, become type definitions
// in Decls, named Prefix and a number. Field, case and label names are
// written %-escaped, so that ones that are WIT keywords (f32) stay names.
type WIT struct {
	Prefix string   // starts the names of the type definitions
	Decls  []string // the type definitions, in the order Expr made them
	n      int
}

// Expr returns t as a WIT type expression ("_" for nil, as in result<_,
// E>), adding the definitions it names to Decls.
func (w *WIT) Expr(t *value.Type) string {
	if t == nil {
		return "_"
	}
	switch t.Kind {
	case value.KindList:
		if t.Len > 0 {
			return fmt.Sprintf("list<%s, %d>", w.Expr(t.Elem), t.Len)
		}
		return "list<" + w.Expr(t.Elem) + ">"
	case value.KindOption:
		return "option<" + w.Expr(t.Elem) + ">"
	case value.KindResult:
		switch {
		case t.Ok == nil && t.Err == nil:
			return "result"
		case t.Err == nil:
			return "result<" + w.Expr(t.Ok) + ">"
		}
		return "result<" + w.Expr(t.Ok) + ", " + w.Expr(t.Err) + ">"
	case value.KindTuple:
		var elems []string
		for _, e := range t.Elems {
			elems = append(elems, w.Expr(e))
		}
		return "tuple<" + strings.Join(elems, ", ") + ">"
	case value.KindRecord, value.KindVariant, value.KindEnum, value.KindFlags:
		var items []string
		for _, f := range t.Fields {
			items = append(items, "%"+f.Name+": "+w.Expr(f.Type))
		}
		for _, c := range t.Cases {
			if c.Type != nil {
				items = append(items, "%"+c.Name+"("+w.Expr(c.Type)+")")
			} else {
				items = append(items, "%"+c.Name)
			}
		}
		for _, l := range t.Labels {
			items = append(items, "%"+l)
		}
		name := fmt.Sprintf("%s%d", w.Prefix, w.n)
		w.n++
		w.Decls = append(w.Decls, fmt.Sprintf("%s %s { %s }", t.Kind, name, strings.Join(items, ", ")))
		return name
	}
	return t.Kind.String()
}
