package parser

import (
	"github.com/wasifill/wasifill/witparse/ast"
	"github.com/wasifill/wasifill/witparse/scanner"
	"github.com/wasifill/wasifill/witparse/token"
)

// file parses a whole file: an optional package header, then top-level
// items and nested packages.
func (p *parser) file() *ast.File {
	f := &ast.File{Name: p.tokFile.Name()}
	func() {
		defer p.recoverItem()
		docs := p.docs()
		attrs := p.attrsAfterDocs(docs)
		if p.is(scanner.Package) {
			kw := p.tok.Start
			name := p.packageName()
			if !p.is(scanner.Semicolon) {
				if len(attrs.Gates) > 0 {
					p.errorAt(kw, "cannot place attributes on nested packages")
					panic(bailout{})
				}
				// The file has no header; this is a nested package.
				if !p.is(scanner.LBrace) {
					p.fail("expected '{', found %s", p.describe())
				}
				p.pkgDepth++
				f.Nested = append(f.Nested, p.nestedBody(attrs, name))
				p.pkgDepth--
				return
			}
			p.expect(scanner.Semicolon)
			f.Docs, f.Package = docs, name
			return
		}
		p.topItem(attrs, &f.Items, &f.Nested, true)
	}()
	for !p.is(scanner.EOF) {
		before := p.tok.Start
		func() {
			defer p.recoverItem()
			p.topItem(p.attrs(), &f.Items, &f.Nested, true)
		}()
		if p.tok.Start == before && !p.is(scanner.EOF) {
			p.syncTop()
		}
	}
	return f
}

// topItem parses one top-level item (or, at file level, a nested package)
// whose attributes were already read.
func (p *parser) topItem(attrs ast.Attrs, items *[]ast.Item, nested *[]*ast.NestedPackage, fileLevel bool) {
	switch p.tok.Kind {
	case scanner.EOF:
		return
	case scanner.Interface:
		*items = append(*items, p.interfaceItem(attrs))
	case scanner.World:
		*items = append(*items, p.world(attrs))
	case scanner.Use:
		*items = append(*items, p.topUse(attrs))
	case scanner.Package:
		if len(attrs.Gates) > 0 {
			p.fail("cannot place attributes on nested packages")
		}
		if p.pkgDepth >= maxDepth {
			p.fail("package nesting too deep")
		}
		name := p.packageName()
		if !p.is(scanner.LBrace) {
			p.fail("expected '{', found %s", p.describe())
		}
		p.pkgDepth++
		body := p.nestedBody(attrs, name)
		p.pkgDepth--
		if !fileLevel {
			// wit-parser parses it, then refuses it.
			p.late.Add(p.fset.NewError(name.Namespace.Pos, "nested packages must be placed at the top-level"))
			return
		}
		*nested = append(*nested, body)
	default:
		p.fail("expected `world`, `interface` or `use`, found %s", p.describe())
	}
}

func (p *parser) nestedBody(attrs ast.Attrs, name *ast.PackageName) *ast.NestedPackage {
	n := &ast.NestedPackage{Attrs: attrs, Name: name}
	p.expect(scanner.LBrace)
	p.eachItem("`world`, `interface` or `use`", func() { p.topItem(p.attrs(), &n.Items, nil, false) })
	p.expect(scanner.RBrace)
	return n
}

// attrs reads docs and gates before an item.
func (p *parser) attrs() ast.Attrs { return p.attrsAfterDocs(p.docs()) }

func (p *parser) attrsAfterDocs(docs ast.Docs) ast.Attrs {
	a := ast.Attrs{Docs: docs}
	for p.is(scanner.At) {
		a.Gates = append(a.Gates, p.gate())
	}
	return a
}

// gate reads @since(version = V), @unstable(feature = F) or
// @deprecated(version = V).
func (p *parser) gate() *ast.Gate {
	at := p.tok.Start
	p.expect(scanner.At)
	name := p.ident()
	g := &ast.Gate{Pos: p.pos(at)}
	want := "version"
	switch name.Name {
	case "since":
		g.Kind = ast.Since
	case "deprecated":
		g.Kind = ast.Deprecated
	case "unstable":
		g.Kind, want = ast.Unstable, "feature"
	default:
		p.errorAt(p.tokFile.Offset(name.Pos), "unknown attribute `%s`", name.Name)
		panic(bailout{})
	}
	p.expect(scanner.LParen)
	field := p.ident()
	if field.Name != want {
		p.errorAt(p.tokFile.Offset(field.Pos), "expected `%s`, found `%s`", want, field.Name)
		panic(bailout{})
	}
	p.expect(scanner.Equals)
	if g.Kind == ast.Unstable {
		f := p.ident()
		g.Feature = &f
	} else {
		g.Version = p.version()
	}
	p.expect(scanner.RParen)
	return g
}

// packageName reads `package ns:name@version` after the keyword.
func (p *parser) packageName() *ast.PackageName {
	start := p.tok.Start
	p.expect(scanner.Package)
	n := &ast.PackageName{Pos: p.pos(start)}
	n.Namespace = p.ident()
	p.expect(scanner.Colon)
	n.Name = p.ident()
	if p.eat(scanner.At) {
		n.Version = p.version()
	}
	return n
}

// usePath reads `name` or `ns:pkg/iface@version`.
func (p *parser) usePath() ast.UsePath {
	start := p.tok.Start
	first := p.ident()
	if !p.is(scanner.Colon) {
		return ast.UsePath{Pos: p.pos(start), Interface: first}
	}
	p.next()
	return p.finishPackagePath(p.pos(start), first, p.ident())
}

// finishPackagePath reads `/iface@version` after `ns:name`.
func (p *parser) finishPackagePath(start token.Pos, ns, name ast.Ident) ast.UsePath {
	pkg := &ast.PackageName{Pos: start, Namespace: ns, Name: name}
	p.expect(scanner.Slash)
	iface := p.ident()
	if p.eat(scanner.At) {
		pkg.Version = p.version()
	}
	return ast.UsePath{Pos: start, Package: pkg, Interface: iface}
}

func (p *parser) topUse(attrs ast.Attrs) *ast.Use {
	if len(attrs.Gates) > 0 {
		// wit-parser refuses it after parsing.
		p.late.Add(p.fset.NewError(p.pos(p.tok.Start), "attributes not allowed on top-level use"))
	}
	p.expect(scanner.Use)
	u := &ast.Use{Attrs: attrs, Path: p.usePath()}
	if p.eat(scanner.As) {
		as := p.ident()
		u.As = &as
	}
	p.expect(scanner.Semicolon)
	return u
}

// useNames reads `use path.{a, b as c};`.
func (p *parser) useNames(attrs ast.Attrs) *ast.UseNames {
	p.expect(scanner.Use)
	u := &ast.UseNames{Attrs: attrs, Path: p.usePath()}
	p.expect(scanner.Period)
	p.expect(scanner.LBrace)
	for !p.is(scanner.RBrace) {
		n := ast.UseName{Name: p.ident()}
		if p.eat(scanner.As) {
			as := p.ident()
			n.As = &as
		}
		u.Names = append(u.Names, n)
		if !p.eat(scanner.Comma) {
			break
		}
	}
	p.expect(scanner.RBrace)
	p.expect(scanner.Semicolon)
	return u
}

func (p *parser) interfaceItem(attrs ast.Attrs) *ast.Interface {
	p.expect(scanner.Interface)
	i := &ast.Interface{Attrs: attrs, Name: p.ident()}
	i.Items = p.interfaceBody()
	return i
}

// interfaceBody reads `{ items }`, recovering from errors item by item.
func (p *parser) interfaceBody() []ast.InterfaceItem {
	p.enter()
	defer p.leave()
	p.expect(scanner.LBrace)
	var items []ast.InterfaceItem
	p.eachItem("`type`, `resource` or `func`", func() {
		attrs := p.attrs()
		switch p.tok.Kind {
		case scanner.Use:
			items = append(items, p.useNames(attrs))
		case scanner.Type, scanner.Record, scanner.Variant, scanner.Enum, scanner.Flags, scanner.Resource:
			items = append(items, p.typeDef(attrs))
		default:
			items = append(items, p.namedFunc(attrs, ast.Freestanding))
		}
	})
	p.expect(scanner.RBrace)
	return items
}

// eachItem parses items up to a closing '}', recovering from a syntax
// error in one item by skipping to the next. The end of the file instead
// of an item is an error saying what an item starts with (want).
func (p *parser) eachItem(want string, parse func()) {
	for !p.is(scanner.RBrace) && !p.is(scanner.EOF) {
		before := p.tok.Start
		func() {
			defer p.recoverItem()
			parse()
		}()
		if p.tok.Start == before {
			p.syncItem()
		}
	}
	if p.is(scanner.EOF) {
		p.fail("expected %s, found %s", want, p.describe())
	}
}

// syncTop skips to the next token that can start a top-level item at
// brace depth zero, after an error.
func (p *parser) syncTop() { p.sync(true) }

// syncItem skips past the current item inside a body: to just after the
// next ';' or balanced '}' at this depth, or to the body's closing '}'.
func (p *parser) syncItem() { p.sync(false) }

// sync skips tokens after an error, tracking brace depth: a balanced '}'
// back at depth zero ends it just after that brace. At the top level a
// token that starts an item ends it before that token (and a stray '}'
// is skipped); inside a body a ';' ends it just after, and the body's own
// closing '}' ends it before.
func (p *parser) sync(topLevel bool) {
	depth := 0
	for !p.is(scanner.EOF) {
		switch k := p.tok.Kind; {
		case k == scanner.LBrace:
			depth++
		case k == scanner.RBrace:
			if depth == 0 && !topLevel {
				return
			}
			depth--
			if depth <= 0 {
				p.next()
				return
			}
		case depth == 0 && topLevel && startsTopItem(k):
			return
		case depth == 0 && !topLevel && k == scanner.Semicolon:
			p.next()
			return
		}
		p.next()
	}
}

func startsTopItem(k scanner.Kind) bool {
	switch k {
	case scanner.Interface, scanner.World, scanner.Package, scanner.At, scanner.Use:
		return true
	}
	return false
}

// namedFunc reads `name: func(...) -> T;` (or `name: static func...` in a
// resource, when kind allows it).
func (p *parser) namedFunc(attrs ast.Attrs, kind ast.FuncKind) *ast.Func {
	name := p.ident()
	p.expect(scanner.Colon)
	f := p.slabs.funcs.new()
	*f = ast.Func{Attrs: attrs, Name: name, Kind: kind}
	if kind == ast.Method && p.eat(scanner.Static) {
		f.Kind = ast.Static
	}
	p.funcType(f)
	p.expect(scanner.Semicolon)
	return f
}

// funcType reads `async? func(params) (-> T)?`.
func (p *parser) funcType(f *ast.Func) {
	f.Async = p.eat(scanner.Async)
	p.expect(scanner.Func)
	f.Params = p.params()
	if p.eat(scanner.Arrow) {
		f.Result, f.HasResult = p.typ(), true
	}
}

func (p *parser) params() []ast.Param {
	p.expect(scanner.LParen)
	start := len(p.paramBuf)
	defer func() { p.paramBuf = p.paramBuf[:start] }()
	for !p.is(scanner.RParen) {
		name := p.ident()
		p.expect(scanner.Colon)
		p.paramBuf = append(p.paramBuf, ast.Param{Name: name, Type: p.typ()})
		if !p.eat(scanner.Comma) {
			break
		}
	}
	p.expect(scanner.RParen)
	return exact(p.paramBuf[start:])
}
