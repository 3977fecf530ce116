// Package scanner splits WIT source into tokens, as wasm-tools' WIT lexer
// does: keywords, kebab-case identifiers (validated), %-escaped explicit
// identifiers, integers, punctuation and comments.
package scanner

import (
	"fmt"
	"unicode"
	"unicode/utf8"
)

// Kind is the kind of a token.
type Kind uint8

// Token kinds. Keywords have their own kinds, from Use on.
const (
	EOF Kind = iota
	Whitespace
	Comment
	Ident      // a kebab-case identifier
	ExplicitID // %name: an identifier that may spell a keyword
	Integer
	Equals
	Comma
	Colon
	Period
	Semicolon
	LParen
	RParen
	LBrace
	RBrace
	Less
	Greater
	Arrow // ->
	Star
	At
	Slash
	Plus
	Minus

	keywordStart
	Use
	Type
	Func
	U8
	U16
	U32
	U64
	S8
	S16
	S32
	S64
	F32
	F64
	Float32
	Float64
	Char
	Resource
	Own
	Borrow
	Record
	Flags
	Variant
	Enum
	Bool
	String
	Option
	Result
	Future
	Stream
	ErrorContext
	List
	Map
	Underscore
	As
	From
	Static
	Interface
	Tuple
	Import
	Export
	World
	Package
	Constructor
	Async
	Include
	With
	keywordEnd
)

// keywords indexes the keywords by length and first byte ('_' and the
// lower-case letters): a lookup compares the few candidates in one
// bucket, without hashing the identifier.
var keywords [maxKeywordLen + 1][27][]Kind

// maxKeywordLen is the length of the longest keyword, error-context.
const maxKeywordLen = 13

func keywordBucket(first byte) int {
	if first == '_' {
		return 26
	}
	return int(first - 'a')
}

var names = [...]string{
	EOF: "eof", Whitespace: "whitespace", Comment: "a comment", Ident: "an identifier", ExplicitID: "an identifier",
	Integer: "an integer", Equals: "'='", Comma: "','", Colon: "':'", Period: "'.'", Semicolon: "';'",
	LParen: "'('", RParen: "')'", LBrace: "'{'", RBrace: "'}'", Less: "'<'", Greater: "'>'", Arrow: "'->'",
	Star: "'*'", At: "'@'", Slash: "'/'", Plus: "'+'", Minus: "'-'",
	Use: "use", Type: "type", Func: "func", U8: "u8", U16: "u16", U32: "u32", U64: "u64", S8: "s8", S16: "s16",
	S32: "s32", S64: "s64", F32: "f32", F64: "f64", Float32: "float32", Float64: "float64", Char: "char",
	Resource: "resource", Own: "own", Borrow: "borrow", Record: "record", Flags: "flags", Variant: "variant",
	Enum: "enum", Bool: "bool", String: "string", Option: "option", Result: "result", Future: "future",
	Stream: "stream", ErrorContext: "error-context", List: "list", Map: "map", Underscore: "_", As: "as",
	From: "from", Static: "static", Interface: "interface", Tuple: "tuple", Import: "import", Export: "export",
	World: "world", Package: "package", Constructor: "constructor", Async: "async", Include: "include",
	With: "with",
}

func init() {
	for k := keywordStart + 1; k < keywordEnd; k++ {
		n := names[k]
		b := &keywords[len(n)][keywordBucket(n[0])]
		*b = append(*b, k)
	}
}

// IsKeyword reports whether k is a keyword.
func (k Kind) IsKeyword() bool { return k > keywordStart && k < keywordEnd }

// String describes k as wasm-tools' messages do: "keyword `type`", "'>'",
// "an identifier".
func (k Kind) String() string {
	if k.IsKeyword() {
		return "keyword `" + names[k] + "`"
	}
	if int(k) < len(names) && names[k] != "" {
		return names[k]
	}
	return fmt.Sprintf("token(%d)", uint8(k))
}

// Keyword returns the keyword spelled s, if s is one.
func Keyword(s string) (Kind, bool) { return keyword(s) }

// keyword looks s up; T is a string or a byte slice (compared without a
// copy).
func keyword[T string | []byte](s T) (Kind, bool) {
	if len(s) == 0 || len(s) > maxKeywordLen {
		return 0, false
	}
	c := s[0]
	if (c < 'a' || c > 'z') && c != '_' {
		return 0, false
	}
	for _, k := range keywords[len(s)][keywordBucket(c)] {
		if string(s) == names[k] {
			return k, true
		}
	}
	return 0, false
}

// Token is one token: its kind and byte range in the source.
type Token struct {
	Kind       Kind
	Start, End int
}

// Error is a lexical error at a byte offset.
type Error struct {
	Offset int
	Msg    string
}

func (e *Error) Error() string { return e.Msg }

// Scanner produces the tokens of one source file.
type Scanner struct {
	src []byte
	pos int
}

// New returns a scanner over src.
func New(src []byte) *Scanner { return &Scanner{src: src} }

// SetOffset moves the scanner to a byte offset, for callers that read a
// stretch of source (a semver suffix) themselves.
func (s *Scanner) SetOffset(off int) { s.pos = max(0, min(off, len(s.src))) }

// Offset returns the scanner's byte offset.
func (s *Scanner) Offset() int { return s.pos }

// Next returns the next token, including whitespace and comments. After an
// error the scanner has moved past the offending text, so scanning can go
// on.
func (s *Scanner) Next() (Token, error) {
	start := s.pos
	if s.pos >= len(s.src) {
		return Token{Kind: EOF, Start: start, End: start}, nil
	}
	r, size := rune(s.src[s.pos]), 1
	if r >= utf8.RuneSelf {
		r, size = utf8.DecodeRune(s.src[s.pos:])
	}
	tok := func(k Kind, n int) (Token, error) {
		s.pos += n
		return Token{Kind: k, Start: start, End: s.pos}, nil
	}
	switch {
	case r == ' ' || r == '\t' || r == '\n' || r == '\r':
		for s.pos < len(s.src) && (s.src[s.pos] == ' ' || s.src[s.pos] == '\t' || s.src[s.pos] == '\n' || s.src[s.pos] == '\r') {
			s.pos++
		}
		return Token{Kind: Whitespace, Start: start, End: s.pos}, nil
	case r == '/' && s.peekByte(1) == '/':
		for s.pos < len(s.src) && s.src[s.pos] != '\n' {
			s.pos++
		}
		return Token{Kind: Comment, Start: start, End: s.pos}, nil
	case r == '/' && s.peekByte(1) == '*':
		return s.blockComment()
	case r == '=':
		return tok(Equals, 1)
	case r == ',':
		return tok(Comma, 1)
	case r == ':':
		return tok(Colon, 1)
	case r == '.':
		return tok(Period, 1)
	case r == ';':
		return tok(Semicolon, 1)
	case r == '(':
		return tok(LParen, 1)
	case r == ')':
		return tok(RParen, 1)
	case r == '{':
		return tok(LBrace, 1)
	case r == '}':
		return tok(RBrace, 1)
	case r == '<':
		return tok(Less, 1)
	case r == '>':
		return tok(Greater, 1)
	case r == '*':
		return tok(Star, 1)
	case r == '@':
		return tok(At, 1)
	case r == '/':
		return tok(Slash, 1)
	case r == '+':
		return tok(Plus, 1)
	case r == '-' && s.peekByte(1) == '>':
		return tok(Arrow, 2)
	case r == '-':
		return tok(Minus, 1)
	case r == '%':
		s.pos++
		idStart := s.pos
		s.keylike()
		if err := ValidateID(string(s.src[idStart:s.pos])); err != nil {
			return Token{}, &Error{Offset: start, Msg: err.Error()}
		}
		return Token{Kind: ExplicitID, Start: start, End: s.pos}, nil
	case r >= '0' && r <= '9':
		for s.pos < len(s.src) && s.src[s.pos] >= '0' && s.src[s.pos] <= '9' {
			s.pos++
		}
		return Token{Kind: Integer, Start: start, End: s.pos}, nil
	case isKeylikeStart(r):
		s.keylike()
		text := s.src[start:s.pos]
		if k, ok := keyword(text); ok {
			return Token{Kind: k, Start: start, End: s.pos}, nil
		}
		if err := validateID(text); err != nil {
			return Token{}, &Error{Offset: start, Msg: err.Error()}
		}
		return Token{Kind: Ident, Start: start, End: s.pos}, nil
	}
	s.pos += size
	if r == utf8.RuneError && size <= 1 {
		return Token{}, &Error{Offset: start, Msg: "invalid UTF-8 in the source"}
	}
	return Token{}, &Error{Offset: start, Msg: fmt.Sprintf("unexpected character %q", r)}
}

func (s *Scanner) peekByte(n int) byte {
	if s.pos+n < len(s.src) {
		return s.src[s.pos+n]
	}
	return 0
}

func (s *Scanner) blockComment() (Token, error) {
	start := s.pos
	s.pos += 2
	depth := 1
	for depth > 0 {
		if s.pos+1 >= len(s.src) {
			s.pos = len(s.src)
			return Token{}, &Error{Offset: start, Msg: "unterminated block comment"}
		}
		switch {
		case s.src[s.pos] == '/' && s.src[s.pos+1] == '*':
			depth++
			s.pos += 2
		case s.src[s.pos] == '*' && s.src[s.pos+1] == '/':
			depth--
			s.pos += 2
		default:
			s.pos++
		}
	}
	return Token{Kind: Comment, Start: start, End: s.pos}, nil
}

// keylike consumes identifier-like characters: letters, digits, '_' and
// '-'; what is not a valid identifier is diagnosed afterwards.
func (s *Scanner) keylike() {
	for s.pos < len(s.src) {
		if c := s.src[s.pos]; c < utf8.RuneSelf {
			if !asciiKeylike[c] {
				return
			}
			s.pos++
			continue
		}
		r, size := utf8.DecodeRune(s.src[s.pos:])
		if !isKeylikeContinue(r) {
			return
		}
		s.pos += size
	}
}

// asciiKeylike is isKeylikeContinue for the ASCII bytes.
var asciiKeylike = func() (t [utf8.RuneSelf]bool) {
	for c := range t {
		t[c] = isKeylikeContinue(rune(c))
	}
	return t
}()

func isKeylikeStart(r rune) bool { return unicode.IsLetter(r) || r == '_' }

func isKeylikeContinue(r rune) bool {
	return unicode.IsLetter(r) || unicode.IsDigit(r) || r == '_' || r == '-' || unicode.Is(unicode.Mn, r)
}

// ValidateID checks WIT's identifier rules: words separated by single
// '-'s, each starting with an ASCII letter and either all lowercase or all
// uppercase (digits allowed after the first letter).
func ValidateID(id string) error { return validateID(id) }

func validateID[T ~string | ~[]byte](id T) error {
	if len(id) == 0 {
		return fmt.Errorf("empty identifier")
	}
	start := 0
	for i := 0; i <= len(id); i++ {
		if i < len(id) && id[i] != '-' {
			continue
		}
		part := id[start:i]
		start = i + 1
		if len(part) == 0 {
			return fmt.Errorf("identifiers must have characters between '-'s")
		}
		upper := false
		switch c := part[0]; {
		case c >= 'a' && c <= 'z':
		case c >= 'A' && c <= 'Z':
			upper = true
		default:
			return fmt.Errorf("identifier `%s` must start with an ASCII letter in each '-'-separated part", id)
		}
		for j := 1; j < len(part); j++ {
			switch c := part[j]; {
			case c >= 'a' && c <= 'z':
				if upper {
					return fmt.Errorf("identifier `%s` must be all lowercase or all uppercase in each part", id)
				}
			case c >= 'A' && c <= 'Z':
				if !upper {
					return fmt.Errorf("identifier `%s` must be all lowercase or all uppercase in each part", id)
				}
			case c >= '0' && c <= '9':
			default:
				return fmt.Errorf("identifier `%s` has an illegal character", id)
			}
		}
	}
	return nil
}
