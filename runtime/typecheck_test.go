package runtime

import (
	"errors"
	"testing"

	"github.com/wasifill/wasifill/internal/component"
)

// The export naming rule on hand-made component types: what an export
// refers to must be imported or exported before it, by identity for
// resources and by identity or structure for records, variants, enums and
// flags; anonymous types need only their parts named.
func TestExportTypesNamed(t *testing.T) {
	res := &component.Resource{Name: "r"}
	resT := &component.Type{Kind: component.KindResource, Resource: res}
	own := &component.Type{Kind: component.KindOwn, Resource: res}
	u32 := &component.Type{Kind: component.KindPrim, Prim: 0x79}
	color := &component.Type{Kind: component.KindEnum, Name: "color", Labels: []string{"red", "green"}}
	colorCopy := &component.Type{Kind: component.KindEnum, Name: "import-type-color", Labels: []string{"red", "green"}}
	point := &component.Type{Kind: component.KindRecord, Name: "point", Fields: []component.Field{{Name: "x", Type: u32}, {Name: "c", Type: color}}}
	anon := &component.Type{Kind: component.KindTuple, Elems: []*component.Type{u32, {Kind: component.KindList, Elem: color}}}
	fn := func(params ...*component.Type) *component.Type {
		ft := &component.Type{Kind: component.KindFunc}
		for _, p := range params {
			ft.Fields = append(ft.Fields, component.Field{Name: "p", Type: p})
		}
		return ft
	}
	typ := func(name string, t *component.Type) component.Extern {
		return component.Extern{Name: name, Kind: component.ExternType, Type: t}
	}
	f := func(t *component.Type) component.Extern {
		return component.Extern{Name: "f", Kind: component.ExternFunc, Type: t}
	}
	inst := func(name string, exports ...component.Extern) component.Extern {
		return component.Extern{Name: name, Kind: component.ExternInstance, Type: &component.Type{Kind: component.KindInstance, Exports: exports}}
	}
	cases := []struct {
		name             string
		imports, exports []component.Extern
		bad              string // the export refused, "" when valid
	}{
		{"primitives only", nil, []component.Extern{f(fn(u32))}, ""},
		{"unexported resource", nil, []component.Extern{inst("api", f(fn(own)))}, "api/f"},
		{"resource exported first", nil, []component.Extern{inst("api", typ("r", resT), f(fn(own)))}, ""},
		{"resource exported after", nil, []component.Extern{inst("api", f(fn(own)), typ("r", resT))}, "api/f"},
		{"resource imported", []component.Extern{inst("dep", typ("r", resT))}, []component.Extern{f(fn(own))}, ""},
		{"a copy of the resource's type is the same resource", nil,
			[]component.Extern{typ("r", &component.Type{Kind: component.KindResource, Resource: res}), f(fn(own))}, ""},
		{"another resource of the same name", []component.Extern{typ("r", &component.Type{Kind: component.KindResource, Resource: &component.Resource{Name: "r"}})},
			[]component.Extern{f(fn(own))}, "f"},
		{"unnamed enum inside a tuple", nil, []component.Extern{f(fn(anon))}, "f"},
		{"enum named by a structural copy", []component.Extern{typ("import-type-color", colorCopy)}, []component.Extern{f(fn(anon))}, ""},
		{"record exported, its field's enum not", nil, []component.Extern{inst("api", typ("point", point), f(fn(point)))}, "api/point"},
		{"record and its field's enum exported", nil, []component.Extern{inst("api", typ("color", color), typ("point", point), f(fn(point)))}, ""},
		{"record used but not exported", []component.Extern{typ("color", color)}, []component.Extern{f(fn(point))}, "f"},
		// Imports may use only what imports before them named.
		{"import of an unnamed record", []component.Extern{inst("dep", f(fn(point)))}, nil, "dep/f"},
		{"import naming its types first", []component.Extern{inst("dep", typ("color", color), typ("point", point), f(fn(point)))}, nil, ""},
		{"import of a resource no import names", []component.Extern{f(fn(own))}, nil, "f"},
	}
	for _, c := range cases {
		x := &component.Index{Type: &component.Type{Kind: component.KindComponent, Imports: c.imports, Exports: c.exports}}
		err := checkExportTypes(x)
		var ete *ExportTypeError
		switch {
		case c.bad == "" && err != nil:
			t.Errorf("%s: %v", c.name, err)
		case c.bad != "" && !errors.As(err, &ete):
			t.Errorf("%s: err = %v, want an ExportTypeError", c.name, err)
		case c.bad != "" && ete.Export != c.bad:
			t.Errorf("%s: refused %q, want %q (%v)", c.name, ete.Export, c.bad, err)
		case c.bad != "" && ete.Import != (len(c.exports) == 0):
			t.Errorf("%s: Import = %v (%v)", c.name, ete.Import, err)
		}
		// The same rule holds in a component defined inside another.
		outer := &component.Index{Type: &component.Type{Kind: component.KindComponent}, Nested: []*component.Index{x}}
		if err2 := checkExportTypes(outer); (err2 == nil) != (err == nil) {
			t.Errorf("%s: nested: %v, top level: %v", c.name, err2, err)
		}
	}
}
