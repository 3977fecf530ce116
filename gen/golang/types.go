// Package golang generates Go from WIT with dave/jennifer: host bindings
// (typed Go for the runtime side: interfaces a native provider implements,
// their registration with the wasifill runtime, and typed clients for a
// component's exports), guest bindings (for a component written in Go)
// and import and export fills.
//
// WIT types map to Go as follows: records are structs; variants are
// tagged structs (a Case field of a typed constant, one field per case
// payload); enums are typed uint32 constants with String; flags are
// uint64 bit sets (at most 64 flags); option, result and tuples are the
// generic Option, Result and TupleN types emitted into the package; list<u8>
// is []byte, list<T> is []T and a fixed-length list<T, N> is the array
// [N]T (in bindings and fills alike). Resources are Go interfaces on the
// side that implements them and handle types with methods and Drop on the
// side that uses them (see resource.go and guestresource.go); fills refuse
// them, since handles do not cross wasifill:rpc yet. Maps, stream<T>,
// future<T> and async functions are refused with an *UnsupportedError
// naming the interface, the function or type, and why.
package golang

import (
	"fmt"
	"github.com/wasifill/wasifill/gen/internal/abi"

	"github.com/dave/jennifer/jen"

	"github.com/wasifill/wasifill/gen"
	"github.com/wasifill/wasifill/witparse"
)

const valuePkg = "github.com/wasifill/wasifill/value"

// UnsupportedError is a WIT construct the generator does not handle yet.
type UnsupportedError struct {
	Item string // e.g. "acme:kv/store@1.0.0: function watch"
	What string // e.g. "streams"
	Why  string // why not, when there is more to say
}

func (e *UnsupportedError) Error() string {
	msg := fmt.Sprintf("gen go: %s: %s are not supported yet", e.Item, e.What)
	if e.Why != "" {
		msg += " (" + e.Why + ")"
	}
	return msg
}

// mode is what a generator writes: it decides how handles convert and
// which conversions named types get. Each generator gives its mode to
// newTypes; nothing changes it later.
type mode uint8

const (
	modeHost  mode = iota // host bindings: value.Value conversions
	modeGuest             // guest bindings: wire conversions, handles as u32
	modeFill              // fills: descriptors only, no handles
)

// newTypes returns the type writer of generator m for r.
func newTypes(r *witparse.Resolve, m mode) *types {
	ts := &types{r: r, abi: abi.New(r), mode: m, names: map[witparse.TypeID]string{}, tuples: map[int]bool{},
		emitted: map[witparse.TypeID]bool{}, repsUsed: map[witparse.TypeID]bool{}}
	if m == modeGuest {
		// Guests keep their handle tables in package variables, so handles
		// convert anywhere, inside records and variants too.
		ts.scope = scopeGuest
	}
	return ts
}

// types knows the Go names of a world's named types and writes Go types
// and their conversions to and from the value model.
type types struct {
	r       *witparse.Resolve
	abi     *abi.Types // value types, layouts and flat signatures, converted once per type
	mode    mode
	names   map[witparse.TypeID]string
	item    string // what is being generated, for errors
	tuples  map[int]bool
	emitted map[witparse.TypeID]bool

	res           map[witparse.TypeID]*resource // the world's resources
	scope         handleScope                   // which handles conversions may write
	repsUsed      map[witparse.TypeID]bool      // rep tables the provider being written uses
	hostReps      bool                          // some provider uses rep tables
	clientHandles bool                          // a client handle type was written
	guestReps     bool                          // an exported resource uses the guest rep table
	wire          wireHelpers                   // guest bindings: conversions of anonymous types
}

var prims = map[string]string{
	"bool": "bool", "s8": "int8", "u8": "uint8", "s16": "int16", "u16": "uint16", "s32": "int32",
	"u32": "uint32", "s64": "int64", "u64": "uint64", "f32": "float32", "f64": "float64",
	"char": "rune", "string": "string",
}

// unsupported is the error for what, in the item being generated, with
// the reason when there is a known one.
func (ts *types) unsupported(what string) error {
	return &UnsupportedError{Item: ts.item, What: what, Why: refusalWhy[what]}
}

// refusalWhy says why the generator refuses a kind of WIT construct.
var refusalWhy = map[string]string{
	"async functions": "the component model's async ABI is not generated for Go yet",
	"streams":         "stream<T> belongs to the component model's async ABI, not generated for Go yet (WASI 0.2 streams are wasi:io resources, which are)",
	"futures":         "future<T> belongs to the component model's async ABI, not generated for Go yet",
	"maps":            "map<K, V> is a gated WIT feature the Go generator does not write yet",
}

// resolveAlias follows type aliases (`type x = y`, `use`) to a definition
// or primitive.
func (ts *types) resolveAlias(t witparse.Type) witparse.Type {
	for i := 0; i < 100 && !t.IsPrim(); i++ {
		d := ts.r.Types[t.ID]
		if d.Kind != witparse.KindAlias {
			break
		}
		t = d.Elem
	}
	return t
}

// goType is the Go type of t.
func (ts *types) goType(t witparse.Type) (jen.Code, error) {
	t = ts.resolveAlias(t)
	if t.IsPrim() {
		p, ok := prims[t.Prim]
		if !ok {
			return nil, ts.unsupported(t.Prim + " values")
		}
		return jen.Id(p), nil
	}
	d := ts.r.Types[t.ID]
	if name, ok := ts.names[t.ID]; ok {
		return jen.Id(name), nil
	}
	if r, _, ok := ts.handleOf(t); ok {
		return ts.handleGoType(r)
	}
	switch d.Kind {
	case witparse.KindList:
		if e := ts.resolveAlias(d.Elem); e.IsPrim() && e.Prim == "u8" {
			return jen.Index().Byte(), nil
		}
		elem, err := ts.goType(d.Elem)
		return jen.Index().Add(elem), err
	case witparse.KindFixedList: // an array: its length is the type's
		elem, err := ts.goType(d.Elem)
		return jen.Index(jen.Lit(int(d.Len))).Add(elem), err
	case witparse.KindOption:
		elem, err := ts.goType(d.Elem)
		return jen.Id("Option").Types(elem), err
	case witparse.KindResult:
		ok, err := ts.optGoType(d.Ok)
		if err != nil {
			return nil, err
		}
		e, err := ts.optGoType(d.Err)
		return jen.Id("Result").Types(ok, e), err
	case witparse.KindTuple:
		var elems []jen.Code
		for _, e := range d.Types {
			g, err := ts.goType(e)
			if err != nil {
				return nil, err
			}
			elems = append(elems, g)
		}
		ts.tuples[len(elems)] = true
		return jen.Id(fmt.Sprintf("Tuple%d", len(elems))).Types(elems...), nil
	}
	return nil, ts.unsupported(kindName(d.Kind))
}

func (ts *types) optGoType(t *witparse.Type) (jen.Code, error) {
	if t == nil {
		return jen.Struct(), nil
	}
	return ts.goType(*t)
}

func kindName(k witparse.TypeDefKind) string {
	switch k {
	case witparse.KindResource, witparse.KindHandle:
		return "resources"
	case witparse.KindMap:
		return "maps"
	case witparse.KindFixedList:
		return "fixed-length lists"
	case witparse.KindFuture:
		return "futures"
	case witparse.KindStream:
		return "streams"
	}
	return fmt.Sprintf("type kind %d", k)
}

// toValue converts Go expression x of WIT type t to a value.Value.
func (ts *types) toValue(t witparse.Type, x jen.Code) (jen.Code, error) {
	t = ts.resolveAlias(t)
	if t.IsPrim() {
		return x, nil
	}
	d := ts.r.Types[t.ID]
	if name, ok := ts.names[t.ID]; ok {
		return jen.Id(lowerFirst(name) + "ToValue").Call(x), nil
	}
	if r, borrow, ok := ts.handleOf(t); ok {
		return ts.handleToValue(r, borrow, x)
	}
	conv := func(t witparse.Type) (jen.Code, error) {
		g, err := ts.goType(t)
		if err != nil {
			return nil, err
		}
		body, err := ts.toValue(t, jen.Id("x"))
		return jen.Func().Params(jen.Id("x").Add(g)).Qual(valuePkg, "Value").Block(jen.Return(body)), err
	}
	switch d.Kind {
	case witparse.KindList:
		if e := ts.resolveAlias(d.Elem); e.IsPrim() && e.Prim == "u8" {
			return x, nil
		}
		f, err := conv(d.Elem)
		return jen.Id("listToValue").Call(x, f), err
	case witparse.KindFixedList: // as a list's value (N elements)
		arr, err := ts.goType(t)
		if err != nil {
			return nil, err
		}
		if e := ts.resolveAlias(d.Elem); e.IsPrim() && e.Prim == "u8" {
			return jen.Func().Params(jen.Id("x").Add(arr)).Qual(valuePkg, "Value").Block(
				jen.Return(jen.Append(jen.Index().Byte().Parens(jen.Nil()), jen.Id("x").Index(jen.Op(":")).Op("...")))).Call(x), nil
		}
		f, err := conv(d.Elem)
		return jen.Id("listToValue").Call(jen.Func().Params(jen.Id("x").Add(arr)).Index().Add(mustGo(ts, d.Elem)).Block(
			jen.Return(jen.Id("x").Index(jen.Op(":")))).Call(x), f), err
	case witparse.KindOption:
		f, err := conv(d.Elem)
		return jen.Id("optionToValue").Call(x, f), err
	case witparse.KindResult:
		okf, err := ts.optConv(d.Ok, conv)
		if err != nil {
			return nil, err
		}
		errf, err := ts.optConv(d.Err, conv)
		return jen.Id("resultToValue").Call(x, okf, errf), err
	case witparse.KindTuple:
		var elems []jen.Code
		for i, e := range d.Types {
			v, err := ts.toValue(e, jen.Add(x).Dot(fmt.Sprintf("F%d", i)))
			if err != nil {
				return nil, err
			}
			elems = append(elems, v)
		}
		return jen.Index().Qual(valuePkg, "Value").Values(elems...), nil
	}
	return nil, ts.unsupported(kindName(d.Kind))
}

func (ts *types) optConv(t *witparse.Type, conv func(witparse.Type) (jen.Code, error)) (jen.Code, error) {
	if t == nil { // a typed nil, so the generic helper can infer its types
		return jen.Parens(jen.Func().Params(jen.Struct()).Qual(valuePkg, "Value")).Parens(jen.Nil()), nil
	}
	return conv(*t)
}

// fromValue converts value.Value expression v to the Go type of t.
func (ts *types) fromValue(t witparse.Type, v jen.Code) (jen.Code, error) {
	t = ts.resolveAlias(t)
	g, err := ts.goType(t)
	if err != nil {
		return nil, err
	}
	if t.IsPrim() {
		return jen.Add(v).Assert(g), nil
	}
	d := ts.r.Types[t.ID]
	if name, ok := ts.names[t.ID]; ok {
		return jen.Id(lowerFirst(name) + "FromValue").Call(v), nil
	}
	if r, borrow, ok := ts.handleOf(t); ok {
		return ts.handleFromValue(r, borrow, v)
	}
	conv := func(t witparse.Type) (jen.Code, error) {
		g, err := ts.goType(t)
		if err != nil {
			return nil, err
		}
		body, err := ts.fromValue(t, jen.Id("v"))
		return jen.Func().Params(jen.Id("v").Qual(valuePkg, "Value")).Add(g).Block(jen.Return(body)), err
	}
	switch d.Kind {
	case witparse.KindList:
		if e := ts.resolveAlias(d.Elem); e.IsPrim() && e.Prim == "u8" {
			return jen.Add(v).Assert(jen.Index().Byte()), nil
		}
		f, err := conv(d.Elem)
		return jen.Id("listFromValue").Call(v, f), err
	case witparse.KindFixedList: // the runtime checked the length
		if e := ts.resolveAlias(d.Elem); e.IsPrim() && e.Prim == "u8" {
			return jen.Func().Params().Params(jen.Id("x").Add(g)).Block(
				jen.Copy(jen.Id("x").Index(jen.Op(":")), jen.Add(v).Assert(jen.Index().Byte())), jen.Return()).Call(), nil
		}
		f, err := conv(d.Elem)
		return jen.Func().Params().Params(jen.Id("x").Add(g)).Block(
			jen.Copy(jen.Id("x").Index(jen.Op(":")), jen.Id("listFromValue").Call(v, f)), jen.Return()).Call(), err
	case witparse.KindOption:
		f, err := conv(d.Elem)
		return jen.Id("optionFromValue").Call(v, f), err
	case witparse.KindResult:
		okf, err := ts.optConvFrom(d.Ok, conv)
		if err != nil {
			return nil, err
		}
		errf, err := ts.optConvFrom(d.Err, conv)
		if err != nil {
			return nil, err
		}
		return jen.Id("resultFromValue").Call(v, okf, errf), nil
	case witparse.KindTuple:
		fields := jen.Dict{}
		for i, e := range d.Types {
			f, err := ts.fromValue(e, jen.Id("vs").Index(jen.Lit(i)))
			if err != nil {
				return nil, err
			}
			fields[jen.Id(fmt.Sprintf("F%d", i))] = f
		}
		return jen.Func().Params().Add(g).Block(
			jen.Id("vs").Op(":=").Add(v).Assert(jen.Index().Qual(valuePkg, "Value")),
			jen.Return(jen.Add(g).Values(fields)),
		).Call(), nil
	}
	return nil, ts.unsupported(kindName(d.Kind))
}

func (ts *types) optConvFrom(t *witparse.Type, conv func(witparse.Type) (jen.Code, error)) (jen.Code, error) {
	if t == nil {
		return jen.Parens(jen.Func().Params(jen.Qual(valuePkg, "Value")).Struct()).Parens(jen.Nil()), nil
	}
	return conv(*t)
}

// mustGo is the Go type of t, which the caller converted before (so it
// has one).
func mustGo(ts *types, t witparse.Type) jen.Code {
	g, err := ts.goType(t)
	if err != nil {
		panic(err)
	}
	return g
}

func lowerFirst(s string) string {
	if s == "" {
		return s
	}
	return string(s[0]|0x20) + s[1:]
}

// emitValueConv writes the conversions of named type id to and from
// value.Value (host bindings).
func (ts *types) emitValueConv(f *jen.File, id witparse.TypeID) error {
	d := ts.r.Types[id]
	name := ts.names[id]
	toV, fromV := lowerFirst(name)+"ToValue", lowerFirst(name)+"FromValue"
	val := jen.Qual(valuePkg, "Value")
	switch d.Kind {
	case witparse.KindRecord:
		var toVals []jen.Code
		from := jen.Dict{}
		for i, fd := range d.Fields {
			tv, err := ts.toValue(fd.Type, jen.Id("x").Dot(gen.GoName(fd.Name)))
			if err != nil {
				return err
			}
			toVals = append(toVals, tv)
			fv, err := ts.fromValue(fd.Type, jen.Id("vs").Index(jen.Lit(i)))
			if err != nil {
				return err
			}
			from[jen.Id(gen.GoName(fd.Name))] = fv
		}
		f.Func().Id(toV).Params(jen.Id("x").Id(name)).Add(val).Block(jen.Return(jen.Index().Add(val).Values(toVals...)))
		vs := jen.Id("vs").Op(":=")
		if len(d.Fields) == 0 { // an empty record: nothing to read
			vs = jen.Id("_").Op("=")
		}
		f.Func().Id(fromV).Params(jen.Id("v").Add(val)).Id(name).Block(
			vs.Id("v").Assert(jen.Index().Add(val)),
			jen.Return(jen.Id(name).Values(from)))
	case witparse.KindEnum:
		f.Func().Id(toV).Params(jen.Id("x").Id(name)).Add(val).Block(jen.Return(jen.Qual(valuePkg, "Enum").Call(jen.Id("x"))))
		f.Func().Id(fromV).Params(jen.Id("v").Add(val)).Id(name).Block(jen.Return(jen.Id(name).Call(jen.Id("v").Assert(jen.Qual(valuePkg, "Enum")))))
	case witparse.KindFlags:
		f.Func().Id(toV).Params(jen.Id("x").Id(name)).Add(val).Block(jen.Return(jen.Id("flagsToValue").Call(jen.Uint64().Call(jen.Id("x")), jen.Lit(len(d.Labels)))))
		f.Func().Id(fromV).Params(jen.Id("v").Add(val)).Id(name).Block(jen.Return(jen.Id(name).Call(jen.Id("flagsFromValue").Call(jen.Id("v")))))
	case witparse.KindVariant:
		return ts.emitVariantValue(f, id, name)
	}
	return nil
}
