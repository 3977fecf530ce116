package wasmbin

// RewriteNames makes b's name section one that any consumer can read
// without trusting it: the module name and the function names are kept,
// each checked (UTF-8, inside its subsection, a count its bytes can
// hold), with every function index passed through funcIndex (nil keeps
// them); the other subsections (locals, labels, types, ...) are dropped,
// and so is a name section that cannot be read, or a second one. Names
// are not semantics: nothing a module does changes.
//
// wazero decodes the name section by its declared counts and lengths
// before it validates anything: a 100-byte module declaring 2^32 local
// names, or a module name of 4 GiB, asks it for gigabytes. Every module
// the runtime hands to wazero passes through here first.
func (b *Binary) RewriteNames(funcIndex func(uint32) uint32) {
	kept := b.Sections[:0]
	seen := false
	for _, s := range b.Sections {
		if s.ID == SecCustom && s.Name == "name" {
			if seen {
				continue
			}
			seen = true
			names := checkedNames(s.Data, funcIndex)
			if len(names) == 0 {
				continue // unreadable or nothing kept: an empty one is no name section either
			}
			*s = *NewCustomSection("name", names)
		}
		kept = append(kept, s)
	}
	clear(b.Sections[len(kept):])
	b.Sections = kept
}

// HasNames reports whether b has a name section.
func (b *Binary) HasNames() bool {
	for _, s := range b.Sections {
		if s.ID == SecCustom && s.Name == "name" {
			return true
		}
	}
	return false
}

// checkedNames is the name section payload p with only its checked module
// and function names, renumbered; nil when p cannot be read.
func checkedNames(p []byte, funcIndex func(uint32) uint32) []byte {
	r := &reader{b: p, section: "name"}
	var out []byte
	for r.pos < len(p) {
		id, err := r.byte()
		if err != nil {
			return nil
		}
		size, err := r.u32()
		if err != nil || uint64(size) > uint64(len(p)-r.pos) {
			return nil
		}
		sub := &reader{b: p[r.pos : r.pos+int(size)], section: "name"}
		r.pos += int(size)
		var kept []byte
		switch id {
		case 0:
			name, err := sub.name()
			if err != nil {
				return nil
			}
			kept = appendName(nil, name)
		case 1:
			if kept, err = checkedNameMap(sub, funcIndex); err != nil {
				return nil
			}
		default:
			continue
		}
		if sub.pos != len(sub.b) {
			return nil // more bytes than the subsection's content: not what it claims
		}
		out = append(appendU32(append(out, id), uint32(len(kept))), kept...)
	}
	return out
}

// checkedNameMap reads a function name map (index, name pairs) and
// re-encodes it renumbered.
func checkedNameMap(r *reader, funcIndex func(uint32) uint32) ([]byte, error) {
	n, err := r.count(2)
	if err != nil {
		return nil, err
	}
	out := appendU32(make([]byte, 0, len(r.b)), uint32(n))
	for range n {
		f, err := r.u32()
		if err != nil {
			return nil, err
		}
		name, err := r.name()
		if err != nil {
			return nil, err
		}
		if funcIndex != nil {
			f = funcIndex(f)
		}
		out = appendName(appendU32(out, f), name)
	}
	return out, nil
}

func appendName(out []byte, s string) []byte {
	return append(appendU32(out, uint32(len(s))), s...)
}
