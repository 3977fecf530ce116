package runtime

import (
	"bytes"
	goruntime "runtime"
	"testing"
	"time"
	"unsafe"
)

// A memory mapped from an image is, once unreachable, reset and reused:
// the next memory made from the image starts at the image again — none
// of the writes the first one made, in the image's pages or in pages it
// grew — at the same addresses.
func TestMappedRegionReused(t *testing.T) {
	const page = 65536
	img := &image{memory: make([]byte, 2*page)}
	img.memory[10], img.memory[page+5] = 'a', 'b'
	img.share()
	if img.file == nil {
		t.Fatal("the image has no file to map")
	}
	alloc := func() (*mappedMemory, []byte) {
		m, ok := img.allocateMapped(8 * page).(*mappedMemory)
		if !ok {
			t.Fatal("the image was not mapped")
		}
		return m, m.Reallocate(2 * page)
	}
	m, buf := alloc()
	base := uintptr(unsafe.Pointer(&buf[0]))
	buf[10], buf[page+5], buf[300] = 'X', 'Y', 'Z'
	m.Reallocate(4 * page)[3*page] = 'G'
	m.Free()
	m, buf = nil, nil
	_, _ = m, buf
	pooled := func() int {
		img.file.mu.Lock()
		defer img.file.mu.Unlock()
		return len(img.file.pool)
	}
	for i := 0; i < 200 && pooled() == 0; i++ {
		goruntime.GC()
		time.Sleep(5 * time.Millisecond)
	}
	if pooled() == 0 {
		t.Fatal("the region was never recycled")
	}
	m2, buf2 := alloc()
	if uintptr(unsafe.Pointer(&buf2[0])) != base {
		t.Error("the pooled region was not reused")
	}
	if !bytes.Equal(buf2, img.memory) {
		t.Errorf("a reused region does not hold the image: [10]=%q [%d]=%q [300]=%q", buf2[10], page+5, buf2[page+5], buf2[300])
	}
	if g := m2.Reallocate(4 * page); g[3*page] != 0 {
		t.Errorf("a page the previous memory grew and wrote holds %q", g[3*page])
	}
	m2.Free()
	goruntime.KeepAlive(img)
}
