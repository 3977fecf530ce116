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

// AppendULEB32 appends x as minimal unsigned LEB128, as the binary format
// writes counts, indices and sizes.
func AppendULEB32(b []byte, x uint32) []byte { return appendU32(b, x) }

// AppendSLEB64 appends v as minimal signed LEB128, as the binary format
// writes i32.const and i64.const immediates.
func AppendSLEB64(b []byte, v int64) []byte {
	for {
		c := byte(v & 0x7f)
		v >>= 7
		if (v == 0 && c&0x40 == 0) || (v == -1 && c&0x40 != 0) {
			return append(b, c)
		}
		b = append(b, c|0x80)
	}
}

// ReadULEB32 reads an unsigned LEB128 number of at most 32 bits and
// returns it with the number of bytes read.
func ReadULEB32(b []byte) (uint32, int, error) { return readU32(b) }
