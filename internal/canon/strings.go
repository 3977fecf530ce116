package canon

import (
	"encoding/binary"
	"unicode/utf16"
	"unicode/utf8"
)

// utf16Tag marks a latin1+utf16 string's length as counting UTF-16 code
// units (CanonicalABI.md, UTF16_TAG).
const utf16Tag = 1 << 31

// maxStringByteLength is the largest string the ABI moves (2^31-1 bytes).
const maxStringByteLength = 1<<31 - 1

// loadString decodes a string at ptr whose length is n code units, tagged
// for latin1+utf16 (the spec's load_string_from_range).
func (c *cx) loadString(ptr, n uint32) (string, error) {
	align, byteLen, enc := uint32(1), uint64(n), c.opts.StringEncoding
	switch enc {
	case UTF16:
		align, byteLen = 2, 2*uint64(n)
	case Latin1UTF16:
		align = 2
		if n&utf16Tag != 0 {
			byteLen, enc = 2*uint64(n^utf16Tag), UTF16
		}
	}
	if ptr%align != 0 {
		return "", errorf(ErrMisaligned, ptr, "string pointer not aligned to %d", align)
	}
	if byteLen > maxStringByteLength {
		return "", errorf(ErrTooLong, ptr, "string of %d bytes", byteLen)
	}
	b, err := c.read(ptr, uint32(byteLen), 1)
	if err != nil {
		return "", err
	}
	if err := c.spend(ptr, byteLen); err != nil {
		return "", err
	}
	switch enc {
	case UTF8:
		if !utf8.Valid(b) {
			return "", errorf(ErrInvalidString, ptr, "not valid UTF-8")
		}
		return string(b), nil
	case UTF16:
		return decodeUTF16(ptr, b)
	}
	// latin1: every byte is the code point of the same value.
	out := make([]byte, 0, len(b)*2)
	for _, x := range b {
		out = utf8.AppendRune(out, rune(x))
	}
	return string(out), nil
}

func decodeUTF16(ptr uint32, b []byte) (string, error) {
	out := make([]byte, 0, len(b))
	for i := 0; i < len(b); i += 2 {
		u := rune(binary.LittleEndian.Uint16(b[i:]))
		switch {
		case utf16.IsSurrogate(u):
			if u >= 0xDC00 || i+4 > len(b) {
				return "", errorf(ErrInvalidString, ptr+uint32(i), "unpaired UTF-16 surrogate")
			}
			lo := rune(binary.LittleEndian.Uint16(b[i+2:]))
			r := utf16.DecodeRune(u, lo)
			if r == utf8.RuneError {
				return "", errorf(ErrInvalidString, ptr+uint32(i), "unpaired UTF-16 surrogate")
			}
			out = utf8.AppendRune(out, r)
			i += 2
		default:
			out = utf8.AppendRune(out, u)
		}
	}
	return string(out), nil
}

// storeString copies s into guest memory through realloc in the options'
// encoding and returns the pointer and the (tagged) code-unit count. The
// source is a Go string, so it follows the spec's paths from utf8
// (store_string_into_range): a plain copy into utf8; into utf16 an
// allocation of the worst case (two bytes per UTF-8 byte) shrunk to the
// encoding's size (store_utf8_to_utf16); into latin1+utf16 one byte per
// UTF-8 byte, grown to the UTF-16 worst case at the first char past
// U+00FF and shrunk to what was written (store_string_to_latin1_or_utf16).
// A guest sees the same realloc calls as from Wasmtime.
func (c *cx) storeString(s string) (ptr, units uint32, err error) {
	if len(s) > maxStringByteLength {
		return 0, 0, errorf(ErrTooLong, 0, "string of %d bytes", len(s))
	}
	switch c.opts.StringEncoding {
	case UTF8:
		return c.storeBytes([]byte(s), 1, uint32(len(s)))
	case UTF16:
		return c.storeUTF16(s)
	}
	return c.storeLatin1OrUTF16(s)
}

// storeUTF16 is the spec's store_utf8_to_utf16.
func (c *cx) storeUTF16(s string) (uint32, uint32, error) {
	worst := 2 * uint64(len(s))
	if worst > maxStringByteLength {
		return 0, 0, errorf(ErrTooLong, 0, "string of %d bytes needs %d bytes as UTF-16", len(s), worst)
	}
	ptr, err := c.realloc(0, 0, 2, uint32(worst))
	if err != nil {
		return 0, 0, err
	}
	return c.writeUTF16(ptr, s, worst)
}

// writeUTF16 writes s as UTF-16 at ptr, where worst bytes are allocated,
// and shrinks the allocation to what it took: the end of the spec's
// store_utf8_to_utf16 (and of store_string_to_latin1_or_utf16 past
// latin1). It returns the pointer and the number of code units.
func (c *cx) writeUTF16(ptr uint32, s string, worst uint64) (uint32, uint32, error) {
	b := encodeUTF16(s)
	if err := c.write(ptr, b, 2); err != nil {
		return 0, 0, err
	}
	if uint64(len(b)) < worst {
		var err error
		if ptr, err = c.realloc(ptr, uint32(worst), 2, uint32(len(b))); err != nil {
			return 0, 0, err
		}
	}
	return ptr, uint32(len(b) / 2), nil
}

// storeLatin1OrUTF16 is the spec's store_string_to_latin1_or_utf16 from
// a UTF-8 source of len(s) code units.
func (c *cx) storeLatin1OrUTF16(s string) (uint32, uint32, error) {
	n := uint32(len(s))
	ptr, err := c.realloc(0, 0, 2, n)
	if err != nil {
		return 0, 0, err
	}
	latin1 := make([]byte, 0, len(s))
	for _, r := range s {
		if r < 1<<8 {
			latin1 = append(latin1, byte(r))
			continue
		}
		// Past latin1: what was written so far moves with the memory
		// realloc grows to the worst case, and is rewritten as UTF-16.
		if err := c.write(ptr, latin1, 2); err != nil {
			return 0, 0, err
		}
		worst := 2 * uint64(n)
		if worst > maxStringByteLength {
			return 0, 0, errorf(ErrTooLong, 0, "string of %d bytes needs %d bytes as UTF-16", n, worst)
		}
		if ptr, err = c.realloc(ptr, n, 2, uint32(worst)); err != nil {
			return 0, 0, err
		}
		ptr, units, err := c.writeUTF16(ptr, s, worst)
		if err != nil {
			return 0, 0, err
		}
		return ptr, units | utf16Tag, nil
	}
	if err := c.write(ptr, latin1, 2); err != nil {
		return 0, 0, err
	}
	if uint32(len(latin1)) < n {
		if ptr, err = c.realloc(ptr, n, 2, uint32(len(latin1))); err != nil {
			return 0, 0, err
		}
	}
	return ptr, uint32(len(latin1)), nil
}

func encodeUTF16(s string) []byte {
	out := make([]byte, 0, 2*len(s))
	for _, u := range utf16.Encode([]rune(s)) {
		out = binary.LittleEndian.AppendUint16(out, u)
	}
	return out
}

// storeBytes allocates len(b) bytes aligned to align, writes b there and
// returns the pointer with units passed through.
func (c *cx) storeBytes(b []byte, align, units uint32) (uint32, uint32, error) {
	if len(b) > maxStringByteLength {
		return 0, 0, errorf(ErrTooLong, 0, "%d bytes", len(b))
	}
	ptr, err := c.realloc(0, 0, align, uint32(len(b)))
	if err != nil {
		return 0, 0, err
	}
	if err := c.write(ptr, b, align); err != nil {
		return 0, 0, err
	}
	return ptr, units, nil
}
