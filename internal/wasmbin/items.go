package wasmbin

import (
	"fmt"
	"unicode/utf8"
)

// reader walks a section payload, positioning errors absolutely.
type reader struct {
	b       []byte
	pos     int
	base    int // absolute offset of b[0]
	section string
}

func (r *reader) fail(format string, args ...any) error {
	return &DecodeError{Section: r.section, Offset: r.base + r.pos, Msg: fmt.Sprintf(format, args...)}
}

// failBack is fail at the byte just read: it steps back over it first, so
// that the error's offset names that byte.
func (r *reader) failBack(format string, args ...any) error {
	r.pos--
	return r.fail(format, args...)
}

func (r *reader) byte() (byte, error) {
	if r.pos >= len(r.b) {
		return 0, r.fail("unexpected end of section")
	}
	r.pos++
	return r.b[r.pos-1], nil
}

func (r *reader) u32() (uint32, error) {
	x, n, err := readU32(r.b[r.pos:])
	if err != nil {
		return 0, r.fail("%v", err)
	}
	r.pos += n
	return x, nil
}

func (r *reader) name() (string, error) {
	n, err := r.u32()
	if err != nil {
		return "", err
	}
	if uint64(n) > uint64(len(r.b)-r.pos) {
		return "", r.fail("name of %d bytes runs past the section", n)
	}
	s := string(r.b[r.pos : r.pos+int(n)])
	if !utf8.ValidString(s) {
		return "", r.fail("name is not UTF-8")
	}
	r.pos += int(n)
	return s, nil
}

// count reads a vector length and checks it against the bytes left, at
// least minSize bytes per element.
func (r *reader) count(minSize int) (int, error) {
	n, err := r.u32()
	if err != nil {
		return 0, err
	}
	if uint64(n)*uint64(minSize) > uint64(len(r.b)-r.pos) {
		return 0, r.fail("%d entries cannot fit in %d bytes", n, len(r.b)-r.pos)
	}
	return int(n), nil
}

func (b *Binary) sectionReader(s *Section) *reader {
	at := s.Offset + 1 + len(s.SizeBytes)
	return &reader{b: s.Payload, base: at, section: sectionName(b.Kind, s.ID)}
}

// ExternKind is what a core import or export is.
type ExternKind byte

// Core extern kinds.
const (
	ExternFunc   ExternKind = 0x00
	ExternTable  ExternKind = 0x01
	ExternMemory ExternKind = 0x02
	ExternGlobal ExternKind = 0x03
	ExternTag    ExternKind = 0x04
)

func (k ExternKind) String() string {
	switch k {
	case ExternFunc:
		return "func"
	case ExternTable:
		return "table"
	case ExternMemory:
		return "memory"
	case ExternGlobal:
		return "global"
	case ExternTag:
		return "tag"
	}
	return fmt.Sprintf("kind(%d)", byte(k))
}

// CoreImport is one import of a core module. Desc is its description as
// encoded (kind byte and type), ready to copy into another module.
type CoreImport struct {
	Module, Name string
	Kind         ExternKind
	Desc         []byte
}

// CoreExport is one export of a core module.
type CoreExport struct {
	Name  string
	Kind  ExternKind
	Index uint32
}

// CoreImports lists a core module's imports.
func (b *Binary) CoreImports() ([]CoreImport, error) {
	var out []CoreImport
	for _, s := range b.coreSections(SecCoreImport) {
		r := b.sectionReader(s)
		n, err := r.count(3)
		if err != nil {
			return nil, err
		}
		for i := 0; i < n; i++ {
			var imp CoreImport
			if imp.Module, imp.Name, imp.Kind, err = r.importHead(); err != nil {
				return nil, err
			}
			start := r.pos - 1
			if err := r.skipImportDesc(imp.Kind); err != nil {
				return nil, err
			}
			imp.Desc = r.b[start:r.pos]
			out = append(out, imp)
		}
	}
	return out, nil
}

// importHead reads a core import's module and field names and its kind
// byte (the descriptor that follows is the caller's to read).
func (r *reader) importHead() (module, name string, kind ExternKind, err error) {
	if module, err = r.name(); err != nil {
		return "", "", 0, err
	}
	if name, err = r.name(); err != nil {
		return "", "", 0, err
	}
	k, err := r.byte()
	return module, name, ExternKind(k), err
}

// skipImportDesc passes over the type part of a core import.
func (r *reader) skipImportDesc(kind ExternKind) error {
	switch kind {
	case ExternFunc:
		_, err := r.u32()
		return err
	case ExternTable:
		if _, err := r.byte(); err != nil { // reftype
			return err
		}
		return r.skipLimits()
	case ExternMemory:
		return r.skipLimits()
	case ExternGlobal:
		if _, err := r.byte(); err != nil { // valtype
			return err
		}
		_, err := r.byte() // mutability
		return err
	case ExternTag:
		if _, err := r.byte(); err != nil { // attribute
			return err
		}
		_, err := r.u32()
		return err
	}
	return r.fail("unknown import kind 0x%02x", byte(kind))
}

func (r *reader) skipLimits() error {
	flags, err := r.byte()
	if err != nil {
		return err
	}
	if flags&0x04 != 0 { // memory64: limits are u64; read them as LEB bytes
		for i := 0; i < 1+int(flags&1); i++ {
			for {
				c, err := r.byte()
				if err != nil {
					return err
				}
				if c&0x80 == 0 {
					break
				}
			}
		}
		return nil
	}
	if _, err := r.u32(); err != nil {
		return err
	}
	if flags&1 != 0 {
		_, err = r.u32()
	}
	return err
}

// CoreExports lists a core module's exports.
func (b *Binary) CoreExports() ([]CoreExport, error) {
	var out []CoreExport
	for _, s := range b.coreSections(SecCoreExport) {
		r := b.sectionReader(s)
		n, err := r.count(3)
		if err != nil {
			return nil, err
		}
		for i := 0; i < n; i++ {
			var exp CoreExport
			if exp.Name, err = r.name(); err != nil {
				return nil, err
			}
			kind, err := r.byte()
			if err != nil {
				return nil, err
			}
			exp.Kind = ExternKind(kind)
			if exp.Index, err = r.u32(); err != nil {
				return nil, err
			}
			out = append(out, exp)
		}
	}
	return out, nil
}

func (b *Binary) coreSections(id byte) []*Section {
	if b.Kind != KindCoreModule {
		return nil
	}
	var out []*Section
	for _, s := range b.Sections {
		if s.ID == id {
			out = append(out, s)
		}
	}
	return out
}
