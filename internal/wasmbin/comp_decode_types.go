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

func (r *reader) fields() ([]Field, error) {
	return readVec(r, 2, func() (Field, error) {
		var f Field
		var err error
		if f.Name, err = r.name(); err == nil {
			f.Type, err = r.valType()
		}
		return f, err
	})
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
		t.Cases, err = readVec(r, 3, r.variantCase)
	case t.Kind == TypeList, t.Kind == TypeOption:
		t.Elem, err = r.valType()
	case t.Kind == TypeFixedList:
		if t.Elem, err = r.valType(); err == nil {
			t.Len, err = r.u32()
		}
	case t.Kind == TypeTuple:
		t.Elems, err = readVec(r, 1, r.valType)
	case t.Kind == TypeFlags, t.Kind == TypeEnum:
		t.Labels, err = readVec(r, 1, r.name)
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
		t.Decls, err = readVec(r, 2, func() (Decl, error) { return r.decl(t.Kind == TypeComponent, depth) })
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
		return t, r.failBack("unknown type opcode 0x%02x", t.Kind)
	}
	return t, err
}

// variantCase reads one case of a variant type.
func (r *reader) variantCase() (Case, error) {
	var c Case
	var err error
	if c.Name, err = r.name(); err != nil {
		return c, err
	}
	if c.Type, err = r.optValType(); err != nil {
		return c, err
	}
	refines, err := r.byte()
	if err == nil && refines != 0x00 {
		err = r.failBack("variant case refines (0x%02x) is not supported", refines)
	}
	return c, err
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
			return d, r.failBack("import declarator in an instance type")
		}
		if d.Name, err = r.nameAttrs(); err == nil {
			d.Extern, err = r.externType()
		}
	default:
		return d, r.failBack("unknown declarator 0x%02x", d.Kind)
	}
	return d, err
}

func isCoreValType(b byte) bool { return b >= 0x7b && b <= 0x7f || b == 0x70 || b == 0x6f }

func (r *reader) coreValTypes() ([]byte, error) {
	return readVec(r, 1, func() (byte, error) {
		b, err := r.byte()
		if err == nil && !isCoreValType(b) {
			err = r.failBack("core value type 0x%02x is not supported", b)
		}
		return b, err
	})
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
		ct.Module, err = readVec(r, 2, func() (ModuleDecl, error) { return r.moduleDecl(depth) })
		if ct.Module == nil {
			ct.Module = []ModuleDecl{} // non-nil: a module type, even when empty
		}
	default:
		return ct, r.failBack("core type 0x%02x is not supported (only function and module types)", tag)
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
		return md, r.failBack("unknown module declarator 0x%02x", md.Kind)
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
