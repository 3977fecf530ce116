package golang

import (
	"fmt"

	"github.com/dave/jennifer/jen"

	"github.com/wasifill/wasifill/gen"
	"github.com/wasifill/wasifill/witparse"
)

// emitNamed writes named type id once: its Go declaration, the same in
// every mode (emitDecl), then the conversions the mode needs — to and from
// value.Value for host bindings (emitValueConv), to and from the wire
// format for guest bindings (emitWireConv).
func (ts *types) emitNamed(f *jen.File, id witparse.TypeID) error {
	if ts.emitted[id] {
		return nil
	}
	ts.emitted[id] = true
	defer f.Line()
	if err := ts.emitDecl(f, id); err != nil {
		return err
	}
	if ts.mode == modeGuest {
		return ts.emitWireConv(f, id)
	}
	return ts.emitValueConv(f, id)
}

// emitDecl writes the Go declaration of named type id: a record's
// struct; an enum's uint32 type, constants and String; a flags type's
// uint64 type and bits; a variant's tagged struct, case type and cases.
func (ts *types) emitDecl(f *jen.File, id witparse.TypeID) error {
	d := ts.r.Types[id]
	name := ts.names[id]
	doc := d.Docs
	if doc == "" {
		doc = fmt.Sprintf("%s is the WIT %s `%s`.", name, witKind(d.Kind), d.Name)
	}
	f.Comment(goDoc(name, doc))
	switch d.Kind {
	case witparse.KindRecord:
		var fields []jen.Code
		for _, fd := range d.Fields {
			g, err := ts.goType(fd.Type)
			if err != nil {
				return err
			}
			fn := gen.GoName(fd.Name)
			field := jen.Id(fn).Add(g)
			if fd.Docs != "" {
				field = jen.Comment(goDoc(fn, fd.Docs)).Line().Add(field)
			}
			fields = append(fields, field)
		}
		f.Type().Id(name).Struct(fields...)
	case witparse.KindEnum:
		f.Type().Id(name).Uint32()
		var consts, labels []jen.Code
		for i, l := range d.Labels {
			c := jen.Id(name + gen.GoName(l.Name))
			if i == 0 {
				c = c.Id(name).Op("=").Iota()
			}
			consts = append(consts, c)
			labels = append(labels, jen.Lit(l.Name))
		}
		f.Const().Defs(consts...)
		f.Comment("String returns the WIT name of the case.")
		f.Func().Params(jen.Id("x").Id(name)).Id("String").Params().String().Block(
			jen.Id("names").Op(":=").Index().String().Values(labels...),
			jen.If(jen.Int().Call(jen.Id("x")).Op("<").Len(jen.Id("names"))).Block(jen.Return(jen.Id("names").Index(jen.Id("x")))),
			jen.Return(jen.Lit(name+"(?)")))
	case witparse.KindFlags:
		if len(d.Labels) > 64 {
			return &UnsupportedError{Item: ts.item, What: fmt.Sprintf("flags with more than 64 labels (%s)", d.Name), Why: "Go flags are one uint64"}
		}
		f.Type().Id(name).Uint64()
		var consts []jen.Code
		for i, l := range d.Labels {
			c := jen.Id(name + gen.GoName(l.Name))
			if i == 0 {
				c = c.Id(name).Op("=").Lit(1).Op("<<").Iota()
			}
			consts = append(consts, c)
		}
		f.Const().Defs(consts...)
	case witparse.KindVariant:
		caseType := name + "Case"
		fields := []jen.Code{jen.Comment("Case is which case the value is.").Line().Id("Case").Id(caseType)}
		var consts []jen.Code
		for i, c := range d.Cases {
			cc := jen.Id(caseType + gen.GoName(c.Name))
			if i == 0 {
				cc = cc.Id(caseType).Op("=").Iota()
			}
			consts = append(consts, cc)
			if c.Type == nil {
				continue
			}
			g, err := ts.goType(*c.Type)
			if err != nil {
				return err
			}
			field := gen.GoName(c.Name)
			fields = append(fields, jen.Comment(field+" is the payload of case "+c.Name+".").Line().Id(field).Add(g))
		}
		f.Type().Id(name).Struct(fields...)
		f.Comment(caseType + " says which case a " + name + " is.")
		f.Type().Id(caseType).Uint32()
		f.Const().Defs(consts...)
	}
	return nil
}

func witKind(k witparse.TypeDefKind) string {
	return map[witparse.TypeDefKind]string{witparse.KindRecord: "record", witparse.KindVariant: "variant",
		witparse.KindEnum: "enum", witparse.KindFlags: "flags"}[k]
}
