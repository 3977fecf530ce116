package fill_test

import (
	"bytes"
	"context"
	"encoding/hex"
	"errors"
	"fmt"
	"testing"

	"github.com/wasifill/wasifill/fill"
	"github.com/wasifill/wasifill/internal/filltest"
	"github.com/wasifill/wasifill/runtime"
	"github.com/wasifill/wasifill/runtime/rpc"
	"github.com/wasifill/wasifill/value"
	"github.com/wasifill/wasifill/value/wire"
)

// FuzzExportFill sends hostile params for every vector type to an emitted
// export fill (in front of an emitted import fill and an echoing
// provider) and checks it against value/wire, an independent decoder: the
// fill answers exactly when value/wire decodes the bytes, then with
// value/wire's encoding of the value; otherwise with a decode error; it
// never traps. Through f the params are decoded into flat values, through
// m (16 u64s appended) into memory.
func FuzzExportFill(f *testing.F) {
	vs, types, index := filltest.WireVectors(f)
	addSeeds(f, vs, index, func(b []byte) []byte { return b })
	r, w := vectorWorld(f, types)
	imp, err := fill.Import(r, w)
	if err != nil {
		f.Fatal(err)
	}
	exp, err := fill.Export(r, w+1)
	if err != nil {
		f.Fatal(err)
	}
	ctx := context.Background()
	h := serve(f, exp, imp)
	pad := &value.Type{Kind: value.KindTuple}
	for range 16 {
		pad.Elems = append(pad.Elems, value.U64)
	}
	// m's params and result, per vector type.
	mParams := func(i int) *value.Type { return value.TupleOf(types[i], pad) }
	mResult := func(i int) *value.Type { return value.TupleOf(types[i], value.Bool) }
	h.AddProvider("echo", func(_ context.Context, _, fn string, params []byte) ([]byte, error) {
		var i int
		if _, err := fmt.Sscanf(fn, "m%d", &i); err != nil {
			return params, nil // f: the value itself
		}
		v, err := wire.Decode(mParams(i), params)
		if err != nil {
			return nil, err
		}
		return wire.Encode(mResult(i), []value.Value{v.([]value.Value)[0], true})
	}, 0)
	h.Link("", vecIface, "served", 0)
	h.Link("served", vecIface, "echo", 0)
	f.Fuzz(func(t *testing.T, which uint8, inMemory bool, params []byte) {
		i := int(which) % len(types)
		fn := fmt.Sprintf("f%d", i)
		send := params
		if inMemory {
			fn = fmt.Sprintf("m%d", i)
			send = append(append([]byte(nil), params...), padBytes...)
		}
		out, err := h.Invoke(ctx, "", vecIface, fn, send)
		pt, rt := types[i], types[i]
		if inMemory {
			pt, rt = mParams(i), mResult(i)
		}
		val, werr := wire.Decode(pt, send)
		if werr != nil {
			var re *rpc.Error
			if !errors.As(err, &re) || re.Kind != rpc.Decode {
				t.Fatalf("%s(% x): value/wire refuses it (%v); the fill answers % x, %v", fn, params, werr, out, err)
			}
			return
		}
		if err != nil {
			t.Fatalf("%s(% x): value/wire decodes %v; the fill: %v", fn, params, val, err)
		}
		if inMemory {
			val = []value.Value{val.([]value.Value)[0], true}
		}
		want, err := wire.Encode(rt, val)
		if err != nil {
			t.Fatal(err)
		}
		if !bytes.Equal(out, want) {
			t.Fatalf("%s(% x) = % x, want % x", fn, params, out, want)
		}
	})
}

// addSeeds seeds f with every vector: (type, false, bytes) for the flat
// form and (type, true, inMemory(bytes)) for the memory form, and every
// invalid vector in the flat form.
func addSeeds(f *testing.F, vs filltest.Vectors, index map[string]int, inMemory func([]byte) []byte) {
	for _, v := range vs.Vectors {
		b, _ := hex.DecodeString(v.Hex)
		f.Add(uint8(index[v.Type]), false, b)
		f.Add(uint8(index[v.Type]), true, inMemory(b))
	}
	for _, v := range vs.Invalid {
		b, _ := hex.DecodeString(v.Hex)
		f.Add(uint8(index[v.Type]), false, b)
	}
}

// FuzzImportFill answers an emitted import fill's invocations with hostile
// bytes for every vector type and checks it against value/wire: the call
// returns value/wire's value of the bytes exactly when value/wire decodes
// them (into a flat result through f, into memory through m), and traps
// otherwise.
func FuzzImportFill(f *testing.F) {
	vs, types, index := filltest.WireVectors(f)
	addSeeds(f, vs, index, func(b []byte) []byte { return append(b, 1) })
	r, w := vectorWorld(f, types)
	imp, err := fill.Import(r, w)
	if err != nil {
		f.Fatal(err)
	}
	ctx := context.Background()
	rt, h := filltest.Runtime(f)
	c, err := rt.Compile(ctx, imp)
	if err != nil {
		f.Fatal(err)
	}
	var answer []byte
	h.AddProvider("vec", func(context.Context, string, string, []byte) ([]byte, error) { return answer, nil }, 0)
	h.Link("", vecIface, "vec", 0)
	f.Fuzz(func(t *testing.T, which uint8, inMemory bool, b []byte) {
		i := int(which) % len(types)
		fn, rtype := fmt.Sprintf("f%d", i), types[i]
		args := []value.Value{zero(types[i])}
		if inMemory {
			fn, rtype = fmt.Sprintf("m%d", i), value.TupleOf(types[i], value.Bool)
			args = append(args, padValues())
		}
		answer = b
		inst, err := rt.Instantiate(ctx, c)
		if err != nil {
			t.Fatal(err)
		}
		defer inst.Close(ctx)
		out, err := inst.Call(ctx, vecIface+"#"+fn, args...)
		want, werr := wire.Decode(rtype, b)
		if werr != nil {
			var trap *runtime.TrapError
			if !errors.As(err, &trap) {
				t.Fatalf("%s answered % x: value/wire refuses it (%v); the fill returns %v, %v", fn, b, werr, out, err)
			}
			return
		}
		if err != nil || !value.Equal(rtype, out[0], want) {
			t.Fatalf("%s answered % x = %v, %v; value/wire decodes %v", fn, b, out, err, want)
		}
	})
}
