package fill_test

import (
	"bytes"
	"context"
	"encoding/hex"
	"errors"
	"fmt"
	"strings"
	"testing"

	"github.com/wasifill/wasifill/compose"
	"github.com/wasifill/wasifill/fill"
	"github.com/wasifill/wasifill/internal/filltest"
	"github.com/wasifill/wasifill/internal/valuetest"
	"github.com/wasifill/wasifill/runtime"
	"github.com/wasifill/wasifill/runtime/rpc"
	"github.com/wasifill/wasifill/value"
	"github.com/wasifill/wasifill/value/wave"
	"github.com/wasifill/wasifill/witparse"
)

const vecIface = "wasifill:vectors/v"

// vectorWorld writes interface v with, per vector type i, f<i>(x: T) -> T
// (flat params, flat or memory result) and m<i>(x: T, pad: 16 u64s) ->
// tuple<T, bool> (params and result in memory), and world w importing it.
func vectorWorld(t testing.TB, types []*value.Type) (*witparse.Resolve, witparse.WorldID) {
	d := &valuetest.WIT{Prefix: "t"}
	var fns []string
	pad := "tuple<" + strings.TrimSuffix(strings.Repeat("u64, ", 16), ", ") + ">"
	for i, typ := range types {
		e := d.Expr(typ)
		fns = append(fns, fmt.Sprintf("%%f%d: func(x: %s) -> %s;", i, e, e),
			fmt.Sprintf("%%m%d: func(x: %s, pad: %s) -> tuple<%s, bool>;", i, e, pad, e))
	}
	src := "package wasifill:vectors;\ninterface v {\n" + strings.Join(d.Decls, "\n") + "\n" + strings.Join(fns, "\n") +
		"\n}\nworld w { import v; }\nworld served { export v; }\n"
	r, pkg, err := witparse.LoadSource("v.wit", []byte(src), witparse.Options{})
	if err != nil {
		t.Fatalf("%v\n%s", err, src)
	}
	return r, r.Packages[pkg].Worlds[0].ID
}

// serve returns an rpc host that serves the export fill exp composed in
// front of the import fill imp as "served".
func serve(t testing.TB, exp, imp []byte) *rpc.Host {
	t.Helper()
	served, err := compose.Plug(compose.Part{Name: "export.wasm", Bytes: exp}, []compose.Part{{Name: "import.wasm", Bytes: imp}})
	if err != nil {
		t.Fatal(err)
	}
	rt, h := filltest.Runtime(t)
	h.AddComponent("served", filltest.Compile(context.Background(), t, rt, served.Bytes), 0)
	return h
}

var padBytes = bytes.Repeat([]byte{7}, 16)

func padValues() []value.Value {
	out := make([]value.Value, 16)
	for i := range out {
		out[i] = uint64(7)
	}
	return out
}

// Every vector through an emitted import fill alone: the fill sends
// exactly the vector's bytes (from flat params and from memory) and
// decodes them back into the vector's value (into flat results and into
// memory); every invalid vector as an answer makes the fill trap.
func TestVectorsImportFill(t *testing.T) {
	vs, types, index := filltest.WireVectors(t)
	r, w := vectorWorld(t, types)
	imp, err := fill.Import(r, w)
	if err != nil {
		t.Fatal(err)
	}
	ctx := context.Background()
	rt, h := filltest.Runtime(t)
	var answer, sent []byte
	h.AddProvider("vec", func(_ context.Context, _, _ string, params []byte) ([]byte, error) {
		sent = append([]byte(nil), params...)
		return answer, nil
	}, 0)
	h.Link("", vecIface, "vec", 0)
	inst := filltest.Instantiate(ctx, t, rt, imp)
	for _, v := range vs.Vectors {
		i := index[v.Type]
		want, _ := hex.DecodeString(v.Hex)
		val, err := wave.Parse(types[i], v.Value)
		if err != nil {
			t.Fatalf("%s %s: %v", v.Type, v.Value, err)
		}
		answer = want
		out, err := inst.Call(ctx, fmt.Sprintf("%s#f%d", vecIface, i), val)
		if err != nil || !bytes.Equal(sent, want) || !value.Equal(types[i], out[0], val) {
			t.Errorf("f(%s: %s): sent % x, got %v, %v; want % x and the value back", v.Type, v.Value, sent, out, err, want)
		}
		answer = append(append([]byte(nil), want...), 1)
		args := []value.Value{val, padValues()}
		out, err = inst.Call(ctx, fmt.Sprintf("%s#m%d", vecIface, i), args...)
		wantSent := append(append([]byte(nil), want...), padBytes...)
		if err != nil || !bytes.Equal(sent, wantSent) {
			t.Errorf("m(%s: %s): sent % x, %v; want % x", v.Type, v.Value, sent, err, wantSent)
			continue
		}
		tuple := out[0].([]value.Value)
		if !value.Equal(types[i], tuple[0], val) || tuple[1] != true {
			t.Errorf("m(%s: %s) = %v", v.Type, v.Value, out[0])
		}
	}
	for _, v := range vs.Invalid {
		i := index[v.Type]
		answer, _ = hex.DecodeString(v.Hex)
		for _, fn := range []string{"f", "m"} {
			args := []value.Value{zero(types[i])}
			if fn == "m" {
				args = append(args, padValues())
				answer = append(answer, 1)
			}
			in := filltest.Instantiate(ctx, t, rt, imp)
			_, err := in.Call(ctx, fmt.Sprintf("%s#%s%d", vecIface, fn, i), args...)
			var trap *runtime.TrapError
			if !errors.As(err, &trap) {
				t.Errorf("%s answered %s (invalid %s): err = %v, want a trap", fn, v.Hex, v.Type, err)
			}
		}
	}
}

// zero returns some valid value of t, to call a function with.
func zero(t *value.Type) value.Value {
	v, err := wave.Parse(t, zeroWave(t))
	if err != nil {
		panic(fmt.Sprintf("%s: %v", t, err))
	}
	return v
}

func zeroWave(t *value.Type) string {
	switch t.Kind {
	case value.KindBool:
		return "false"
	case value.KindF32, value.KindF64:
		return "0.0"
	case value.KindChar:
		return "'a'"
	case value.KindString:
		return `""`
	case value.KindList:
		parts := make([]string, t.Len)
		for i := range parts {
			parts[i] = zeroWave(t.Elem)
		}
		return "[" + strings.Join(parts, ", ") + "]"
	case value.KindOption:
		return "none"
	case value.KindResult:
		if t.Ok != nil {
			return "ok(" + zeroWave(t.Ok) + ")"
		}
		return "ok"
	case value.KindTuple:
		var parts []string
		for _, e := range t.Elems {
			parts = append(parts, zeroWave(e))
		}
		return "(" + strings.Join(parts, ", ") + ")"
	case value.KindRecord:
		var parts []string
		for _, f := range t.Fields {
			parts = append(parts, f.Name+": "+zeroWave(f.Type))
		}
		return "{" + strings.Join(parts, ", ") + "}"
	case value.KindVariant:
		c := t.Cases[0]
		if c.Type == nil {
			return c.Name
		}
		return c.Name + "(" + zeroWave(c.Type) + ")"
	case value.KindEnum:
		return t.Labels[0]
	case value.KindFlags:
		return "{}"
	}
	return "0"
}

// Every vector through an emitted export fill in front of an emitted
// import fill: the export fill decodes the params (into flat values and
// into memory), the import fill encodes them again, an echoing provider
// answers, and the same bytes come back; invalid params are a decode
// error.
func TestVectorsExportFill(t *testing.T) {
	_, types, _ := filltest.WireVectors(t)
	r, w := vectorWorld(t, types)
	imp, err := fill.Import(r, w)
	if err != nil {
		t.Fatal(err)
	}
	exp, err := fill.Export(r, w+1) // world served
	if err != nil {
		t.Fatal(err)
	}
	checkVectorsThrough(t, exp, imp)
}

// checkVectorsThrough serves interface v with the export fill exp in
// front of the import fill imp, whose invocations an echoing provider
// answers, and sends every vector through both; every invalid vector's
// params get rpc-error decode naming the function from the export fill,
// whichever made it (emitted, generated Rust or Go).
func checkVectorsThrough(t *testing.T, exp, imp []byte) {
	vs, _, index := filltest.WireVectors(t)
	ctx := context.Background()
	h := serve(t, exp, imp)
	h.AddProvider("echo", func(_ context.Context, _, fn string, params []byte) ([]byte, error) {
		if strings.HasPrefix(fn, "m") { // (value, pad) → (value, true)
			return append(params[:len(params)-16:len(params)-16], 1), nil
		}
		return params, nil
	}, 0)
	h.Link("", vecIface, "served", 0)
	h.Link("served", vecIface, "echo", 0)
	for _, v := range vs.Vectors {
		i := index[v.Type]
		want, _ := hex.DecodeString(v.Hex)
		out, err := h.Invoke(ctx, "", vecIface, fmt.Sprintf("f%d", i), want)
		if err != nil || !bytes.Equal(out, want) {
			t.Errorf("f(%s: %s) through both fills = % x, %v; want % x", v.Type, v.Value, out, err, want)
		}
		params := append(append([]byte(nil), want...), padBytes...)
		out, err = h.Invoke(ctx, "", vecIface, fmt.Sprintf("m%d", i), params)
		if wantM := append(append([]byte(nil), want...), 1); err != nil || !bytes.Equal(out, wantM) {
			t.Errorf("m(%s: %s) through both fills = % x, %v; want % x", v.Type, v.Value, out, err, wantM)
		}
	}
	for _, v := range vs.Invalid {
		i := index[v.Type]
		bad, _ := hex.DecodeString(v.Hex)
		_, err := h.Invoke(ctx, "", vecIface, fmt.Sprintf("f%d", i), bad)
		var re *rpc.Error
		if !errors.As(err, &re) || re.Kind != rpc.Decode || !strings.Contains(re.Msg, fmt.Sprintf("%s#f%d: params: ", vecIface, i)) {
			t.Errorf("f with invalid %s %s: err = %v, want a decode error naming the function", v.Type, v.Hex, err)
		}
	}
}
