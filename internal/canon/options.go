package canon

import (
	"context"
	"fmt"

	"github.com/wasifill/wasifill/value"
)

// Memory is a guest's linear memory. wazero's api.Memory satisfies it.
// Read may return a view of the memory, not a copy.
type Memory interface {
	Size() uint32
	Read(offset, byteCount uint32) ([]byte, bool)
	Write(offset uint32, v []byte) bool
}

// Realloc calls the guest's cabi_realloc(oldPtr, oldSize, align, newSize).
type Realloc func(ctx context.Context, oldPtr, oldSize, align, newSize uint32) (uint32, error)

// StringEncoding is the string-encoding canonical option.
type StringEncoding uint8

// The string encodings a canon lift or lower may use.
const (
	UTF8 StringEncoding = iota
	UTF16
	Latin1UTF16 // latin1+utf16
)

// HandleTable turns resource handles into values and back. The runtime
// implements it over its per-instance handle tables, applying own/borrow
// rules; lifting an own handle transfers it out of the guest's table.
type HandleTable interface {
	LiftOwn(t *value.Type, index uint32) (value.Value, error)
	LiftBorrow(t *value.Type, index uint32) (value.Value, error)
	LowerOwn(t *value.Type, v value.Value) (uint32, error)
	LowerBorrow(t *value.Type, v value.Value) (uint32, error)
}

// Options are the canonical options of one lift or lower (memory, realloc,
// string-encoding) plus the handle table resources go through. Memory and
// Realloc may be nil for types that never touch memory.
type Options struct {
	Memory         Memory
	Realloc        Realloc
	StringEncoding StringEncoding
	Handles        HandleTable
	// LiftBudget caps what one LiftValues or Load may make of guest
	// memory, in bytes: string and byte-list contents plus
	// LiftElemCost for every other list element. Ranges are checked
	// against the memory size, but nothing stops a guest from pointing
	// many strings at the same bytes; past the budget the lift fails with
	// ErrBudget. 0 means DefaultLiftBudget.
	LiftBudget uint64
}

// DefaultLiftBudget is the lift budget of options that set none: 256 MiB.
const DefaultLiftBudget = 256 << 20

// LiftElemCost is what one lifted list element costs the budget on top
// of the bytes it holds: about the Go memory of one value.Value.
const LiftElemCost = 16

// ErrorKind classifies canonical ABI failures; each is a trap in the spec.
type ErrorKind uint8

// The kinds of canonical ABI errors.
const (
	ErrOutOfBounds         ErrorKind = iota + 1 // a pointer or range outside linear memory
	ErrMisaligned                               // a pointer not aligned for its type
	ErrInvalidString                            // bytes that are not valid in the string encoding
	ErrInvalidChar                              // not a Unicode scalar value
	ErrInvalidDiscriminant                      // a case index past the last case
	ErrTooLong                                  // a length whose byte size overflows 32 bits
	ErrRealloc                                  // realloc failed, or is needed but missing
	ErrNoMemory                                 // memory is needed but the options have none
	ErrValue                                    // a host value that does not fit its type
	ErrHandle                                   // the handle table refused a handle
	ErrBudget                                   // a lift past the options' LiftBudget
)

var kindNames = [...]string{
	ErrOutOfBounds: "out of bounds", ErrMisaligned: "misaligned pointer", ErrInvalidString: "invalid string",
	ErrInvalidChar: "invalid char", ErrInvalidDiscriminant: "invalid discriminant", ErrTooLong: "length too large",
	ErrRealloc: "realloc", ErrNoMemory: "no memory", ErrValue: "value does not fit type", ErrHandle: "handle",
	ErrBudget: "lift budget exceeded",
}

func (k ErrorKind) String() string {
	if int(k) < len(kindNames) && kindNames[k] != "" {
		return kindNames[k]
	}
	return fmt.Sprintf("error(%d)", uint8(k))
}

// Error is a canonical ABI failure: the spec would trap.
type Error struct {
	Kind   ErrorKind
	Offset uint32 // the linear-memory address involved, when there is one
	Msg    string
	Err    error // an underlying cause, if any
}

func (e *Error) Error() string {
	s := fmt.Sprintf("canonical ABI: %s at 0x%x: %s", e.Kind, e.Offset, e.Msg)
	if e.Err != nil {
		s += ": " + e.Err.Error()
	}
	return s
}

func (e *Error) Unwrap() error { return e.Err }

func errorf(kind ErrorKind, offset uint32, format string, args ...any) error {
	return &Error{Kind: kind, Offset: offset, Msg: fmt.Sprintf(format, args...)}
}

// cx is the state of one lift or lower.
type cx struct {
	ctx   context.Context
	opts  *Options
	spent uint64 // bytes of the lift budget used
}

// spend charges n bytes to the lift budget; ptr positions the error.
func (c *cx) spend(ptr uint32, n uint64) error {
	budget := c.opts.LiftBudget
	if budget == 0 {
		budget = DefaultLiftBudget
	}
	if n > budget-min(c.spent, budget) {
		return errorf(ErrBudget, ptr, "lifting %d more bytes after %d passes the %d-byte budget of one call", n, c.spent, budget)
	}
	c.spent += n
	return nil
}

func (c *cx) memory(at uint32) (Memory, error) {
	if c.opts.Memory == nil {
		return nil, errorf(ErrNoMemory, at, "the canonical options have no memory")
	}
	return c.opts.Memory, nil
}

// check verifies that [ptr, ptr+size) is inside memory and ptr is aligned.
func (c *cx) check(ptr, size, align uint32) error {
	m, err := c.memory(ptr)
	if err != nil {
		return err
	}
	if align > 1 && ptr%align != 0 {
		return errorf(ErrMisaligned, ptr, "pointer not aligned to %d", align)
	}
	if uint64(ptr)+uint64(size) > uint64(m.Size()) {
		return errorf(ErrOutOfBounds, ptr, "%d bytes past the %d-byte memory", size, m.Size())
	}
	return nil
}

// read returns size bytes at ptr, checked for bounds and alignment.
func (c *cx) read(ptr, size, align uint32) ([]byte, error) {
	if err := c.check(ptr, size, align); err != nil {
		return nil, err
	}
	b, ok := c.opts.Memory.Read(ptr, size)
	if !ok {
		return nil, errorf(ErrOutOfBounds, ptr, "memory refused a %d-byte read", size)
	}
	return b, nil
}

func (c *cx) write(ptr uint32, b []byte, align uint32) error {
	if err := c.check(ptr, uint32(len(b)), align); err != nil {
		return err
	}
	if !c.opts.Memory.Write(ptr, b) {
		return errorf(ErrOutOfBounds, ptr, "memory refused a %d-byte write", len(b))
	}
	return nil
}

// realloc allocates in the guest and checks what it returned.
func (c *cx) realloc(oldPtr, oldSize, align, newSize uint32) (uint32, error) {
	if c.opts.Realloc == nil {
		return 0, errorf(ErrRealloc, 0, "the canonical options have no realloc")
	}
	ptr, err := c.opts.Realloc(c.ctx, oldPtr, oldSize, align, newSize)
	if err != nil {
		return 0, &Error{Kind: ErrRealloc, Msg: "realloc failed", Err: err}
	}
	if err := c.check(ptr, newSize, align); err != nil {
		return 0, err
	}
	return ptr, nil
}
