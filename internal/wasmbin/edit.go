package wasmbin

import "fmt"

// This file edits core modules in place: enough to add a function and a
// start function to an existing module (appending never renumbers
// anything that is already there).

// appendEntry adds one encoded entry to a vector section.
func appendEntry(s *Section, entry []byte) error {
	n, used, err := readU32(s.Payload)
	if err != nil {
		return fmt.Errorf("section %d: %w", s.ID, err)
	}
	p := appendU32(nil, n+1)
	p = append(p, s.Payload[used:]...)
	s.Payload = append(p, entry...)
	s.SizeBytes = nil
	return nil
}

func (b *Binary) section(id byte) *Section {
	for _, s := range b.Sections {
		if s.ID == id {
			return s
		}
	}
	return nil
}

// insertBefore inserts s before the first section whose id is in ids (in
// module order), or at the end of the non-custom sections.
func (b *Binary) insertBefore(s *Section, ids ...byte) {
	at := len(b.Sections)
	for i, x := range b.Sections {
		for _, id := range ids {
			if x.ID == id {
				at = i
				break
			}
		}
		if at != len(b.Sections) {
			break
		}
	}
	b.Sections = append(b.Sections[:at], append([]*Section{s}, b.Sections[at:]...)...)
}

// AppendFunc adds a function of type ft with extra i32 locals and body
// (without the final end) and returns its function index.
func (b *Binary) AppendFunc(ft CoreFuncType, localsI32 uint32, body []byte) (uint32, error) {
	if b.Kind != KindCoreModule {
		return 0, fmt.Errorf("not a core module")
	}
	types, err := b.CoreFuncTypes()
	if err != nil {
		return 0, err
	}
	indices, err := b.FuncTypeIndices()
	if err != nil {
		return 0, err
	}
	typeIdx := uint32(len(types))
	for i, t := range types {
		if string(t.Params) == string(ft.Params) && string(t.Results) == string(ft.Results) {
			typeIdx = uint32(i)
			break
		}
	}
	if typeIdx == uint32(len(types)) {
		w := &writer{}
		w.coreType(CoreType{Func: &ft})
		ts := b.section(1)
		if ts == nil {
			ts = &Section{ID: 1, Payload: []byte{0}}
			b.insertBefore(ts, 2, 3, 4, 5, 13, 6, 7, 8, 9, 12, 10, 11)
		}
		if err := appendEntry(ts, w.b); err != nil {
			return 0, err
		}
	}
	fs, cs := b.section(3), b.section(10)
	if fs == nil || cs == nil {
		return 0, fmt.Errorf("module has no function or code section")
	}
	if err := appendEntry(fs, appendU32(nil, typeIdx)); err != nil {
		return 0, err
	}
	body2 := &writer{}
	if localsI32 > 0 {
		body2.u32(1)
		body2.u32(localsI32)
		body2.byte(0x7f)
	} else {
		body2.u32(0)
	}
	body2.b = append(body2.b, body...)
	body2.byte(0x0b)
	if err := appendEntry(cs, append(appendU32(nil, uint32(len(body2.b))), body2.b...)); err != nil {
		return 0, err
	}
	return uint32(len(indices)), nil
}

// SetStart makes f the module's start function; a module that already
// has one is refused.
func (b *Binary) SetStart(f uint32) error {
	if b.section(8) != nil {
		return fmt.Errorf("module already has a start function")
	}
	b.insertBefore(&Section{ID: 8, Payload: appendU32(nil, f)}, 9, 12, 10, 11)
	return nil
}

// RenameDuplicateImports gives every repeated import (same module and
// name, as Go emits for wasi_snapshot_preview1.fd_write) a unique name by
// appending "#2", "#3" ... and returns the renames as
// module+"\x00"+newName → original name. Renaming instead of merging keeps
// every function index; whoever instantiates the module supplies the same
// item under each name. Components reject duplicate core imports.
func (b *Binary) RenameDuplicateImports() (map[string]string, error) {
	seen := map[string]int{}
	renamed := map[string]string{}
	err := b.rewriteImports(func(module, name string) (string, string) {
		key := module + "\x00" + name
		seen[key]++
		if n := seen[key]; n > 1 {
			newName := fmt.Sprintf("%s#%d", name, n)
			renamed[module+"\x00"+newName] = name
			return module, newName
		}
		return module, name
	})
	return renamed, err
}

// RenameImportModules rewrites the module name of every import through
// rename (used to give the empty module name, valid in components, a name
// runtimes accept).
func (b *Binary) RenameImportModules(rename func(string) string) error {
	return b.rewriteImports(func(module, name string) (string, string) { return rename(module), name })
}

// rewriteImports re-encodes the import section with each import's module
// and name passed through f; descriptions are kept.
func (b *Binary) rewriteImports(f func(module, name string) (string, string)) error {
	s := b.section(SecCoreImport)
	if s == nil || b.Kind != KindCoreModule {
		return nil
	}
	r := b.sectionReader(s)
	w := &writer{}
	n, err := r.count(3)
	if err != nil {
		return err
	}
	w.u32(uint32(n))
	changed := false
	for i := 0; i < n; i++ {
		module, err := r.name()
		if err != nil {
			return err
		}
		name, err := r.name()
		if err != nil {
			return err
		}
		start := r.pos
		kind, err := r.byte()
		if err != nil {
			return err
		}
		if err := r.skipImportDesc(ExternKind(kind)); err != nil {
			return err
		}
		m2, n2 := f(module, name)
		changed = changed || m2 != module || n2 != name
		w.name(m2)
		w.name(n2)
		w.b = append(w.b, r.b[start:r.pos]...)
	}
	if changed {
		s.Payload = w.b
		s.SizeBytes = nil
	}
	return nil
}

// LimitTables caps every table the module defines at limit elements: a
// maximum above it (or none) becomes limit, so table.grow fails past it; a
// table whose minimum is already larger is an error.
func (b *Binary) LimitTables(limit uint32) error {
	s := b.section(4)
	if s == nil || b.Kind != KindCoreModule {
		return nil
	}
	r := b.sectionReader(s)
	n, err := r.count(3)
	if err != nil {
		return err
	}
	w := &writer{}
	w.u32(uint32(n))
	for i := 0; i < n; i++ {
		reftype, err := r.byte()
		if err != nil {
			return err
		}
		if reftype == 0x40 || reftype == 0x63 || reftype == 0x64 {
			return r.fail("table %d: typed references and initialisers are not supported", i)
		}
		flags, err := r.byte()
		if err != nil {
			return err
		}
		if flags&^0x01 != 0 {
			return r.fail("table %d: limits flags 0x%02x are not supported", i, flags)
		}
		min, err := r.u32()
		if err != nil {
			return err
		}
		max := limit
		if flags&1 != 0 {
			declared, err := r.u32()
			if err != nil {
				return err
			}
			if declared < max {
				max = declared
			}
		}
		if min > limit {
			return fmt.Errorf("table %d needs %d elements, more than the limit of %d", i, min, limit)
		}
		w.byte(reftype)
		w.byte(0x01)
		w.u32(min)
		w.u32(max)
	}
	s.Payload = w.b
	s.SizeBytes = nil
	return nil
}
