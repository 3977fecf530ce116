package fill

import (
	"encoding/binary"
	"fmt"

	"github.com/wasifill/wasifill/internal/canon"
	"github.com/wasifill/wasifill/internal/rpcwit"
	"github.com/wasifill/wasifill/internal/wasmbin"
)

// Wasm opcodes the emitted code uses.
const (
	opUnreachable = 0x00
	opBlock       = 0x02
	opEnd         = 0x0b
	opBrTable     = 0x0e
	opReturn      = 0x0f
	opCall        = 0x10
	opDrop        = 0x1a
	opLocalGet    = 0x20
	opI32Const    = 0x41
	emptyBlock    = 0x40
)

func valByte(v canon.ValType) byte {
	switch v {
	case canon.I64:
		return 0x7e
	case canon.F32:
		return 0x7d
	case canon.F64:
		return 0x7c
	}
	return 0x7f
}

func valBytes(vs []canon.ValType) []byte {
	out := make([]byte, len(vs))
	for i, v := range vs {
		out[i] = valByte(v)
	}
	return out
}

// load and store give the opcode and alignment of a slot access.
func load(v canon.ValType) (byte, byte) {
	switch v {
	case canon.I64:
		return 0x29, 3
	case canon.F32:
		return 0x2a, 2
	case canon.F64:
		return 0x2b, 3
	}
	return 0x28, 2
}

func store(v canon.ValType) (byte, byte) {
	op, align := load(v)
	return op + 0x0e, align // i32.load 0x28 → i32.store 0x36, and so on
}

type code []byte

func (c code) u32(op byte, x uint32) code { return wasmbin.AppendULEB32(append(c, op), x) }

func (c code) i32(x uint32) code { return wasmbin.AppendSLEB64(append(c, opI32Const), int64(int32(x))) }

func (c code) mem(op, align byte) code { return append(c, op, align, 0) }

func (rt *runtimeModule) export(name string) (uint32, error) {
	e, ok := rt.exports[name]
	if !ok || e.Kind != wasmbin.ExternFunc {
		return 0, fmt.Errorf("fill: the embedded runtime lacks %s", name)
	}
	return e.Index, nil
}

// importModule is an import fill's module: the runtime as it is (its one
// import, transport.invoke, stays first) and one export per function that
// spills its flat params into the slots and calls fill_call.
func importModule(rt *runtimeModule, fns []*function) (*moduleWriter, error) {
	call, err := rt.export("fill_call")
	if err != nil {
		return nil, err
	}
	post, err := rt.export("fill_post")
	if err != nil {
		return nil, err
	}
	realloc, err := rt.export("cabi_realloc")
	if err != nil {
		return nil, err
	}
	w := &moduleWriter{
		types:   append([]wasmbin.CoreFuncType(nil), rt.types...),
		imports: rt.imports,
		funcs:   append([]uint32(nil), rt.funcs...),
		bodies:  append([][]byte(nil), rt.bodies...),
		exports: []wasmbin.CoreExport{{Name: "memory", Kind: wasmbin.ExternMemory}, {Name: "cabi_realloc", Kind: wasmbin.ExternFunc, Index: realloc}},
	}
	next := uint32(len(rt.imports) + len(rt.funcs))
	for i, f := range fns {
		ti := w.typeIndex(wasmbin.CoreFuncType{Params: valBytes(f.sig.Params), Results: valBytes(f.sig.Results)})
		c := code{0}
		for j, v := range f.sig.Params {
			op, align := store(v)
			c = c.i32(slotsAddr+8*uint32(j)).u32(opLocalGet, uint32(j)).mem(op, align)
		}
		c = c.i32(uint32(i)).u32(opCall, call)
		switch f.resultMode() {
		case 0:
			c = append(c, opDrop)
		case 1:
			op, align := load(f.sig.Results[0])
			c = append(c, opDrop).i32(slotsAddr).mem(op, align)
		}
		w.funcs = append(w.funcs, ti)
		w.bodies = append(w.bodies, append(c, opEnd))
		fname := f.iface + "#" + f.name
		w.exports = append(w.exports, wasmbin.CoreExport{Name: fname, Kind: wasmbin.ExternFunc, Index: next})
		if f.resultMode() == 2 {
			// A post-return takes the function's core results: here the
			// return area's pointer. Other functions have emptied the
			// arena before returning.
			w.exports = append(w.exports, wasmbin.CoreExport{Name: "cabi_post_" + fname, Kind: wasmbin.ExternFunc, Index: post})
		}
		next++
	}
	return w, nil
}

// exportModule is an export fill's module: the component's functions as
// imports, then the runtime (its dispatch import becomes the emitted
// dispatch function, its calls renumbered), then dispatch: a br_table over
// the function index that loads the slots and calls the import.
func exportModule(rt *runtimeModule, fns []*function) (*moduleWriter, error) {
	if len(rt.imports) != 1 || rt.imports[0].Name != "dispatch" {
		return nil, fmt.Errorf("fill: the embedded export runtime imports %v", rt.imports)
	}
	n := uint32(len(fns))
	dispatch := n + uint32(len(rt.funcs))
	remap := func(f uint32) uint32 {
		if f == 0 {
			return dispatch
		}
		return f - 1 + n
	}
	w := &moduleWriter{types: append([]wasmbin.CoreFuncType(nil), rt.types...)}
	for _, f := range fns {
		ti := w.typeIndex(wasmbin.CoreFuncType{Params: valBytes(f.sig.Params), Results: valBytes(f.sig.Results)})
		w.imports = append(w.imports, wasmbin.CoreImport{Module: f.iface, Name: f.name, Kind: wasmbin.ExternFunc,
			Desc: binary.AppendUvarint([]byte{0}, uint64(ti))})
	}
	w.funcs = append([]uint32(nil), rt.funcs...)
	for _, b := range rt.bodies {
		nb, err := renumber(b, remap)
		if err != nil {
			return nil, fmt.Errorf("fill: the embedded runtime: %w", err)
		}
		w.bodies = append(w.bodies, nb)
	}
	for _, name := range []string{"cabi_realloc", rpcwit.Handler + "#handle", "cabi_post_" + rpcwit.Handler + "#handle"} {
		f, err := rt.export(name)
		if err != nil {
			return nil, err
		}
		w.exports = append(w.exports, wasmbin.CoreExport{Name: name, Kind: wasmbin.ExternFunc, Index: remap(f)})
	}
	w.exports = append(w.exports, wasmbin.CoreExport{Name: "memory", Kind: wasmbin.ExternMemory})

	c := code{0}
	for i := uint32(0); i <= n; i++ {
		c = append(c, opBlock, emptyBlock)
	}
	c = c.u32(opLocalGet, 0).u32(opBrTable, n)
	for i := uint32(0); i <= n; i++ {
		c = binary.AppendUvarint(c, uint64(i))
	}
	c = append(c, opEnd)
	for i, f := range fns {
		params := f.sig.Params
		if f.sig.ResultsSpilled {
			params = params[:len(params)-1]
		}
		if f.resultMode() == 1 {
			c = c.i32(slotsAddr)
		}
		for j, v := range params {
			op, align := load(v)
			c = c.i32(slotsAddr+8*uint32(j)).mem(op, align)
		}
		if f.sig.ResultsSpilled {
			c = c.u32(opLocalGet, 1)
		}
		c = c.u32(opCall, uint32(i))
		if f.resultMode() == 1 {
			op, align := store(f.sig.Results[0])
			c = c.mem(op, align)
		}
		c = append(c, opReturn, opEnd)
	}
	c = append(c, opUnreachable, opEnd)
	w.funcs = append(w.funcs, w.typeIndex(wasmbin.CoreFuncType{Params: []byte{0x7f, 0x7f}}))
	w.bodies = append(w.bodies, c)
	return w, nil
}
