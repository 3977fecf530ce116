package runtime

import (
	"github.com/tetratelabs/wazero/api"
	"github.com/tetratelabs/wazero/experimental"
)

// The linear memory of an instance restored from an image. On Linux it
// is a copy-on-write mapping of the image (snapshot_mem_linux.go): no
// byte is copied at instantiation, and a page is copied only when the
// instance first writes it. Elsewhere, or when mapping fails, it is a Go
// slice with room for the image, into which initCore copies the image's
// non-zero runs.

// Allocate makes the linear memory of an instance restored from img.
func (img *image) Allocate(capacity, max uint64) experimental.LinearMemory {
	if m := img.allocateMapped(max); m != nil {
		return m
	}
	return &imageSlice{buf: make([]byte, 0, min(max, uint64(len(img.memory))+capacity))}
}

// imageSlice is a restored linear memory backed by a Go slice.
type imageSlice struct{ buf []byte }

func (m *imageSlice) Reallocate(size uint64) []byte {
	if size > uint64(cap(m.buf)) {
		m.buf = append(m.buf[:cap(m.buf)], make([]byte, size-uint64(cap(m.buf)))...)
	}
	m.buf = m.buf[:size]
	return m.buf
}

func (m *imageSlice) Free() { m.buf = nil }

// copyIn puts the image into a memory Allocate made, unless it is a
// mapping of the image already.
func (img *image) copyIn(m api.Memory) {
	if img.isMapped(m) {
		return
	}
	for _, run := range img.nonZero() {
		m.Write(uint32(run[0]), img.memory[run[0]:run[1]])
	}
}
