// Package wave reads and writes WAVE, the WebAssembly Value Encoding: the
// text form of component values that wasmtime's --invoke and wasm-tools use
// (crates/wasm-wave). wasifill uses it on the command line (`wasifill call`,
// `encode`, `decode`) and in test vectors.
//
// Parsing is typed: the WIT type decides how text is read, so `{a, b}` is a
// flags value for a flags type and an error for a record. Printing follows
// wasm-wave's writer byte for byte.
package wave

import (
	"fmt"
	"strings"
	"unicode/utf8"
)

// SyntaxError reports where WAVE text stopped making sense.
type SyntaxError struct {
	Offset int // byte offset into the input
	Msg    string
}

func (e *SyntaxError) Error() string { return fmt.Sprintf("wave: offset %d: %s", e.Offset, e.Msg) }

type tokenKind uint8

const (
	tokEOF    tokenKind = iota
	tokPunct            // one of ( ) [ ] { } : ,
	tokLabel            // a label or keyword; text excludes a leading %
	tokNumber           // a JSON-style number, possibly negative
	tokChar             // text is the decoded char
	tokString           // text is the decoded string
)

type token struct {
	kind    tokenKind
	text    string
	escaped bool // a label written with a leading %
	off     int
}

func (t token) describe() string {
	switch t.kind {
	case tokEOF:
		return "end of input"
	case tokChar:
		return "a char"
	case tokString:
		return "a string"
	case tokLabel:
		if t.escaped {
			return fmt.Sprintf("%q", "%"+t.text)
		}
	}
	return fmt.Sprintf("%q", t.text)
}

// keywords may not be used bare as variant or enum case labels.
var keywords = map[string]bool{
	"true": true, "false": true, "inf": true, "nan": true,
	"some": true, "none": true, "ok": true, "err": true,
}

type lexer struct {
	src  string
	pos  int
	peek *token
}

func (l *lexer) errf(off int, format string, args ...any) error {
	return &SyntaxError{Offset: off, Msg: fmt.Sprintf(format, args...)}
}

// skip passes over whitespace and // comments.
func (l *lexer) skip() {
	for l.pos < len(l.src) {
		c := l.src[l.pos]
		switch {
		case c == ' ' || c == '\t' || c == '\n' || c == '\r':
			l.pos++
		case strings.HasPrefix(l.src[l.pos:], "//"):
			if i := strings.IndexByte(l.src[l.pos:], '\n'); i >= 0 {
				l.pos += i + 1
			} else {
				l.pos = len(l.src)
			}
		default:
			return
		}
	}
}

// Peek returns the next token without consuming it.
func (l *lexer) Peek() (token, error) {
	if l.peek != nil {
		return *l.peek, nil
	}
	t, err := l.scan()
	if err != nil {
		return t, err
	}
	l.peek = &t
	return t, nil
}

// Next consumes and returns the next token.
func (l *lexer) Next() (token, error) {
	t, err := l.Peek()
	l.peek = nil
	return t, err
}

func (l *lexer) scan() (token, error) {
	l.skip()
	off := l.pos
	if l.pos >= len(l.src) {
		return token{kind: tokEOF, off: off}, nil
	}
	c := l.src[l.pos]
	switch {
	case strings.IndexByte("()[]{}:,", c) >= 0:
		l.pos++
		return token{kind: tokPunct, text: string(c), off: off}, nil
	case c == '-' || c >= '0' && c <= '9':
		return l.number()
	case c == '%' || isLabelStart(c):
		return l.label()
	case c == '\'':
		return l.char()
	case c == '"':
		if strings.HasPrefix(l.src[l.pos:], `"""`) {
			return l.multiline()
		}
		return l.string()
	}
	r, _ := utf8.DecodeRuneInString(l.src[l.pos:])
	return token{}, l.errf(off, "unexpected character %q", r)
}

func isLabelStart(c byte) bool { return c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' }

func isLabelChar(c byte) bool { return isLabelStart(c) || c >= '0' && c <= '9' || c == '-' }

func (l *lexer) label() (token, error) {
	off := l.pos
	escaped := l.src[l.pos] == '%'
	if escaped {
		l.pos++
	}
	start := l.pos
	for l.pos < len(l.src) && isLabelChar(l.src[l.pos]) {
		l.pos++
	}
	text := l.src[start:l.pos]
	if !validLabel(text) {
		return token{}, l.errf(off, "invalid label %q", l.src[off:l.pos])
	}
	return token{kind: tokLabel, text: text, escaped: escaped, off: off}, nil
}

// validLabel reports whether s is a kebab-case label: words of one ASCII
// letter then alphanumerics, each word all lowercase or all uppercase.
func validLabel(s string) bool {
	if s == "" {
		return false
	}
	for _, word := range strings.Split(s, "-") {
		if word == "" || !isLabelStart(word[0]) {
			return false
		}
		lower, upper := false, false
		for i := 0; i < len(word); i++ {
			switch c := word[i]; {
			case c >= 'a' && c <= 'z':
				lower = true
			case c >= 'A' && c <= 'Z':
				upper = true
			}
		}
		if lower && upper {
			return false
		}
	}
	return true
}

func (l *lexer) number() (token, error) {
	off := l.pos
	if l.src[l.pos] == '-' {
		l.pos++
		if strings.HasPrefix(l.src[l.pos:], "inf") && !l.labelContinues(l.pos+3) {
			l.pos += 3
			return token{kind: tokNumber, text: "-inf", off: off}, nil
		}
	}
	digits := func() int {
		n := 0
		for l.pos < len(l.src) && l.src[l.pos] >= '0' && l.src[l.pos] <= '9' {
			l.pos++
			n++
		}
		return n
	}
	intStart := l.pos
	if digits() == 0 {
		return token{}, l.errf(off, "invalid number")
	}
	if l.src[intStart] == '0' && l.pos-intStart > 1 {
		return token{}, l.errf(off, "invalid number %q: leading zero", l.src[off:l.pos])
	}
	if l.pos < len(l.src) && l.src[l.pos] == '.' {
		l.pos++
		if digits() == 0 {
			return token{}, l.errf(off, "invalid number %q", l.src[off:l.pos])
		}
	}
	if l.pos < len(l.src) && (l.src[l.pos] == 'e' || l.src[l.pos] == 'E') {
		l.pos++
		if l.pos < len(l.src) && (l.src[l.pos] == '+' || l.src[l.pos] == '-') {
			l.pos++
		}
		if digits() == 0 {
			return token{}, l.errf(off, "invalid number %q", l.src[off:l.pos])
		}
	}
	if l.labelContinues(l.pos) {
		return token{}, l.errf(off, "invalid number %q", l.src[off:l.pos+1])
	}
	return token{kind: tokNumber, text: l.src[off:l.pos], off: off}, nil
}

func (l *lexer) labelContinues(at int) bool { return at < len(l.src) && isLabelChar(l.src[at]) }

// escape reads one possibly escaped char at l.pos (after a quote).
func (l *lexer) escape() (rune, error) {
	off := l.pos
	r, size := utf8.DecodeRuneInString(l.src[l.pos:])
	if r == utf8.RuneError && size <= 1 {
		return 0, l.errf(off, "invalid UTF-8")
	}
	l.pos += size
	if r != '\\' {
		return r, nil
	}
	if l.pos >= len(l.src) {
		return 0, l.errf(off, "unterminated escape")
	}
	c := l.src[l.pos]
	l.pos++
	switch c {
	case '\'', '"', '\\':
		return rune(c), nil
	case 't':
		return '\t', nil
	case 'n':
		return '\n', nil
	case 'r':
		return '\r', nil
	case 'u':
		if l.pos >= len(l.src) || l.src[l.pos] != '{' {
			return 0, l.errf(off, `invalid escape: expected \u{...}`)
		}
		end := strings.IndexByte(l.src[l.pos:], '}')
		if end < 2 || end > 7 {
			return 0, l.errf(off, `invalid \u{...} escape`)
		}
		var v rune
		for _, h := range l.src[l.pos+1 : l.pos+end] {
			d := hexDigit(h)
			if d < 0 {
				return 0, l.errf(off, `invalid hex digit in \u{...} escape`)
			}
			v = v<<4 | d
		}
		l.pos += end + 1
		if v > 0x10FFFF || v >= 0xD800 && v <= 0xDFFF {
			return 0, l.errf(off, "escape \\u{%x} is not a Unicode scalar value", v)
		}
		return v, nil
	}
	return 0, l.errf(off, "invalid escape \\%c", c)
}

func hexDigit(h rune) rune {
	switch {
	case h >= '0' && h <= '9':
		return h - '0'
	case h >= 'a' && h <= 'f':
		return h - 'a' + 10
	case h >= 'A' && h <= 'F':
		return h - 'A' + 10
	}
	return -1
}

func (l *lexer) char() (token, error) {
	off := l.pos
	l.pos++
	if l.pos >= len(l.src) {
		return token{}, l.errf(off, "unterminated char")
	}
	if c := l.src[l.pos]; c == '\'' || c == '\n' {
		return token{}, l.errf(off, "a char literal needs exactly one char (escape it)")
	}
	r, err := l.escape()
	if err != nil {
		return token{}, err
	}
	if l.pos >= len(l.src) || l.src[l.pos] != '\'' {
		return token{}, l.errf(off, "a char literal needs exactly one char")
	}
	l.pos++
	return token{kind: tokChar, text: string(r), off: off}, nil
}

func (l *lexer) string() (token, error) {
	off := l.pos
	l.pos++
	var b strings.Builder
	for {
		if l.pos >= len(l.src) {
			return token{}, l.errf(off, "unterminated string")
		}
		switch l.src[l.pos] {
		case '"':
			l.pos++
			return token{kind: tokString, text: b.String(), off: off}, nil
		case '\n':
			return token{}, l.errf(l.pos, "newline in string (escape it as \\n)")
		}
		r, err := l.escape()
		if err != nil {
			return token{}, err
		}
		b.WriteRune(r)
	}
}

// multiline reads a """ string: its indent is the spaces before the closing
// delimiter, removed from every line.
func (l *lexer) multiline() (token, error) {
	off := l.pos
	l.pos += 3
	switch {
	case strings.HasPrefix(l.src[l.pos:], "\r\n"):
		l.pos += 2
	case strings.HasPrefix(l.src[l.pos:], "\n"):
		l.pos++
	default:
		return token{}, l.errf(off, `a multiline string must start with """ and a line break`)
	}
	end := strings.Index(l.src[l.pos:], `"""`)
	for end > 0 && l.src[l.pos+end-1] == '\\' { // an escaped quote breaks up the triplet
		next := strings.Index(l.src[l.pos+end+1:], `"""`)
		if next < 0 {
			end = -1
			break
		}
		end += next + 1
	}
	if end < 0 {
		return token{}, l.errf(off, "unterminated multiline string")
	}
	body := l.src[l.pos : l.pos+end]
	lastNL := strings.LastIndexByte(body, '\n')
	if lastNL < 0 || strings.Trim(body[lastNL+1:], " ") != "" {
		return token{}, l.errf(off, `a multiline string must end with a line break, spaces and """`)
	}
	indent := len(body) - lastNL - 1
	lines := strings.Split(strings.TrimSuffix(body[:lastNL], "\r"), "\n")
	var b strings.Builder
	sub := lexer{}
	for i, line := range lines {
		line = strings.TrimSuffix(line, "\r")
		if strings.Trim(line, " ") != "" || len(line) >= indent {
			if len(line) < indent || strings.Trim(line[:indent], " ") != "" {
				return token{}, l.errf(off, "multiline string line %d is indented less than its closing delimiter", i+1)
			}
			line = line[indent:]
		} else {
			line = ""
		}
		if i > 0 {
			b.WriteByte('\n')
		}
		sub.src, sub.pos = line, 0
		for sub.pos < len(line) {
			r, err := sub.escape()
			if err != nil {
				return token{}, l.errf(off, "multiline string: %v", err)
			}
			b.WriteRune(r)
		}
	}
	l.pos += end + 3
	return token{kind: tokString, text: b.String(), off: off}, nil
}
