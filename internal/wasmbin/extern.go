package wasmbin

import "fmt"

// Extern is one import or export of a component.
type Extern struct {
	Name string
	// Version is a version suffix carried apart from the name (newer
	// encodings), and Implements the interface a labelled import
	// implements; both are usually empty.
	Version, Implements string
	// Sort says what is imported or exported: "func", "value", "type",
	// "component", "instance", or "core module".
	Sort string
	// Index is the type index of an import's description, or the index of
	// the exported item in its sort's index space.
	Index uint32
}

var sortNames = map[byte]string{0x01: "func", 0x02: "value", 0x03: "type", 0x04: "component", 0x05: "instance"}

// ComponentImports lists a component's imports, in order.
func (b *Binary) ComponentImports() ([]Extern, error) {
	return b.externs(SecImport)
}

// ComponentExports lists a component's exports, in order.
func (b *Binary) ComponentExports() ([]Extern, error) {
	return b.externs(SecExport)
}

func (b *Binary) externs(id byte) ([]Extern, error) {
	if b.Kind != KindComponent {
		return nil, nil
	}
	var out []Extern
	for _, s := range b.Sections {
		if s.ID != id {
			continue
		}
		r := b.sectionReader(s)
		n, err := r.count(4)
		if err != nil {
			return nil, err
		}
		for i := 0; i < n; i++ {
			e, err := r.externName()
			if err != nil {
				return nil, err
			}
			if id == SecImport {
				err = r.externDesc(&e)
			} else {
				err = r.exportTarget(&e)
			}
			if err != nil {
				return nil, err
			}
			out = append(out, e)
		}
	}
	return out, nil
}

// externName reads importname'/exportname': 0x00 name, 0x01 name with a
// version suffix, or 0x02 name with options (implements, version).
func (r *reader) externName() (Extern, error) {
	var e Extern
	tag, err := r.byte()
	if err != nil {
		return e, err
	}
	if e.Name, err = r.name(); err != nil {
		return e, err
	}
	switch tag {
	case 0x00:
	case 0x01:
		e.Version, err = r.name()
	case 0x02:
		var n int
		if n, err = r.count(2); err != nil {
			return e, err
		}
		for i := 0; i < n && err == nil; i++ {
			var opt byte
			if opt, err = r.byte(); err != nil {
				break
			}
			switch opt {
			case 0x00:
				e.Implements, err = r.name()
			case 0x01:
				e.Version, err = r.name()
			default:
				err = r.fail("unknown name option 0x%02x", opt)
			}
		}
	default:
		return e, r.fail("unknown name encoding 0x%02x", tag)
	}
	return e, err
}

// externDesc reads an import's description: its sort and type.
func (r *reader) externDesc(e *Extern) error {
	sort, err := r.byte()
	if err != nil {
		return err
	}
	switch sort {
	case 0x00:
		core, err := r.byte()
		if err != nil {
			return err
		}
		if core != 0x11 {
			return r.fail("core import of sort 0x%02x, want a module (0x11)", core)
		}
		e.Sort = "core module"
		e.Index, err = r.u32()
		return err
	case 0x01, 0x04, 0x05:
		e.Sort = sortNames[sort]
		e.Index, err = r.u32()
		return err
	case 0x02, 0x03:
		e.Sort = sortNames[sort]
		bound, err := r.byte()
		if err != nil {
			return err
		}
		switch {
		case sort == 0x03 && bound == 0x01: // sub resource
			return nil
		case bound == 0x00 || sort == 0x02 && bound == 0x01:
			e.Index, err = r.u32()
			return err
		}
		return r.fail("unknown bound 0x%02x", bound)
	}
	return r.fail("unknown extern sort 0x%02x", sort)
}

// exportTarget reads what an export exports (sort and index) and its
// optional ascribed type.
func (r *reader) exportTarget(e *Extern) error {
	sort, err := r.byte()
	if err != nil {
		return err
	}
	if sort == 0x00 {
		core, err := r.byte()
		if err != nil {
			return err
		}
		if core != 0x11 {
			return r.fail("core export of sort 0x%02x, want a module (0x11)", core)
		}
		e.Sort = "core module"
	} else if e.Sort = sortNames[sort]; e.Sort == "" {
		return r.fail("unknown export sort 0x%02x", sort)
	}
	if e.Index, err = r.u32(); err != nil {
		return err
	}
	ascribed, err := r.byte()
	if err != nil || ascribed == 0x00 {
		return err
	}
	if ascribed != 0x01 {
		return r.fail("bad ascribed-type flag 0x%02x", ascribed)
	}
	var desc Extern
	return r.externDesc(&desc)
}

func (e Extern) String() string {
	s := fmt.Sprintf("%s %s", e.Sort, e.Name)
	if e.Version != "" {
		s += "@" + e.Version
	}
	return s
}
