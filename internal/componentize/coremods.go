package componentize

import (
	"fmt"
	"strconv"

	"github.com/wasifill/wasifill/internal/wasmbin"
)

// The small core modules componentizing adds around the user's module,
// the same arrangement wit-component uses: a shim whose functions call
// through a table (so the main module can be instantiated before what its
// imports need exists), a fix-up that fills the table afterwards, a
// trampoline that runs _initialize, and allocators for the adapter.

var (
	i32 = byte(0x7f)
	// reallocType is cabi_realloc's core type.
	reallocType = wasmbin.CoreFuncType{Params: []byte{i32, i32, i32, i32}, Results: []byte{i32}}
)

// shimEntry is one function the shim forwards through its table.
type shimEntry struct {
	name string
	typ  wasmbin.CoreFuncType
	// fill produces the core function for the table slot, once every
	// instance exists.
	fill func() (uint32, error)
}

// shimModule exports one function per entry, named by its index, each
// calling table slot i, and the table itself as "$imports".
func shimModule(entries []shimEntry) *wasmbin.ModuleBuilder {
	m := &wasmbin.ModuleBuilder{}
	m.DefineTable(uint32(len(entries)))
	for i, e := range entries {
		c := &wasmbin.Code{}
		for p := range e.typ.Params {
			c.LocalGet(uint32(p))
		}
		c.I32Const(int32(i)).CallIndirect(m.Type(e.typ))
		f := m.DefineFunc(e.typ, 0, c.Bytes())
		m.Export(strconv.Itoa(i), wasmbin.ExternFunc, f)
	}
	m.Export("$imports", wasmbin.ExternTable, 0)
	return m
}

// fixupModule imports the shim's table and the real functions and writes
// them into the table when instantiated.
func fixupModule(entries []shimEntry) *wasmbin.ModuleBuilder {
	m := &wasmbin.ModuleBuilder{}
	var funcs []uint32
	for i, e := range entries {
		funcs = append(funcs, m.ImportFunc("", strconv.Itoa(i), e.typ))
	}
	m.ImportTable("", "$imports", uint32(len(entries)))
	m.Elements(funcs)
	return m
}

// initModule calls its one import ("" "") at instantiation: it runs the
// main module's _initialize once everything is wired.
func initModule() *wasmbin.ModuleBuilder {
	m := &wasmbin.ModuleBuilder{}
	f := m.ImportFunc("", "", wasmbin.CoreFuncType{})
	m.Start(f)
	return m
}

// bumpAllocator is a cabi_realloc that hands out fresh blocks from the
// region [lo, hi) and traps when it is exhausted or asked to resize.
func bumpAllocator(lo, hi uint32) *wasmbin.ModuleBuilder {
	m := &wasmbin.ModuleBuilder{}
	next := m.DefineGlobal(int32(lo))
	const (
		oldPtr, align, size, aligned = 0, 2, 3, 4
	)
	c := &wasmbin.Code{}
	// Resizing is not needed by the adapter: refuse it.
	c.LocalGet(oldPtr).Op(wasmbin.OpIf, wasmbin.OpEmptyBlock, wasmbin.OpUnreachable, wasmbin.OpEnd)
	// aligned = (next + align - 1) & -align
	c.GlobalGet(next).LocalGet(align).Op(wasmbin.OpI32Add).I32Const(1).Op(wasmbin.OpI32Sub)
	c.I32Const(0).LocalGet(align).Op(wasmbin.OpI32Sub).Op(wasmbin.OpI32And).LocalSet(aligned)
	// next = aligned + size; trap past the region
	c.LocalGet(aligned).LocalGet(size).Op(wasmbin.OpI32Add).GlobalSet(next)
	c.GlobalGet(next).I32Const(int32(hi)).Op(wasmbin.OpI32GtU)
	c.Op(wasmbin.OpIf, wasmbin.OpEmptyBlock, wasmbin.OpUnreachable, wasmbin.OpEnd)
	c.LocalGet(aligned)
	f := m.DefineFunc(reallocType, 1, c.Bytes())
	m.Export("cabi_realloc", wasmbin.ExternFunc, f)
	return m
}

// growAllocator is a cabi_realloc that grows memory by whole pages for
// each block, for modules that export no allocator of their own.
func growAllocator() *wasmbin.ModuleBuilder {
	m := &wasmbin.ModuleBuilder{}
	m.ImportMemory("env", "memory", 0)
	c := &wasmbin.Code{}
	c.LocalGet(0).Op(wasmbin.OpIf, wasmbin.OpEmptyBlock, wasmbin.OpUnreachable, wasmbin.OpEnd)
	// pages = (size + 65535) >> 16; r = memory.grow(pages)
	c.LocalGet(3).I32Const(65535).Op(wasmbin.OpI32Add).I32Const(16).Op(wasmbin.OpI32ShrU)
	c.Op(wasmbin.OpMemoryGrow, 0x00).LocalSet(4)
	c.LocalGet(4).I32Const(-1).Op(0x46) // i32.eq
	c.Op(wasmbin.OpIf, wasmbin.OpEmptyBlock, wasmbin.OpUnreachable, wasmbin.OpEnd)
	c.LocalGet(4).I32Const(16).Op(wasmbin.OpI32Shl)
	f := m.DefineFunc(reallocType, 1, c.Bytes())
	m.Export("cabi_realloc", wasmbin.ExternFunc, f)
	return m
}

// adapterStackSize is the stack the preview1 adapter gets (one page, as
// wit-component gives it).
const adapterStackSize = 65536

// patchAdapterStack gives a preview1 adapter its stack: a start function
// that allocates one through the adapter's own cabi_realloc import and
// marks the stack allocated, as wit-component's allocate_stack does. An
// adapter without a __stack_pointer global is left alone.
func patchAdapterStack(a *wasmbin.Binary, reallocImport uint32) error {
	globals := a.GlobalNames()
	sp, ok := globals["__stack_pointer"]
	if !ok {
		return nil
	}
	state, hasState := globals["allocation_state"]
	c := &wasmbin.Code{}
	if hasState {
		c.I32Const(1).GlobalSet(state) // stack allocating
	}
	c.I32Const(0).I32Const(0).I32Const(16).I32Const(adapterStackSize).Call(reallocImport)
	c.I32Const(adapterStackSize).Op(wasmbin.OpI32Add).GlobalSet(sp)
	if hasState {
		c.I32Const(2).GlobalSet(state) // stack allocated
	}
	f, err := a.AppendFunc(wasmbin.CoreFuncType{}, 0, c.Bytes())
	if err != nil {
		return fmt.Errorf("adapter: adding its stack allocation: %w", err)
	}
	if err := a.SetStart(f); err != nil {
		return fmt.Errorf("adapter: %w", err)
	}
	return nil
}
