package wasmbin

import "fmt"

// This file reads the parts of a core module that componentizing needs
// beyond imports and exports: function types, memory limits, globals'
// names and active data segments.

// CoreFuncTypes returns the module's type section (function types only).
func (b *Binary) CoreFuncTypes() ([]CoreFuncType, error) {
	var out []CoreFuncType
	for _, s := range b.coreSections(1) {
		r := b.sectionReader(s)
		err := r.vec(1, func() error {
			tag, err := r.byte()
			if err != nil {
				return err
			}
			if tag != 0x60 {
				return r.fail("type 0x%02x is not a function type (GC types are not supported)", tag)
			}
			var ft CoreFuncType
			if ft.Params, err = r.coreValTypes(); err == nil {
				ft.Results, err = r.coreValTypes()
			}
			out = append(out, ft)
			return err
		})
		if err != nil {
			return nil, err
		}
	}
	return out, nil
}

// FuncTypeIndices returns the type index of every function in the
// function index space: imported functions first, then defined ones.
func (b *Binary) FuncTypeIndices() ([]uint32, error) {
	var out []uint32
	for _, s := range b.coreSections(SecCoreImport) {
		r := b.sectionReader(s)
		err := r.vec(3, func() error {
			_, _, kind, err := r.importHead()
			if err != nil {
				return err
			}
			if kind == ExternFunc {
				idx, err := r.u32()
				out = append(out, idx)
				return err
			}
			return r.skipImportDesc(kind)
		})
		if err != nil {
			return nil, err
		}
	}
	for _, s := range b.coreSections(3) {
		r := b.sectionReader(s)
		err := r.vec(1, func() error {
			idx, err := r.u32()
			out = append(out, idx)
			return err
		})
		if err != nil {
			return nil, err
		}
	}
	return out, nil
}

// Memory describes the module's defined memory 0.
type Memory struct {
	Min    uint32
	Max    *uint32
	Offset int // where its limits start inside the memory section's payload
}

// DefinedMemory returns the module's own (not imported) first memory.
func (b *Binary) DefinedMemory() (*Memory, *Section, error) {
	sections := b.coreSections(5)
	if len(sections) == 0 {
		return nil, nil, nil
	}
	s := sections[0]
	r := b.sectionReader(s)
	n, err := r.count(2)
	if err != nil || n == 0 {
		return nil, nil, err
	}
	m := &Memory{Offset: r.pos}
	flags, err := r.byte()
	if err != nil {
		return nil, nil, err
	}
	if flags&^0x01 != 0 {
		return nil, nil, r.fail("memory flags 0x%02x (shared or 64-bit memory) are not supported", flags)
	}
	if m.Min, err = r.u32(); err != nil {
		return nil, nil, err
	}
	if flags&1 != 0 {
		max, err := r.u32()
		if err != nil {
			return nil, nil, err
		}
		m.Max = &max
	}
	return m, s, nil
}

// SetMemoryMin rewrites the minimum size, in pages, of the module's first
// defined memory.
func (b *Binary) SetMemoryMin(pages uint32) error {
	m, s, err := b.DefinedMemory()
	if err != nil {
		return err
	}
	if m == nil {
		return fmt.Errorf("module defines no memory")
	}
	w := &writer{}
	w.u32(1)
	if m.Max != nil {
		if *m.Max < pages {
			return fmt.Errorf("memory maximum %d pages is below %d", *m.Max, pages)
		}
		w.byte(0x01)
		w.u32(pages)
		w.u32(*m.Max)
	} else {
		w.byte(0x00)
		w.u32(pages)
	}
	// Memory sections with more than one memory are not produced by the
	// toolchains we target; keep any further entries as they were.
	r := b.sectionReader(s)
	r.pos = m.Offset
	if err := r.skipLimits(); err != nil {
		return err
	}
	rest := s.Payload[r.pos:]
	if n, _, _ := readU32(s.Payload); n != 1 {
		return fmt.Errorf("module defines %d memories; only one is supported", n)
	}
	s.Payload = append(w.b, rest...)
	s.SizeBytes = nil
	return nil
}

// DataSegment is an active data segment of memory 0 with a constant
// offset. Data aliases the section's payload: writing to it patches the
// module.
type DataSegment struct {
	Addr uint32
	Data []byte
}

// ActiveData returns the module's active data segments with i32.const
// offsets, in order.
func (b *Binary) ActiveData() ([]DataSegment, error) {
	var out []DataSegment
	for _, s := range b.coreSections(11) {
		r := b.sectionReader(s)
		err := r.vec(3, func() error {
			flags, err := r.u32()
			if err != nil {
				return err
			}
			var addr uint32
			active := flags == 0 || flags == 2
			if flags == 2 {
				if mem, err := r.u32(); err != nil || mem != 0 {
					return r.fail("data segment for memory %d", mem)
				}
			}
			if active {
				op, err := r.byte()
				if err != nil {
					return err
				}
				if op != 0x41 {
					return r.fail("data segment offset is not an i32.const")
				}
				x, err := r.s33()
				if err != nil {
					return err
				}
				addr = uint32(x)
				if end, err := r.byte(); err != nil || end != 0x0b {
					return r.fail("data segment offset expression is not a single constant")
				}
			} else if flags != 1 {
				return r.fail("unknown data segment flags %d", flags)
			}
			n, err := r.u32()
			if err != nil {
				return err
			}
			if uint64(n) > uint64(len(r.b)-r.pos) {
				return r.fail("data segment of %d bytes runs past the section", n)
			}
			if active {
				out = append(out, DataSegment{Addr: addr, Data: r.b[r.pos : r.pos+int(n)]})
			}
			r.pos += int(n)
			return nil
		})
		if err != nil {
			return nil, err
		}
	}
	return out, nil
}

// GlobalNames returns the names the name section gives to globals.
func (b *Binary) GlobalNames() map[string]uint32 {
	out := map[string]uint32{}
	for _, s := range b.CustomSections("name") {
		if s.Name != "name" {
			continue
		}
		data := s.Data
		for len(data) > 0 {
			id := data[0]
			size, n, err := readU32(data[1:])
			if err != nil || uint64(size) > uint64(len(data)-1-n) {
				return out
			}
			body := data[1+n : 1+n+int(size)]
			data = data[1+n+int(size):]
			if id != 7 { // global names
				continue
			}
			r := &reader{b: body}
			_ = r.vec(2, func() error {
				idx, err := r.u32()
				if err != nil {
					return err
				}
				name, err := r.name()
				out[name] = idx
				return err
			})
		}
	}
	return out
}
