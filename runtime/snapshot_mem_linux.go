package runtime

import (
	"os"
	"runtime"
	"sync"
	"syscall"
	"unsafe"

	"github.com/tetratelabs/wazero/api"
	"github.com/tetratelabs/wazero/experimental"
)

// imageFile is an image's memory in a file (unlinked, in /dev/shm when
// there is one) that instances map copy-on-write.
type imageFile struct {
	f      *os.File
	mapped sync.Map // base address of each live mapping → struct{}
}

// share writes the image's memory to a file for mappings; without one,
// instances copy the image.
func (img *image) share() {
	if len(img.memory) == 0 {
		return
	}
	dir := "/dev/shm"
	if st, err := os.Stat(dir); err != nil || !st.IsDir() {
		dir = os.TempDir()
	}
	f, err := os.CreateTemp(dir, "wasifill-snapshot-")
	if err != nil {
		return
	}
	os.Remove(f.Name())
	if _, err := f.Write(img.memory); err != nil {
		f.Close()
		return
	}
	img.file = &imageFile{f: f}
	runtime.AddCleanup(img, func(f *os.File) { f.Close() }, f)
}

// mappedMemory is a linear memory whose first pages map the image
// copy-on-write, in a reservation of its maximum size whose rest becomes
// readable and writable (zero pages) as the memory grows.
type mappedMemory struct {
	file      *imageFile
	region    []byte // the whole reservation, as syscall.Mmap returned it
	committed uint64
}

func (img *image) allocateMapped(max uint64) experimental.LinearMemory {
	size := uint64(len(img.memory))
	if img.file == nil || max < size || max == 0 {
		return nil
	}
	region, err := syscall.Mmap(-1, 0, int(max), syscall.PROT_NONE, syscall.MAP_PRIVATE|syscall.MAP_ANONYMOUS|syscall.MAP_NORESERVE)
	if err != nil {
		return nil
	}
	base := uintptr(unsafe.Pointer(&region[0]))
	_, _, errno := syscall.Syscall6(syscall.SYS_MMAP, base, uintptr(size), syscall.PROT_READ|syscall.PROT_WRITE,
		syscall.MAP_PRIVATE|syscall.MAP_FIXED, img.file.f.Fd(), 0)
	if errno != 0 {
		syscall.Munmap(region)
		return nil
	}
	img.file.mapped.Store(base, struct{}{})
	m := &mappedMemory{file: img.file, region: region, committed: size}
	// Unmapped only once nothing refers to the memory (see Free).
	runtime.AddCleanup(m, func(region []byte) { syscall.Munmap(region) }, region)
	return m
}

func (m *mappedMemory) Reallocate(size uint64) []byte {
	if size > uint64(len(m.region)) {
		return nil
	}
	if size > m.committed {
		if err := syscall.Mprotect(m.region[m.committed:size], syscall.PROT_READ|syscall.PROT_WRITE); err != nil {
			return nil
		}
		m.committed = size
	}
	return m.region[:size:size]
}

// Free gives the pages the instance wrote back; the addresses stay mapped
// until the memory is unreachable, since a module can be closed while a
// guest or host code still runs on it (an unmapped page would fault the
// process).
func (m *mappedMemory) Free() {
	if m.committed == 0 {
		return
	}
	m.file.mapped.Delete(uintptr(unsafe.Pointer(&m.region[0])))
	syscall.Madvise(m.region[:m.committed], syscall.MADV_DONTNEED)
	m.committed = 0
}

// isMapped says whether memory m is a mapping of the image.
func (img *image) isMapped(m api.Memory) bool {
	if img.file == nil {
		return false
	}
	b, ok := m.Read(0, 1)
	if !ok {
		return false
	}
	_, ok = img.file.mapped.Load(uintptr(unsafe.Pointer(&b[0])))
	return ok
}
