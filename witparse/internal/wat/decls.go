package wat

import "github.com/wasifill/wasifill/internal/wasmbin"

// typeDecls reads the declarators of a component or instance type up to
// its `)`.
func (p *parser) typeDecls(kind byte) ([]*decl, error) {
	var out []*decl
	for p.tok.kind == tLParen {
		off := p.tok.off
		kw := p.peekKeyword()
		var d *decl
		var err error
		switch kw {
		case "type":
			d, err = p.typeField(false)
		case "alias":
			d, err = p.aliasField()
		case "import":
			if kind == wasmbin.TypeInstance {
				return nil, p.errf(off, "an instance type cannot import")
			}
			d, err = p.importField()
		case "export":
			d, err = p.exportDecl()
		case "core":
			return nil, p.notSupported(off, "a core type")
		default:
			return nil, p.errf(off, "expected a type, alias, import or export declarator, found `%s`", kw)
		}
		if err != nil {
			return nil, err
		}
		out = append(out, d)
	}
	return out, nil
}

// typeField reads `(type $id? (export "n")* def)`.
func (p *parser) typeField(top bool) (*decl, error) {
	d := &decl{off: p.tok.off, kind: dType}
	if err := p.open("type"); err != nil {
		return nil, err
	}
	var err error
	if d.id, err = p.optID(); err != nil {
		return nil, err
	}
	for top && p.peekKeyword() == "export" {
		if err := p.open("export"); err != nil {
			return nil, err
		}
		n, err := p.externName()
		if err != nil {
			return nil, err
		}
		d.exported = append(d.exported, n)
		if err := p.close(); err != nil {
			return nil, err
		}
	}
	if d.ty, err = p.typeDef(d.id); err != nil {
		return nil, err
	}
	return d, p.close()
}

// aliasField reads `(alias outer N M (sort $id?))` or
// `(alias export I "name" (sort $id?))`.
func (p *parser) aliasField() (*decl, error) {
	d := &decl{off: p.tok.off, kind: dAlias, alias: &aliasDef{}}
	if err := p.open("alias"); err != nil {
		return nil, err
	}
	a := d.alias
	var err error
	switch {
	case p.isKeyword("outer"):
		a.outer = true
		if err = p.advance(); err != nil {
			return nil, err
		}
		if a.count, err = p.index(); err != nil {
			return nil, err
		}
		if a.idx, err = p.index(); err != nil {
			return nil, err
		}
	case p.isKeyword("export"):
		if err = p.advance(); err != nil {
			return nil, err
		}
		if a.inst, err = p.index(); err != nil {
			return nil, err
		}
		if a.name, err = p.name(); err != nil {
			return nil, err
		}
	case p.isKeyword("core"):
		return nil, p.notSupported(p.tok.off, "a core export alias")
	default:
		return nil, p.unexpected("`outer` or `export`")
	}
	sortOff := p.tok.off
	if err = p.open(""); err != nil {
		return nil, err
	}
	if a.sort, err = p.sort(); err != nil {
		return nil, err
	}
	if a.sort.IsCore() {
		return nil, p.notSupported(sortOff, "a core alias")
	}
	if d.id, err = p.optID(); err != nil {
		return nil, err
	}
	if err = p.close(); err != nil {
		return nil, err
	}
	return d, p.close()
}

func (p *parser) sort() (wasmbin.Sort, error) {
	off := p.tok.off
	switch p.peekSelf() {
	case "type":
		return wasmbin.SortType, p.advance()
	case "func":
		return wasmbin.SortFunc, p.advance()
	case "instance":
		return wasmbin.SortInstance, p.advance()
	case "component":
		return wasmbin.SortComponent, p.advance()
	case "value":
		return wasmbin.SortValue, p.advance()
	case "core":
		if err := p.advance(); err != nil {
			return 0, err
		}
		return wasmbin.SortCoreModule, p.notSupported(off, "a core sort")
	}
	return 0, p.unexpected("a sort (type, func, instance, component)")
}

func (p *parser) importField() (*decl, error) {
	d := &decl{off: p.tok.off, kind: dImport}
	if err := p.open("import"); err != nil {
		return nil, err
	}
	var err error
	if d.name, err = p.externName(); err != nil {
		return nil, err
	}
	if d.sig, err = p.itemSig("", true); err != nil {
		return nil, err
	}
	return d, p.close()
}

// exportDecl reads an export declarator: `(export $id? "name" desc)`.
func (p *parser) exportDecl() (*decl, error) {
	d := &decl{off: p.tok.off, kind: dExport}
	if err := p.open("export"); err != nil {
		return nil, err
	}
	id, err := p.optID()
	if err != nil {
		return nil, err
	}
	if d.name, err = p.externName(); err != nil {
		return nil, err
	}
	if d.sig, err = p.itemSig(id, false); err != nil {
		return nil, err
	}
	return d, p.close()
}

// itemSig reads `(func|instance|component|type $id? ...)`; an export
// declarator names the item before its name instead (ownID false), as in
// wast.
func (p *parser) itemSig(id string, ownID bool) (*itemSig, error) {
	s := &itemSig{off: p.tok.off}
	if err := p.open(""); err != nil {
		return nil, err
	}
	kw := p.peekSelf()
	switch kw {
	case "func":
		s.kind = wasmbin.ExternTypeFunc
	case "instance":
		s.kind = wasmbin.ExternTypeInstance
	case "component":
		s.kind = wasmbin.ExternTypeComponent
	case "type":
		s.kind = wasmbin.ExternTypeType
	case "value":
		return nil, p.notSupported(p.tok.off, "a value import or export")
	case "core":
		return nil, p.notSupported(p.tok.off, "a core module import or export")
	default:
		return nil, p.unexpected("func, instance, component or type")
	}
	if err := p.advance(); err != nil {
		return nil, err
	}
	s.id = id
	var err error
	if ownID {
		if s.id, err = p.optID(); err != nil {
			return nil, err
		}
	}
	if s.kind == wasmbin.ExternTypeType {
		boundOff := p.tok.off
		if err := p.open(""); err != nil {
			return nil, err
		}
		switch {
		case p.isKeyword("eq"):
			if err := p.advance(); err != nil {
				return nil, err
			}
			ix, err := p.index()
			if err != nil {
				return nil, err
			}
			s.eq = &ix
		case p.isKeyword("sub"):
			if err := p.advance(); err != nil {
				return nil, err
			}
			if err := p.keyword("resource"); err != nil {
				return nil, err
			}
		default:
			return nil, p.errf(boundOff, "expected a type bound, `(eq ...)` or `(sub resource)`")
		}
		if err := p.close(); err != nil {
			return nil, err
		}
		return s, p.close()
	}
	if p.isTypeUse() {
		if err := p.open("type"); err != nil {
			return nil, err
		}
		ix, err := p.index()
		if err != nil {
			return nil, err
		}
		if p.tok.kind == tString {
			return nil, p.notSupported(p.tok.off, "a reference through an instance export")
		}
		s.use = &ix
		if err := p.close(); err != nil {
			return nil, err
		}
		return s, p.close()
	}
	// An inline type.
	d := &defType{off: s.off}
	switch s.kind {
	case wasmbin.ExternTypeFunc:
		d.kind = wasmbin.TypeFunc
		err = p.funcBody(d)
	case wasmbin.ExternTypeInstance:
		d.kind = wasmbin.TypeInstance
		d.decls, err = p.typeDecls(d.kind)
	case wasmbin.ExternTypeComponent:
		d.kind = wasmbin.TypeComponent
		d.decls, err = p.typeDecls(d.kind)
	}
	if err != nil {
		return nil, err
	}
	s.inline = d
	return s, p.close()
}
