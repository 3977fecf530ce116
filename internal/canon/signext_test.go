package canon_test

import (
	"context"
	"slices"
	"testing"

	"github.com/wasifill/wasifill/internal/canon"
	"github.com/wasifill/wasifill/value"
)

// s8, s16 and s32 lower into an i32 sign-extended (the spec's
// lower_flat_signed(v, 32)): -1 as an s8 is the i32 0xffffffff, which
// wazero carries zero-extended to 64 bits. Every lowering path goes
// through the same code: parameters, results, record fields, fixed-length
// lists and variant payloads, where an i32 joined with an i64 keeps its 32
// bits (lower_flat_variant's ('i32', 'i64') case is the identity).
func TestLowerSignExtends(t *testing.T) {
	ctx := context.Background()
	wide := value.VariantOf("v", value.Case{Name: "a", Type: value.S8}, value.Case{Name: "b", Type: value.S64})
	narrow := value.VariantOf("w", value.Case{Name: "a", Type: value.S16}, value.Case{Name: "b", Type: value.F32})
	cases := []struct {
		name  string
		types []*value.Type
		vals  []value.Value
		want  []uint64
	}{
		{"params", []*value.Type{value.S8, value.S16}, []value.Value{int8(-1), int16(-2)}, []uint64{0xffffffff, 0xfffffffe}},
		{"extremes", []*value.Type{value.S8, value.S8, value.S16, value.S16, value.S32},
			[]value.Value{int8(-128), int8(127), int16(-32768), int16(32767), int32(-1)},
			[]uint64{0xffffff80, 0x7f, 0xffff8000, 0x7fff, 0xffffffff}},
		{"unsigned stay zero-extended", []*value.Type{value.U8, value.U16}, []value.Value{uint8(0xff), uint16(0xfffe)}, []uint64{0xff, 0xfffe}},
		{"tuple", []*value.Type{value.TupleOf(value.S16, value.S8)}, []value.Value{[]value.Value{int16(-300), int8(-5)}}, []uint64{0xfffffed4, 0xfffffffb}},
		{"fixed list", []*value.Type{value.FixedListOf(value.S8, 2)}, []value.Value{[]value.Value{int8(-1), int8(1)}}, []uint64{0xffffffff, 1}},
		{"variant joined with s64", []*value.Type{wide}, []value.Value{value.Variant{Case: 0, Payload: int8(-1)}}, []uint64{0, 0xffffffff}},
		{"variant joined with f32", []*value.Type{narrow}, []value.Value{value.Variant{Case: 0, Payload: int16(-2)}}, []uint64{0, 0xfffffffe}},
		{"option", []*value.Type{value.OptionOf(value.S8)}, []value.Value{value.Some(int8(-7))}, []uint64{1, 0xfffffff9}},
	}
	for _, c := range cases {
		got, err := canon.LowerValues(ctx, &canon.Options{}, canon.MaxFlatParams, c.types, c.vals, nil)
		if err != nil {
			t.Errorf("%s: %v", c.name, err)
			continue
		}
		if !slices.Equal(got, c.want) {
			t.Errorf("%s: lowered to %#x, want %#x", c.name, got, c.want)
		}
		// Lifting takes the low bits back, whatever the bits above them.
		back, err := canon.LiftValues(ctx, &canon.Options{}, canon.MaxFlatParams, c.types, got)
		if err != nil {
			t.Errorf("%s: lifting back: %v", c.name, err)
			continue
		}
		for i, typ := range c.types {
			if !value.Equal(typ, back[i], c.vals[i]) {
				t.Errorf("%s: lifted back %v, want %v", c.name, back[i], c.vals[i])
			}
		}
	}
}

// Lifting an s8 or s16 reads the low bits of the i32 and reinterprets them
// (lift_flat_signed): whatever the guest left above them is ignored, as is
// anything above 32 bits of an i64 an s8 payload was joined into.
func TestLiftSignedLowBits(t *testing.T) {
	ctx := context.Background()
	wide := value.VariantOf("v", value.Case{Name: "a", Type: value.S8}, value.Case{Name: "b", Type: value.S64})
	cases := []struct {
		t    *value.Type
		flat []uint64
		want value.Value
	}{
		{value.S8, []uint64{0xff}, int8(-1)},
		{value.S8, []uint64{0x12345680}, int8(-128)},
		{value.S16, []uint64{0xfffe}, int16(-2)},
		{value.S16, []uint64{0xabcd7fff}, int16(32767)},
		{wide, []uint64{0, 0xffffffff_ffffff9c}, value.Variant{Case: 0, Payload: int8(-100)}},
	}
	for _, c := range cases {
		got, err := canon.LiftValues(ctx, &canon.Options{}, canon.MaxFlatParams, []*value.Type{c.t}, c.flat)
		if err != nil || !value.Equal(c.t, got[0], c.want) {
			t.Errorf("lift %s from %#x = %v, %v; want %v", c.t, c.flat, got, err, c.want)
		}
	}
}

// In memory an s8 or s16 takes one or two bytes: the sign-extended flat
// value must not spill into its neighbours.
func TestStoreSignedBytes(t *testing.T) {
	m := newMemory(64)
	typ := value.TupleOf(value.S8, value.U8, value.S16, value.U16)
	v := []value.Value{int8(-1), uint8(2), int16(-2), uint16(3)}
	if err := canon.Store(context.Background(), options(m, canon.UTF8), typ, v, 16); err != nil {
		t.Fatal(err)
	}
	if want := []byte{0xff, 2, 0xfe, 0xff, 3, 0, 0, 0}; !slices.Equal(m.b[16:24], want) {
		t.Errorf("stored % x, want % x", m.b[16:24], want)
	}
}
