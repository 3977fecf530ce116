package wasmbin

// EncodeComponent writes a component in the binary format, LEB128 numbers
// minimal, as wasm-tools writes them.
func EncodeComponent(c *Component) []byte {
	out := append([]byte(nil), magic...)
	version := c.Version
	if version == ([4]byte{}) {
		version = [4]byte{componentVersion, 0x00, 0x01, 0x00}
	}
	out = append(out, version[:]...)
	for _, d := range c.Defs {
		payload := encodeDef(d)
		out = append(out, d.sectionID())
		out = appendU32(out, uint32(len(payload)))
		out = append(out, payload...)
	}
	return out
}

// writer accumulates encoded bytes.
type writer struct{ b []byte }

func (w *writer) byte(b byte)   { w.b = append(w.b, b) }
func (w *writer) u32(x uint32)  { w.b = appendU32(w.b, x) }
func (w *writer) name(s string) { w.u32(uint32(len(s))); w.b = append(w.b, s...) }

// writeVec writes a vector: its length, then each element by item.
func writeVec[T any](w *writer, items []T, item func(T)) {
	w.u32(uint32(len(items)))
	for _, v := range items {
		item(v)
	}
}

func encodeDef(d Def) []byte {
	w := &writer{}
	switch d := d.(type) {
	case *CustomDef:
		w.name(d.Name)
		w.b = append(w.b, d.Data...)
	case *CoreModuleDef:
		return d.Module.Encode()
	case *ComponentDef:
		return EncodeComponent(d.Component)
	case *ValueDefs:
		return d.Raw
	case *CoreInstanceDefs:
		writeVec(w, d.Instances, w.coreInstance)
	case *CoreTypeDefs:
		writeVec(w, d.Types, w.coreType)
	case *InstanceDefs:
		writeVec(w, d.Instances, w.instance)
	case *AliasDefs:
		writeVec(w, d.Aliases, w.alias)
	case *TypeDefs:
		writeVec(w, d.Types, w.typeDef)
	case *CanonDefs:
		writeVec(w, d.Funcs, w.canon)
	case *StartDef:
		w.u32(d.Func)
		writeVec(w, d.Args, w.u32)
		w.u32(d.Results)
	case *ImportDefs:
		writeVec(w, d.Imports, func(im Import) {
			w.nameAttrs(im.Name)
			w.externType(im.Type)
		})
	case *ExportDefs:
		writeVec(w, d.Exports, func(ex Export) {
			w.nameAttrs(ex.Name)
			w.sort(ex.Sort)
			w.u32(ex.Index)
			if ex.Type == nil {
				w.byte(0x00)
			} else {
				w.byte(0x01)
				w.externType(*ex.Type)
			}
		})
	}
	return w.b
}

func (w *writer) sort(s Sort) {
	if s.IsCore() {
		w.byte(0x00)
		w.byte(byte(s - CoreSortBase))
		return
	}
	w.byte(byte(s))
}

func (w *writer) coreInstance(ci CoreInstance) {
	if ci.Instantiate {
		w.byte(0x00)
		w.u32(ci.Module)
		writeVec(w, ci.Args, func(a CoreInstantiateArg) {
			w.name(a.Name)
			w.byte(0x12)
			w.u32(a.Instance)
		})
		return
	}
	w.byte(0x01)
	writeVec(w, ci.Exports, func(e CoreInlineExport) {
		w.name(e.Name)
		w.byte(byte(e.Sort - CoreSortBase))
		w.u32(e.Index)
	})
}

func (w *writer) instance(in Instance) {
	if in.Instantiate {
		w.byte(0x00)
		w.u32(in.Component)
		writeVec(w, in.Args, func(a InstantiateArg) {
			w.name(a.Name)
			w.sort(a.Sort)
			w.u32(a.Index)
		})
		return
	}
	w.byte(0x01)
	writeVec(w, in.Exports, func(e InlineExport) {
		w.nameAttrs(e.Name)
		w.sort(e.Sort)
		w.u32(e.Index)
	})
}

func (w *writer) alias(a Alias) {
	w.sort(a.Sort)
	w.byte(a.Target)
	switch a.Target {
	case AliasExport, AliasCoreExport:
		w.u32(a.Instance)
		w.name(a.Name)
	default:
		w.u32(a.Count)
		w.u32(a.Index)
	}
}

func (w *writer) nameAttrs(n Name) {
	form := n.Form
	if len(n.Attrs) > 0 {
		form = 0x02
	}
	w.byte(form)
	w.name(n.Name)
	if form == 0x02 {
		writeVec(w, n.Attrs, func(a NameAttr) {
			w.byte(a.Kind)
			w.name(a.Value)
		})
	}
}

func (w *writer) externType(e ExternType) {
	w.byte(e.Kind)
	switch e.Kind {
	case ExternTypeCoreModule:
		w.byte(0x11)
		w.u32(e.Index)
	case ExternTypeType:
		w.byte(e.Bound)
		if e.Bound == 0x00 {
			w.u32(e.Index)
		}
	case ExternTypeValue:
		w.byte(e.Bound)
		if e.Bound == 0x00 {
			w.u32(e.Index)
		} else {
			w.valType(e.ValueType)
		}
	default:
		w.u32(e.Index)
	}
}

// valType writes a primitive opcode or a type index as s33.
func (w *writer) valType(v ValType) {
	if v.Prim != 0 {
		w.byte(v.Prim)
		return
	}
	x := int64(v.Index)
	for {
		c := byte(x & 0x7f)
		x >>= 7
		if x == 0 && c&0x40 == 0 {
			w.byte(c)
			return
		}
		w.byte(c | 0x80)
	}
}

func (w *writer) optValType(v *ValType) {
	if v == nil {
		w.byte(0x00)
		return
	}
	w.byte(0x01)
	w.valType(*v)
}

func (w *writer) fields(fs []Field) {
	writeVec(w, fs, func(f Field) {
		w.name(f.Name)
		w.valType(f.Type)
	})
}

func (w *writer) typeDef(t Type) {
	w.byte(t.Kind)
	switch t.Kind {
	case TypeRecord:
		w.fields(t.Fields)
	case TypeVariant:
		writeVec(w, t.Cases, func(c Case) {
			w.name(c.Name)
			w.optValType(c.Type)
			w.byte(0x00)
		})
	case TypeList, TypeOption:
		w.valType(t.Elem)
	case TypeFixedList:
		w.valType(t.Elem)
		w.u32(t.Len)
	case TypeTuple:
		writeVec(w, t.Elems, w.valType)
	case TypeFlags, TypeEnum:
		writeVec(w, t.Labels, w.name)
	case TypeResult:
		w.optValType(t.Ok)
		w.optValType(t.Err)
	case TypeOwn, TypeBorrow:
		w.u32(t.Index)
	case TypeStream, TypeFuture:
		w.optValType(t.Ok)
	case TypeMap:
		w.valType(t.Elem)
		w.valType(t.Value)
	case TypeFunc, TypeAsyncFunc:
		w.fields(t.Params)
		if t.Result != nil {
			w.byte(0x00)
			w.valType(*t.Result)
		} else {
			w.byte(0x01)
			w.byte(0x00)
		}
	case TypeComponent, TypeInstance:
		writeVec(w, t.Decls, w.decl)
	case TypeResource:
		w.byte(t.Rep)
		if t.Dtor == nil {
			w.byte(0x00)
		} else {
			w.byte(0x01)
			w.u32(*t.Dtor)
		}
	}
}

func (w *writer) decl(d Decl) {
	w.byte(d.Kind)
	switch d.Kind {
	case DeclCoreType:
		w.coreType(*d.CoreType)
	case DeclType:
		w.typeDef(*d.Type)
	case DeclAlias:
		w.alias(*d.Alias)
	case DeclImport, DeclExport:
		w.nameAttrs(d.Name)
		w.externType(d.Extern)
	}
}

func (w *writer) coreType(ct CoreType) {
	switch {
	case ct.Func != nil:
		w.byte(0x60)
		w.u32(uint32(len(ct.Func.Params)))
		w.b = append(w.b, ct.Func.Params...)
		w.u32(uint32(len(ct.Func.Results)))
		w.b = append(w.b, ct.Func.Results...)
	case ct.Module != nil:
		w.byte(0x50)
		writeVec(w, ct.Module, func(md ModuleDecl) {
			w.byte(md.Kind)
			switch md.Kind {
			case ModuleDeclImport:
				w.name(md.Module)
				w.name(md.Name)
				w.b = append(w.b, md.Desc...)
			case ModuleDeclExport:
				w.name(md.Name)
				w.b = append(w.b, md.Desc...)
			case ModuleDeclType:
				w.coreType(*md.Type)
			case ModuleDeclAlias:
				w.byte(0x10)
				w.byte(0x01)
				w.u32(md.Count)
				w.u32(md.Index)
			}
		})
	default:
		w.b = append(w.b, ct.Raw...)
	}
}

func (w *writer) canon(c Canon) {
	w.byte(c.Op)
	switch c.Op {
	case CanonLift, CanonLower:
		w.byte(0x00)
		w.u32(c.Func)
		writeVec(w, c.Opts, func(o CanonOpt) {
			w.byte(o.Kind)
			switch o.Kind {
			case OptMemory, OptRealloc, OptPostReturn, OptCallback:
				w.u32(o.Index)
			}
		})
		if c.Op == CanonLift {
			w.u32(c.Type)
		}
	default:
		w.u32(c.Type)
	}
}
