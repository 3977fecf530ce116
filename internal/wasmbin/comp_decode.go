package wasmbin

import "fmt"

// DecodeComponent decodes a component down to its typed definitions.
// Nested components are decoded the same way; core modules stay at
// section level. Malformed input gives a *DecodeError naming the section
// and the absolute offset.
func DecodeComponent(b []byte) (*Component, error) {
	bin, err := Decode(b)
	if err != nil {
		return nil, err
	}
	if bin.Kind != KindComponent {
		return nil, &DecodeError{Section: "preamble", Offset: 0, Msg: "a core module, not a component"}
	}
	return componentFromBinary(bin)
}

func componentFromBinary(bin *Binary) (*Component, error) {
	c := &Component{Version: bin.Version}
	for _, s := range bin.Sections {
		def, err := decodeDef(bin, s)
		if err != nil {
			return nil, err
		}
		c.Defs = append(c.Defs, def)
	}
	return c, nil
}

func decodeDef(bin *Binary, s *Section) (Def, error) {
	r := bin.sectionReader(s)
	var def Def
	var err error
	switch s.ID {
	case SecCustom:
		return &CustomDef{Name: s.Name, Data: s.Data}, nil
	case SecCoreModule:
		return &CoreModuleDef{Module: s.Nested}, nil
	case SecComponent:
		nested, err := componentFromBinary(s.Nested)
		if err != nil {
			return nil, err
		}
		return &ComponentDef{Component: nested}, nil
	case SecValue:
		return &ValueDefs{Raw: s.Payload}, nil
	case SecCoreInstance:
		def, err = vecDef(r, 2, r.coreInstance, func(v []CoreInstance) Def { return &CoreInstanceDefs{Instances: v} })
	case SecCoreType:
		def, err = vecDef(r, 1, func() (CoreType, error) { return r.coreType(0) }, func(v []CoreType) Def { return &CoreTypeDefs{Types: v} })
	case SecInstance:
		def, err = vecDef(r, 2, r.instance, func(v []Instance) Def { return &InstanceDefs{Instances: v} })
	case SecAlias:
		def, err = vecDef(r, 3, r.alias, func(v []Alias) Def { return &AliasDefs{Aliases: v} })
	case SecType:
		def, err = vecDef(r, 1, func() (Type, error) { return r.typeDef(0) }, func(v []Type) Def { return &TypeDefs{Types: v} })
	case SecCanon:
		def, err = vecDef(r, 2, r.canon, func(v []Canon) Def { return &CanonDefs{Funcs: v} })
	case SecStart:
		d := &StartDef{}
		if d.Func, err = r.u32(); err == nil {
			d.Args, err = readVec(r, 1, r.u32)
		}
		if err == nil {
			d.Results, err = r.u32()
		}
		def = d
	case SecImport:
		def, err = vecDef(r, 3, r.importItem, func(v []Import) Def { return &ImportDefs{Imports: v} })
	case SecExport:
		def, err = vecDef(r, 4, r.export, func(v []Export) Def { return &ExportDefs{Exports: v} })
	default:
		return nil, r.fail("unknown component section id %d", s.ID)
	}
	if err != nil {
		return nil, err
	}
	if r.pos != len(r.b) {
		return nil, r.fail("%d unread bytes at the end of the section", len(r.b)-r.pos)
	}
	return def, nil
}

// vecDef reads a section that is one vector: its elements by item, made
// into the section's Def by wrap.
func vecDef[T any](r *reader, minSize int, item func() (T, error), wrap func([]T) Def) (Def, error) {
	v, err := readVec(r, minSize, item)
	return wrap(v), err
}

// vec reads a vector, calling item once per element.
func (r *reader) vec(minSize int, item func() error) error {
	n, err := r.count(minSize)
	if err != nil {
		return err
	}
	for i := 0; i < n; i++ {
		if err := item(); err != nil {
			return err
		}
	}
	return nil
}

// readVec reads a vector whose elements item decodes, each taking at
// least minSize bytes. An empty vector gives a nil slice; on an error the
// elements decoded so far come back with it.
func readVec[T any](r *reader, minSize int, item func() (T, error)) ([]T, error) {
	var out []T
	err := r.vec(minSize, func() error {
		v, err := item()
		out = append(out, v)
		return err
	})
	return out, err
}

func (r *reader) coreSort() (Sort, error) {
	b, err := r.byte()
	if err != nil {
		return 0, err
	}
	switch b {
	case 0x00, 0x01, 0x02, 0x03, 0x04, 0x10, 0x11, 0x12:
		return CoreSortBase + Sort(b), nil
	}
	return 0, r.failBack("unknown core sort 0x%02x", b)
}

func (r *reader) sort() (Sort, error) {
	b, err := r.byte()
	if err != nil {
		return 0, err
	}
	switch b {
	case 0x00:
		return r.coreSort()
	case 0x01, 0x02, 0x03, 0x04, 0x05:
		return Sort(b), nil
	}
	return 0, r.failBack("unknown sort 0x%02x", b)
}

func (r *reader) coreInstance() (CoreInstance, error) {
	var ci CoreInstance
	var err error
	ci.Instantiate, ci.Module, ci.Args, ci.Exports, err = readInstance(r, "core instance",
		func() (CoreInstantiateArg, error) {
			var a CoreInstantiateArg
			var err error
			if a.Name, err = r.name(); err != nil {
				return a, err
			}
			kind, err := r.byte()
			if err != nil {
				return a, err
			}
			if kind != 0x12 {
				return a, r.fail("core instantiate argument of sort 0x%02x, want an instance (0x12)", kind)
			}
			a.Instance, err = r.u32()
			return a, err
		},
		func() (CoreInlineExport, error) {
			var e CoreInlineExport
			var err error
			e.Name, e.Sort, e.Index, err = readSorted(r, r.name, r.coreSort)
			return e, err
		})
	return ci, err
}

func (r *reader) instance() (Instance, error) {
	var in Instance
	var err error
	in.Instantiate, in.Component, in.Args, in.Exports, err = readInstance(r, "instance",
		func() (InstantiateArg, error) {
			var a InstantiateArg
			var err error
			a.Name, a.Sort, a.Index, err = readSorted(r, r.name, r.sort)
			return a, err
		},
		func() (InlineExport, error) {
			var e InlineExport
			var err error
			e.Name, e.Sort, e.Index, err = readSorted(r, r.nameAttrs, r.sort)
			return e, err
		})
	return in, err
}

// readInstance reads a core:instance or an instance (Binary.md): 0x00 and
// the index of what is instantiated with a vector of arguments, or 0x01
// and a vector of inline exports. what names the form in errors.
func readInstance[A, E any](r *reader, what string, arg func() (A, error), export func() (E, error)) (instantiate bool, index uint32, args []A, exports []E, err error) {
	tag, err := r.byte()
	if err != nil {
		return false, 0, nil, nil, err
	}
	switch tag {
	case 0x00:
		if index, err = r.u32(); err != nil {
			return true, index, nil, nil, err
		}
		args, err = readVec(r, 3, arg)
		return true, index, args, nil, err
	case 0x01:
		exports, err = readVec(r, 3, export)
		return false, 0, nil, exports, err
	}
	return false, 0, nil, nil, r.fail("unknown %s form 0x%02x", what, tag)
}

// readSorted reads a name, a sort and an index, the shape of inline exports
// and instantiation arguments.
func readSorted[N any](r *reader, name func() (N, error), sort func() (Sort, error)) (n N, s Sort, index uint32, err error) {
	if n, err = name(); err != nil {
		return n, 0, 0, err
	}
	if s, err = sort(); err != nil {
		return n, s, 0, err
	}
	index, err = r.u32()
	return n, s, index, err
}

func (r *reader) alias() (Alias, error) {
	var a Alias
	var err error
	if a.Sort, err = r.sort(); err != nil {
		return a, err
	}
	if a.Target, err = r.byte(); err != nil {
		return a, err
	}
	switch a.Target {
	case AliasExport, AliasCoreExport:
		if a.Instance, err = r.u32(); err == nil {
			a.Name, err = r.name()
		}
	case AliasOuter:
		if a.Count, err = r.u32(); err == nil {
			a.Index, err = r.u32()
		}
	default:
		return a, r.failBack("unknown alias target 0x%02x", a.Target)
	}
	return a, err
}

// nameAttrs reads importname'/exportname' (nameattributes).
// nameAttrs reads a nameattributes (Binary.md): 0x00 name, or 0x01 name
// (a redundant form that older encoders wrote for interface names; it has
// no version suffix, and wasmparser reads it as 0x00), or 0x02 name and a
// vector of attributes, each kind at most once.
func (r *reader) nameAttrs() (Name, error) {
	var n Name
	var err error
	if n.Form, err = r.byte(); err != nil {
		return n, err
	}
	if n.Form > 0x02 {
		return n, r.failBack("unknown name encoding 0x%02x", n.Form)
	}
	if n.Name, err = r.name(); err != nil || n.Form != 0x02 {
		return n, err
	}
	err = r.vec(2, func() error {
		var a NameAttr
		var err error
		if a.Kind, err = r.byte(); err != nil {
			return err
		}
		switch a.Kind {
		case AttrImplements, AttrVersion, AttrExternalID:
		default:
			return r.failBack("unknown name attribute 0x%02x", a.Kind)
		}
		for _, b := range n.Attrs {
			if b.Kind == a.Kind {
				return r.failBack("duplicate name attribute 0x%02x", a.Kind)
			}
		}
		a.Value, err = r.name()
		n.Attrs = append(n.Attrs, a)
		return err
	})
	return n, err
}

func (r *reader) externType() (ExternType, error) {
	var e ExternType
	var err error
	if e.Kind, err = r.byte(); err != nil {
		return e, err
	}
	switch e.Kind {
	case ExternTypeCoreModule:
		var core byte
		if core, err = r.byte(); err != nil {
			return e, err
		}
		if core != 0x11 {
			return e, r.failBack("core extern type 0x%02x, want a module (0x11)", core)
		}
		e.Index, err = r.u32()
	case ExternTypeFunc, ExternTypeComponent, ExternTypeInstance:
		e.Index, err = r.u32()
	case ExternTypeType:
		if e.Bound, err = r.byte(); err != nil {
			return e, err
		}
		switch e.Bound {
		case 0x00:
			e.Index, err = r.u32()
		case 0x01:
		default:
			return e, r.failBack("unknown type bound 0x%02x", e.Bound)
		}
	case ExternTypeValue:
		if e.Bound, err = r.byte(); err != nil {
			return e, err
		}
		switch e.Bound {
		case 0x00:
			e.Index, err = r.u32()
		case 0x01:
			e.ValueType, err = r.valType()
		default:
			return e, r.failBack("unknown value bound 0x%02x", e.Bound)
		}
	default:
		return e, r.failBack("unknown extern type 0x%02x", e.Kind)
	}
	return e, err
}

func (r *reader) importItem() (Import, error) {
	var im Import
	var err error
	if im.Name, err = r.nameAttrs(); err == nil {
		im.Type, err = r.externType()
	}
	return im, err
}

func (r *reader) export() (Export, error) {
	var ex Export
	var err error
	if ex.Name, err = r.nameAttrs(); err != nil {
		return ex, err
	}
	if ex.Sort, err = r.sort(); err != nil {
		return ex, err
	}
	if ex.Index, err = r.u32(); err != nil {
		return ex, err
	}
	has, err := r.option()
	if err != nil || !has {
		return ex, err
	}
	t, err := r.externType()
	ex.Type = &t
	return ex, err
}

// option reads the 0x00/0x01 prefix of an optional immediate.
func (r *reader) option() (bool, error) {
	b, err := r.byte()
	if err != nil {
		return false, err
	}
	switch b {
	case 0x00:
		return false, nil
	case 0x01:
		return true, nil
	}
	return false, r.failBack("bad optional-value flag 0x%02x", b)
}

func (r *reader) canonOpts() ([]CanonOpt, error) {
	return readVec(r, 1, func() (CanonOpt, error) {
		var o CanonOpt
		var err error
		if o.Kind, err = r.byte(); err != nil {
			return o, err
		}
		switch o.Kind {
		case OptUTF8, OptUTF16, OptLatin1, OptAsync:
		case OptMemory, OptRealloc, OptPostReturn, OptCallback:
			o.Index, err = r.u32()
		default:
			return o, r.failBack("unknown canonical option 0x%02x", o.Kind)
		}
		return o, err
	})
}

func (r *reader) canon() (Canon, error) {
	var c Canon
	var err error
	if c.Op, err = r.byte(); err != nil {
		return c, err
	}
	switch c.Op {
	case CanonLift, CanonLower:
		var sort byte
		if sort, err = r.byte(); err != nil {
			return c, err
		}
		if sort != 0x00 {
			return c, r.failBack("canon %s expects sort byte 0x00, got 0x%02x", canonName(c.Op), sort)
		}
		if c.Func, err = r.u32(); err != nil {
			return c, err
		}
		if c.Opts, err = r.canonOpts(); err != nil {
			return c, err
		}
		if c.Op == CanonLift {
			c.Type, err = r.u32()
		}
	case CanonResourceNew, CanonResourceDrop, CanonResourceRep:
		c.Type, err = r.u32()
	default:
		return c, r.failBack("canon built-in 0x%02x is not supported (async, threads and error-context built-ins come later)", c.Op)
	}
	return c, err
}

func canonName(op byte) string {
	switch op {
	case CanonLift:
		return "lift"
	case CanonLower:
		return "lower"
	case CanonResourceNew:
		return "resource.new"
	case CanonResourceDrop:
		return "resource.drop"
	case CanonResourceRep:
		return "resource.rep"
	}
	return fmt.Sprintf("0x%02x", op)
}
