package wat

import (
	"strconv"
	"unicode/utf8"
)

// Lexical rules are the WebAssembly text format's (core spec, "Lexical
// Format"): tokens are `(`, `)`, strings, identifiers (`$` and idchars) and
// keywords/numbers (idchars); `;;` line comments and nested `(; ;)` block
// comments are whitespace, and so are annotations other than `@custom` and
// `@producers` (wast skips annotations it has not registered).

type tokKind int

const (
	tEOF tokKind = iota
	tLParen
	tRParen
	tKeyword // idchars not starting with '$', including numbers and "@custom"
	tID      // "$name", text without the '$'
	tString
)

func (k tokKind) String() string {
	switch k {
	case tEOF:
		return "end of input"
	case tLParen:
		return "`(`"
	case tRParen:
		return "`)`"
	case tKeyword:
		return "keyword"
	case tID:
		return "identifier"
	case tString:
		return "string"
	}
	return "token"
}

type token struct {
	kind tokKind
	off  int
	text string // keyword or identifier text
	str  []byte // decoded string contents
}

type lexer struct {
	src []byte
	pos int
}

func isIDChar(c byte) bool {
	switch {
	case c >= '0' && c <= '9', c >= 'a' && c <= 'z', c >= 'A' && c <= 'Z':
		return true
	}
	switch c {
	case '!', '#', '$', '%', '&', '\'', '*', '+', '-', '.', '/', ':', '<', '=', '>', '?', '@', '\\', '^', '_', '`', '|', '~':
		return true
	}
	return false
}

// skip skips whitespace and comments.
func (l *lexer) skip() error {
	for l.pos < len(l.src) {
		switch c := l.src[l.pos]; {
		case c == ' ' || c == '\t' || c == '\n' || c == '\r':
			l.pos++
		case c == ';' && l.pos+1 < len(l.src) && l.src[l.pos+1] == ';':
			for l.pos < len(l.src) && l.src[l.pos] != '\n' {
				l.pos++
			}
		case c == '(' && l.pos+1 < len(l.src) && l.src[l.pos+1] == ';':
			start := l.pos
			depth := 0
			for {
				if l.pos+1 >= len(l.src) {
					return &Error{Offset: start, Msg: "unterminated block comment"}
				}
				switch {
				case l.src[l.pos] == '(' && l.src[l.pos+1] == ';':
					depth++
					l.pos += 2
				case l.src[l.pos] == ';' && l.src[l.pos+1] == ')':
					depth--
					l.pos += 2
				default:
					l.pos++
				}
				if depth == 0 {
					break
				}
			}
		default:
			return nil
		}
	}
	return nil
}

// next returns the next token, skipping unregistered annotations.
func (l *lexer) next() (token, error) {
	for {
		t, err := l.raw()
		if err != nil || t.kind != tLParen || l.pos >= len(l.src) || l.src[l.pos] != '@' {
			return t, err
		}
		save := l.pos
		name, err := l.raw()
		if err != nil {
			return t, err
		}
		if name.text == "@custom" || name.text == "@producers" {
			l.pos = save
			return t, nil
		}
		// Skip the annotation: balanced parentheses to its end.
		for depth := 1; depth > 0; {
			x, err := l.raw()
			if err != nil {
				return t, err
			}
			switch x.kind {
			case tEOF:
				return t, &Error{Offset: t.off, Msg: "unterminated annotation"}
			case tLParen:
				depth++
			case tRParen:
				depth--
			}
		}
	}
}

func (l *lexer) raw() (token, error) {
	if err := l.skip(); err != nil {
		return token{}, err
	}
	if l.pos >= len(l.src) {
		return token{kind: tEOF, off: l.pos}, nil
	}
	start := l.pos
	switch c := l.src[l.pos]; {
	case c == '(':
		l.pos++
		return token{kind: tLParen, off: start}, nil
	case c == ')':
		l.pos++
		return token{kind: tRParen, off: start}, nil
	case c == '"':
		s, err := l.str()
		return token{kind: tString, off: start, str: s}, err
	case isIDChar(c):
		for l.pos < len(l.src) && isIDChar(l.src[l.pos]) {
			l.pos++
		}
		text := string(l.src[start:l.pos])
		if l.pos < len(l.src) && l.src[l.pos] == '"' {
			return token{}, &Error{Offset: start, Msg: "quoted identifiers are not supported"}
		}
		if text[0] == '$' {
			if len(text) == 1 {
				return token{}, &Error{Offset: start, Msg: "empty identifier"}
			}
			return token{kind: tID, off: start, text: text[1:]}, nil
		}
		return token{kind: tKeyword, off: start, text: text}, nil
	default:
		r, _ := utf8.DecodeRune(l.src[l.pos:])
		return token{}, &Error{Offset: start, Msg: "unexpected character " + strconv.QuoteRune(r)}
	}
}

func hexVal(c byte) (byte, bool) {
	switch {
	case c >= '0' && c <= '9':
		return c - '0', true
	case c >= 'a' && c <= 'f':
		return c - 'a' + 10, true
	case c >= 'A' && c <= 'F':
		return c - 'A' + 10, true
	}
	return 0, false
}

// str reads a string literal with its escapes (\t \n \r \" \' \\, \hh and
// \u{h+}).
func (l *lexer) str() ([]byte, error) {
	start := l.pos
	l.pos++
	var out []byte
	for {
		if l.pos >= len(l.src) {
			return nil, &Error{Offset: start, Msg: "unterminated string"}
		}
		c := l.src[l.pos]
		switch {
		case c == '"':
			l.pos++
			return out, nil
		case c == '\n' || c < 0x20 && c != '\t' || c == 0x7f:
			return nil, &Error{Offset: l.pos, Msg: "invalid character in string"}
		case c != '\\':
			out = append(out, c)
			l.pos++
			continue
		}
		esc := l.pos
		l.pos++
		if l.pos >= len(l.src) {
			return nil, &Error{Offset: start, Msg: "unterminated string"}
		}
		switch e := l.src[l.pos]; e {
		case 't':
			out = append(out, '\t')
		case 'n':
			out = append(out, '\n')
		case 'r':
			out = append(out, '\r')
		case '"', '\'', '\\':
			out = append(out, e)
		case 'u':
			if l.pos+1 >= len(l.src) || l.src[l.pos+1] != '{' {
				return nil, &Error{Offset: esc, Msg: "invalid \\u escape"}
			}
			l.pos += 2
			var v uint32
			n := 0
			for l.pos < len(l.src) && l.src[l.pos] != '}' {
				h, ok := hexVal(l.src[l.pos])
				if !ok && l.src[l.pos] == '_' && n > 0 {
					l.pos++
					continue
				}
				if !ok || v > 0x10ffff {
					return nil, &Error{Offset: esc, Msg: "invalid \\u escape"}
				}
				v = v<<4 | uint32(h)
				n++
				l.pos++
			}
			if l.pos >= len(l.src) || n == 0 || v > 0x10ffff || v >= 0xd800 && v < 0xe000 {
				return nil, &Error{Offset: esc, Msg: "invalid \\u escape"}
			}
			out = utf8.AppendRune(out, rune(v))
		default:
			h1, ok1 := hexVal(e)
			var h2 byte
			ok2 := false
			if l.pos+1 < len(l.src) {
				h2, ok2 = hexVal(l.src[l.pos+1])
			}
			if !ok1 || !ok2 {
				return nil, &Error{Offset: esc, Msg: "invalid string escape"}
			}
			out = append(out, h1<<4|h2)
			l.pos++
		}
		l.pos++
	}
}

// parseU32 reads a u32 literal: decimal or 0x hex, with `_` between digits.
func parseU32(s string) (uint32, bool) {
	base := uint64(10)
	if len(s) > 2 && s[0] == '0' && (s[1] == 'x' || s[1] == 'X') {
		base, s = 16, s[2:]
	}
	if s == "" || s[0] == '_' || s[len(s)-1] == '_' {
		return 0, false
	}
	var v uint64
	prevUnderscore := false
	for i := 0; i < len(s); i++ {
		if s[i] == '_' {
			if prevUnderscore {
				return 0, false
			}
			prevUnderscore = true
			continue
		}
		prevUnderscore = false
		d, ok := hexVal(s[i])
		if !ok || uint64(d) >= base {
			return 0, false
		}
		v = v*base + uint64(d)
		if v > 0xffffffff {
			return 0, false
		}
	}
	return uint32(v), true
}
