// Package wasmbin reads and writes the WebAssembly binary format, core
// modules and components (the Component Model's Binary.md), at the level of
// sections: every section is kept with its exact bytes, nested core modules
// and components are decoded recursively, custom sections expose their
// names, and encoding an unmodified binary gives back the same bytes.
//
// This is the shared low-level layer that compose (componentize, plug),
// inspect and the runtime build on.
package wasmbin

import (
	"bytes"
	"fmt"
	"strings"
)

// Kind says whether a binary is a core module or a component.
type Kind uint8

// The kinds of wasm binaries.
const (
	KindCoreModule Kind = iota + 1
	KindComponent
)

func (k Kind) String() string {
	switch k {
	case KindCoreModule:
		return "core module"
	case KindComponent:
		return "component"
	}
	return "unknown"
}

// Section ids of components (Binary.md). Core modules use the core
// specification's ids 0–13.
const (
	SecCustom        = 0
	SecCoreModule    = 1
	SecCoreInstance  = 2
	SecCoreType      = 3
	SecComponent     = 4
	SecInstance      = 5
	SecAlias         = 6
	SecType          = 7
	SecCanon         = 8
	SecStart         = 9
	SecImport        = 10
	SecExport        = 11
	SecValue         = 12
	SecCoreImport    = 2 // in core modules
	SecCoreExport    = 7 // in core modules
	maxNestingDepth  = 64
	componentVersion = 0x0d
)

var (
	magic       = []byte{0x00, 0x61, 0x73, 0x6d}
	coreVersion = []byte{0x01, 0x00, 0x00, 0x00}
)

// Binary is a decoded core module or component.
type Binary struct {
	Kind     Kind
	Version  [4]byte // the four bytes after the magic: version and layer
	Sections []*Section
}

// Section is one section. Payload holds its contents exactly as read.
type Section struct {
	ID byte
	// Offset is where the section's id byte sits in the outermost binary.
	Offset int
	// SizeBytes is the section size's LEB128 as read, kept so that a
	// non-minimal encoding survives a round trip; nil means "encode
	// minimally" (for new or modified sections).
	SizeBytes []byte
	Payload   []byte
	// Name is a custom section's name; Data is what follows the name.
	Name string
	Data []byte
	// Nested is the decoded module or component of a component's core
	// module (1) or component (4) section. To change it, edit it and set
	// SizeBytes to nil: Encode then re-encodes it.
	Nested *Binary
}

// DecodeError reports malformed input: which section, where, and what.
type DecodeError struct {
	Section string // e.g. "component section 4 (component)", "preamble"
	Offset  int    // absolute byte offset in the outermost binary
	Msg     string
}

func (e *DecodeError) Error() string {
	return fmt.Sprintf("wasm binary: %s at offset %d: %s", e.Section, e.Offset, e.Msg)
}

// KindOf reports what b is, without decoding more than its preamble.
func KindOf(b []byte) (Kind, bool) {
	if len(b) < 8 || !bytes.Equal(b[:4], magic) {
		return 0, false
	}
	switch {
	case bytes.Equal(b[4:8], coreVersion):
		return KindCoreModule, true
	case b[4] == componentVersion && b[6] == 0x01 && b[7] == 0x00:
		return KindComponent, true
	}
	return 0, false
}

// Decode decodes a core module or component.
func Decode(b []byte) (*Binary, error) {
	return decode(b, 0, 0)
}

func decode(b []byte, base, depth int) (*Binary, error) {
	if depth > maxNestingDepth {
		return nil, &DecodeError{Section: "preamble", Offset: base, Msg: fmt.Sprintf("components nest deeper than %d", maxNestingDepth)}
	}
	kind, ok := KindOf(b)
	if !ok {
		msg := "not a wasm binary (bad magic or version)"
		if len(b) >= 8 && bytes.Equal(b[:4], magic) {
			msg = fmt.Sprintf("unsupported version/layer % x", b[4:8])
		}
		return nil, &DecodeError{Section: "preamble", Offset: base, Msg: msg}
	}
	bin := &Binary{Kind: kind}
	copy(bin.Version[:], b[4:8])
	pos := 8
	for pos < len(b) {
		start := pos
		id := b[pos]
		pos++
		size, n, err := readU32(b[pos:])
		if err != nil {
			return nil, &DecodeError{Section: sectionName(kind, id), Offset: base + pos, Msg: "section size: " + err.Error()}
		}
		sizeBytes := b[pos : pos+n]
		pos += n
		if uint64(size) > uint64(len(b)-pos) {
			return nil, &DecodeError{Section: sectionName(kind, id), Offset: base + start,
				Msg: fmt.Sprintf("section of %d bytes runs past the end (%d left)", size, len(b)-pos)}
		}
		s := &Section{ID: id, Offset: base + start, SizeBytes: sizeBytes, Payload: b[pos : pos+int(size)]}
		if err := s.decodeContents(kind, base+pos, depth); err != nil {
			return nil, err
		}
		bin.Sections = append(bin.Sections, s)
		pos += int(size)
	}
	return bin, nil
}

func (s *Section) decodeContents(kind Kind, at, depth int) error {
	switch {
	case s.ID == SecCustom:
		n, used, err := readU32(s.Payload)
		if err != nil || uint64(n) > uint64(len(s.Payload)-used) {
			return &DecodeError{Section: "custom section", Offset: at, Msg: "bad name length"}
		}
		s.Name = string(s.Payload[used : used+int(n)])
		s.Data = s.Payload[used+int(n):]
	case kind == KindComponent && (s.ID == SecCoreModule || s.ID == SecComponent):
		nested, err := decode(s.Payload, at, depth+1)
		if err != nil {
			return err
		}
		s.Nested = nested
	case kind == KindComponent && s.ID > SecValue:
		return &DecodeError{Section: sectionName(kind, s.ID), Offset: s.Offset, Msg: fmt.Sprintf("unknown component section id %d", s.ID)}
	case kind == KindCoreModule && s.ID > 13:
		return &DecodeError{Section: sectionName(kind, s.ID), Offset: s.Offset, Msg: fmt.Sprintf("unknown section id %d", s.ID)}
	}
	return nil
}

// Encode writes the binary. Unmodified sections are written exactly as
// they were read.
func (b *Binary) Encode() []byte {
	out := append([]byte(nil), magic...)
	out = append(out, b.Version[:]...)
	for _, s := range b.Sections {
		payload := s.Payload
		if s.Nested != nil && s.SizeBytes == nil {
			payload = s.Nested.Encode()
		}
		out = append(out, s.ID)
		if s.SizeBytes != nil && len(payload) == len(s.Payload) {
			out = append(out, s.SizeBytes...)
		} else {
			out = appendU32(out, uint32(len(payload)))
		}
		out = append(out, payload...)
	}
	return out
}

// NewCustomSection returns a custom section with the given name and data,
// ready to append to Sections.
func NewCustomSection(name string, data []byte) *Section {
	payload := appendU32(nil, uint32(len(name)))
	payload = append(payload, name...)
	payload = append(payload, data...)
	return &Section{ID: SecCustom, Name: name, Data: data, Payload: payload}
}

// CustomSections returns the custom sections whose names start with prefix.
func (b *Binary) CustomSections(prefix string) []*Section {
	var out []*Section
	for _, s := range b.Sections {
		if s.ID == SecCustom && strings.HasPrefix(s.Name, prefix) {
			out = append(out, s)
		}
	}
	return out
}

// RemoveCustomSections removes the custom sections whose names start with
// prefix.
func (b *Binary) RemoveCustomSections(prefix string) {
	kept := b.Sections[:0]
	for _, s := range b.Sections {
		if s.ID != SecCustom || !strings.HasPrefix(s.Name, prefix) {
			kept = append(kept, s)
		}
	}
	b.Sections = kept
}

var componentSectionNames = [...]string{"custom", "core module", "core instance", "core type", "component",
	"instance", "alias", "type", "canon", "start", "import", "export", "value"}

var coreSectionNames = [...]string{"custom", "type", "import", "function", "table", "memory", "global",
	"export", "start", "element", "code", "data", "data count", "tag"}

func sectionName(kind Kind, id byte) string {
	names := coreSectionNames[:]
	if kind == KindComponent {
		names = componentSectionNames[:]
	}
	if int(id) < len(names) {
		return fmt.Sprintf("%s section %d (%s)", kind, id, names[id])
	}
	return fmt.Sprintf("%s section %d", kind, id)
}
