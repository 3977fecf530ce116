package runtime

import (
	"os"
	"runtime"
	"sync"
	"sync/atomic"
	"syscall"
	"unsafe"

	"github.com/tetratelabs/wazero/api"
	"github.com/tetratelabs/wazero/experimental"
)

// imageFile is an image's memory in a file (unlinked, in /dev/shm when
// there is one) that instances map copy-on-write, and the regions of
// instances that are gone, reset to the image, ready for the next ones.
type imageFile struct {
	f      *os.File
	mapped sync.Map // base address of each live mapping → struct{}
	mu     sync.Mutex
	pool   [][]byte // reset regions (recycle)
}

// maxPooledRegions bounds an image's pool, and maxPooledTotal the pools
// of the process together (each region is a few of the kernel's mappings,
// of which a process has a limited number, vm.max_map_count); a region
// beyond them is unmapped.
const (
	maxPooledRegions = 256
	maxPooledTotal   = 2048
)

// pooledTotal is how many regions the pools of the process hold.
var pooledTotal atomic.Int64

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
	file := &imageFile{f: f}
	img.file = file
	runtime.AddCleanup(img, func(file *imageFile) { file.close() }, file)
}

// mappedMemory is a linear memory whose first pages map the image
// copy-on-write, in a reservation of its maximum size whose rest becomes
// readable and writable (zero pages) as the memory grows.
type mappedMemory struct {
	file *imageFile
	r    *mappedRegion
}

// mappedRegion is a mapping's state, apart from the memory that uses it
// so that a cleanup can take it once the memory is unreachable.
type mappedRegion struct {
	region    []byte // the whole reservation, as syscall.Mmap returned it
	size      int    // the image's size: pages up to it map the file
	committed uint64 // readable and writable up to here
	freed     bool
}

func (img *image) allocateMapped(max uint64) experimental.LinearMemory {
	size := uint64(len(img.memory))
	if img.file == nil || max < size || max == 0 {
		return nil
	}
	region := img.file.take(max)
	if region == nil {
		var err error
		region, err = syscall.Mmap(-1, 0, int(max), syscall.PROT_NONE, syscall.MAP_PRIVATE|syscall.MAP_ANONYMOUS|syscall.MAP_NORESERVE)
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
	}
	img.file.mapped.Store(uintptr(unsafe.Pointer(&region[0])), struct{}{})
	r := &mappedRegion{region: region, size: int(size), committed: size}
	m := &mappedMemory{file: img.file, r: r}
	// Reset and reused (or unmapped) only once nothing refers to the
	// memory (see Free).
	runtime.AddCleanup(m, img.file.recycle, r)
	return m
}

func (m *mappedMemory) Reallocate(size uint64) []byte {
	r := m.r
	if size > uint64(len(r.region)) {
		return nil
	}
	if size > r.committed {
		if err := syscall.Mprotect(r.region[r.committed:size], syscall.PROT_READ|syscall.PROT_WRITE); err != nil {
			return nil
		}
		r.committed = size
	}
	return r.region[:size:size]
}

// Free gives the pages the instance wrote back; the addresses stay mapped
// until the memory is unreachable, since a module can be closed while a
// guest or host code still runs on it (an unmapped page would fault the
// process, a reused one would show it another instance's memory).
func (m *mappedMemory) Free() {
	r := m.r
	if r.freed {
		return
	}
	r.freed = true
	m.file.mapped.Delete(uintptr(unsafe.Pointer(&r.region[0])))
	syscall.Madvise(r.region[:r.committed], syscall.MADV_DONTNEED)
}

// take returns a pooled region of length n, if there is one.
func (f *imageFile) take(n uint64) []byte {
	f.mu.Lock()
	defer f.mu.Unlock()
	for i := len(f.pool) - 1; i >= 0; i-- {
		if r := f.pool[i]; uint64(len(r)) == n {
			f.pool = append(f.pool[:i], f.pool[i+1:]...)
			pooledTotal.Add(-1)
			return r
		}
	}
	return nil
}

// recycle resets the region of a memory no one refers to any more to the
// state a new mapping starts in — the image's pages as the file holds
// them (MADV_DONTNEED drops a private mapping's copies: the pages read
// from the file again), the pages beyond them inaccessible — and pools
// it; if the reset fails or the pool is full, it unmaps the region.
func (f *imageFile) recycle(r *mappedRegion) {
	ok := syscall.Madvise(r.region[:r.committed], syscall.MADV_DONTNEED) == nil
	if ok && r.committed > uint64(r.size) {
		ok = syscall.Mprotect(r.region[r.size:r.committed], syscall.PROT_NONE) == nil
	}
	if ok {
		f.mu.Lock()
		if f.f != nil && len(f.pool) < maxPooledRegions {
			if pooledTotal.Add(1) <= maxPooledTotal {
				f.pool = append(f.pool, r.region)
				f.mu.Unlock()
				return
			}
			pooledTotal.Add(-1)
		}
		f.mu.Unlock()
	}
	syscall.Munmap(r.region)
}

// close unmaps the pooled regions and closes the file, once the image is
// unreachable.
func (f *imageFile) close() {
	f.mu.Lock()
	pool := f.pool
	f.pool = nil
	pooledTotal.Add(-int64(len(pool)))
	f.f.Close()
	f.f = nil
	f.mu.Unlock()
	for _, r := range pool {
		syscall.Munmap(r)
	}
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
