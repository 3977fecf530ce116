package wasmbin

import "errors"

var (
	errTruncated = errors.New("truncated LEB128")
	errOverflow  = errors.New("LEB128 overflows 32 bits")
)

// readU32 reads an unsigned LEB128 number of at most 32 bits (non-minimal
// encodings are allowed, as in the core spec) and returns it with the
// number of bytes read.
func readU32(b []byte) (uint32, int, error) {
	var x uint32
	for i := 0; i < 5; i++ {
		if i >= len(b) {
			return 0, 0, errTruncated
		}
		c := b[i]
		if i == 4 && c&0xf0 != 0 {
			return 0, 0, errOverflow
		}
		x |= uint32(c&0x7f) << (7 * i)
		if c&0x80 == 0 {
			return x, i + 1, nil
		}
	}
	return 0, 0, errOverflow
}

// appendU32 appends x as minimal unsigned LEB128.
func appendU32(b []byte, x uint32) []byte {
	for x >= 0x80 {
		b = append(b, byte(x)|0x80)
		x >>= 7
	}
	return append(b, byte(x))
}
