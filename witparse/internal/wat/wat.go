// Package wat reads a WIT package written in the component text format —
// what `wasm-tools component wit --wat` prints, or the same by hand — into
// the component the binary decoder gives for its `.wasm` form, so that a
// `.wat` package and its `.wasm` encoding are one and the same to the WIT
// loader.
//
// It implements the part of the text format (wast's component grammar) a
// WIT package needs: component, instance, function and value types; type,
// alias, import and export declarators; named and numbered indices, inline
// types (hoisted before their use as wast's expansion pass does), references
// to types of enclosing scopes (outer aliases inserted as wast's resolver
// does), string escapes, comments, and the @custom and @producers
// annotations. Anything else — core modules and instances, canonical
// functions, nested components, resource definitions, values — is refused
// with an error at its position.
package wat

import (
	"bytes"
	"fmt"

	"github.com/wasifill/wasifill/internal/wasmbin"
)

// Error is a syntax or resolution error at a byte offset of the input.
type Error struct {
	Offset int
	Msg    string
}

func (e *Error) Error() string { return fmt.Sprintf("offset %d: %s", e.Offset, e.Msg) }

// IsText reports whether src looks like the text format: after whitespace
// and comments, it starts with `(` (wasm-tools' detection, which wins over
// the file's extension).
func IsText(src []byte) bool {
	l := lexer{src: src}
	if l.skip() != nil || l.pos >= len(src) {
		return false
	}
	return src[l.pos] == '('
}

// Parse reads a component in the text format.
func Parse(src []byte) (*wasmbin.Component, error) {
	p := &parser{lx: lexer{src: src}}
	if err := p.advance(); err != nil {
		return nil, err
	}
	if p.peekKeyword() == "module" {
		return nil, p.errf(p.tok.off, "a core module is not a WIT package")
	}
	if err := p.open("component"); err != nil {
		return nil, err
	}
	id, err := p.optID()
	if err != nil {
		return nil, err
	}
	var fields []*decl
	for p.tok.kind == tLParen {
		d, err := p.field()
		if err != nil {
			return nil, err
		}
		fields = append(fields, d)
	}
	if err := p.close(); err != nil {
		return nil, err
	}
	if p.tok.kind != tEOF {
		return nil, p.unexpected("end of input")
	}
	fields = p.expandList(fields, true)
	r := &resolver{}
	defs, err := r.component(id, fields)
	if err != nil {
		return nil, err
	}
	return &wasmbin.Component{Version: [4]byte{0x0d, 0x00, 0x01, 0x00}, Defs: defs}, nil
}

// field reads one component field.
func (p *parser) field() (*decl, error) {
	off := p.tok.off
	switch kw := p.peekKeyword(); kw {
	case "type":
		return p.typeField(true)
	case "alias":
		return p.aliasField()
	case "import":
		return p.importField()
	case "export":
		return p.componentExport()
	case "@custom":
		return p.customField()
	case "@producers":
		return p.producersField()
	case "core":
		return nil, p.notSupported(off, "a core definition")
	case "component", "instance", "func", "canon", "start", "value":
		return nil, p.notSupported(off, "a `"+kw+"` definition")
	default:
		return nil, p.errf(off, "expected a component field, found `%s`", kw)
	}
}

// componentExport reads `(export $id? "name" (sort idx) desc?)`.
func (p *parser) componentExport() (*decl, error) {
	d := &decl{off: p.tok.off, kind: dExport}
	if err := p.open("export"); err != nil {
		return nil, err
	}
	var err error
	if d.id, err = p.optID(); err != nil {
		return nil, err
	}
	if d.name, err = p.externName(); err != nil {
		return nil, err
	}
	sortOff := p.tok.off
	if err = p.open(""); err != nil {
		return nil, err
	}
	if d.sort, err = p.sort(); err != nil {
		return nil, err
	}
	if d.sort == wasmbin.SortValue {
		return nil, p.notSupported(sortOff, "a value export")
	}
	ix, err := p.index()
	if err != nil {
		return nil, err
	}
	if p.tok.kind == tString {
		return nil, p.notSupported(p.tok.off, "a reference through an instance export")
	}
	d.ref = &ix
	if err = p.close(); err != nil {
		return nil, err
	}
	if p.tok.kind == tLParen {
		if d.sig, err = p.itemSig("", false); err != nil {
			return nil, err
		}
	}
	return d, p.close()
}

// customField reads `(@custom "name" "data"*)`.
func (p *parser) customField() (*decl, error) {
	d := &decl{off: p.tok.off, kind: dCustom}
	if err := p.open("@custom"); err != nil {
		return nil, err
	}
	name, err := p.name()
	if err != nil {
		return nil, err
	}
	if p.tok.kind == tLParen {
		return nil, p.notSupported(p.tok.off, "a custom section placement")
	}
	var data []byte
	for p.tok.kind == tString {
		data = append(data, p.tok.str...)
		if err := p.advance(); err != nil {
			return nil, err
		}
	}
	d.custom = &wasmbin.CustomDef{Name: name, Data: data}
	return d, p.close()
}

// producersField reads `(@producers (field "name" "version")*)` and encodes
// the producers section (tool-conventions ProducersSection.md): a vector of
// fields, each a name and a vector of name/version pairs.
func (p *parser) producersField() (*decl, error) {
	d := &decl{off: p.tok.off, kind: dCustom}
	if err := p.open("@producers"); err != nil {
		return nil, err
	}
	type value struct{ name, version string }
	values := map[string][]value{}
	for p.tok.kind == tLParen {
		off := p.tok.off
		if err := p.open(""); err != nil {
			return nil, err
		}
		field := p.peekSelf()
		switch field {
		case "language", "processed-by", "sdk":
		default:
			return nil, p.errf(off, "expected `language`, `processed-by` or `sdk`")
		}
		if err := p.advance(); err != nil {
			return nil, err
		}
		n, err := p.name()
		if err != nil {
			return nil, err
		}
		v, err := p.name()
		if err != nil {
			return nil, err
		}
		values[field] = append(values[field], value{n, v})
		if err := p.close(); err != nil {
			return nil, err
		}
	}
	// Fields in wast's order, each once, empty ones left out.
	var names []string
	for _, f := range []string{"language", "sdk", "processed-by"} {
		if len(values[f]) > 0 {
			names = append(names, f)
		}
	}
	var b bytes.Buffer
	str := func(s string) { b.Write(uleb(uint32(len(s)))); b.WriteString(s) }
	b.Write(uleb(uint32(len(names))))
	for _, f := range names {
		str(f)
		b.Write(uleb(uint32(len(values[f]))))
		for _, v := range values[f] {
			str(v.name)
			str(v.version)
		}
	}
	d.custom = &wasmbin.CustomDef{Name: "producers", Data: b.Bytes()}
	return d, p.close()
}

func uleb(v uint32) []byte {
	var out []byte
	for {
		c := byte(v & 0x7f)
		v >>= 7
		if v != 0 {
			c |= 0x80
		}
		out = append(out, c)
		if v == 0 {
			return out
		}
	}
}
