package runtime

import (
	"context"
	"fmt"
	goruntime "runtime"
	"sync/atomic"

	"github.com/tetratelabs/wazero/experimental"
)

// Linear memories are this package's own (a wazero memory allocator):
//
//   - Growth is lazy. On Linux a memory reserves its address space once
//     (PROT_NONE, nothing committed) and memory.grow only makes more of it
//     accessible, so growing by a GiB costs a system call, not a GiB of
//     zeroing and copying; pages cost RAM when the guest touches them.
//     Elsewhere a memory is a Go slice grown by copying what is in use.
//   - Growth is budgeted. Every byte of every linear memory counts against
//     the budget of its instance tree (a component with all its nested
//     components and core instances, or one core module) and against the
//     runtime's budget for all its instances; growth past either fails as
//     the spec allows, with memory.grow returning -1, and an instance whose
//     memories start larger than a budget does not instantiate
//     (*MemoryBudgetError).
//
// The per-memory cap (WithMemoryLimitPages) still applies.

// Default memory budgets.
const (
	// DefaultInstanceMemoryBudget is what the linear memories of one
	// instance tree may hold together: 1 GiB, as one memory.
	DefaultInstanceMemoryBudget = DefaultMemoryLimitPages * pageSize
	// DefaultHostMemoryBudget is what the linear memories of all the
	// instances of a runtime may hold together: 4 GiB.
	DefaultHostMemoryBudget = 4 << 30
)

const pageSize = 64 << 10

// WithMemoryBudget caps the bytes all linear memories of one instance
// tree hold together (instance; 0: DefaultInstanceMemoryBudget) and those
// of all the runtime's instances (host; 0: DefaultHostMemoryBudget).
func WithMemoryBudget(instance, host uint64) Option {
	return func(c *config) { c.budgets = memoryBudgets{instance: instance, host: host} }
}

type memoryBudgets struct{ instance, host uint64 }

// MemoryBudgetError is an instantiation refused because the memories an
// instance starts with exceed a memory budget.
type MemoryBudgetError struct {
	// Budget is "instance" or "host".
	Budget string
	// Limit is the budget in bytes; Asked what the memories needed.
	Limit, Asked uint64
}

func (e *MemoryBudgetError) Error() string {
	return fmt.Sprintf("runtime: linear memories need %d bytes, past the %s memory budget of %d bytes", e.Asked, e.Budget, e.Limit)
}

// budget counts bytes against a limit, and against its parent's.
type budget struct {
	name   string
	limit  uint64
	used   atomic.Uint64
	parent *budget
}

func newHostBudget(b memoryBudgets) *budget {
	return &budget{name: "host", limit: orDefault(b.host, DefaultHostMemoryBudget)}
}

func orDefault(v, d uint64) uint64 {
	if v == 0 {
		return d
	}
	return v
}

// take counts n more bytes; it fails, counting nothing, when that passes
// this budget or a parent's, and says which.
func (b *budget) take(n uint64) *budget {
	for {
		used := b.used.Load()
		if used+n > b.limit || used+n < used {
			return b
		}
		if b.used.CompareAndSwap(used, used+n) {
			break
		}
	}
	if b.parent != nil {
		if over := b.parent.take(n); over != nil {
			b.used.Add(-n)
			return over
		}
	}
	return nil
}

func (b *budget) give(n uint64) {
	for ; b != nil; b = b.parent {
		b.used.Add(-n)
	}
}

// room is the most one memory of the tree could ever hold.
func (b *budget) room() uint64 {
	r := b.limit
	for p := b.parent; p != nil; p = p.parent {
		r = min(r, p.limit)
	}
	return r
}

// memoryTree is the allocator of one instance tree: its memories share
// its budget.
type memoryTree struct {
	budget *budget
	failed atomic.Pointer[MemoryBudgetError] // an initial allocation past the budget
}

// withMemoryTree returns ctx with a new instance tree's allocator, which
// the memories instantiated with it use.
func (r *Runtime) withMemoryTree(ctx context.Context) (context.Context, *memoryTree) {
	t := &memoryTree{budget: &budget{name: "instance", limit: orDefault(r.cfg.budgets.instance, DefaultInstanceMemoryBudget), parent: r.memory}}
	return experimental.WithMemoryAllocator(context.WithValue(ctx, treeKey{}, t), t), t
}

// err reports an initial allocation past a budget.
func (t *memoryTree) err() error {
	if e := t.failed.Load(); e != nil {
		return e
	}
	return nil
}

// Allocate implements experimental.MemoryAllocator.
func (t *memoryTree) Allocate(_, max uint64) experimental.LinearMemory {
	r := &reservedMemory{mem: newReservation(min(max, t.budget.room()))}
	// wazero's module (and any call still running on it) refers to r: once
	// the collector finds it unreachable, no code can touch its addresses.
	goruntime.SetFinalizer(r, func(r *reservedMemory) { r.mem.release() })
	return &linearMemory{tree: t, inner: r}
}

// treeKey is the context key of the instance tree being instantiated.
type treeKey struct{}

// countedBy returns an allocator whose memories, made by inner (a
// snapshot's image), count against the budget of the instance tree ctx is
// instantiating, as the tree's own memories do.
func countedBy(ctx context.Context, inner experimental.MemoryAllocator) experimental.MemoryAllocator {
	if t, ok := ctx.Value(treeKey{}).(*memoryTree); ok {
		return countedAllocator{tree: t, inner: inner}
	}
	return inner
}

type countedAllocator struct {
	tree  *memoryTree
	inner experimental.MemoryAllocator
}

func (a countedAllocator) Allocate(capacity, max uint64) experimental.LinearMemory {
	return &linearMemory{tree: a.tree, inner: a.inner.Allocate(capacity, min(max, a.tree.budget.room()))}
}

// reservedMemory is a linear memory in a reservation.
type reservedMemory struct{ mem reservation }

func (r *reservedMemory) Reallocate(size uint64) []byte { return r.mem.grow(size) }

func (r *reservedMemory) Free() { r.mem.free() }

// linearMemory is one linear memory: its bytes in use count against its
// tree's budget.
type linearMemory struct {
	tree    *memoryTree
	inner   experimental.LinearMemory
	started bool
	size    uint64 // bytes counted against the budget
}

// Reallocate implements experimental.LinearMemory: nil (memory.grow
// fails) past the budget or the memory's own room. The first call, for
// the memory's minimum size, must not fail (wazero does not expect it
// to): past the budget, it records the error that fails the instantiation
// and returns a buffer never run on.
func (m *linearMemory) Reallocate(size uint64) []byte {
	first := !m.started
	m.started = true
	if size <= m.size {
		return m.inner.Reallocate(size)
	}
	if over := m.tree.budget.take(size - m.size); over != nil {
		if !first {
			return nil
		}
		m.tree.failed.CompareAndSwap(nil, &MemoryBudgetError{Budget: over.name, Limit: over.limit, Asked: size})
		return make([]byte, size)
	}
	b := m.inner.Reallocate(size)
	if b == nil {
		m.tree.budget.give(size - m.size)
		return nil
	}
	m.size = size
	return b
}

// Free implements experimental.LinearMemory.
func (m *linearMemory) Free() {
	m.inner.Free()
	m.tree.budget.give(m.size)
	m.size = 0
}

// sliceMemory is a linear memory in a Go slice, grown by copying the
// bytes in use (new pages come zeroed from the allocator and stay
// untouched until used).
type sliceMemory struct {
	buf []byte
	max uint64
}

func (s *sliceMemory) grow(size uint64) []byte {
	switch {
	case size > s.max:
		return nil
	case size <= uint64(cap(s.buf)):
		s.buf = s.buf[:size]
	default:
		b := make([]byte, size)
		copy(b, s.buf)
		s.buf = b
	}
	return s.buf
}

// MemoryInUse is how many bytes the linear memories of the runtime's
// instances hold (what counts against the host memory budget).
func (r *Runtime) MemoryInUse() uint64 { return r.memory.used.Load() }
