package golang

import (
	"strconv"
	"strings"

	"github.com/dave/jennifer/jen"

	"github.com/wasifill/wasifill/witparse"
)

// Descriptors. The fills and guest bindings describe each function's
// parameters and result to their runtime (fillrt.go: layouts, flattening,
// canonical ABI ↔ wire) as descriptor strings, parsed once at start-up by
// descOf. A string is one token to gofmt, where nested composite literals
// cost it a great deal; the grammar (one character per kind):
//
//	z bool   a s8   A u8   h s16   H u16   i s32   I u32
//	l s64    L u64  f f32  d f64   c char  s string
//	*T            list<T>
//	[N]T          list<T, N>
//	(T…)          record or tuple: its fields in order
//	<T…>          variant: a payload per case, _ for none (option,
//	              result and enum are variants)
//	#N;           flags with N labels
var descPrims = map[string]byte{
	"bool": 'z', "s8": 'a', "u8": 'A', "s16": 'h', "u16": 'H', "s32": 'i', "u32": 'I',
	"s64": 'l', "u64": 'L', "f32": 'f', "f64": 'd', "char": 'c', "string": 's',
}

// desc appends the descriptor of t to b.
func (ts *types) desc(b *strings.Builder, t witparse.Type) error {
	t = ts.resolveAlias(t)
	if t.IsPrim() {
		c, ok := descPrims[t.Prim]
		if !ok {
			return ts.unsupported(t.Prim + " values")
		}
		b.WriteByte(c)
		return nil
	}
	td := ts.r.Types[t.ID]
	opt := func(t *witparse.Type) error {
		if t == nil {
			b.WriteByte('_')
			return nil
		}
		return ts.desc(b, *t)
	}
	switch td.Kind {
	case witparse.KindList:
		b.WriteByte('*')
		return ts.desc(b, td.Elem)
	case witparse.KindFixedList:
		b.WriteString("[" + strconv.FormatUint(uint64(td.Len), 10) + "]")
		return ts.desc(b, td.Elem)
	case witparse.KindRecord, witparse.KindTuple:
		b.WriteByte('(')
		for i := range td.Fields {
			if err := ts.desc(b, td.Fields[i].Type); err != nil {
				return err
			}
		}
		for _, e := range td.Types {
			if err := ts.desc(b, e); err != nil {
				return err
			}
		}
		b.WriteByte(')')
		return nil
	case witparse.KindVariant, witparse.KindEnum, witparse.KindOption, witparse.KindResult:
		b.WriteByte('<')
		var err error
		switch td.Kind {
		case witparse.KindVariant:
			for _, c := range td.Cases {
				if err = opt(c.Type); err != nil {
					return err
				}
			}
		case witparse.KindEnum:
			b.WriteString(strings.Repeat("_", len(td.Labels)))
		case witparse.KindOption:
			b.WriteByte('_')
			err = ts.desc(b, td.Elem)
		case witparse.KindResult:
			if err = opt(td.Ok); err == nil {
				err = opt(td.Err)
			}
		}
		b.WriteByte('>')
		return err
	case witparse.KindFlags:
		b.WriteString("#" + strconv.Itoa(len(td.Labels)) + ";")
		return nil
	case witparse.KindHandle, witparse.KindResource:
		if ts.mode == modeGuest { // the guest bindings convert handles themselves
			b.WriteByte('I')
			return nil
		}
		return ts.noResources()
	}
	return ts.unsupported(kindName(td.Kind))
}

// funcDescs is the one descriptor emitter: descOf calls for fun's
// parameters (one record of them) and result (nil for none).
func (ts *types) funcDescs(fun *witparse.Function) (params, result jen.Code, err error) {
	var b strings.Builder
	b.WriteByte('(')
	for _, p := range fun.Params {
		if err := ts.desc(&b, p.Type); err != nil {
			return nil, nil, err
		}
	}
	b.WriteByte(')')
	params = jen.Id("descOf").Call(jen.Lit(b.String()))
	result = jen.Nil()
	if fun.Result != nil {
		b.Reset()
		if err := ts.desc(&b, *fun.Result); err != nil {
			return nil, nil, err
		}
		result = jen.Id("descOf").Call(jen.Lit(b.String()))
	}
	return params, result, nil
}
