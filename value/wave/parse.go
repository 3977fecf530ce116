package wave

import (
	"math"
	"strconv"
	"unicode/utf8"

	"github.com/wasifill/wasifill/value"
)

// maxDepth bounds how deeply parsing recurses into nested values.
const maxDepth = 200

// Parse reads one WAVE value of type t from s. The whole input must be
// that value (surrounding whitespace and comments aside).
func Parse(t *value.Type, s string) (value.Value, error) {
	p := &parser{lex: lexer{src: s}}
	v, err := p.value(t, 0)
	if err != nil {
		return nil, err
	}
	if err := p.expectEOF(); err != nil {
		return nil, err
	}
	return v, nil
}

// ParseValues reads a comma-separated list of values, one per type, as in
// a function call's arguments. Trailing option-typed arguments may be
// omitted and read as none, as WAVE's function-call form allows.
func ParseValues(types []*value.Type, s string) ([]value.Value, error) {
	p := &parser{lex: lexer{src: s}}
	out := make([]value.Value, 0, len(types))
	for i, t := range types {
		tok, err := p.lex.Peek()
		if err != nil {
			return nil, err
		}
		if tok.kind == tokEOF {
			if !allOptions(types[i:]) {
				return nil, p.lex.errf(tok.off, "expected %d values, got %d", len(types), i)
			}
			for range types[i:] {
				out = append(out, value.None)
			}
			return out, nil
		}
		if i > 0 {
			if err := p.expectPunct(","); err != nil {
				return nil, err
			}
			if tok, _ := p.lex.Peek(); tok.kind == tokEOF { // trailing comma
				continue
			}
		}
		v, err := p.value(t, 0)
		if err != nil {
			return nil, err
		}
		out = append(out, v)
	}
	if tok, _ := p.lex.Peek(); tok.kind == tokPunct && tok.text == "," {
		p.lex.Next()
	}
	if err := p.expectEOF(); err != nil {
		return nil, err
	}
	return out, nil
}

func allOptions(types []*value.Type) bool {
	for _, t := range types {
		if t.Kind != value.KindOption {
			return false
		}
	}
	return true
}

type parser struct {
	lex lexer
}

func (p *parser) expectEOF() error {
	tok, err := p.lex.Next()
	if err != nil {
		return err
	}
	if tok.kind != tokEOF {
		return p.lex.errf(tok.off, "expected the end of the value, found %s", tok.describe())
	}
	return nil
}

func (p *parser) expectPunct(s string) error {
	tok, err := p.lex.Next()
	if err != nil {
		return err
	}
	if tok.kind != tokPunct || tok.text != s {
		return p.lex.errf(tok.off, "expected %q, found %s", s, tok.describe())
	}
	return nil
}

// maybePunct consumes punctuation s if it comes next.
func (p *parser) maybePunct(s string) (bool, error) {
	tok, err := p.lex.Peek()
	if err != nil {
		return false, err
	}
	if tok.kind == tokPunct && tok.text == s {
		p.lex.Next()
		return true, nil
	}
	return false, nil
}

func (p *parser) value(t *value.Type, depth int) (value.Value, error) {
	tok, err := p.lex.Peek()
	if err != nil {
		return nil, err
	}
	if depth > maxDepth {
		return nil, p.lex.errf(tok.off, "value nests deeper than %d levels", maxDepth)
	}
	switch t.Kind {
	case value.KindBool:
		p.lex.Next()
		if tok.kind == tokLabel && !tok.escaped && (tok.text == "true" || tok.text == "false") {
			return tok.text == "true", nil
		}
		return nil, p.lex.errf(tok.off, "expected true or false, found %s", tok.describe())
	case value.KindS8, value.KindS16, value.KindS32, value.KindS64,
		value.KindU8, value.KindU16, value.KindU32, value.KindU64:
		p.lex.Next()
		return integer(p, t, tok)
	case value.KindF32, value.KindF64:
		p.lex.Next()
		return float(p, t, tok)
	case value.KindChar:
		p.lex.Next()
		if tok.kind != tokChar {
			return nil, p.lex.errf(tok.off, "expected a char like 'x', found %s", tok.describe())
		}
		r, _ := utf8.DecodeRuneInString(tok.text)
		return r, nil
	case value.KindString:
		p.lex.Next()
		if tok.kind != tokString {
			return nil, p.lex.errf(tok.off, "expected a string, found %s", tok.describe())
		}
		return tok.text, nil
	case value.KindList:
		return p.list(t, depth)
	case value.KindTuple:
		return p.tuple(t, depth)
	case value.KindRecord:
		return p.record(t, depth)
	case value.KindFlags:
		return p.flags(t)
	case value.KindVariant, value.KindEnum:
		return p.cases(t, depth)
	case value.KindOption:
		return p.option(t, tok, depth)
	case value.KindResult:
		return p.result(t, tok, depth)
	case value.KindOwn, value.KindBorrow:
		return nil, p.lex.errf(tok.off, "WAVE has no syntax for resource handles (%s)", t)
	}
	return nil, p.lex.errf(tok.off, "unsupported type %s", t)
}

var intBits = map[value.Kind]int{
	value.KindS8: 8, value.KindS16: 16, value.KindS32: 32, value.KindS64: 64,
	value.KindU8: 8, value.KindU16: 16, value.KindU32: 32, value.KindU64: 64,
}

func integer(p *parser, t *value.Type, tok token) (value.Value, error) {
	if tok.kind != tokNumber {
		return nil, p.lex.errf(tok.off, "expected %s, found %s", t, tok.describe())
	}
	bits := intBits[t.Kind]
	switch t.Kind {
	case value.KindU8, value.KindU16, value.KindU32, value.KindU64:
		x, err := strconv.ParseUint(tok.text, 10, bits)
		if err != nil {
			return nil, p.lex.errf(tok.off, "%q is not a valid %s", tok.text, t)
		}
		switch t.Kind {
		case value.KindU8:
			return uint8(x), nil
		case value.KindU16:
			return uint16(x), nil
		case value.KindU32:
			return uint32(x), nil
		}
		return x, nil
	}
	x, err := strconv.ParseInt(tok.text, 10, bits)
	if err != nil {
		return nil, p.lex.errf(tok.off, "%q is not a valid %s", tok.text, t)
	}
	switch t.Kind {
	case value.KindS8:
		return int8(x), nil
	case value.KindS16:
		return int16(x), nil
	case value.KindS32:
		return int32(x), nil
	}
	return x, nil
}

func float(p *parser, t *value.Type, tok token) (value.Value, error) {
	var f float64
	switch {
	case tok.kind == tokLabel && !tok.escaped && tok.text == "nan":
		f = math.NaN()
	case tok.kind == tokLabel && !tok.escaped && tok.text == "inf":
		f = math.Inf(1)
	case tok.kind == tokNumber && tok.text == "-inf":
		f = math.Inf(-1)
	case tok.kind == tokNumber:
		bits := 64
		if t.Kind == value.KindF32 {
			bits = 32
		}
		x, err := strconv.ParseFloat(tok.text, bits)
		if err != nil {
			return nil, p.lex.errf(tok.off, "%q is not a valid %s", tok.text, t)
		}
		f = x
	default:
		return nil, p.lex.errf(tok.off, "expected %s, found %s", t, tok.describe())
	}
	if t.Kind == value.KindF32 {
		if f != f {
			return value.CanonicalNaN32, nil
		}
		return float32(f), nil
	}
	if f != f {
		return value.CanonicalNaN64, nil
	}
	return f, nil
}

// sequence reads `open v, v, ... close` with an optional trailing comma.
func (p *parser) sequence(open, close string, elem func(i int) error) error {
	if err := p.expectPunct(open); err != nil {
		return err
	}
	for i := 0; ; i++ {
		if done, err := p.maybePunct(close); err != nil || done {
			return err
		}
		if err := elem(i); err != nil {
			return err
		}
		if done, err := p.maybePunct(close); err != nil || done {
			return err
		}
		if err := p.expectPunct(","); err != nil {
			return err
		}
	}
}

func (p *parser) list(t *value.Type, depth int) (value.Value, error) {
	start, _ := p.lex.Peek()
	var out []value.Value
	err := p.sequence("[", "]", func(int) error {
		v, err := p.value(t.Elem, depth+1)
		out = append(out, v)
		return err
	})
	if err != nil {
		return nil, err
	}
	if t.Len > 0 && len(out) != int(t.Len) {
		return nil, p.lex.errf(start.off, "%s needs exactly %d elements, got %d", t, t.Len, len(out))
	}
	if t.Elem.Kind == value.KindU8 {
		b, _ := value.AsBytes(out)
		return b, nil
	}
	if out == nil {
		out = []value.Value{}
	}
	return out, nil
}

func (p *parser) tuple(t *value.Type, depth int) (value.Value, error) {
	start, _ := p.lex.Peek()
	var out []value.Value
	err := p.sequence("(", ")", func(i int) error {
		if i >= len(t.Elems) {
			tok, _ := p.lex.Peek()
			return p.lex.errf(tok.off, "%s has only %d elements", t, len(t.Elems))
		}
		v, err := p.value(t.Elems[i], depth+1)
		out = append(out, v)
		return err
	})
	if err != nil {
		return nil, err
	}
	if len(out) != len(t.Elems) {
		return nil, p.lex.errf(start.off, "%s needs %d elements, got %d", t, len(t.Elems), len(out))
	}
	return out, nil
}

func (p *parser) record(t *value.Type, depth int) (value.Value, error) {
	start, _ := p.lex.Peek()
	out := make([]value.Value, len(t.Fields))
	seen := make([]bool, len(t.Fields))
	if err := p.expectPunct("{"); err != nil {
		return nil, err
	}
	if empty, err := p.maybePunct(":"); err != nil {
		return nil, err
	} else if empty {
		if err := p.expectPunct("}"); err != nil {
			return nil, err
		}
	} else {
		for {
			if done, err := p.maybePunct("}"); err != nil {
				return nil, err
			} else if done {
				break
			}
			tok, err := p.lex.Next()
			if err != nil {
				return nil, err
			}
			if tok.kind != tokLabel {
				return nil, p.lex.errf(tok.off, "expected a field name, found %s", tok.describe())
			}
			i := fieldIndex(t, tok.text)
			if i < 0 {
				return nil, p.lex.errf(tok.off, "%s has no field %q", t, tok.text)
			}
			if seen[i] {
				return nil, p.lex.errf(tok.off, "field %q given twice", tok.text)
			}
			seen[i] = true
			if err := p.expectPunct(":"); err != nil {
				return nil, err
			}
			if out[i], err = p.value(t.Fields[i].Type, depth+1); err != nil {
				return nil, err
			}
			if done, err := p.maybePunct("}"); err != nil {
				return nil, err
			} else if done {
				break
			}
			if err := p.expectPunct(","); err != nil {
				return nil, err
			}
		}
	}
	for i, f := range t.Fields {
		if seen[i] {
			continue
		}
		if f.Type.Kind != value.KindOption {
			return nil, p.lex.errf(start.off, "%s is missing field %q", t, f.Name)
		}
		out[i] = value.None
	}
	return out, nil
}

func fieldIndex(t *value.Type, name string) int {
	for i, f := range t.Fields {
		if f.Name == name {
			return i
		}
	}
	return -1
}

func (p *parser) flags(t *value.Type) (value.Value, error) {
	out := make(value.Flags, len(t.Labels))
	err := p.sequence("{", "}", func(int) error {
		tok, err := p.lex.Next()
		if err != nil {
			return err
		}
		if tok.kind != tokLabel {
			return p.lex.errf(tok.off, "expected a flag name, found %s", tok.describe())
		}
		i := labelIndex(t.Labels, tok.text)
		if i < 0 {
			return p.lex.errf(tok.off, "%s has no flag %q", t, tok.text)
		}
		if out[i] {
			return p.lex.errf(tok.off, "flag %q given twice", tok.text)
		}
		out[i] = true
		return nil
	})
	return out, err
}

func labelIndex(labels []string, name string) int {
	for i, l := range labels {
		if l == name {
			return i
		}
	}
	return -1
}

// cases reads a variant or enum case label, with a payload for variant cases
// that have one.
func (p *parser) cases(t *value.Type, depth int) (value.Value, error) {
	tok, err := p.lex.Next()
	if err != nil {
		return nil, err
	}
	if tok.kind != tokLabel {
		return nil, p.lex.errf(tok.off, "expected a case of %s, found %s", t, tok.describe())
	}
	if keywords[tok.text] && !tok.escaped {
		return nil, p.lex.errf(tok.off, "case %q is a WAVE keyword: write %%%s", tok.text, tok.text)
	}
	if t.Kind == value.KindEnum {
		i := labelIndex(t.Labels, tok.text)
		if i < 0 {
			return nil, p.lex.errf(tok.off, "%s has no case %q", t, tok.text)
		}
		return value.Enum(i), nil
	}
	i := -1
	for j, c := range t.Cases {
		if c.Name == tok.text {
			i = j
		}
	}
	if i < 0 {
		return nil, p.lex.errf(tok.off, "%s has no case %q", t, tok.text)
	}
	payload, err := p.payload(t.Cases[i].Type, tok, depth)
	return value.Variant{Case: uint32(i), Payload: payload}, err
}

// payload reads `(v)` after a case label when the case has a payload type.
func (p *parser) payload(t *value.Type, label token, depth int) (value.Value, error) {
	if t == nil {
		if open, err := p.maybePunct("("); err != nil {
			return nil, err
		} else if open {
			return nil, p.lex.errf(label.off, "case %q has no payload", label.text)
		}
		return nil, nil
	}
	if err := p.expectPunct("("); err != nil {
		return nil, err
	}
	v, err := p.value(t, depth+1)
	if err != nil {
		return nil, err
	}
	return v, p.expectPunct(")")
}

func isWrapper(t *value.Type) bool {
	return t != nil && (t.Kind == value.KindOption || t.Kind == value.KindResult)
}

func (p *parser) option(t *value.Type, tok token, depth int) (value.Value, error) {
	if tok.kind == tokLabel && !tok.escaped {
		switch tok.text {
		case "none":
			p.lex.Next()
			return value.None, nil
		case "some":
			p.lex.Next()
			v, err := p.payload(t.Elem, tok, depth)
			return value.Some(v), err
		}
	}
	if isWrapper(t.Elem) {
		return nil, p.lex.errf(tok.off, "expected some(...) or none for %s", t)
	}
	v, err := p.value(t.Elem, depth+1)
	return value.Some(v), err
}

func (p *parser) result(t *value.Type, tok token, depth int) (value.Value, error) {
	if tok.kind == tokLabel && !tok.escaped && (tok.text == "ok" || tok.text == "err") {
		p.lex.Next()
		if tok.text == "ok" {
			v, err := p.payload(t.Ok, tok, depth)
			return value.Ok(v), err
		}
		v, err := p.payload(t.Err, tok, depth)
		return value.Err(v), err
	}
	if t.Ok == nil || isWrapper(t.Ok) {
		return nil, p.lex.errf(tok.off, "expected ok or err for %s, found %s", t, tok.describe())
	}
	v, err := p.value(t.Ok, depth+1)
	return value.Ok(v), err
}
