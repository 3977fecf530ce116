package golang

import (
	"strings"

	"github.com/dave/jennifer/jen"

	"github.com/wasifill/wasifill/gen"
	"github.com/wasifill/wasifill/witparse"
)

// emitVariantValue writes the value.Value conversions of a variant (a
// tagged struct: Case says which case is set, one field per case with a
// payload holds it).
func (ts *types) emitVariantValue(f *jen.File, id witparse.TypeID, name string) error {
	d := ts.r.Types[id]
	caseType := name + "Case"
	val := jen.Qual(valuePkg, "Value")
	var toCases, fromCases []jen.Code
	for i, c := range d.Cases {
		cn := caseType + gen.GoName(c.Name)
		if c.Type == nil {
			toCases = append(toCases, jen.Case(jen.Id(cn)).Block(
				jen.Return(jen.Qual(valuePkg, "Variant").Values(jen.Dict{jen.Id("Case"): jen.Lit(i)}))))
			fromCases = append(fromCases, jen.Case(jen.Lit(i)).Block(jen.Id("x").Dot("Case").Op("=").Id(cn)))
			continue
		}
		field := gen.GoName(c.Name)
		tv, err := ts.toValue(*c.Type, jen.Id("x").Dot(field))
		if err != nil {
			return err
		}
		toCases = append(toCases, jen.Case(jen.Id(cn)).Block(
			jen.Return(jen.Qual(valuePkg, "Variant").Values(jen.Dict{jen.Id("Case"): jen.Lit(i), jen.Id("Payload"): tv}))))
		fv, err := ts.fromValue(*c.Type, jen.Id("w").Dot("Payload"))
		if err != nil {
			return err
		}
		fromCases = append(fromCases, jen.Case(jen.Lit(i)).Block(
			jen.Id("x").Dot("Case").Op("=").Id(cn),
			jen.Id("x").Dot(field).Op("=").Add(fv)))
	}
	toCases = append(toCases, jen.Default().Block(jen.Panic(jen.Lit("wasifill: "+name+" with an unknown case"))))
	f.Func().Id(lowerFirst(name) + "ToValue").Params(jen.Id("x").Id(name)).Add(val).Block(
		jen.Switch(jen.Id("x").Dot("Case")).Block(toCases...))
	f.Func().Id(lowerFirst(name)+"FromValue").Params(jen.Id("v").Add(val)).Params(jen.Id("x").Id(name)).Block(
		jen.Id("w").Op(":=").Id("v").Assert(jen.Qual(valuePkg, "Variant")),
		jen.Switch(jen.Id("w").Dot("Case")).Block(fromCases...),
		jen.Return())
	return nil
}

// goDoc turns WIT docs into a Go doc comment starting with name.
func goDoc(name, docs string) string {
	docs = strings.TrimSpace(docs)
	if docs == "" || strings.HasPrefix(docs, name+" ") {
		return docs
	}
	first := strings.ToLower(docs[:1]) + docs[1:]
	word, _, _ := strings.Cut(docs, " ")
	switch {
	case word == "A" || word == "An" || word == "The":
		return name + " is " + first
	case strings.HasSuffix(word, "s") && !strings.HasSuffix(word, "ss"): // "Returns ...", "Builds ..."
		return name + " " + first
	}
	return name + ": " + docs
}
