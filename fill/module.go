package fill

import (
	"encoding/binary"
	"fmt"

	"github.com/wasifill/wasifill/internal/instrument"
	"github.com/wasifill/wasifill/internal/wasmbin"
)

// runtimeModule is one of the embedded runtimes (rt/import.wasm,
// rt/export.wasm) taken apart for merging with a fill's own code.
type runtimeModule struct {
	types   []wasmbin.CoreFuncType
	imports []wasmbin.CoreImport
	funcs   []uint32 // type index of each defined function
	table   []byte   // section payloads kept as they are
	globals []byte
	data    []byte // data segments after their count
	nData   uint32
	memMin  uint32
	bodies  [][]byte // each body's bytes (locals and code), without its size
	exports map[string]wasmbin.CoreExport
}

// parseRuntime reads an embedded runtime module.
func parseRuntime(wasm []byte) (*runtimeModule, error) {
	b, err := wasmbin.Decode(wasm)
	if err != nil {
		return nil, err
	}
	m := &runtimeModule{exports: map[string]wasmbin.CoreExport{}}
	if m.types, err = b.CoreFuncTypes(); err != nil {
		return nil, err
	}
	if m.imports, err = b.CoreImports(); err != nil {
		return nil, err
	}
	all, err := b.FuncTypeIndices()
	if err != nil {
		return nil, err
	}
	m.funcs = all[len(m.imports):]
	for _, imp := range m.imports {
		if imp.Kind != wasmbin.ExternFunc {
			return nil, fmt.Errorf("the runtime imports a %v", imp.Kind)
		}
	}
	mem, _, err := b.DefinedMemory()
	if err != nil || mem == nil || mem.Max != nil {
		return nil, fmt.Errorf("the runtime's memory: %v", err)
	}
	m.memMin = mem.Min
	exps, err := b.CoreExports()
	if err != nil {
		return nil, err
	}
	for _, e := range exps {
		m.exports[e.Name] = e
	}
	for _, s := range b.Sections {
		switch s.ID {
		case 1, 2, 3, 5, 7, 0: // read above, or custom
		case 4:
			m.table = s.Payload
		case 6:
			m.globals = s.Payload
		case 10:
			if m.bodies, err = splitCode(s.Payload); err != nil {
				return nil, err
			}
		case 11:
			n, k, err := wasmbin.ReadULEB32(s.Payload)
			if err != nil {
				return nil, err
			}
			m.nData, m.data = n, s.Payload[k:]
		default:
			return nil, fmt.Errorf("the runtime has a section %d", s.ID)
		}
	}
	if len(m.bodies) != len(m.funcs) {
		return nil, fmt.Errorf("the runtime has %d bodies for %d functions", len(m.bodies), len(m.funcs))
	}
	return m, nil
}

func splitCode(p []byte) ([][]byte, error) {
	n, k, err := wasmbin.ReadULEB32(p)
	if err != nil {
		return nil, err
	}
	var out [][]byte
	for i := uint32(0); i < n; i++ {
		size, j, err := wasmbin.ReadULEB32(p[k:])
		if err != nil || k+j+int(size) > len(p) {
			return nil, fmt.Errorf("code entry %d: bad size", i)
		}
		k += j
		out = append(out, p[k:k+int(size)])
		k += int(size)
	}
	return out, nil
}

// renumber rewrites the function indices in body (call, return_call,
// ref.func) through remap.
func renumber(body []byte, remap func(uint32) uint32) ([]byte, error) {
	// Skip the locals: a count, then (count, type) pairs.
	n, pos, err := wasmbin.ReadULEB32(body)
	if err != nil {
		return nil, err
	}
	for i := uint32(0); i < n; i++ {
		_, k, err := wasmbin.ReadULEB32(body[pos:])
		if err != nil {
			return nil, err
		}
		pos += k + 1
	}
	out := append([]byte(nil), body[:pos]...)
	last := pos
	err = instrument.Expr(body, pos, func(in instrument.Instr) error {
		if in.Prefix != 0 || (in.Code != 0x10 && in.Code != 0x12 && in.Code != 0xd2) {
			return nil
		}
		f, _, err := wasmbin.ReadULEB32(body[in.Offset+1 : in.End])
		if err != nil {
			return err
		}
		out = append(out, body[last:in.Offset+1]...)
		out = binary.AppendUvarint(out, uint64(remap(f)))
		last = in.End
		return nil
	})
	if err != nil {
		return nil, err
	}
	return append(out, body[last:]...), nil
}

// moduleWriter assembles the fill's core module.
type moduleWriter struct {
	types   []wasmbin.CoreFuncType
	imports []wasmbin.CoreImport // functions only; Desc is filled in
	funcs   []uint32             // type index of each defined function
	bodies  [][]byte
	exports []wasmbin.CoreExport
}

func (w *moduleWriter) typeIndex(ft wasmbin.CoreFuncType) uint32 {
	for i, t := range w.types {
		if string(t.Params) == string(ft.Params) && string(t.Results) == string(ft.Results) {
			return uint32(i)
		}
	}
	w.types = append(w.types, ft)
	return uint32(len(w.types) - 1)
}

func vec(out []byte, n int) []byte { return binary.AppendUvarint(out, uint64(n)) }

func name(out []byte, s string) []byte { return append(vec(out, len(s)), s...) }

func section(out []byte, id byte, payload []byte) []byte {
	out = append(out, id)
	return append(vec(out, len(payload)), payload...)
}

// encode writes the module: rt's table, globals and data after w's parts,
// memory of memMin pages, and the extra data segments.
func (w *moduleWriter) encode(rt *runtimeModule, memMin uint32, extraData [][]byte) []byte {
	out := []byte{0, 'a', 's', 'm', 1, 0, 0, 0}
	p := vec(nil, len(w.types))
	for _, t := range w.types {
		p = append(p, 0x60)
		p = append(vec(p, len(t.Params)), t.Params...)
		p = append(vec(p, len(t.Results)), t.Results...)
	}
	out = section(out, 1, p)
	p = vec(nil, len(w.imports))
	for _, imp := range w.imports {
		p = name(name(p, imp.Module), imp.Name)
		p = append(p, imp.Desc...)
	}
	out = section(out, 2, p)
	p = vec(nil, len(w.funcs))
	for _, f := range w.funcs {
		p = binary.AppendUvarint(p, uint64(f))
	}
	out = section(out, 3, p)
	if rt.table != nil {
		out = section(out, 4, rt.table)
	}
	out = section(out, 5, binary.AppendUvarint([]byte{1, 0}, uint64(memMin)))
	if rt.globals != nil {
		out = section(out, 6, rt.globals)
	}
	p = vec(nil, len(w.exports))
	for _, e := range w.exports {
		p = binary.AppendUvarint(append(name(p, e.Name), byte(e.Kind)), uint64(e.Index))
	}
	out = section(out, 7, p)
	p = vec(nil, len(w.bodies))
	for _, b := range w.bodies {
		p = append(vec(p, len(b)), b...)
	}
	out = section(out, 10, p)
	p = vec(nil, int(rt.nData)+len(extraData))
	p = append(p, rt.data...)
	for _, d := range extraData {
		p = append(p, d...)
	}
	return section(out, 11, p)
}

// activeData encodes an active data segment of memory 0 at addr.
func activeData(addr uint32, b []byte) []byte {
	p := []byte{0, 0x41}
	p = wasmbin.AppendSLEB64(p, int64(int32(addr)))
	p = append(p, 0x0b)
	return append(vec(p, len(b)), b...)
}
