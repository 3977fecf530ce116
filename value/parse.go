package value

import (
	"fmt"
	"strconv"
	"strings"
	"unicode/utf8"
)

// maxTypeDepth bounds how deeply ParseType nests, so hostile input cannot
// exhaust the stack.
const maxTypeDepth = 100

// ParseError reports where a type expression stopped making sense.
type ParseError struct {
	Offset int // byte offset into the input
	Msg    string
}

func (e *ParseError) Error() string {
	return fmt.Sprintf("type expression: offset %d: %s", e.Offset, e.Msg)
}

// ParseType parses a WIT type expression: primitives, list<T>, list<T, N>,
// option<T>, result (all four shapes, `_` for a missing ok type), tuple<...>,
// own<R> and borrow<R>, plus the structural forms that [Type.String] prints
// for anonymous named kinds: `record { a: u8 }`, `variant { a(u8), b }`,
// `enum { x, y }` and `flags { r, w }`. Names may be %-escaped.
func ParseType(s string) (*Type, error) { return parseType(&typeParser{src: s}) }

// ParseClosedType is ParseType for an expression that names no types of
// its own: a bare name (ParseType's resource) is an error, "unknown type
// NAME"; own<R> and borrow<R> still name resources.
func ParseClosedType(s string) (*Type, error) { return parseType(&typeParser{src: s, closed: true}) }

func parseType(p *typeParser) (*Type, error) {
	t, err := p.typ(0)
	if err != nil {
		return nil, err
	}
	p.space()
	if p.pos < len(p.src) {
		return nil, p.errf("unexpected %q after the type", p.rest())
	}
	return t, nil
}

type typeParser struct {
	src    string
	pos    int
	closed bool // bare names are unknown types
}

func (p *typeParser) errf(format string, args ...any) error {
	return &ParseError{Offset: p.pos, Msg: fmt.Sprintf(format, args...)}
}

func (p *typeParser) rest() string {
	r := p.src[p.pos:]
	if len(r) > 20 {
		n := 20
		for n > 20-utf8.UTFMax && !utf8.RuneStart(r[n]) {
			n-- // never cut a character in two
		}
		r = r[:n] + "…"
	}
	return r
}

func (p *typeParser) space() {
	for p.pos < len(p.src) && strings.IndexByte(" \t\r\n", p.src[p.pos]) >= 0 {
		p.pos++
	}
}

// eat consumes the punctuation c if it comes next.
func (p *typeParser) eat(c byte) bool {
	p.space()
	if p.pos < len(p.src) && p.src[p.pos] == c {
		p.pos++
		return true
	}
	return false
}

func (p *typeParser) expect(c byte) error {
	if !p.eat(c) {
		if p.pos >= len(p.src) {
			return p.errf("expected %q, found end of input", c)
		}
		return p.errf("expected %q, found %q", c, p.rest())
	}
	return nil
}

// ident reads a kebab-case identifier, with an optional leading %.
func (p *typeParser) ident() (string, error) {
	p.space()
	start := p.pos
	if p.pos < len(p.src) && p.src[p.pos] == '%' {
		p.pos++
		start = p.pos
	}
	for p.pos < len(p.src) {
		c := p.src[p.pos]
		if c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c == '-' {
			p.pos++
			continue
		}
		break
	}
	if p.pos == start {
		if p.pos >= len(p.src) {
			return "", p.errf("expected a name, found end of input")
		}
		return "", p.errf("expected a name, found %q", p.rest())
	}
	return p.src[start:p.pos], nil
}

var primitives = map[string]*Type{
	"bool": Bool, "s8": S8, "u8": U8, "s16": S16, "u16": U16, "s32": S32, "u32": U32,
	"s64": S64, "u64": U64, "f32": F32, "f64": F64, "char": Char, "string": String,
	"float32": F32, "float64": F64,
}

func (p *typeParser) typ(depth int) (*Type, error) {
	if depth > maxTypeDepth {
		return nil, p.errf("type nests deeper than %d levels", maxTypeDepth)
	}
	escaped := p.peekEscaped()
	start := p.pos
	name, err := p.ident()
	if err != nil {
		return nil, err
	}
	if escaped {
		return p.bare(start, name)
	}
	if t, ok := primitives[name]; ok {
		return t, nil
	}
	switch name {
	case "list":
		return p.list(depth)
	case "option":
		if err := p.expect('<'); err != nil {
			return nil, err
		}
		elem, err := p.typ(depth + 1)
		if err != nil {
			return nil, err
		}
		return OptionOf(elem), p.expect('>')
	case "result":
		return p.result(depth)
	case "tuple":
		return p.tuple(depth)
	case "own", "borrow":
		if err := p.expect('<'); err != nil {
			return nil, err
		}
		res, err := p.ident()
		if err != nil {
			return nil, err
		}
		if err := p.expect('>'); err != nil {
			return nil, err
		}
		if name == "own" {
			return OwnOf(res), nil
		}
		return BorrowOf(res), nil
	case "record", "variant", "enum", "flags":
		return p.structural(name, depth)
	}
	return p.bare(start, name)
}

// bare is a bare name, which starts at start: a resource, as in WIT,
// where a resource name means own<R>; in a closed expression an error.
func (p *typeParser) bare(start int, name string) (*Type, error) {
	if p.closed {
		p.pos = start
		return nil, p.errf("unknown type %s", name)
	}
	return OwnOf(name), nil
}

func (p *typeParser) peekEscaped() bool {
	p.space()
	return p.pos < len(p.src) && p.src[p.pos] == '%'
}

func (p *typeParser) list(depth int) (*Type, error) {
	if err := p.expect('<'); err != nil {
		return nil, err
	}
	elem, err := p.typ(depth + 1)
	if err != nil {
		return nil, err
	}
	if !p.eat(',') {
		return ListOf(elem), p.expect('>')
	}
	p.space()
	start := p.pos
	for p.pos < len(p.src) && p.src[p.pos] >= '0' && p.src[p.pos] <= '9' {
		p.pos++
	}
	n, err := strconv.ParseUint(p.src[start:p.pos], 10, 32)
	if err != nil || n == 0 {
		p.pos = start
		return nil, p.errf("expected a fixed list length from 1 to %d", uint32(1<<32-1))
	}
	return FixedListOf(elem, uint32(n)), p.expect('>')
}

func (p *typeParser) result(depth int) (*Type, error) {
	if !p.eat('<') {
		return ResultOf(nil, nil), nil
	}
	var ok *Type
	if p.eat('_') {
		if !p.eat(',') {
			return nil, p.errf("expected \",\" after \"_\" in result<_, E>")
		}
	} else {
		t, err := p.typ(depth + 1)
		if err != nil {
			return nil, err
		}
		ok = t
		if !p.eat(',') {
			return ResultOf(ok, nil), p.expect('>')
		}
	}
	errType, err := p.typ(depth + 1)
	if err != nil {
		return nil, err
	}
	return ResultOf(ok, errType), p.expect('>')
}

func (p *typeParser) tuple(depth int) (*Type, error) {
	if err := p.expect('<'); err != nil {
		return nil, err
	}
	var elems []*Type
	for !p.eat('>') {
		if len(elems) > 0 {
			if err := p.expect(','); err != nil {
				return nil, err
			}
			if p.eat('>') { // trailing comma
				break
			}
		}
		t, err := p.typ(depth + 1)
		if err != nil {
			return nil, err
		}
		elems = append(elems, t)
	}
	if len(elems) == 0 {
		return nil, p.errf("a tuple needs at least one element")
	}
	return TupleOf(elems...), nil
}

// structural parses `record { a: T, ... }`, `variant { a(T), b }`,
// `enum { a, b }` and `flags { a, b }`.
func (p *typeParser) structural(kind string, depth int) (*Type, error) {
	if err := p.expect('{'); err != nil {
		return nil, err
	}
	t := &Type{}
	seen := map[string]bool{}
	for n := 0; !p.eat('}'); n++ {
		if n > 0 {
			if err := p.expect(','); err != nil {
				return nil, err
			}
			if p.eat('}') {
				break
			}
		}
		at := p.pos
		name, err := p.ident()
		if err != nil {
			return nil, err
		}
		if seen[name] {
			p.pos = at
			return nil, p.errf("%s has %q twice", kind, name)
		}
		seen[name] = true
		switch kind {
		case "record":
			if err := p.expect(':'); err != nil {
				return nil, err
			}
			ft, err := p.typ(depth + 1)
			if err != nil {
				return nil, err
			}
			t.Fields = append(t.Fields, Field{Name: name, Type: ft})
		case "variant":
			c := Case{Name: name}
			if p.eat('(') {
				if c.Type, err = p.typ(depth + 1); err != nil {
					return nil, err
				}
				if err := p.expect(')'); err != nil {
					return nil, err
				}
			}
			t.Cases = append(t.Cases, c)
		default:
			t.Labels = append(t.Labels, name)
		}
	}
	switch kind {
	case "record":
		t.Kind = KindRecord
		if len(t.Fields) == 0 {
			return nil, p.errf("a record needs at least one field")
		}
	case "variant":
		t.Kind = KindVariant
		if len(t.Cases) == 0 {
			return nil, p.errf("a variant needs at least one case")
		}
	case "enum":
		t.Kind = KindEnum
		if len(t.Labels) == 0 {
			return nil, p.errf("an enum needs at least one case")
		}
	default:
		t.Kind = KindFlags
	}
	return t, nil
}
