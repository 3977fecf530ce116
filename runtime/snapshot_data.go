package runtime

import (
	"fmt"

	"github.com/tetratelabs/wazero/api"

	"github.com/wasifill/wasifill/internal/wasmbin"
)

// Data segments the runtime applies itself. wazero keeps, for every
// instance, a slice entry per data segment of its module, whether or not
// the segment was applied or dropped; Go's linker emits a segment per
// run of non-zero bytes, tens of thousands of them, so each instance of a
// Go module paid a megabyte for entries nothing reads (an instance
// restored from a snapshot never applies a segment). When no code can
// refer to a segment — the module has no data count section, which
// memory.init and data.drop require — every segment is active at a
// constant offset, and the module defines its one memory, instrumentation
// moves the data section into a custom section wazero ignores, and the
// runtime copies the segments into memory itself where instantiation
// would have (before the start function), with instantiation's bounds
// check: a segment that does not fit fails the instantiation.

// snapSegmentsName names the custom section that holds the moved data
// section, byte for byte.
const snapSegmentsName = snapPrefix + "data-segments"

// dataSegment is an active data segment: init goes at offset.
type dataSegment struct {
	offset uint32
	init   []byte
}

// hostSegments moves bin's data section into a custom section and
// returns its segments, when the runtime can apply them itself; it
// returns nil when it cannot (and leaves bin as it was).
func hostSegments(bin *wasmbin.Binary, importedMemories uint32) ([]dataSegment, error) {
	ds := section(bin, secData)
	if ds == nil || section(bin, secDataN) != nil || importedMemories != 0 {
		return nil, nil
	}
	ms := section(bin, secMemory)
	if ms == nil {
		return nil, nil
	}
	if n, _, err := uleb(ms.Payload, 0); err != nil || n != 1 {
		return nil, err
	}
	segs, ok, err := parseSegments(ds.Payload)
	if err != nil || !ok || len(segs) == 0 {
		return nil, err
	}
	kept := make([]*wasmbin.Section, 0, len(bin.Sections))
	for _, s := range bin.Sections {
		if s != ds {
			kept = append(kept, s)
		}
	}
	bin.Sections = append(kept, wasmbin.NewCustomSection(snapSegmentsName, ds.Payload))
	return segs, nil
}

// parseSegments reads a data section; ok is false when a segment is not
// active in memory 0 at an i32.const offset.
func parseSegments(p []byte) (_ []dataSegment, ok bool, _ error) {
	n, pos, err := uleb(p, 0)
	if err != nil {
		return nil, false, err
	}
	if n > uint32(len(p)) {
		return nil, false, fmt.Errorf("%w: %d data segments in a section of %d bytes", errSnapshotModule, n, len(p))
	}
	segs := make([]dataSegment, 0, n)
	for range n {
		flags, at, err := uleb(p, pos)
		if err != nil {
			return nil, false, err
		}
		pos = at
		switch flags {
		case 0:
		case 2:
			mem, at, err := uleb(p, pos)
			if err != nil {
				return nil, false, err
			}
			if mem != 0 {
				return nil, false, nil
			}
			pos = at
		default:
			return nil, false, nil
		}
		if pos >= len(p) || p[pos] != 0x41 { // i32.const
			return nil, false, nil
		}
		offset, at, err := sleb32(p, pos+1)
		if err != nil {
			return nil, false, err
		}
		if at >= len(p) || p[at] != 0x0b { // end
			return nil, false, nil
		}
		size, at, err := uleb(p, at+1)
		if err != nil {
			return nil, false, err
		}
		if uint64(size) > uint64(len(p)-at) {
			return nil, false, fmt.Errorf("%w: a data segment runs past its section", errSnapshotModule)
		}
		segs = append(segs, dataSegment{offset: uint32(offset), init: p[at : at+int(size)]})
		pos = at + int(size)
	}
	if pos != len(p) {
		return nil, false, fmt.Errorf("%w: %d bytes after the data segments", errSnapshotModule, len(p)-pos)
	}
	return segs, true, nil
}

// loadSegments sets l.segments from the custom section of a prepared
// module that has one (a module read back from the prepared cache).
func (l *snapLayout) loadSegments(bin *wasmbin.Binary) error {
	secs := bin.CustomSections(snapSegmentsName)
	switch {
	case len(secs) == 0:
		return nil
	case len(secs) > 1 || secs[0].Name != snapSegmentsName || l.data || !l.memory:
		return fmt.Errorf("%w: a misplaced data segments section", errSnapshotModule)
	}
	segs, ok, err := parseSegments(secs[0].Data)
	if err != nil {
		return err
	}
	if !ok {
		return fmt.Errorf("%w: a data segments section the runtime cannot apply", errSnapshotModule)
	}
	l.segments = segs
	return nil
}

// applySegments copies the segments into the module's memory, in order,
// as instantiation applies active segments.
func applySegments(segs []dataSegment, m api.Memory) error {
	if m == nil {
		return fmt.Errorf("the instrumented memory is not exported")
	}
	for i, d := range segs {
		if uint64(d.offset)+uint64(len(d.init)) > uint64(m.Size()) || !m.Write(d.offset, d.init) {
			return fmt.Errorf("data segment %d: out of bounds memory access", i)
		}
	}
	return nil
}

// sleb32 reads a signed LEB128 of at most 32 bits.
func sleb32(p []byte, pos int) (int32, int, error) {
	var x int64
	for shift := 0; shift < 35; shift += 7 {
		if pos >= len(p) {
			break
		}
		b := p[pos]
		pos++
		x |= int64(b&0x7f) << shift
		if b&0x80 == 0 {
			if shift < 57 && b&0x40 != 0 {
				x |= -1 << (shift + 7)
			}
			if x < -1<<31 || x > 1<<31-1 {
				break
			}
			return int32(x), pos, nil
		}
	}
	return 0, 0, fmt.Errorf("%w: malformed LEB128", errSnapshotModule)
}
