package wasmbin

// ModuleBuilder writes small core modules: the shims, fix-ups, allocators
// and start-function trampolines that componentizing adds around the
// user's module.
type ModuleBuilder struct {
	types   []CoreFuncType
	imports []builderImport
	nfuncs  uint32 // imported functions
	funcs   []builderFunc
	tables  []uint32 // defined funcref tables: min = max = size
	globals []builderGlobal
	exports []CoreExport
	start   *uint32
	elems   []uint32 // active segment at table 0, offset 0
}

type builderImport struct {
	module, name string
	desc         []byte
}

type builderFunc struct {
	typ       uint32
	localsI32 uint32
	body      []byte
}

type builderGlobal struct {
	init int32
}

// Type adds (or finds) a function type and returns its index.
func (m *ModuleBuilder) Type(ft CoreFuncType) uint32 {
	for i, t := range m.types {
		if string(t.Params) == string(ft.Params) && string(t.Results) == string(ft.Results) {
			return uint32(i)
		}
	}
	m.types = append(m.types, ft)
	return uint32(len(m.types) - 1)
}

// ImportFunc imports a function; imports must come before DefineFunc.
func (m *ModuleBuilder) ImportFunc(module, name string, ft CoreFuncType) uint32 {
	w := &writer{}
	w.byte(0x00)
	w.u32(m.Type(ft))
	m.imports = append(m.imports, builderImport{module, name, w.b})
	m.nfuncs++
	return m.nfuncs - 1
}

// ImportDesc imports an item with a description copied from another
// module's import (CoreImport.Desc); a function's type index is remapped
// to ft.
func (m *ModuleBuilder) ImportDesc(module, name string, desc []byte, ft *CoreFuncType) {
	if len(desc) > 0 && desc[0] == byte(ExternFunc) && ft != nil {
		m.ImportFunc(module, name, *ft)
		return
	}
	m.imports = append(m.imports, builderImport{module, name, desc})
}

// ImportTable imports a funcref table with no maximum.
func (m *ModuleBuilder) ImportTable(module, name string, min uint32) {
	w := &writer{}
	w.byte(0x01)
	w.byte(0x70)
	w.byte(0x00)
	w.u32(min)
	m.imports = append(m.imports, builderImport{module, name, w.b})
}

// ImportMemory imports a memory with the given minimum.
func (m *ModuleBuilder) ImportMemory(module, name string, min uint32) {
	w := &writer{}
	w.byte(0x02)
	w.byte(0x00)
	w.u32(min)
	m.imports = append(m.imports, builderImport{module, name, w.b})
}

// DefineFunc adds a function with extra i32 locals and a body (the
// instructions, without the final end).
func (m *ModuleBuilder) DefineFunc(ft CoreFuncType, localsI32 uint32, body []byte) uint32 {
	m.funcs = append(m.funcs, builderFunc{typ: m.Type(ft), localsI32: localsI32, body: body})
	return m.nfuncs + uint32(len(m.funcs)) - 1
}

// DefineTable adds a funcref table of fixed size and returns its index
// among defined tables.
func (m *ModuleBuilder) DefineTable(size uint32) uint32 {
	m.tables = append(m.tables, size)
	return uint32(len(m.tables) - 1)
}

// DefineGlobal adds a mutable i32 global.
func (m *ModuleBuilder) DefineGlobal(init int32) uint32 {
	m.globals = append(m.globals, builderGlobal{init})
	return uint32(len(m.globals) - 1)
}

// Export exports an item.
func (m *ModuleBuilder) Export(name string, kind ExternKind, index uint32) {
	m.exports = append(m.exports, CoreExport{Name: name, Kind: kind, Index: index})
}

// Start makes function f the start function.
func (m *ModuleBuilder) Start(f uint32) { m.start = &f }

// Elements writes funcs into table 0 from index 0 at instantiation.
func (m *ModuleBuilder) Elements(funcs []uint32) { m.elems = funcs }

// Encode writes the module.
func (m *ModuleBuilder) Encode() []byte {
	out := append(append([]byte(nil), magic...), coreVersion...)
	section := func(id byte, w *writer) {
		out = append(out, id)
		out = appendU32(out, uint32(len(w.b)))
		out = append(out, w.b...)
	}
	vecSection(section, 1, m.types, func(w *writer, t CoreFuncType) { w.coreType(CoreType{Func: &t}) })
	vecSection(section, 2, m.imports, func(w *writer, im builderImport) {
		w.name(im.module)
		w.name(im.name)
		w.b = append(w.b, im.desc...)
	})
	vecSection(section, 3, m.funcs, func(w *writer, f builderFunc) { w.u32(f.typ) })
	vecSection(section, 4, m.tables, func(w *writer, size uint32) {
		w.byte(0x70)
		w.byte(0x01)
		w.u32(size)
		w.u32(size)
	})
	vecSection(section, 6, m.globals, func(w *writer, g builderGlobal) {
		w.byte(0x7f)
		w.byte(0x01)
		w.byte(0x41)
		w.s32(g.init)
		w.byte(0x0b)
	})
	vecSection(section, 7, m.exports, func(w *writer, e CoreExport) {
		w.name(e.Name)
		w.byte(byte(e.Kind))
		w.u32(e.Index)
	})
	if m.start != nil {
		w := &writer{}
		w.u32(*m.start)
		section(8, w)
	}
	if m.elems != nil {
		w := &writer{}
		w.u32(1)
		w.u32(0) // active, table 0, funcref
		w.b = append(w.b, 0x41, 0x00, 0x0b)
		writeVec(w, m.elems, w.u32)
		section(9, w)
	}
	vecSection(section, 10, m.funcs, func(w *writer, f builderFunc) {
		body := &writer{}
		if f.localsI32 > 0 {
			body.u32(1)
			body.u32(f.localsI32)
			body.byte(0x7f)
		} else {
			body.u32(0)
		}
		body.b = append(body.b, f.body...)
		body.byte(0x0b)
		w.u32(uint32(len(body.b)))
		w.b = append(w.b, body.b...)
	})
	return out
}

// vecSection writes section id of a vector of items, each by item, when
// there are any.
func vecSection[T any](section func(id byte, w *writer), id byte, items []T, item func(w *writer, v T)) {
	if len(items) == 0 {
		return
	}
	w := &writer{}
	writeVec(w, items, func(v T) { item(w, v) })
	section(id, w)
}

// s32 writes a signed LEB128.
func (w *writer) s32(x int32) {
	v := int64(x)
	for {
		c := byte(v & 0x7f)
		v >>= 7
		if (v == 0 && c&0x40 == 0) || (v == -1 && c&0x40 != 0) {
			w.byte(c)
			return
		}
		w.byte(c | 0x80)
	}
}

// Code builds instruction sequences for ModuleBuilder bodies.
type Code struct{ w writer }

// Bytes returns the instructions written so far.
func (c *Code) Bytes() []byte { return c.w.b }

// LocalGet appends local.get i.
func (c *Code) LocalGet(i uint32) *Code { c.w.byte(0x20); c.w.u32(i); return c }

// LocalSet appends local.set i.
func (c *Code) LocalSet(i uint32) *Code { c.w.byte(0x21); c.w.u32(i); return c }

// GlobalGet appends global.get i.
func (c *Code) GlobalGet(i uint32) *Code { c.w.byte(0x23); c.w.u32(i); return c }

// GlobalSet appends global.set i.
func (c *Code) GlobalSet(i uint32) *Code { c.w.byte(0x24); c.w.u32(i); return c }

// I32Const appends i32.const x.
func (c *Code) I32Const(x int32) *Code { c.w.byte(0x41); c.w.s32(x); return c }

// Call appends call f.
func (c *Code) Call(f uint32) *Code { c.w.byte(0x10); c.w.u32(f); return c }

// CallIndirect appends call_indirect (type t) on table 0.
func (c *Code) CallIndirect(t uint32) *Code { c.w.byte(0x11); c.w.u32(t); c.w.byte(0x00); return c }

// Op appends raw opcodes (i32.add 0x6a, i32.eqz 0x45, unreachable 0x00 ...).
func (c *Code) Op(ops ...byte) *Code { c.w.b = append(c.w.b, ops...); return c }

// Opcodes used with Code.Op.
const (
	OpUnreachable byte = 0x00
	OpIf          byte = 0x04 // followed by a block type, e.g. OpEmptyBlock
	OpEnd         byte = 0x0b
	OpEmptyBlock  byte = 0x40
	OpI32Eqz      byte = 0x45
	OpI32Ne       byte = 0x47
	OpI32GtU      byte = 0x4b
	OpI32Add      byte = 0x6a
	OpI32Sub      byte = 0x6b
	OpI32And      byte = 0x71
	OpI32Shl      byte = 0x74
	OpI32ShrU     byte = 0x76
	OpMemoryGrow  byte = 0x40 // followed by 0x00
)
