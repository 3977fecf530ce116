package wasmtime

// #include <string.h>
// #include "capi.h"
import "C"

import (
	"fmt"
	"unicode/utf8"
	"unsafe"

	"github.com/wasifill/wasifill/value"
)

// The C value's payload is a union; these give typed access to it.
func of[T any](v *C.wasmtime_component_val_t) *T { return (*T)(unsafe.Pointer(&v.of)) }

// variant and result payloads: a name or flag, then a pointer to a boxed value.
type cVariant struct {
	name C.wasm_name_t
	val  *C.wasmtime_component_val_t
}
type cResult struct {
	isOK C.bool
	val  *C.wasmtime_component_val_t
}

func setName(n *C.wasm_name_t, s string) {
	C.wasm_byte_vec_new(n, C.size_t(len(s)), stringPtr(s))
}

func goName(n *C.wasm_name_t) string { return C.GoStringN(n.data, C.int(n.size)) }

// box returns a heap value owned by Wasmtime (freed with its parent) holding
// the conversion of v.
func (inst *Instance) box(t *value.Type, v value.Value) (*C.wasmtime_component_val_t, error) {
	var zero C.wasmtime_component_val_t
	b := C.wasmtime_component_val_new(&zero)
	if err := inst.toC(b, t, v); err != nil {
		return b, err
	}
	return b, nil
}

func zeroVals(p *C.wasmtime_component_val_t, n int) {
	if n > 0 {
		C.memset(unsafe.Pointer(p), 0, C.size_t(n)*C.size_t(unsafe.Sizeof(*p)))
	}
}

func typeErr(t *value.Type, v value.Value) error { return &value.TypeError{Type: t, Got: v} }

// toC writes v, of type t, into dst, which holds a value without memory of
// its own (zero, or a primitive). dst is left valid for deletion even when
// an error is returned.
func (inst *Instance) toC(dst *C.wasmtime_component_val_t, t *value.Type, v value.Value) error {
	switch t.Kind {
	case value.KindBool:
		x, ok := v.(bool)
		if !ok {
			return typeErr(t, v)
		}
		*of[C.bool](dst) = C.bool(x)
		dst.kind = C.WV_BOOL
	case value.KindS8:
		x, ok := v.(int8)
		if !ok {
			return typeErr(t, v)
		}
		*of[C.int8_t](dst) = C.int8_t(x)
		dst.kind = C.WV_S8
	case value.KindU8:
		x, ok := v.(uint8)
		if !ok {
			return typeErr(t, v)
		}
		*of[C.uint8_t](dst) = C.uint8_t(x)
		dst.kind = C.WV_U8
	case value.KindS16:
		x, ok := v.(int16)
		if !ok {
			return typeErr(t, v)
		}
		*of[C.int16_t](dst) = C.int16_t(x)
		dst.kind = C.WV_S16
	case value.KindU16:
		x, ok := v.(uint16)
		if !ok {
			return typeErr(t, v)
		}
		*of[C.uint16_t](dst) = C.uint16_t(x)
		dst.kind = C.WV_U16
	case value.KindS32:
		x, ok := v.(int32)
		if !ok {
			return typeErr(t, v)
		}
		*of[C.int32_t](dst) = C.int32_t(x)
		dst.kind = C.WV_S32
	case value.KindU32:
		x, ok := v.(uint32)
		if !ok {
			return typeErr(t, v)
		}
		*of[C.uint32_t](dst) = C.uint32_t(x)
		dst.kind = C.WV_U32
	case value.KindS64:
		x, ok := v.(int64)
		if !ok {
			return typeErr(t, v)
		}
		*of[C.int64_t](dst) = C.int64_t(x)
		dst.kind = C.WV_S64
	case value.KindU64:
		x, ok := v.(uint64)
		if !ok {
			return typeErr(t, v)
		}
		*of[C.uint64_t](dst) = C.uint64_t(x)
		dst.kind = C.WV_U64
	case value.KindF32:
		x, ok := v.(float32)
		if !ok {
			return typeErr(t, v)
		}
		*of[C.float](dst) = C.float(x)
		dst.kind = C.WV_F32
	case value.KindF64:
		x, ok := v.(float64)
		if !ok {
			return typeErr(t, v)
		}
		*of[C.double](dst) = C.double(x)
		dst.kind = C.WV_F64
	case value.KindChar:
		x, ok := v.(rune)
		if !ok || !value.ValidChar(x) {
			return typeErr(t, v)
		}
		*of[C.uint32_t](dst) = C.uint32_t(x)
		dst.kind = C.WV_CHAR
	case value.KindString:
		x, ok := v.(string)
		if !ok || !utf8.ValidString(x) {
			return typeErr(t, v)
		}
		setName(of[C.wasm_name_t](dst), x)
		dst.kind = C.WV_STRING
	case value.KindList:
		if b, ok := v.([]byte); ok && t.Elem.Kind == value.KindU8 {
			elems := make([]value.Value, len(b))
			for i, x := range b {
				elems[i] = x
			}
			v = elems
		}
		xs, ok := v.([]value.Value)
		if !ok || (t.Len > 0 && uint32(len(xs)) != t.Len) {
			return typeErr(t, v)
		}
		l := of[C.wasmtime_component_vallist_t](dst)
		C.wasmtime_component_vallist_new_uninit(l, C.size_t(len(xs)))
		dst.kind = C.WV_LIST
		if err := inst.toCElems(l, xs, func(int) *value.Type { return t.Elem }); err != nil {
			return err
		}
	case value.KindTuple:
		xs, ok := v.([]value.Value)
		if !ok || len(xs) != len(t.Elems) {
			return typeErr(t, v)
		}
		l := of[C.wasmtime_component_vallist_t](dst)
		C.wasmtime_component_valtuple_new_uninit(l, C.size_t(len(xs)))
		dst.kind = C.WV_TUPLE
		if err := inst.toCElems(l, xs, func(i int) *value.Type { return t.Elems[i] }); err != nil {
			return err
		}
	case value.KindRecord:
		xs, ok := v.([]value.Value)
		if !ok || len(xs) != len(t.Fields) {
			return typeErr(t, v)
		}
		r := of[C.wasmtime_component_valrecord_t](dst)
		C.wasmtime_component_valrecord_new_uninit(r, C.size_t(len(xs)))
		if len(xs) > 0 {
			C.memset(unsafe.Pointer(r.data), 0, C.size_t(len(xs))*C.size_t(unsafe.Sizeof(*r.data)))
		}
		dst.kind = C.WV_RECORD
		entries := unsafe.Slice(r.data, len(xs))
		for i, f := range t.Fields {
			setName(&entries[i].name, f.Name)
		}
		for i, f := range t.Fields {
			if err := inst.toC(&entries[i].val, f.Type, xs[i]); err != nil {
				return fmt.Errorf("field %s: %w", f.Name, err)
			}
		}
	case value.KindVariant:
		x, ok := v.(value.Variant)
		if !ok || int(x.Case) >= len(t.Cases) {
			return typeErr(t, v)
		}
		c := t.Cases[x.Case]
		cv := of[cVariant](dst)
		setName(&cv.name, c.Name)
		dst.kind = C.WV_VARIANT
		if c.Type != nil {
			b, err := inst.box(c.Type, x.Payload)
			cv.val = b
			if err != nil {
				return fmt.Errorf("case %s: %w", c.Name, err)
			}
		} else if x.Payload != nil {
			return typeErr(t, v)
		}
	case value.KindEnum:
		x, ok := v.(value.Enum)
		if !ok || int(x) >= len(t.Labels) {
			return typeErr(t, v)
		}
		setName(of[C.wasm_name_t](dst), t.Labels[x])
		dst.kind = C.WV_ENUM
	case value.KindFlags:
		x, ok := v.(value.Flags)
		if !ok || len(x) != len(t.Labels) {
			return typeErr(t, v)
		}
		var set []string
		for i, on := range x {
			if on {
				set = append(set, t.Labels[i])
			}
		}
		fl := of[C.wasmtime_component_valflags_t](dst)
		C.wasmtime_component_valflags_new_uninit(fl, C.size_t(len(set)))
		names := unsafe.Slice(fl.data, len(set))
		for i, s := range set {
			setName(&names[i], s)
		}
		dst.kind = C.WV_FLAGS
	case value.KindOption:
		x, ok := v.(value.Option)
		if !ok {
			return typeErr(t, v)
		}
		dst.kind = C.WV_OPTION
		if x.Some {
			b, err := inst.box(t.Elem, x.Value)
			*of[*C.wasmtime_component_val_t](dst) = b
			if err != nil {
				return fmt.Errorf("some: %w", err)
			}
		}
	case value.KindResult:
		x, ok := v.(value.Result)
		if !ok {
			return typeErr(t, v)
		}
		cr := of[cResult](dst)
		cr.isOK = C.bool(!x.IsErr)
		dst.kind = C.WV_RESULT
		pt := t.Ok
		if x.IsErr {
			pt = t.Err
		}
		if pt != nil {
			b, err := inst.box(pt, x.Value)
			cr.val = b
			if err != nil {
				return err
			}
		} else if x.Value != nil {
			return typeErr(t, v)
		}
	case value.KindOwn, value.KindBorrow:
		h, ok := v.(value.Handle)
		if !ok {
			return typeErr(t, v)
		}
		r := inst.handles[h]
		if r == nil {
			return fmt.Errorf("no resource handle %d in this instance", h)
		}
		if t.Kind == value.KindOwn {
			// Ownership moves to the guest: the handle is gone (also when
			// the call fails before the guest gets it).
			delete(inst.handles, h)
		} else {
			r = C.wasmtime_component_resource_any_clone(r)
		}
		*of[*C.wasmtime_component_resource_any_t](dst) = r
		dst.kind = C.WV_RESOURCE
	default:
		return fmt.Errorf("type %s is not supported", t)
	}
	return nil
}

// toCElems zeroes l, made for len(xs) values, and converts xs into it,
// element i of type elem(i).
func (inst *Instance) toCElems(l *C.wasmtime_component_vallist_t, xs []value.Value, elem func(i int) *value.Type) error {
	zeroVals(l.data, len(xs))
	elems := unsafe.Slice(l.data, len(xs))
	for i, x := range xs {
		if err := inst.toC(&elems[i], elem(i), x); err != nil {
			return fmt.Errorf("element %d: %w", i, err)
		}
	}
	return nil
}

// fromC reads src, which Wasmtime produced for type t.
func (inst *Instance) fromC(src *C.wasmtime_component_val_t, t *value.Type) (value.Value, error) {
	want := map[value.Kind]C.uint8_t{
		value.KindBool: C.WV_BOOL, value.KindS8: C.WV_S8, value.KindU8: C.WV_U8, value.KindS16: C.WV_S16,
		value.KindU16: C.WV_U16, value.KindS32: C.WV_S32, value.KindU32: C.WV_U32, value.KindS64: C.WV_S64,
		value.KindU64: C.WV_U64, value.KindF32: C.WV_F32, value.KindF64: C.WV_F64, value.KindChar: C.WV_CHAR,
		value.KindString: C.WV_STRING, value.KindList: C.WV_LIST, value.KindRecord: C.WV_RECORD,
		value.KindTuple: C.WV_TUPLE, value.KindVariant: C.WV_VARIANT, value.KindEnum: C.WV_ENUM,
		value.KindOption: C.WV_OPTION, value.KindResult: C.WV_RESULT, value.KindFlags: C.WV_FLAGS,
		value.KindOwn: C.WV_RESOURCE, value.KindBorrow: C.WV_RESOURCE,
	}
	if k, ok := want[t.Kind]; !ok || k != src.kind {
		return nil, fmt.Errorf("wasmtime gave a value of kind %d for type %s", src.kind, t)
	}
	switch t.Kind {
	case value.KindBool:
		return bool(*of[C.bool](src)), nil
	case value.KindS8:
		return int8(*of[C.int8_t](src)), nil
	case value.KindU8:
		return uint8(*of[C.uint8_t](src)), nil
	case value.KindS16:
		return int16(*of[C.int16_t](src)), nil
	case value.KindU16:
		return uint16(*of[C.uint16_t](src)), nil
	case value.KindS32:
		return int32(*of[C.int32_t](src)), nil
	case value.KindU32:
		return uint32(*of[C.uint32_t](src)), nil
	case value.KindS64:
		return int64(*of[C.int64_t](src)), nil
	case value.KindU64:
		return uint64(*of[C.uint64_t](src)), nil
	case value.KindF32:
		return float32(*of[C.float](src)), nil
	case value.KindF64:
		return float64(*of[C.double](src)), nil
	case value.KindChar:
		return rune(*of[C.uint32_t](src)), nil
	case value.KindString:
		return goName(of[C.wasm_name_t](src)), nil
	case value.KindList, value.KindTuple:
		l := of[C.wasmtime_component_vallist_t](src)
		elems := unsafe.Slice(l.data, int(l.size))
		if t.Kind == value.KindList && t.Elem.Kind == value.KindU8 {
			b := make([]byte, len(elems))
			for i := range elems {
				b[i] = byte(*of[C.uint8_t](&elems[i]))
			}
			return b, nil
		}
		if t.Kind == value.KindTuple && len(elems) != len(t.Elems) {
			return nil, fmt.Errorf("tuple of %d elements for type %s", len(elems), t)
		}
		out := make([]value.Value, len(elems))
		for i := range elems {
			et := t.Elem
			if t.Kind == value.KindTuple {
				et = t.Elems[i]
			}
			x, err := inst.fromC(&elems[i], et)
			if err != nil {
				return nil, err
			}
			out[i] = x
		}
		return out, nil
	case value.KindRecord:
		r := of[C.wasmtime_component_valrecord_t](src)
		entries := unsafe.Slice(r.data, int(r.size))
		out := make([]value.Value, len(t.Fields))
		seen := 0
		for i := range entries {
			name := goName(&entries[i].name)
			k := fieldIndex(t, name)
			if k < 0 {
				return nil, fmt.Errorf("record field %q not in type %s", name, t)
			}
			x, err := inst.fromC(&entries[i].val, t.Fields[k].Type)
			if err != nil {
				return nil, err
			}
			out[k] = x
			seen++
		}
		if seen != len(t.Fields) {
			return nil, fmt.Errorf("record with %d of %d fields", seen, len(t.Fields))
		}
		return out, nil
	case value.KindVariant:
		cv := of[cVariant](src)
		name := goName(&cv.name)
		for i, c := range t.Cases {
			if c.Name != name {
				continue
			}
			out := value.Variant{Case: uint32(i)}
			if c.Type != nil {
				if cv.val == nil {
					return nil, fmt.Errorf("case %s without its payload", name)
				}
				x, err := inst.fromC(cv.val, c.Type)
				if err != nil {
					return nil, err
				}
				out.Payload = x
			}
			return out, nil
		}
		return nil, fmt.Errorf("variant case %q not in type %s", name, t)
	case value.KindEnum:
		name := goName(of[C.wasm_name_t](src))
		for i, l := range t.Labels {
			if l == name {
				return value.Enum(i), nil
			}
		}
		return nil, fmt.Errorf("enum case %q not in type %s", name, t)
	case value.KindFlags:
		fl := of[C.wasmtime_component_valflags_t](src)
		out := make(value.Flags, len(t.Labels))
		for _, n := range unsafe.Slice(fl.data, int(fl.size)) {
			name := goName(&n)
			found := false
			for i, l := range t.Labels {
				if l == name {
					out[i], found = true, true
				}
			}
			if !found {
				return nil, fmt.Errorf("flag %q not in type %s", name, t)
			}
		}
		return out, nil
	case value.KindOption:
		p := *of[*C.wasmtime_component_val_t](src)
		if p == nil {
			return value.None, nil
		}
		x, err := inst.fromC(p, t.Elem)
		if err != nil {
			return nil, err
		}
		return value.Some(x), nil
	case value.KindResult:
		cr := of[cResult](src)
		out := value.Result{IsErr: !bool(cr.isOK)}
		pt := t.Ok
		if out.IsErr {
			pt = t.Err
		}
		if pt != nil {
			if cr.val == nil {
				return nil, fmt.Errorf("result without its payload")
			}
			x, err := inst.fromC(cr.val, pt)
			if err != nil {
				return nil, err
			}
			out.Value = x
		}
		return out, nil
	case value.KindOwn, value.KindBorrow:
		r := *of[*C.wasmtime_component_resource_any_t](src)
		if r == nil {
			return nil, fmt.Errorf("resource value without its resource")
		}
		return inst.addHandle(C.wasmtime_component_resource_any_clone(r)), nil
	}
	return nil, fmt.Errorf("type %s is not supported", t)
}

func fieldIndex(t *value.Type, name string) int {
	for i, f := range t.Fields {
		if f.Name == name {
			return i
		}
	}
	return -1
}
