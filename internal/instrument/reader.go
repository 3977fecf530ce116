package instrument

import (
	"errors"
	"fmt"

	"github.com/wasifill/wasifill/internal/wasmbin"
)

// DecodeError is a function body the walker cannot read: truncated,
// malformed, or using an instruction it does not know.
type DecodeError struct {
	Offset int // from the start of the bytes being walked
	Msg    string
}

func (e *DecodeError) Error() string {
	return fmt.Sprintf("instrument: offset %d: %s", e.Offset, e.Msg)
}

var errTruncated = errors.New("truncated")

// reader reads LEB128 numbers and bytes from b, remembering where it is.
type reader struct {
	b   []byte
	pos int
}

func (r *reader) fail(msg string, args ...any) error {
	return &DecodeError{Offset: r.pos, Msg: fmt.Sprintf(msg, args...)}
}

func (r *reader) byte() (byte, error) {
	if r.pos >= len(r.b) {
		return 0, r.fail("%v", errTruncated)
	}
	c := r.b[r.pos]
	r.pos++
	return c, nil
}

// skip advances over n raw bytes.
func (r *reader) skip(n int) error {
	if n > len(r.b)-r.pos {
		return r.fail("%v: %d bytes wanted, %d left", errTruncated, n, len(r.b)-r.pos)
	}
	r.pos += n
	return nil
}

// uleb reads an unsigned LEB128 number of at most bits bits.
func (r *reader) uleb(bits uint) (uint64, error) {
	var x uint64
	for shift := uint(0); ; shift += 7 {
		c, err := r.byte()
		if err != nil {
			return 0, err
		}
		if shift+7 > bits && (c&0x80 != 0 || uint64(c)>>(bits-shift) != 0) {
			return 0, r.fail("LEB128 overflows %d bits", bits)
		}
		x |= uint64(c&0x7f) << shift
		if c&0x80 == 0 {
			return x, nil
		}
	}
}

func (r *reader) u32() (uint32, error) {
	x, err := r.uleb(32)
	return uint32(x), err
}

// sleb reads a signed LEB128 number of at most bits bits (its length
// is checked; its sign bits are the validator's business).
func (r *reader) sleb(bits uint) (int64, error) {
	var x int64
	for shift := uint(0); ; shift += 7 {
		if shift >= bits {
			return 0, r.fail("signed LEB128 longer than %d bits", bits)
		}
		c, err := r.byte()
		if err != nil {
			return 0, err
		}
		x |= int64(c&0x7f) << shift
		if c&0x80 == 0 {
			if shift+7 < 64 && c&0x40 != 0 {
				x |= -1 << (shift + 7)
			}
			return x, nil
		}
	}
}

// count reads a vector length, refusing one that cannot fit in what is
// left when each element takes at least min bytes.
func (r *reader) count(min int) (int, error) {
	n, err := r.u32()
	if err != nil {
		return 0, err
	}
	if uint64(n)*uint64(min) > uint64(len(r.b)-r.pos) {
		return 0, r.fail("vector of %d elements cannot fit in %d bytes", n, len(r.b)-r.pos)
	}
	return int(n), nil
}

// appendU32 appends x as minimal unsigned LEB128.
func appendU32(b []byte, x uint32) []byte { return wasmbin.AppendULEB32(b, x) }
