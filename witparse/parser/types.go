package parser

import (
	"github.com/wasifill/wasifill/witparse/ast"
	"github.com/wasifill/wasifill/witparse/scanner"
)

// typeDef reads a type, record, variant, enum, flags or resource item.
func (p *parser) typeDef(attrs ast.Attrs) *ast.TypeDef {
	kw := p.tok.Kind
	p.next()
	d := &ast.TypeDef{Attrs: attrs, Name: p.ident()}
	switch kw {
	case scanner.Type:
		d.Kind = ast.AliasDef
		p.expect(scanner.Equals)
		d.Alias = p.typ()
		p.expect(scanner.Semicolon)
	case scanner.Record:
		d.Kind = ast.RecordDef
		start := len(p.paramBuf)
		defer func() { p.paramBuf = p.paramBuf[:start] }()
		p.braced(func() {
			docs := p.docs()
			name := p.ident()
			p.expect(scanner.Colon)
			p.paramBuf = append(p.paramBuf, ast.Param{Docs: docs, Name: name, Type: p.typ()})
		})
		d.Fields = exact(p.paramBuf[start:])
	case scanner.Variant:
		d.Kind = ast.VariantDef
		start := len(p.caseBuf)
		defer func() { p.caseBuf = p.caseBuf[:start] }()
		p.braced(func() {
			c := ast.Case{Docs: p.docs(), Name: p.ident()}
			if p.eat(scanner.LParen) {
				c.Type = p.typ()
				p.expect(scanner.RParen)
			}
			p.caseBuf = append(p.caseBuf, c)
		})
		d.Cases = exact(p.caseBuf[start:])
	case scanner.Enum, scanner.Flags:
		d.Kind = ast.EnumDef
		if kw == scanner.Flags {
			d.Kind = ast.FlagsDef
		}
		start := len(p.labelBuf)
		defer func() { p.labelBuf = p.labelBuf[:start] }()
		p.braced(func() {
			p.labelBuf = append(p.labelBuf, ast.Label{Docs: p.docs(), Name: p.ident()})
		})
		d.Labels = exact(p.labelBuf[start:])
	case scanner.Resource:
		d.Kind = ast.ResourceDef
		if p.eat(scanner.Semicolon) {
			return d
		}
		d.Funcs = []*ast.Func{}
		p.expect(scanner.LBrace)
		p.eachItem("`constructor` or identifier", func() { d.Funcs = append(d.Funcs, p.resourceFunc(p.attrs())) })
		p.expect(scanner.RBrace)
	}
	return d
}

// braced reads `{ elem, elem, ... }` with an optional trailing comma.
func (p *parser) braced(elem func()) {
	p.expect(scanner.LBrace)
	for !p.is(scanner.RBrace) {
		elem()
		if !p.eat(scanner.Comma) {
			break
		}
	}
	p.expect(scanner.RBrace)
}

func (p *parser) resourceFunc(attrs ast.Attrs) *ast.Func {
	if p.is(scanner.Constructor) {
		f := &ast.Func{Attrs: attrs, Kind: ast.Constructor}
		f.Name.Pos = p.pos(p.tok.Start)
		f.Name.Name = "constructor"
		p.next()
		f.Params = p.params()
		if p.eat(scanner.Arrow) {
			f.Result, f.HasResult = p.typ(), true
		}
		p.expect(scanner.Semicolon)
		return f
	}
	if !p.isIdent() {
		p.fail("expected `constructor` or identifier, found %s", p.describe())
	}
	return p.namedFunc(attrs, ast.Method)
}

func (p *parser) world(attrs ast.Attrs) *ast.World {
	p.expect(scanner.World)
	w := &ast.World{Attrs: attrs, Name: p.ident()}
	p.expect(scanner.LBrace)
	p.eachItem("`import`, `export`, `include`, `use`, or type definition", func() { w.Items = append(w.Items, p.worldItem(p.attrs())) })
	p.expect(scanner.RBrace)
	return w
}

func (p *parser) worldItem(attrs ast.Attrs) ast.WorldItem {
	switch p.tok.Kind {
	case scanner.Import, scanner.Export:
		return p.extern(attrs)
	case scanner.Use:
		return p.useNames(attrs)
	case scanner.Include:
		return p.include(attrs)
	case scanner.Type, scanner.Record, scanner.Variant, scanner.Enum, scanner.Flags, scanner.Resource:
		return p.typeDef(attrs)
	}
	p.fail("expected `import`, `export`, `include`, `use`, or type definition, found %s", p.describe())
	return nil
}

// extern reads an import or export: `import path;`, `import name: func..;`,
// `import name: interface { .. }` or `import name: path;`.
func (p *parser) extern(attrs ast.Attrs) *ast.Extern {
	e := &ast.Extern{Attrs: attrs, Export: p.is(scanner.Export)}
	p.next()
	start := p.pos(p.tok.Start)
	first := p.ident()
	if !p.eat(scanner.Colon) {
		p.expect(scanner.Semicolon)
		e.Path = &ast.UsePath{Pos: start, Interface: first}
		return e
	}
	switch p.tok.Kind {
	case scanner.Func, scanner.Async:
		f := &ast.Func{Attrs: attrs, Name: first}
		p.funcType(f)
		p.expect(scanner.Semicolon)
		e.Label, e.Func = &first, f
		return e
	case scanner.Interface:
		p.next()
		e.Label = &first
		e.Inline = &ast.Interface{Attrs: attrs, Name: first, Items: p.interfaceBody()}
		return e
	}
	// `ns:pkg/iface` (first was the namespace) or `label: iface-path`.
	second := p.ident()
	if p.is(scanner.Slash) {
		path := p.finishPackagePath(start, first, second)
		p.expect(scanner.Semicolon)
		e.Path = &path
		return e
	}
	var impl ast.UsePath
	if p.eat(scanner.Colon) {
		impl = p.finishPackagePath(second.Pos, second, p.ident())
	} else {
		impl = ast.UsePath{Pos: second.Pos, Interface: second}
	}
	p.expect(scanner.Semicolon)
	e.Label, e.Implements = &first, &impl
	return e
}

func (p *parser) include(attrs ast.Attrs) *ast.Include {
	p.expect(scanner.Include)
	inc := &ast.Include{Attrs: attrs, Path: p.usePath()}
	if p.eat(scanner.With) {
		p.braced(func() {
			n := ast.IncludeName{Name: p.ident()}
			p.expect(scanner.As)
			n.As = p.ident()
			inc.Names = append(inc.Names, n)
		})
		return inc
	}
	p.expect(scanner.Semicolon)
	return inc
}

// primitives marks the token kinds that name primitive types.
var primitives = func() (t [256]bool) {
	for _, k := range []scanner.Kind{scanner.U8, scanner.U16, scanner.U32, scanner.U64,
		scanner.S8, scanner.S16, scanner.S32, scanner.S64,
		scanner.F32, scanner.F64, scanner.Float32, scanner.Float64,
		scanner.Char, scanner.Bool, scanner.String, scanner.ErrorContext} {
		t[k] = true
	}
	return t
}()

// typ reads a type expression.
func (p *parser) typ() ast.Type {
	if p.tyDepth >= maxDepth {
		p.fail("type nesting too deep")
	}
	p.tyDepth++
	defer func() { p.tyDepth-- }()
	pos := p.pos(p.tok.Start)
	kind := p.tok.Kind
	switch {
	case primitives[kind]:
		name := p.text()
		p.next()
		t := p.slabs.prims.new()
		t.Pos, t.Name = pos, name
		return t
	case p.isIdent():
		t := p.slabs.named.new()
		t.Name = p.ident()
		return t
	}
	p.next()
	switch kind {
	case scanner.List:
		p.expect(scanner.Less)
		l := p.slabs.lists.new()
		l.Pos, l.Elem = pos, p.typ()
		if p.eat(scanner.Comma) {
			if !p.is(scanner.Integer) {
				p.fail("expected fixed-length, found %s", p.describe())
			}
			at := p.tok.Start
			if l.Len = p.integer("fixed-length"); l.Len == 0 {
				p.errorAt(at, "invalid fixed-length list size: must be greater than 0")
			}
		}
		p.expect(scanner.Greater)
		return l
	case scanner.Map:
		p.expect(scanner.Less)
		m := &ast.Map{Pos: pos, Key: p.typ()}
		p.expect(scanner.Comma)
		m.Value = p.typ()
		p.expect(scanner.Greater)
		return m
	case scanner.Option:
		p.expect(scanner.Less)
		o := p.slabs.options.new()
		o.Pos, o.Elem = pos, p.typ()
		p.expect(scanner.Greater)
		return o
	case scanner.Result:
		r := p.slabs.results.new()
		r.Pos = pos
		if !p.eat(scanner.Less) {
			return r
		}
		if p.eat(scanner.Underscore) {
			p.expect(scanner.Comma)
			r.Err = p.typ()
		} else {
			r.Ok = p.typ()
			if p.eat(scanner.Comma) {
				r.Err = p.typ()
			}
		}
		p.expect(scanner.Greater)
		return r
	case scanner.Tuple:
		t := &ast.Tuple{Pos: pos}
		p.expect(scanner.Less)
		for !p.is(scanner.Greater) {
			t.Elems = append(t.Elems, p.typ())
			if !p.eat(scanner.Comma) {
				break
			}
		}
		p.expect(scanner.Greater)
		return t
	case scanner.Own, scanner.Borrow:
		p.expect(scanner.Less)
		h := &ast.Handle{Pos: pos, Borrow: kind == scanner.Borrow, Resource: p.ident()}
		p.expect(scanner.Greater)
		return h
	case scanner.Future:
		f := &ast.Future{Pos: pos}
		if p.eat(scanner.Less) {
			f.Elem = p.typ()
			p.expect(scanner.Greater)
		}
		return f
	case scanner.Stream:
		s := &ast.Stream{Pos: pos}
		if p.eat(scanner.Less) {
			s.Elem = p.typ()
			p.expect(scanner.Greater)
		}
		return s
	}
	p.errorAt(p.tokFile.Offset(pos), "expected a type, found %s", describeKind(kind))
	panic(bailout{})
}
