package witparse

import (
	"strconv"
	"unicode/utf8"
)

// jsonWriter streams JSON laid out as encoding/json's MarshalIndent with
// a two-space indent lays it out: members on their own lines, empty
// objects and arrays as {} and [].
type jsonWriter struct {
	buf []byte
	// empty records, per open object or array, whether nothing was
	// written in it yet.
	empty []bool
}

// indent is a line break and indentation for the usual depths at once.
const indent = "\n                                                                "

// write appends s. While the buffer has room it only extends the slice's
// length (no new pointer is stored, so no GC write barrier).
func (w *jsonWriter) write(s string) {
	n := len(w.buf)
	if n+len(s) <= cap(w.buf) {
		w.buf = w.buf[:n+len(s)]
		copy(w.buf[n:], s)
		return
	}
	w.buf = append(w.buf, s...)
}

// writeByte appends c, as write does.
func (w *jsonWriter) writeByte(c byte) {
	n := len(w.buf)
	if n < cap(w.buf) {
		w.buf = w.buf[:n+1]
		w.buf[n] = c
		return
	}
	w.buf = append(w.buf, c)
}

func (w *jsonWriter) newline() {
	if n := 1 + 2*len(w.empty); n <= len(indent) {
		w.write(indent[:n])
		return
	}
	w.writeByte('\n')
	for range len(w.empty) {
		w.write("  ")
	}
}

// open starts an object ('{') or array ('[').
func (w *jsonWriter) open(c byte) {
	w.writeByte(c)
	w.empty = append(w.empty, true)
}

// close ends what open started; c is '}' or ']'.
func (w *jsonWriter) close(c byte) {
	n := len(w.empty) - 1
	wasEmpty := w.empty[n]
	w.empty = w.empty[:n]
	if !wasEmpty {
		w.newline()
	}
	w.writeByte(c)
}

// elem starts the next element of an array.
func (w *jsonWriter) elem() {
	n := len(w.empty) - 1
	if !w.empty[n] {
		w.writeByte(',')
	}
	w.empty[n] = false
	w.newline()
}

// key starts the next member of an object.
func (w *jsonWriter) key(k string) {
	w.elem()
	w.str(k)
	w.write(": ")
}

// keyInterface writes the key "interface-N".
func (w *jsonWriter) keyInterface(n int) {
	w.elem()
	w.buf = append(w.buf, `"interface-`...)
	w.buf = strconv.AppendInt(w.buf, int64(n), 10)
	w.buf = append(w.buf, '"', ':', ' ')
}

// str writes s quoted: as it is when it needs no escape, else through
// appendJSONString.
func (w *jsonWriter) str(s string) {
	for i := 0; i < len(s); i++ {
		if c := s[i]; c >= utf8.RuneSelf || !plainASCII[c] {
			w.buf = appendJSONString(w.buf, s)
			return
		}
	}
	w.writeByte('"')
	w.write(s)
	w.writeByte('"')
}

func (w *jsonWriter) int(n int) { w.buf = strconv.AppendInt(w.buf, int64(n), 10) }
func (w *jsonWriter) null()     { w.write("null") }

const hexDigits = "0123456789abcdef"

// plainASCII marks the bytes below utf8.RuneSelf that appendJSONString
// copies as they are.
var plainASCII = func() (t [utf8.RuneSelf]bool) {
	for c := 0x20; c < utf8.RuneSelf; c++ {
		t[c] = c != '"' && c != '\\' && c != '<' && c != '>' && c != '&'
	}
	return t
}()

// appendJSONString quotes s as encoding/json does by default: HTML
// characters, control characters, U+2028 and U+2029 escaped, invalid
// UTF-8 replaced.
func appendJSONString(b []byte, s string) []byte {
	b = append(b, '"')
	start := 0
	for i := 0; i < len(s); {
		c := s[i]
		if c < utf8.RuneSelf {
			if plainASCII[c] {
				i++
				continue
			}
			b = append(b, s[start:i]...)
			switch c {
			case '"', '\\':
				b = append(b, '\\', c)
			case '\n':
				b = append(b, '\\', 'n')
			case '\r':
				b = append(b, '\\', 'r')
			case '\t':
				b = append(b, '\\', 't')
			case '\b':
				b = append(b, '\\', 'b')
			case '\f':
				b = append(b, '\\', 'f')
			default:
				b = append(b, '\\', 'u', '0', '0', hexDigits[c>>4], hexDigits[c&0xf])
			}
			i++
			start = i
			continue
		}
		r, size := utf8.DecodeRuneInString(s[i:])
		if r == utf8.RuneError && size == 1 {
			b = append(b, s[start:i]...)
			b = append(b, `\ufffd`...)
			i += size
			start = i
			continue
		}
		if r == '\u2028' || r == '\u2029' {
			b = append(b, s[start:i]...)
			b = append(b, '\\', 'u', '2', '0', '2', hexDigits[r&0xf])
			i += size
			start = i
			continue
		}
		i += size
	}
	b = append(b, s[start:]...)
	return append(b, '"')
}
