package runtime

import (
	"errors"
	"fmt"
	"math"

	"github.com/wasifill/wasifill/internal/wasmbin"
)

// Core modules are compiled ready to be snapshotted (Wizer's
// instrumentation, kept in the compiled form): each module also exports,
// under names no component can refer to, every mutable global and the
// memory it defines; its active data segments become passive ones that an
// added, exported function copies into memory (memory.init, then
// data.drop: what instantiation does for an active segment), or, when no
// code can name a segment, move out of wazero's sight for the runtime to
// copy in (snapshot_data.go); and its start
// function, if it has one, is an export instead of a start section. Right
// after wazero instantiates the module, the runtime calls the data
// function and then the start function, in the order instantiation would
// have. That is what lets the runtime read a core instance's state after
// initialization, and start later instances from that state with nothing
// to undo: no data segment was applied, no initialization ran.

// Core section ids.
const (
	secMemory = 5
	secGlobal = 6
	secExport = 7
	secStart  = 8
	secData   = 11
	secCode   = 10
	secDataN  = 12
)

// snapPrefix begins the names of the exports instrumentation adds.
const snapPrefix = "\x00wasifill-snapshot-"

const (
	snapMemoryName = snapPrefix + "memory"
	snapStartName  = snapPrefix + "start"
	snapDataName   = snapPrefix + "data"
)

func snapGlobalName(i int) string { return fmt.Sprintf("%sglobal-%d", snapPrefix, i) }

// errSnapshotModule marks a module instrumentation does not support.
var errSnapshotModule = errors.New("runtime: snapshot")

// snapLayout is what instrumentation added to a core module.
type snapLayout struct {
	// globals are the exported names of the mutable globals the module
	// defines; unsupported names why the module's state cannot be
	// captured (empty: it can).
	globals []string
	memory  bool // the module defines a memory, exported as snapMemoryName
	// segments are the module's data segments when the runtime applies
	// them itself (hostSegments), nil when the data function does.
	segments    []dataSegment
	start       bool // the start function is exported as snapStartName
	data        bool // the data segments' function is exported as snapDataName
	unsupported string
}

// prepareSnapshot returns a core module prepared for snapshots and what was
// added. A module whose state could not be captured (a mutable global of
// a vector or reference type, several memories) is still instrumented
// for its start function, with layout.unsupported saying why.
func prepareSnapshot(wasm []byte) ([]byte, *snapLayout, error) {
	bin, err := wasmbin.Decode(wasm)
	if err != nil {
		return nil, nil, err
	}
	imports, err := bin.CoreImports()
	if err != nil {
		return nil, nil, err
	}
	var importedGlobals, importedMemories uint32
	for _, im := range imports {
		switch im.Kind {
		case wasmbin.ExternGlobal:
			importedGlobals++
		case wasmbin.ExternMemory:
			importedMemories++
		}
	}
	l := &snapLayout{}
	var entries [][]byte
	export := func(name string, kind wasmbin.ExternKind, idx uint32) {
		e := append(appendName(nil, name), byte(kind))
		entries = append(entries, appendULEB(e, idx))
	}
	segs, err := hostSegments(bin, importedMemories)
	if err != nil {
		return nil, nil, err
	}
	if segs != nil {
		l.segments = segs
	} else {
		dataFunc, ok, err := passiveData(bin)
		if err != nil {
			return nil, nil, err
		}
		if ok {
			l.data = true
			export(snapDataName, wasmbin.ExternFunc, dataFunc)
		}
	}
	var kept []*wasmbin.Section
	for _, s := range bin.Sections {
		switch s.ID {
		case secMemory:
			n, _, err := uleb(s.Payload, 0)
			if err != nil {
				return nil, nil, err
			}
			switch {
			case n == 1 && importedMemories == 0:
				l.memory = true
				export(snapMemoryName, wasmbin.ExternMemory, 0)
			case n > 0:
				l.unsupported = "a module with more than one memory"
			}
		case secGlobal:
			defs, err := parseGlobals(s.Payload)
			if err != nil {
				return nil, nil, err
			}
			for i, d := range defs {
				if !d.mutable {
					continue
				}
				switch d.valType {
				case 0x7f, 0x7e, 0x7d, 0x7c:
				default:
					l.unsupported = fmt.Sprintf("a mutable global of type 0x%02x", d.valType)
					continue
				}
				name := snapGlobalName(i)
				l.globals = append(l.globals, name)
				export(name, wasmbin.ExternGlobal, importedGlobals+uint32(i))
			}
		case secStart:
			f, _, err := uleb(s.Payload, 0)
			if err != nil {
				return nil, nil, err
			}
			l.start = true
			export(snapStartName, wasmbin.ExternFunc, f)
			continue // the section is dropped
		}
		kept = append(kept, s)
	}
	bin.Sections = kept
	if len(entries) == 0 {
		if l.segments != nil {
			return bin.Encode(), l, nil
		}
		return wasm, l, nil
	}
	s := section(bin, secExport)
	if s == nil {
		s = &wasmbin.Section{ID: secExport, Payload: []byte{0}}
		insertSection(bin, s)
	}
	n, pos, err := uleb(s.Payload, 0)
	if err != nil {
		return nil, nil, err
	}
	p := appendULEB(nil, n+uint32(len(entries)))
	p = append(p, s.Payload[pos:]...)
	for _, e := range entries {
		p = append(p, e...)
	}
	s.Payload, s.SizeBytes = p, nil
	return bin.Encode(), l, nil
}

// passiveData makes every active data segment passive and adds a
// function that initializes them as instantiation would have; it returns
// the function's index, or false when the module has no active segment.
func passiveData(bin *wasmbin.Binary) (uint32, bool, error) {
	ds := section(bin, secData)
	if ds == nil {
		return 0, false, nil
	}
	p := ds.Payload
	n, pos, err := uleb(p, 0)
	if err != nil {
		return 0, false, err
	}
	if n > uint32(len(p)) {
		return 0, false, fmt.Errorf("%w: %d data segments in a section of %d bytes", errSnapshotModule, n, len(p))
	}
	out := appendULEB(nil, n)
	var code []byte
	for i := uint32(0); i < n; i++ {
		flags, at, err := uleb(p, pos)
		if err != nil {
			return 0, false, err
		}
		pos = at
		var offset []byte
		switch flags {
		case 1:
		case 0, 2:
			if flags == 2 {
				mem, at, err := uleb(p, pos)
				if err != nil {
					return 0, false, err
				}
				if mem != 0 {
					return 0, false, fmt.Errorf("%w: a data segment for memory %d", errSnapshotModule, mem)
				}
				pos = at
			}
			end, err := constExprEnd(p, pos)
			if err != nil {
				return 0, false, err
			}
			offset, pos = p[pos:end-1], end
		default:
			return 0, false, fmt.Errorf("%w: data segment flags %d", errSnapshotModule, flags)
		}
		size, at, err := uleb(p, pos)
		if err != nil {
			return 0, false, err
		}
		if uint64(size) > uint64(len(p)-at) {
			return 0, false, fmt.Errorf("%w: a data segment runs past its section", errSnapshotModule)
		}
		end := at + int(size)
		out = append(out, 1)
		out = append(out, p[pos:end]...)
		pos = end
		if offset == nil {
			continue
		}
		// offset; i32.const 0; i32.const size; memory.init i 0; data.drop i
		code = append(code, offset...)
		code = append(code, 0x41, 0x00, 0x41)
		code = appendSLEB(code, int64(size))
		code = appendULEB(append(code, 0xfc, 0x08), i)
		code = appendULEB(append(append(code, 0x00), 0xfc, 0x09), i)
	}
	if code == nil {
		return 0, false, nil
	}
	if section(bin, secCode) == nil {
		return 0, false, fmt.Errorf("%w: data segments in a module without code", errSnapshotModule)
	}
	ds.Payload, ds.SizeBytes = out, nil
	if section(bin, secDataN) == nil {
		insertSection(bin, &wasmbin.Section{ID: secDataN, Payload: appendULEB(nil, n)})
	}
	f, err := bin.AppendFunc(wasmbin.CoreFuncType{}, 0, code)
	if err != nil {
		return 0, false, fmt.Errorf("%w: %v", errSnapshotModule, err)
	}
	return f, true, nil
}

func appendSLEB(w []byte, x int64) []byte {
	for {
		b := byte(x & 0x7f)
		x >>= 7
		if (x == 0 && b&0x40 == 0) || (x == -1 && b&0x40 != 0) {
			return append(w, b)
		}
		w = append(w, b|0x80)
	}
}

type globalDef struct {
	valType byte
	mutable bool
}

// parseGlobals reads a global section.
func parseGlobals(p []byte) ([]globalDef, error) {
	n, pos, err := uleb(p, 0)
	if err != nil {
		return nil, err
	}
	if n > uint32(len(p)) {
		return nil, fmt.Errorf("%w: %d globals in a section of %d bytes", errSnapshotModule, n, len(p))
	}
	defs := make([]globalDef, 0, n)
	for i := uint32(0); i < n; i++ {
		if pos+2 > len(p) {
			return nil, fmt.Errorf("%w: global section truncated", errSnapshotModule)
		}
		defs = append(defs, globalDef{valType: p[pos], mutable: p[pos+1] == 1})
		if pos, err = constExprEnd(p, pos+2); err != nil {
			return nil, err
		}
	}
	return defs, nil
}

// constExprEnd returns the position just past the constant expression at
// pos (its end opcode included).
func constExprEnd(p []byte, pos int) (int, error) {
	for pos < len(p) {
		op := p[pos]
		pos++
		var err error
		switch op {
		case 0x0b:
			return pos, nil
		case 0x41, 0x42, 0x23, 0xd2: // i32.const, i64.const, global.get, ref.func
			pos, err = skipLEB(p, pos)
		case 0x43: // f32.const
			pos += 4
		case 0x44: // f64.const
			pos += 8
		case 0xd0: // ref.null t
			pos++
		case 0xfd: // v128.const
			if pos, err = skipLEB(p, pos); err == nil {
				pos += 16
			}
		case 0x6a, 0x6b, 0x6c, 0x7c, 0x7d, 0x7e: // extended constant arithmetic
		default:
			return 0, fmt.Errorf("%w: constant expression opcode 0x%02x", errSnapshotModule, op)
		}
		if err != nil {
			return 0, err
		}
	}
	return 0, fmt.Errorf("%w: constant expression runs past its section", errSnapshotModule)
}

func section(bin *wasmbin.Binary, id byte) *wasmbin.Section {
	for _, s := range bin.Sections {
		if s.ID == id {
			return s
		}
	}
	return nil
}

// sectionOrder is the position of each core section id in a module.
var sectionOrder = map[byte]int{1: 1, 2: 2, 3: 3, 4: 4, 5: 5, 13: 6, 6: 7, 7: 8, 8: 9, 9: 10, 12: 11, 10: 12, 11: 13}

// insertSection puts s before the first non-custom section that follows
// it in module order.
func insertSection(bin *wasmbin.Binary, s *wasmbin.Section) {
	at := len(bin.Sections)
	for i, x := range bin.Sections {
		if o, ok := sectionOrder[x.ID]; ok && o > sectionOrder[s.ID] {
			at = i
			break
		}
	}
	bin.Sections = append(bin.Sections[:at], append([]*wasmbin.Section{s}, bin.Sections[at:]...)...)
}

func uleb(p []byte, pos int) (uint32, int, error) {
	var x uint64
	for shift := 0; shift < 35; shift += 7 {
		if pos >= len(p) {
			break
		}
		b := p[pos]
		pos++
		x |= uint64(b&0x7f) << shift
		if b&0x80 == 0 {
			if x > math.MaxUint32 {
				break
			}
			return uint32(x), pos, nil
		}
	}
	return 0, 0, fmt.Errorf("%w: malformed LEB128", errSnapshotModule)
}

func skipLEB(p []byte, pos int) (int, error) {
	for i := 0; i < 10 && pos < len(p); i++ {
		b := p[pos]
		pos++
		if b&0x80 == 0 {
			return pos, nil
		}
	}
	return 0, fmt.Errorf("%w: malformed LEB128", errSnapshotModule)
}

func appendULEB(w []byte, x uint32) []byte {
	for {
		b := byte(x & 0x7f)
		x >>= 7
		if x == 0 {
			return append(w, b)
		}
		w = append(w, b|0x80)
	}
}

func appendName(w []byte, s string) []byte {
	return append(appendULEB(w, uint32(len(s))), s...)
}
