package witparse

// Parts returns the types a definition is made of: an alias's target, the
// element of a list, fixed-length list, option, future or stream, a map's
// key and value, tuple elements, record fields, case payloads, result
// payloads. Resources and handles have none.
func (d *TypeDef) Parts() []Type {
	var parts []Type
	switch d.Kind {
	case KindAlias, KindList, KindFixedList, KindOption:
		parts = append(parts, d.Elem)
	case KindFuture, KindStream:
		if d.HasElem {
			parts = append(parts, d.Elem)
		}
	case KindMap:
		parts = append(parts, d.Elem, d.Value)
	}
	parts = append(parts, d.Types...)
	for _, f := range d.Fields {
		parts = append(parts, f.Type)
	}
	for _, c := range d.Cases {
		if c.Type != nil {
			parts = append(parts, *c.Type)
		}
	}
	for _, p := range []*Type{d.Ok, d.Err} {
		if p != nil {
			parts = append(parts, *p)
		}
	}
	return parts
}
