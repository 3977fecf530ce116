package wat

import (
	"fmt"
	"unicode/utf8"

	"github.com/wasifill/wasifill/internal/wasmbin"
)

// MaxDepth bounds the nesting of parentheses.
const MaxDepth = 100

// index is a reference: a number, or an identifier (id != "").
type index struct {
	off int
	id  string
	num uint32
}

// valType is a value type: a primitive, a reference, or an inline
// defined type (which expansion turns into a reference).
type valType struct {
	prim   byte
	ref    *index
	inline *defType
}

type namedVal struct {
	name string
	ty   valType
}

type caseDef struct {
	name string
	ty   *valType
}

// defType is a type definition; kind is a wasmbin.Type* opcode or a
// primitive's opcode. Which fields are set follows wasmbin.Type.
type defType struct {
	off    int
	kind   byte
	fields []namedVal // record fields, function parameters
	cases  []caseDef
	elem   *valType // list, fixed list, option, map key, stream, future
	value  *valType // map value
	elems  []valType
	labels []string
	ok     *valType // result ok, function result
	err    *valType
	res    index // own, borrow
	n      uint32
	decls  []*decl // component, instance
	id     string  // the scope's name for component and instance types
}

// itemSig is an import's or export's description (externdesc).
type itemSig struct {
	off    int
	kind   byte // wasmbin.ExternType*
	id     string
	use    *index   // (type idx)
	inline *defType // an inline func, instance or component type
	eq     *index   // type bound (eq idx)
}

type declKind int

const (
	dType declKind = iota
	dAlias
	dImport
	dExport // an export declarator (in a type) or a component export
	dCustom
)

type aliasDef struct {
	sort  wasmbin.Sort
	outer bool
	count index // outer: the scope
	idx   index // outer: the item
	inst  index // export: the instance
	name  string
}

// decl is one component field or one declarator of a component or
// instance type.
type decl struct {
	off      int
	kind     declKind
	id       string
	ty       *defType
	alias    *aliasDef
	name     wasmbin.Name
	sig      *itemSig // imports, export declarators, ascribed export type
	sort     wasmbin.Sort
	ref      *index // component export: the item exported
	custom   *wasmbin.CustomDef
	exported []wasmbin.Name // (type (export "n") ...) at component level
}

type parser struct {
	lx    lexer
	tok   token
	depth int
	gen   int
}

func (p *parser) advance() error {
	t, err := p.lx.next()
	if err != nil {
		return err
	}
	p.tok = t
	return nil
}

func (p *parser) errf(off int, format string, args ...any) error {
	return &Error{Offset: off, Msg: fmt.Sprintf(format, args...)}
}

func (p *parser) unexpected(want string) error {
	got := p.tok.kind.String()
	if p.tok.kind == tKeyword {
		got = "`" + p.tok.text + "`"
	}
	return p.errf(p.tok.off, "expected %s, found %s", want, got)
}

// open consumes `(` and, when kw is not empty, the keyword after it.
func (p *parser) open(kw string) error {
	if p.tok.kind != tLParen {
		return p.unexpected("`(`")
	}
	p.depth++
	if p.depth > MaxDepth {
		return p.errf(p.tok.off, "nesting deeper than %d levels", MaxDepth)
	}
	if err := p.advance(); err != nil {
		return err
	}
	if kw != "" {
		return p.keyword(kw)
	}
	return nil
}

func (p *parser) close() error {
	if p.tok.kind != tRParen {
		return p.unexpected("`)`")
	}
	p.depth--
	return p.advance()
}

func (p *parser) keyword(kw string) error {
	if p.tok.kind != tKeyword || p.tok.text != kw {
		return p.unexpected("`" + kw + "`")
	}
	return p.advance()
}

func (p *parser) isKeyword(kw string) bool { return p.tok.kind == tKeyword && p.tok.text == kw }

// peekKeyword returns the keyword after the current `(`, or "".
func (p *parser) peekKeyword() string {
	if p.tok.kind != tLParen {
		return ""
	}
	l := p.lx
	t, err := l.next()
	if err != nil || t.kind != tKeyword {
		return ""
	}
	return t.text
}

// isTypeUse reports whether `(type idx)` (or `(type idx "name"`) starts
// here, as opposed to an inline type declarator `(type idx (...))` (wast's
// item-reference peek).
func (p *parser) isTypeUse() bool {
	if p.peekKeyword() != "type" {
		return false
	}
	l := p.lx
	if _, err := l.next(); err != nil {
		return false
	}
	ix, err := l.next()
	if err != nil {
		return false
	}
	if _, num := parseU32(ix.text); ix.kind != tID && (ix.kind != tKeyword || !num) {
		return false
	}
	after, err := l.next()
	return err == nil && (after.kind == tRParen || after.kind == tString)
}

func (p *parser) optID() (string, error) {
	if p.tok.kind != tID {
		return "", nil
	}
	id := p.tok.text
	return id, p.advance()
}

func (p *parser) string() ([]byte, error) {
	if p.tok.kind != tString {
		return nil, p.unexpected("a string")
	}
	s := p.tok.str
	return s, p.advance()
}

// name reads a string that must be UTF-8.
func (p *parser) name() (string, error) {
	off := p.tok.off
	s, err := p.string()
	if err != nil {
		return "", err
	}
	if !utf8.Valid(s) {
		return "", p.errf(off, "malformed UTF-8 encoding")
	}
	return string(s), nil
}

func (p *parser) u32() (uint32, error) {
	if p.tok.kind != tKeyword {
		return 0, p.unexpected("an integer")
	}
	v, ok := parseU32(p.tok.text)
	if !ok {
		return 0, p.unexpected("a u32 integer")
	}
	return v, p.advance()
}

func (p *parser) isIndex() bool {
	if p.tok.kind == tID {
		return true
	}
	if p.tok.kind == tKeyword {
		_, ok := parseU32(p.tok.text)
		return ok
	}
	return false
}

func (p *parser) index() (index, error) {
	ix := index{off: p.tok.off}
	if p.tok.kind == tID {
		ix.id = p.tok.text
		return ix, p.advance()
	}
	var err error
	if !p.isIndex() {
		return ix, p.unexpected("an index")
	}
	ix.num, err = p.u32()
	return ix, err
}

// notSupported reports a construct outside the subset a WIT package uses.
func (p *parser) notSupported(off int, what string) error {
	return p.errf(off, "%s is not supported in the text form of a WIT package (only component types, their imports, exports and aliases, and custom sections)", what)
}

// externName reads an import or export name: a string, or the legacy
// (interface "...") form, with optional (implements ...), (versionsuffix ...)
// and (external-id ...) options.
func (p *parser) externName() (wasmbin.Name, error) {
	var n wasmbin.Name
	var err error
	if p.peekKeyword() == "interface" {
		if err = p.open("interface"); err != nil {
			return n, err
		}
		if n.Name, err = p.name(); err != nil {
			return n, err
		}
		if err = p.close(); err != nil {
			return n, err
		}
	} else if n.Name, err = p.name(); err != nil {
		return n, err
	}
	for _, opt := range []struct {
		kw   string
		kind byte
	}{{"implements", wasmbin.AttrImplements}, {"versionsuffix", wasmbin.AttrVersion}, {"external-id", wasmbin.AttrExternalID}} {
		if p.peekKeyword() != opt.kw {
			continue
		}
		if err = p.open(opt.kw); err != nil {
			return n, err
		}
		v, err := p.name()
		if err != nil {
			return n, err
		}
		n.Attrs = append(n.Attrs, wasmbin.NameAttr{Kind: opt.kind, Value: v})
		if err = p.close(); err != nil {
			return n, err
		}
	}
	return n, nil
}

var prims = map[string]byte{
	"bool": wasmbin.PrimBool, "s8": wasmbin.PrimS8, "u8": wasmbin.PrimU8, "s16": wasmbin.PrimS16,
	"u16": wasmbin.PrimU16, "s32": wasmbin.PrimS32, "u32": wasmbin.PrimU32, "s64": wasmbin.PrimS64,
	"u64": wasmbin.PrimU64, "f32": wasmbin.PrimF32, "f64": wasmbin.PrimF64, "float32": wasmbin.PrimF32,
	"float64": wasmbin.PrimF64, "char": wasmbin.PrimChar, "string": wasmbin.PrimString,
	"error-context": wasmbin.PrimErrorContext,
}

// definedKeywords are the defined types wast accepts where a value type is
// optional (its Peek for a component defined type).
var definedKeywords = map[string]bool{"record": true, "variant": true, "list": true, "map": true, "tuple": true,
	"flags": true, "enum": true, "option": true, "result": true, "own": true, "borrow": true}

// peekValType reports whether a value type starts here (where it is
// optional).
func (p *parser) peekValType() bool {
	if p.isIndex() {
		return true
	}
	if p.tok.kind == tKeyword {
		_, ok := prims[p.tok.text]
		return ok
	}
	return definedKeywords[p.peekKeyword()]
}

func (p *parser) valType() (valType, error) {
	if p.isIndex() {
		ix, err := p.index()
		return valType{ref: &ix}, err
	}
	if p.tok.kind == tKeyword {
		if prim, ok := prims[p.tok.text]; ok {
			return valType{prim: prim}, p.advance()
		}
		return valType{}, p.unexpected("a value type")
	}
	if p.tok.kind != tLParen {
		return valType{}, p.unexpected("a value type")
	}
	off := p.tok.off
	if err := p.open(""); err != nil {
		return valType{}, err
	}
	d, err := p.definedType(off)
	if err != nil {
		return valType{}, err
	}
	return valType{inline: d}, p.close()
}

func (p *parser) optValType() (*valType, error) {
	if !p.peekValType() {
		return nil, nil
	}
	vt, err := p.valType()
	return &vt, err
}

// definedType reads the inside of a parenthesised defined type, after `(`.
func (p *parser) definedType(off int) (*defType, error) {
	if p.tok.kind != tKeyword {
		return nil, p.unexpected("a type definition")
	}
	kw := p.tok.text
	d := &defType{off: off}
	if err := p.advance(); err != nil {
		return nil, err
	}
	var err error
	switch kw {
	case "record":
		d.kind = wasmbin.TypeRecord
		for err == nil && p.tok.kind == tLParen {
			var f namedVal
			if err = p.open("field"); err != nil {
				break
			}
			if f.name, err = p.name(); err != nil {
				break
			}
			if f.ty, err = p.valType(); err != nil {
				break
			}
			d.fields = append(d.fields, f)
			err = p.close()
		}
	case "variant":
		d.kind = wasmbin.TypeVariant
		for err == nil && p.tok.kind == tLParen {
			var c caseDef
			if err = p.open("case"); err != nil {
				break
			}
			if _, err = p.optID(); err != nil {
				break
			}
			if c.name, err = p.name(); err != nil {
				break
			}
			if c.ty, err = p.optValType(); err != nil {
				break
			}
			if p.peekKeyword() == "refines" {
				return nil, p.notSupported(p.tok.off, "a variant case's `refines`")
			}
			d.cases = append(d.cases, c)
			err = p.close()
		}
	case "list":
		d.kind = wasmbin.TypeList
		var vt valType
		if vt, err = p.valType(); err == nil {
			d.elem = &vt
			if p.isIndex() && p.tok.kind == tKeyword {
				d.kind = wasmbin.TypeFixedList
				d.n, err = p.u32()
			}
		}
	case "map":
		d.kind = wasmbin.TypeMap
		var k, v valType
		if k, err = p.valType(); err == nil {
			if v, err = p.valType(); err == nil {
				d.elem, d.value = &k, &v
			}
		}
	case "tuple":
		d.kind = wasmbin.TypeTuple
		for err == nil && p.tok.kind != tRParen {
			var vt valType
			if vt, err = p.valType(); err == nil {
				d.elems = append(d.elems, vt)
			}
		}
	case "flags", "enum":
		d.kind = wasmbin.TypeFlags
		if kw == "enum" {
			d.kind = wasmbin.TypeEnum
		}
		for err == nil && p.tok.kind == tString {
			var s string
			if s, err = p.name(); err == nil {
				d.labels = append(d.labels, s)
			}
		}
	case "option":
		d.kind = wasmbin.TypeOption
		var vt valType
		if vt, err = p.valType(); err == nil {
			d.elem = &vt
		}
	case "result":
		d.kind = wasmbin.TypeResult
		if d.ok, err = p.optValType(); err == nil && p.tok.kind == tLParen {
			if err = p.open("error"); err == nil {
				var vt valType
				if vt, err = p.valType(); err == nil {
					d.err = &vt
					err = p.close()
				}
			}
		}
	case "own", "borrow":
		d.kind = wasmbin.TypeOwn
		if kw == "borrow" {
			d.kind = wasmbin.TypeBorrow
		}
		d.res, err = p.index()
	case "stream", "future":
		d.kind = wasmbin.TypeStream
		if kw == "future" {
			d.kind = wasmbin.TypeFuture
		}
		d.elem, err = p.optValType()
	default:
		return nil, p.unexpected("a type definition")
	}
	return d, err
}

// typeDef reads what follows `(type $id?`: a primitive, or a parenthesised
// defined, function, component, instance or resource type.
func (p *parser) typeDef(id string) (*defType, error) {
	if p.tok.kind == tKeyword {
		prim, ok := prims[p.tok.text]
		if !ok {
			return nil, p.unexpected("a type definition")
		}
		return &defType{off: p.tok.off, kind: prim}, p.advance()
	}
	off := p.tok.off
	if err := p.open(""); err != nil {
		return nil, err
	}
	var d *defType
	var err error
	switch p.peekSelf() {
	case "func":
		d, err = p.funcType(off)
	case "component", "instance":
		kind := wasmbin.TypeComponent
		if p.tok.text == "instance" {
			kind = wasmbin.TypeInstance
		}
		if err = p.advance(); err != nil {
			return nil, err
		}
		d = &defType{off: off, kind: kind, id: id}
		d.decls, err = p.typeDecls(kind)
	case "resource":
		return nil, p.notSupported(p.tok.off, "a resource definition (a WIT package has only abstract resources)")
	default:
		d, err = p.definedType(off)
	}
	if err != nil {
		return nil, err
	}
	return d, p.close()
}

// peekSelf is the current keyword, or "".
func (p *parser) peekSelf() string {
	if p.tok.kind == tKeyword {
		return p.tok.text
	}
	return ""
}

// funcType reads `func async? (param "n" t)* (result t)?` after `(`.
func (p *parser) funcType(off int) (*defType, error) {
	if err := p.keyword("func"); err != nil {
		return nil, err
	}
	d := &defType{off: off, kind: wasmbin.TypeFunc}
	return d, p.funcBody(d)
}

func (p *parser) funcBody(d *defType) error {
	if p.isKeyword("async") {
		d.kind = wasmbin.TypeAsyncFunc
		if err := p.advance(); err != nil {
			return err
		}
	}
	for p.peekKeyword() == "param" {
		if err := p.open("param"); err != nil {
			return err
		}
		var f namedVal
		var err error
		if f.name, err = p.name(); err != nil {
			return err
		}
		if f.ty, err = p.valType(); err != nil {
			return err
		}
		d.fields = append(d.fields, f)
		if err := p.close(); err != nil {
			return err
		}
	}
	if p.peekKeyword() == "result" {
		if err := p.open("result"); err != nil {
			return err
		}
		vt, err := p.valType()
		if err != nil {
			return err
		}
		d.ok = &vt
		return p.close()
	}
	return nil
}
