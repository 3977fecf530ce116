package wasmtime

// #include "capi.h"
import "C"

import (
	"fmt"

	"github.com/wasifill/wasifill/interop"
	"github.com/wasifill/wasifill/value"
)

// resourceNames are the resource types exported next to a function, which
// name the resources in its type. Without a match (or with nil, as for a
// type taken from a function of an Instance) a resource is named
// "resource".
type resourceNames []resourceName

type resourceName struct {
	name string
	ty   *C.wasmtime_component_resource_type_t
}

func (rn resourceNames) name(ty *C.wasmtime_component_resource_type_t) string {
	for _, r := range rn {
		if C.wasmtime_component_resource_type_equal(r.ty, ty) {
			return r.name
		}
	}
	return "resource"
}

// funcType converts a Wasmtime function type. It does not take ownership.
func (rn resourceNames) funcType(ft *C.wasmtime_component_func_type_t) (*interop.Func, error) {
	f := &interop.Func{}
	n := C.wasmtime_component_func_type_param_count(ft)
	for i := C.size_t(0); i < n; i++ {
		var (
			name    *C.char
			nameLen C.size_t
			vt      C.wasmtime_component_valtype_t
		)
		if !C.wasmtime_component_func_type_param_nth(ft, i, &name, &nameLen, &vt) {
			return nil, fmt.Errorf("wasmtime: parameter %d missing", i)
		}
		t, err := rn.takeType(&vt)
		if err != nil {
			return nil, err
		}
		f.Params = append(f.Params, interop.Param{Name: C.GoStringN(name, C.int(nameLen)), Type: t})
	}
	var vt C.wasmtime_component_valtype_t
	if C.wasmtime_component_func_type_result(ft, &vt) {
		t, err := rn.takeType(&vt)
		if err != nil {
			return nil, err
		}
		f.Result = t
	}
	return f, nil
}

// takeType converts vt and deletes it.
func (rn resourceNames) takeType(vt *C.wasmtime_component_valtype_t) (*value.Type, error) {
	defer C.wasmtime_component_valtype_delete(vt)
	return rn.convType(vt)
}

var primitiveTypes = map[C.uint8_t]*value.Type{
	C.WT_BOOL: value.Bool, C.WT_S8: value.S8, C.WT_S16: value.S16, C.WT_S32: value.S32, C.WT_S64: value.S64,
	C.WT_U8: value.U8, C.WT_U16: value.U16, C.WT_U32: value.U32, C.WT_U64: value.U64,
	C.WT_F32: value.F32, C.WT_F64: value.F64, C.WT_CHAR: value.Char, C.WT_STRING: value.String,
}

func (rn resourceNames) convType(vt *C.wasmtime_component_valtype_t) (*value.Type, error) {
	if t, ok := primitiveTypes[vt.kind]; ok {
		return t, nil
	}
	p := vt.ptr
	switch vt.kind {
	case C.WT_LIST:
		var e C.wasmtime_component_valtype_t
		C.wasmtime_component_list_type_element((*C.wasmtime_component_list_type_t)(p), &e)
		et, err := rn.takeType(&e)
		if err != nil {
			return nil, err
		}
		return value.ListOf(et), nil
	case C.WT_RECORD:
		rt := (*C.wasmtime_component_record_type_t)(p)
		t := &value.Type{Kind: value.KindRecord}
		n := C.wasmtime_component_record_type_field_count(rt)
		for i := C.size_t(0); i < n; i++ {
			var (
				name    *C.char
				nameLen C.size_t
				ft      C.wasmtime_component_valtype_t
			)
			C.wasmtime_component_record_type_field_nth(rt, i, &name, &nameLen, &ft)
			fty, err := rn.takeType(&ft)
			if err != nil {
				return nil, err
			}
			t.Fields = append(t.Fields, value.Field{Name: C.GoStringN(name, C.int(nameLen)), Type: fty})
		}
		return t, nil
	case C.WT_TUPLE:
		tt := (*C.wasmtime_component_tuple_type_t)(p)
		t := &value.Type{Kind: value.KindTuple}
		n := C.wasmtime_component_tuple_type_types_count(tt)
		for i := C.size_t(0); i < n; i++ {
			var et C.wasmtime_component_valtype_t
			C.wasmtime_component_tuple_type_types_nth(tt, i, &et)
			ety, err := rn.takeType(&et)
			if err != nil {
				return nil, err
			}
			t.Elems = append(t.Elems, ety)
		}
		return t, nil
	case C.WT_VARIANT:
		vty := (*C.wasmtime_component_variant_type_t)(p)
		t := &value.Type{Kind: value.KindVariant}
		n := C.wasmtime_component_variant_type_case_count(vty)
		for i := C.size_t(0); i < n; i++ {
			var (
				name    *C.char
				nameLen C.size_t
				has     C.bool
				pt      C.wasmtime_component_valtype_t
			)
			C.wasmtime_component_variant_type_case_nth(vty, i, &name, &nameLen, &has, &pt)
			c := value.Case{Name: C.GoStringN(name, C.int(nameLen))}
			if has {
				pty, err := rn.takeType(&pt)
				if err != nil {
					return nil, err
				}
				c.Type = pty
			}
			t.Cases = append(t.Cases, c)
		}
		return t, nil
	case C.WT_ENUM:
		et := (*C.wasmtime_component_enum_type_t)(p)
		t := &value.Type{Kind: value.KindEnum}
		n := C.wasmtime_component_enum_type_names_count(et)
		for i := C.size_t(0); i < n; i++ {
			var (
				name    *C.char
				nameLen C.size_t
			)
			C.wasmtime_component_enum_type_names_nth(et, i, &name, &nameLen)
			t.Labels = append(t.Labels, C.GoStringN(name, C.int(nameLen)))
		}
		return t, nil
	case C.WT_FLAGS:
		ft := (*C.wasmtime_component_flags_type_t)(p)
		t := &value.Type{Kind: value.KindFlags}
		n := C.wasmtime_component_flags_type_names_count(ft)
		for i := C.size_t(0); i < n; i++ {
			var (
				name    *C.char
				nameLen C.size_t
			)
			C.wasmtime_component_flags_type_names_nth(ft, i, &name, &nameLen)
			t.Labels = append(t.Labels, C.GoStringN(name, C.int(nameLen)))
		}
		return t, nil
	case C.WT_OPTION:
		var e C.wasmtime_component_valtype_t
		C.wasmtime_component_option_type_ty((*C.wasmtime_component_option_type_t)(p), &e)
		et, err := rn.takeType(&e)
		if err != nil {
			return nil, err
		}
		return value.OptionOf(et), nil
	case C.WT_RESULT:
		rt := (*C.wasmtime_component_result_type_t)(p)
		t := &value.Type{Kind: value.KindResult}
		var ok, er C.wasmtime_component_valtype_t
		if C.wasmtime_component_result_type_ok(rt, &ok) {
			okt, err := rn.takeType(&ok)
			if err != nil {
				return nil, err
			}
			t.Ok = okt
		}
		if C.wasmtime_component_result_type_err(rt, &er) {
			ert, err := rn.takeType(&er)
			if err != nil {
				return nil, err
			}
			t.Err = ert
		}
		return t, nil
	case C.WT_OWN:
		return value.OwnOf(rn.name((*C.wasmtime_component_resource_type_t)(p))), nil
	case C.WT_BORROW:
		return value.BorrowOf(rn.name((*C.wasmtime_component_resource_type_t)(p))), nil
	default:
		return nil, fmt.Errorf("wasmtime: unsupported value type kind %d (future, stream or error-context)", vt.kind)
	}
}
