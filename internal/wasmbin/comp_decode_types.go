package wasmbin

// Decoding of component and core type definitions (Binary.md, "Type
// Definitions").

func isPrim(b byte) bool { return b >= PrimString && b <= PrimBool || b == PrimErrorContext }

// valType reads a valtype: a primitive opcode or a type index as s33.
func (r *reader) valType() (ValType, error) {
	if r.pos < len(r.b) && isPrim(r.b[r.pos]) {
		r.pos++
		return ValType{Prim: r.b[r.pos-1]}, nil
	}
	x, err := r.s33()
	if err != nil {
		return ValType{}, err
	}
	if x < 0 || x > 0xffffffff {
		return ValType{}, r.fail("bad value type %d", x)
	}
	return ValType{Index: uint32(x)}, nil
}

func (r *reader) optValType() (*ValType, error) {
	has, err := r.option()
	if err != nil || !has {
		return nil, err
	}
	t, err := r.valType()
	return &t, err
}

// s33 reads a signed LEB128 of at most 33 bits.
func (r *reader) s33() (int64, error) {
	var x int64
	var shift uint
	for i := 0; i < 5; i++ {
		c, err := r.byte()
		if err != nil {
			return 0, err
		}
		x |= int64(c&0x7f) << shift
		shift += 7
		if c&0x80 == 0 {
			if shift < 64 && c&0x40 != 0 {
				x |= -1 << shift
			}
			return x, nil
		}
	}
	return 0, r.fail("s33 too long")
}

func (r *reader) labels(minSize int) ([]string, error) {
	var out []string
	err := r.vec(minSize, func() error {
		s, err := r.name()
		out = append(out, s)
		return err
	})
	return out, err
}

func (r *reader) fields() ([]Field, error) {
	var out []Field
	err := r.vec(2, func() error {
		var f Field
		var err error
		if f.Name, err = r.name(); err == nil {
			f.Type, err = r.valType()
		}
		out = append(out, f)
		return err
	})
	return out, err
}

// maxTypeDepth bounds nested component/instance types.
const maxTypeDepth = 64

func (r *reader) typeDef(depth int) (Type, error) {
	if depth > maxTypeDepth {
		return Type{}, r.fail("types nest deeper than %d", maxTypeDepth)
	}
	var t Type
	var err error
	if t.Kind, err = r.byte(); err != nil {
		return t, err
	}
	switch {
	case isPrim(t.Kind):
	case t.Kind == TypeRecord:
		t.Fields, err = r.fields()
	case t.Kind == TypeVariant:
		err = r.vec(3, func() error {
			var c Case
			var err error
			if c.Name, err = r.name(); err != nil {
				return err
			}
			if c.Type, err = r.optValType(); err != nil {
				return err
			}
			refines, err := r.byte()
			if err == nil && refines != 0x00 {
				r.pos--
				err = r.fail("variant case refines (0x%02x) is not supported", refines)
			}
			t.Cases = append(t.Cases, c)
			return err
		})
	case t.Kind == TypeList, t.Kind == TypeOption:
		t.Elem, err = r.valType()
	case t.Kind == TypeFixedList:
		if t.Elem, err = r.valType(); err == nil {
			t.Len, err = r.u32()
		}
	case t.Kind == TypeTuple:
		err = r.vec(1, func() error {
			v, err := r.valType()
			t.Elems = append(t.Elems, v)
			return err
		})
	case t.Kind == TypeFlags, t.Kind == TypeEnum:
		t.Labels, err = r.labels(1)
	case t.Kind == TypeResult:
		if t.Ok, err = r.optValType(); err == nil {
			t.Err, err = r.optValType()
		}
	case t.Kind == TypeOwn, t.Kind == TypeBorrow:
		t.Index, err = r.u32()
	case t.Kind == TypeStream, t.Kind == TypeFuture:
		t.Ok, err = r.optValType()
	case t.Kind == TypeMap:
		if t.Elem, err = r.valType(); err == nil {
			t.Value, err = r.valType()
		}
	case t.Kind == TypeFunc, t.Kind == TypeAsyncFunc:
		if t.Params, err = r.fields(); err != nil {
			return t, err
		}
		var tag byte
		if tag, err = r.byte(); err != nil {
			return t, err
		}
		switch tag {
		case 0x00:
			var v ValType
			v, err = r.valType()
			t.Result = &v
		case 0x01:
			var z byte
			if z, err = r.byte(); err == nil && z != 0x00 {
				err = r.fail("named results are not supported")
			}
		default:
			err = r.fail("bad result list 0x%02x", tag)
		}
	case t.Kind == TypeComponent, t.Kind == TypeInstance:
		err = r.vec(2, func() error {
			d, err := r.decl(t.Kind == TypeComponent, depth)
			t.Decls = append(t.Decls, d)
			return err
		})
	case t.Kind == TypeResource:
		if t.Rep, err = r.byte(); err != nil {
			return t, err
		}
		var has bool
		if has, err = r.option(); err == nil && has {
			var f uint32
			f, err = r.u32()
			t.Dtor = &f
		}
	default:
		r.pos--
		return t, r.fail("unknown type opcode 0x%02x", t.Kind)
	}
	return t, err
}

func (r *reader) decl(inComponent bool, depth int) (Decl, error) {
	var d Decl
	var err error
	if d.Kind, err = r.byte(); err != nil {
		return d, err
	}
	switch d.Kind {
	case DeclCoreType:
		var ct CoreType
		ct, err = r.coreType(depth + 1)
		d.CoreType = &ct
	case DeclType:
		var t Type
		t, err = r.typeDef(depth + 1)
		d.Type = &t
	case DeclAlias:
		var a Alias
		a, err = r.alias()
		d.Alias = &a
	case DeclImport, DeclExport:
		if d.Kind == DeclImport && !inComponent {
			r.pos--
			return d, r.fail("import declarator in an instance type")
		}
		if d.Name, err = r.nameAttrs(); err == nil {
			d.Extern, err = r.externType()
		}
	default:
		r.pos--
		return d, r.fail("unknown declarator 0x%02x", d.Kind)
	}
	return d, err
}

func isCoreValType(b byte) bool { return b >= 0x7b && b <= 0x7f || b == 0x70 || b == 0x6f }

func (r *reader) coreValTypes() ([]byte, error) {
	var out []byte
	err := r.vec(1, func() error {
		b, err := r.byte()
		if err == nil && !isCoreValType(b) {
			r.pos--
			err = r.fail("core value type 0x%02x is not supported", b)
		}
		out = append(out, b)
		return err
	})
	return out, err
}

func (r *reader) coreType(depth int) (CoreType, error) {
	var ct CoreType
	if depth > maxTypeDepth {
		return ct, r.fail("types nest deeper than %d", maxTypeDepth)
	}
	tag, err := r.byte()
	if err != nil {
		return ct, err
	}
	switch tag {
	case 0x60:
		ft := &CoreFuncType{}
		if ft.Params, err = r.coreValTypes(); err == nil {
			ft.Results, err = r.coreValTypes()
		}
		ct.Func = ft
	case 0x50:
		ct.Module = []ModuleDecl{}
		err = r.vec(2, func() error {
			md, err := r.moduleDecl(depth)
			ct.Module = append(ct.Module, md)
			return err
		})
	default:
		r.pos--
		return ct, r.fail("core type 0x%02x is not supported (only function and module types)", tag)
	}
	return ct, err
}

func (r *reader) moduleDecl(depth int) (ModuleDecl, error) {
	var md ModuleDecl
	var err error
	if md.Kind, err = r.byte(); err != nil {
		return md, err
	}
	switch md.Kind {
	case ModuleDeclImport:
		if md.Module, err = r.name(); err == nil {
			if md.Name, err = r.name(); err == nil {
				md.Desc, err = r.coreDesc()
			}
		}
	case ModuleDeclExport:
		if md.Name, err = r.name(); err == nil {
			md.Desc, err = r.coreDesc()
		}
	case ModuleDeclType:
		var t CoreType
		t, err = r.coreType(depth + 1)
		md.Type = &t
	case ModuleDeclAlias:
		var sort, target byte
		if sort, err = r.byte(); err != nil {
			return md, err
		}
		if target, err = r.byte(); err != nil {
			return md, err
		}
		if sort != 0x10 || target != 0x01 {
			return md, r.fail("module type alias must be an outer type alias")
		}
		if md.Count, err = r.u32(); err == nil {
			md.Index, err = r.u32()
		}
	default:
		r.pos--
		return md, r.fail("unknown module declarator 0x%02x", md.Kind)
	}
	return md, err
}

// coreDesc reads a core import description and returns its bytes.
func (r *reader) coreDesc() ([]byte, error) {
	start := r.pos
	kind, err := r.byte()
	if err != nil {
		return nil, err
	}
	if err := r.skipImportDesc(ExternKind(kind)); err != nil {
		return nil, err
	}
	return append([]byte(nil), r.b[start:r.pos]...), nil
}
