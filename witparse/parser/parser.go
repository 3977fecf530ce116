// Package parser turns WIT source into an ast.File, in the style of
// go/parser. Syntax errors carry file:line:col; after one, the parser skips
// to the next item and goes on, so independent errors are all reported.
package parser

import (
	"errors"
	"fmt"
	"strconv"
	"strings"

	"github.com/wasifill/wasifill/witparse/ast"
	"github.com/wasifill/wasifill/witparse/scanner"
	"github.com/wasifill/wasifill/witparse/token"
)

// maxDepth bounds nesting of types and items, so hostile input cannot
// exhaust the stack.
const maxDepth = 100

// ParseFile parses one WIT file. The error, if any, is a token.ErrorList.
// The returned file holds every item that parsed, even when there are
// errors.
func ParseFile(fset *token.FileSet, filename string, src []byte) (*ast.File, error) {
	p := newParser(fset, filename, src)
	f := p.file()
	if len(p.errs) == 0 {
		p.errs = p.late
		p.errs.Sort()
	}
	return f, p.errs.Err()
}

// ParseType parses a lone WIT type expression, as the CLI's --type flag
// takes.
func ParseType(fset *token.FileSet, filename string, src []byte) (t ast.Type, err error) {
	p := newParser(fset, filename, src)
	func() {
		defer p.recoverItem()
		t = p.typ()
		p.expect(scanner.EOF)
	}()
	return t, p.errs.Err()
}

// bailout unwinds the parser to the enclosing item after a syntax error.
type bailout struct{}

type parser struct {
	fset    *token.FileSet
	tokFile *token.File
	src     []byte
	str     string // src as one string: identifiers and comments are its substrings
	sc      *scanner.Scanner
	errs    token.ErrorList

	tok      scanner.Token // the current significant token
	comments []string      // comments between the previous token and tok
	docsPos  token.Pos
	depth    int
	pkgDepth int // nested package blocks around the current item
	tyDepth  int // type expressions around the current one
	slabs    typeSlabs
	// paramBuf, caseBuf and labelBuf collect a list before it is copied
	// out at its exact length (a stack: nested lists use its tail).
	paramBuf []ast.Param
	caseBuf  []ast.Case
	labelBuf []ast.Label
	// late are errors wit-parser finds after parsing: reported only when
	// parsing succeeded.
	late token.ErrorList
}

func newParser(fset *token.FileSet, filename string, src []byte) *parser {
	p := &parser{fset: fset, tokFile: fset.AddFile(filename, src), src: src, str: string(src), sc: scanner.New(src)}
	p.next()
	return p
}

func (p *parser) pos(offset int) token.Pos { return p.tokFile.Pos(offset) }

// errorAt records an error; it does not unwind.
func (p *parser) errorAt(offset int, format string, args ...any) {
	// One error per position: later ones there are cascades.
	pos := p.pos(offset)
	if n := len(p.errs); n > 0 && p.errs[n-1].Pos.Offset == offset && p.errs[n-1].Pos.Filename == p.tokFile.Name() {
		return
	}
	p.errs.Add(p.fset.NewError(pos, format, args...))
}

// fail records an error at the current token and unwinds to the item.
func (p *parser) fail(format string, args ...any) {
	p.errorAt(p.tok.Start, format, args...)
	panic(bailout{})
}

// recoverItem stops a bailout; other panics are bugs and go on.
func (p *parser) recoverItem() {
	if r := recover(); r != nil {
		if _, ok := r.(bailout); !ok {
			panic(r)
		}
	}
}

// next advances to the next significant token, gathering comments.
func (p *parser) next() {
	p.comments = p.comments[:0]
	p.docsPos = token.NoPos
	for {
		t, err := p.sc.Next()
		if err != nil {
			var se *scanner.Error
			if errors.As(err, &se) {
				p.errorAt(se.Offset, "%s", se.Msg)
			}
			continue
		}
		switch t.Kind {
		case scanner.Whitespace:
			continue
		case scanner.Comment:
			if p.docsPos == token.NoPos {
				p.docsPos = p.pos(t.Start)
			}
			p.comments = append(p.comments, p.str[t.Start:t.End])
			continue
		}
		p.tok = t
		return
	}
}

// text is the current token's text.
func (p *parser) text() string {
	return p.str[p.tok.Start:p.tok.End] // one copy of the file, no allocation per token
}

// describe names the current token as wasm-tools' messages do.
func (p *parser) describe() string { return describeKind(p.tok.Kind) }

func describeKind(k scanner.Kind) string {
	if k == scanner.Ident || k == scanner.ExplicitID {
		return "an identifier"
	}
	return k.String()
}

func (p *parser) is(k scanner.Kind) bool { return p.tok.Kind == k }

func (p *parser) eat(k scanner.Kind) bool {
	if p.tok.Kind == k {
		p.next()
		return true
	}
	return false
}

func (p *parser) expect(k scanner.Kind) scanner.Token {
	t := p.tok
	if t.Kind != k {
		p.fail("expected %s, found %s", k, p.describe())
	}
	p.next()
	return t
}

// docs takes the comments before the current token as an item's docs.
func (p *parser) docs() ast.Docs {
	if len(p.comments) == 0 {
		return ast.Docs{}
	}
	return ast.Docs{Pos: p.docsPos, Comments: append([]string(nil), p.comments...)}
}

// ident reads an identifier or %-escaped identifier.
func (p *parser) ident() ast.Ident {
	switch p.tok.Kind {
	case scanner.Ident:
		id := ast.Ident{Pos: p.pos(p.tok.Start), Name: p.text()}
		p.next()
		return id
	case scanner.ExplicitID:
		id := ast.Ident{Pos: p.pos(p.tok.Start), Name: p.text()[1:], Escaped: true}
		p.next()
		return id
	}
	p.fail("expected an identifier or string, found %s", p.describe())
	return ast.Ident{}
}

func (p *parser) isIdent() bool { return p.is(scanner.Ident) || p.is(scanner.ExplicitID) }

// enter guards recursion depth.
func (p *parser) enter() {
	p.depth++
	if p.depth > maxDepth {
		p.fail("nesting is deeper than %d levels", maxDepth)
	}
}

func (p *parser) leave() { p.depth-- }

// integer reads an integer token as a uint32.
func (p *parser) integer(what string) uint32 {
	t := p.tok
	if t.Kind != scanner.Integer {
		p.fail("expected %s, found %s", what, p.describe())
	}
	n, err := strconv.ParseUint(p.text(), 10, 32)
	if err != nil {
		// As Rust's u32 parsing words it.
		p.fail("invalid list size: number too large to fit in target type")
	}
	p.next()
	return uint32(n)
}

// version reads a semver after '@': MAJOR.MINOR.PATCH, then an optional
// -prerelease and +build written directly after it, read as raw source
// since they may spell things no token does ("1.0.1--", "1.0.0-11ab").
func (p *parser) version() *ast.Version {
	start := p.tok.Start
	p.expect(scanner.Integer)
	p.expect(scanner.Period)
	p.expect(scanner.Integer)
	p.expect(scanner.Period)
	if !p.is(scanner.Integer) {
		p.fail("expected an integer, found %s", p.describe())
	}
	end := p.tok.End
	if end < len(p.src) && (p.src[end] == '-' || p.src[end] == '+') {
		for end < len(p.src) && isVersionChar(p.src[end]) {
			end++
		}
		p.sc.SetOffset(end)
	}
	p.next()
	text := p.str[start:end]
	if err := validSemver(text); err != nil {
		p.errorAt(start, "%v", err)
		panic(bailout{})
	}
	return &ast.Version{Pos: p.pos(start), Text: text}
}

func isVersionChar(c byte) bool {
	return c >= '0' && c <= '9' || c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c == '.' || c == '-' || c == '+'
}

// validSemver checks a version against semver 2.0: numeric parts without
// leading zeros, non-empty dot-separated prerelease and build identifiers.
func validSemver(s string) error {
	bad := func(why string) error { return fmt.Errorf("invalid semver %q: %s", s, why) }
	core, build, hasBuild := strings.Cut(s, "+")
	core, pre, hasPre := strings.Cut(core, "-")
	for _, n := range strings.Split(core, ".") {
		if len(n) > 1 && n[0] == '0' {
			return bad("leading zero in a version number")
		}
	}
	check := func(part string, numericNoZero bool) error {
		for _, id := range strings.Split(part, ".") {
			if id == "" {
				return bad("empty identifier")
			}
			numeric := true
			for i := 0; i < len(id); i++ {
				c := id[i]
				if c == '+' {
					return bad("unexpected '+'")
				}
				if c < '0' || c > '9' {
					numeric = false
				}
			}
			if numericNoZero && numeric && len(id) > 1 && id[0] == '0' {
				return bad("leading zero in a numeric prerelease identifier")
			}
		}
		return nil
	}
	if hasPre {
		if err := check(pre, true); err != nil {
			return err
		}
	}
	if hasBuild {
		return check(build, false)
	}
	return nil
}

// slab hands out values of T carved from chunks: one allocation per chunk
// instead of one per value. Chunks start small and double up to
// maxSlabChunk, so a small file wastes little.
type slab[T any] struct {
	free []T
	next int // size of the next chunk
}

const minSlabChunk, maxSlabChunk = 4, 128

func (s *slab[T]) new() *T {
	if len(s.free) == 0 {
		s.next = min(max(2*s.next, minSlabChunk), maxSlabChunk)
		s.free = make([]T, s.next)
	}
	v := &s.free[0]
	s.free = s.free[1:]
	return v
}

// typeSlabs holds the slabs of the most frequent type expressions.
type typeSlabs struct {
	prims   slab[ast.Primitive]
	named   slab[ast.Named]
	options slab[ast.Option]
	results slab[ast.Result]
	lists   slab[ast.List]
	funcs   slab[ast.Func]
}

// exact copies a list collected in a scratch buffer; nil when empty, as
// appending to a nil slice leaves it.
func exact[T any](s []T) []T {
	if len(s) == 0 {
		return nil
	}
	return append(make([]T, 0, len(s)), s...)
}
