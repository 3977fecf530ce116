//go:build !linux

package runtime

// reservation is a linear memory in a Go slice (address-space
// reservation is implemented on Linux only).
type reservation struct{ s *sliceMemory }

func newReservation(max uint64) reservation { return reservation{s: &sliceMemory{max: max}} }

func (r *reservation) grow(size uint64) []byte { return r.s.grow(size) }

func (r *reservation) free() { r.s.buf = nil }

func (r *reservation) release() {}
