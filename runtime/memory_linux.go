package runtime

import "syscall"

// reservation is a linear memory's address space, reserved once with
// nothing committed: growing makes more of it readable and writable, and
// the kernel gives a page RAM when the guest first touches it. Where the
// reservation cannot be made it falls back to a Go slice.
type reservation struct {
	all      []byte // the whole reservation; inaccessible past n
	n        uint64
	fallback *sliceMemory
}

func newReservation(max uint64) reservation {
	if max == 0 {
		return reservation{}
	}
	all, err := syscall.Mmap(-1, 0, int(max), syscall.PROT_NONE, syscall.MAP_PRIVATE|syscall.MAP_ANON|syscall.MAP_NORESERVE)
	if err != nil {
		return reservation{fallback: &sliceMemory{max: max}}
	}
	return reservation{all: all}
}

// grow makes the first size bytes usable and returns them; nil past the
// reservation. Sizes are whole wasm pages, so page-aligned.
func (r *reservation) grow(size uint64) []byte {
	if r.fallback != nil {
		return r.fallback.grow(size)
	}
	if size > uint64(len(r.all)) {
		return nil
	}
	if size > r.n {
		if err := syscall.Mprotect(r.all[r.n:size], syscall.PROT_READ|syscall.PROT_WRITE); err != nil {
			return nil
		}
		r.n = size
	}
	return r.all[:size:size]
}

// free gives the memory's RAM back. The addresses stay mapped (reading
// zeros): a module can be closed from another goroutine while its guest,
// or host code lifting from it, still runs on the memory, and an unmapped
// page would take the whole process down. release unmaps them once
// nothing can refer to the memory any more.
func (r *reservation) free() {
	if r.all != nil && r.n > 0 {
		syscall.Madvise(r.all[:r.n], syscall.MADV_DONTNEED)
	}
	if r.fallback != nil {
		r.fallback.buf = nil
	}
}

// release unmaps the reservation; only for a memory nothing refers to.
func (r *reservation) release() {
	if r.all != nil {
		syscall.Munmap(r.all)
		r.all, r.n = nil, 0
	}
}
