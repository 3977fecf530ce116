package runtime

import "github.com/wasifill/wasifill/internal/canon"

// ABIError is a canonical ABI violation by a guest, which the spec makes a
// trap: a pointer outside its memory, bytes that are not valid in the
// string encoding, a case index past the last case, a list past the lift
// budget (WithLiftBudget). A *TrapError carries it in its chain:
//
//	var abi *runtime.ABIError
//	if errors.As(err, &abi) && abi.Kind == runtime.ErrOutOfBounds { ... }
type ABIError = canon.Error

// ABIErrorKind classifies an ABIError.
type ABIErrorKind = canon.ErrorKind

// The kinds of ABIError.
const (
	ErrOutOfBounds         = canon.ErrOutOfBounds         // a pointer or range outside linear memory
	ErrMisaligned          = canon.ErrMisaligned          // a pointer not aligned for its type
	ErrInvalidString       = canon.ErrInvalidString       // bytes that are not valid in the string encoding
	ErrInvalidChar         = canon.ErrInvalidChar         // not a Unicode scalar value
	ErrInvalidDiscriminant = canon.ErrInvalidDiscriminant // a case index past the last case
	ErrTooLong             = canon.ErrTooLong             // a length whose byte size overflows 32 bits
	ErrRealloc             = canon.ErrRealloc             // realloc failed, or is needed but missing
	ErrNoMemory            = canon.ErrNoMemory            // memory is needed but the options have none
	ErrValue               = canon.ErrValue               // a host value that does not fit its type
	ErrHandle              = canon.ErrHandle              // the handle table refused a handle
	ErrBudget              = canon.ErrBudget              // a lift past the lift budget
)
