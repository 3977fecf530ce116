package componentize

import (
	"encoding/binary"
	"fmt"

	"github.com/wasifill/wasifill/internal/wasmbin"
)

// Go's wasm runtime takes every page above the end of its data for its
// heap (runtime.initBloc: bloc = round(firstmoduledata.end, 64 KiB), and
// sbrk grows linear memory assuming it owns all of it). The preview1
// adapter needs memory of its own for its stack and state before the Go
// runtime is up. reserveGoRegion makes room: it raises
// runtime.firstmoduledata.end in the initial memory image, so Go's heap
// starts higher, and grows the memory's minimum to cover the gap, which
// no Go code ever touches.

// isGoModule reports whether a core module was built by the Go toolchain.
func isGoModule(m *wasmbin.Binary) bool {
	return len(m.CustomSections("go:buildid")) > 0
}

// moduledata field order (runtime/symtab.go, unchanged since Go 1.16):
// text, etext, noptrdata, enoptrdata, data, edata, bss, ebss, noptrbss,
// enoptrbss, covctrs, ecovctrs, end — 8-byte words on wasm.
const (
	mdNoptrdata = 2
	mdEnd       = 12
	mdWords     = 13
)

const pageSize = 65536

// reserveGoRegion reserves size bytes (rounded up to pages) that Go's
// runtime will never use and returns the region [lo, hi).
func reserveGoRegion(m *wasmbin.Binary, size uint32) (lo, hi uint32, err error) {
	mem, _, err := m.DefinedMemory()
	if err != nil || mem == nil {
		return 0, 0, fmt.Errorf("go module: no memory of its own: %v", err)
	}
	segs, err := m.ActiveData()
	if err != nil {
		return 0, 0, err
	}
	memBytes := uint64(mem.Min) * pageSize
	var top uint64
	for _, s := range segs {
		if e := uint64(s.Addr) + uint64(len(s.Data)); e > top {
			top = e
		}
	}
	if top > memBytes {
		return 0, 0, fmt.Errorf("go module: data segments reach past the initial memory")
	}
	img := make([]byte, top)
	for _, s := range segs {
		copy(img[s.Addr:], s.Data)
	}
	var found []uint64
	for addr := uint64(0); addr+mdWords*8 <= top; addr += 8 {
		if looksLikeModuledata(img[addr:addr+mdWords*8], memBytes) {
			found = append(found, addr)
		}
	}
	if len(found) != 1 {
		return 0, 0, fmt.Errorf("go module: cannot find runtime.firstmoduledata (%d candidates); export cabi_realloc_adapter from a static buffer instead", len(found))
	}
	endAt := found[0] + mdEnd*8
	end := binary.LittleEndian.Uint64(img[endAt:])
	lo64 := (end + pageSize - 1) / pageSize * pageSize
	hi64 := lo64 + (uint64(size)+pageSize-1)/pageSize*pageSize
	if hi64 > 1<<32-pageSize {
		return 0, 0, fmt.Errorf("go module: no room for %d bytes above its data", size)
	}
	var word [8]byte
	binary.LittleEndian.PutUint64(word[:], hi64)
	for i := uint64(0); i < 8; i++ {
		if !poke(segs, endAt+i, word[i]) {
			return 0, 0, fmt.Errorf("go module: runtime.firstmoduledata.end is not in a data segment")
		}
	}
	if pages := uint32(hi64 / pageSize); pages > mem.Min {
		if err := m.SetMemoryMin(pages); err != nil {
			return 0, 0, err
		}
	}
	return uint32(lo64), uint32(hi64), nil
}

// looksLikeModuledata checks the section bounds a moduledata holds: the
// data, bss and noptrbss ranges in order, end after them and inside the
// initial memory.
func looksLikeModuledata(b []byte, memBytes uint64) bool {
	w := func(i int) uint64 { return binary.LittleEndian.Uint64(b[8*i:]) }
	if w(mdNoptrdata) == 0 || w(mdEnd) == 0 || w(mdEnd) > memBytes {
		return false
	}
	for i := mdNoptrdata; i < 9; i++ { // noptrdata ≤ enoptrdata ≤ data ≤ ... ≤ enoptrbss
		if w(i) > w(i+1) {
			return false
		}
	}
	// covctrs..ecovctrs lie inside noptrbss (empty without coverage), and
	// end is at or after the end of noptrbss.
	if w(9) > w(mdEnd) || w(10) > w(11) || w(10) < w(8) || w(11) > w(9) || w(0) > w(1) || w(1) > w(mdNoptrdata) {
		return false
	}
	return w(mdEnd)-w(mdNoptrdata) >= 4096 && w(4) > w(mdNoptrdata) && w(8) > w(6)
}

// poke writes one byte of the initial memory image through the segment
// that holds it.
func poke(segs []wasmbin.DataSegment, addr uint64, v byte) bool {
	for _, s := range segs {
		if addr >= uint64(s.Addr) && addr < uint64(s.Addr)+uint64(len(s.Data)) {
			s.Data[addr-uint64(s.Addr)] = v
			return true
		}
	}
	return false
}
