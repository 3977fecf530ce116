package canon_test

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"testing"

	"github.com/wasifill/wasifill/internal/canon"
	"github.com/wasifill/wasifill/value"
)

func ty(t *testing.T, s string) *value.Type {
	t.Helper()
	typ, err := value.ParseType(s)
	if err != nil {
		t.Fatal(err)
	}
	return typ
}

func flags(n int) string {
	labels := make([]string, n)
	for i := range labels {
		labels[i] = fmt.Sprintf("f%d", i)
	}
	return "flags { " + strings.Join(labels, ", ") + " }"
}

func enum(n int) string { return "enum {" + flags(n)[len("flags {"):] }

const (
	i32 = canon.I32
	i64 = canon.I64
	f32 = canon.F32
	f64 = canon.F64
)

// Expected numbers written by hand from CanonicalABI.md's definitions of
// alignment, elem_size and flatten_type (the rule used is in each comment).
func TestLayout(t *testing.T) {
	cases := []struct {
		typ         string
		align, size uint32
		flat        []canon.ValType
	}{
		{"bool", 1, 1, []canon.ValType{i32}},
		{"s8", 1, 1, []canon.ValType{i32}},
		{"u16", 2, 2, []canon.ValType{i32}},
		{"u32", 4, 4, []canon.ValType{i32}},
		{"s64", 8, 8, []canon.ValType{i64}},
		{"f32", 4, 4, []canon.ValType{f32}},
		{"f64", 8, 8, []canon.ValType{f64}},
		{"char", 4, 4, []canon.ValType{i32}},
		{"string", 4, 8, []canon.ValType{i32, i32}},            // (ptr, len)
		{"list<u64>", 4, 8, []canon.ValType{i32, i32}},         // (ptr, len), whatever the element
		{"own<r>", 4, 4, []canon.ValType{i32}},                 // a handle index
		{"list<u16, 3>", 2, 6, []canon.ValType{i32, i32, i32}}, // fixed list: N elements in place
		{"list<u64, 2>", 8, 16, []canon.ValType{i64, i64}},
		// record: fields at aligned offsets, size rounded up to the max alignment.
		{"record { a: u8, b: u32 }", 4, 8, []canon.ValType{i32, i32}},              // a@0, b@4
		{"record { a: u8, b: u64, c: u8 }", 8, 24, []canon.ValType{i32, i64, i32}}, // a@0 b@8 c@16 → 17 → 24
		{"record { a: u8, b: u8, c: u16 }", 2, 4, []canon.ValType{i32, i32, i32}},
		{"tuple<u8, string>", 4, 12, []canon.ValType{i32, i32, i32}},
		// variant: discriminant, payload at max case alignment, joined flat payload.
		{"option<u8>", 1, 2, []canon.ValType{i32, i32}},   // disc u8, payload@1
		{"option<u32>", 4, 8, []canon.ValType{i32, i32}},  // payload@4
		{"option<u64>", 8, 16, []canon.ValType{i32, i64}}, // payload@8
		{"option<string>", 4, 12, []canon.ValType{i32, i32, i32}},
		{"result", 1, 1, []canon.ValType{i32}},                 // no payloads: just the disc
		{"result<u32, f32>", 4, 8, []canon.ValType{i32, i32}},  // join(i32, f32) = i32
		{"result<f32, f64>", 8, 16, []canon.ValType{i32, i64}}, // join(f32, f64) = i64
		{"result<u64, f32>", 8, 16, []canon.ValType{i32, i64}}, // join(i64, f32) = i64
		{"variant { a(u32), b(f32), c(u64) }", 8, 16, []canon.ValType{i32, i64}},
		{"variant { a(tuple<f32, f32>), b(u64) }", 8, 16, []canon.ValType{i32, i64, f32}}, // [join(f32,i64), f32]
		{"variant { a(f32), b }", 4, 8, []canon.ValType{i32, f32}},
		{"variant { a, b(u8) }", 1, 2, []canon.ValType{i32, i32}},
		{"enum { a, b }", 1, 1, []canon.ValType{i32}},
		{enum(256), 1, 1, []canon.ValType{i32}}, // 256 cases: u8 still holds 0..255
		{enum(257), 2, 2, []canon.ValType{i32}}, // 257 cases need u16
		{enum(65537), 4, 4, []canon.ValType{i32}},
		// flags: 1, 2 or 4·⌈n/32⌉ bytes; one i32 per 32 flags.
		{flags(1), 1, 1, []canon.ValType{i32}},
		{flags(8), 1, 1, []canon.ValType{i32}},
		{flags(9), 2, 2, []canon.ValType{i32}},
		{flags(16), 2, 2, []canon.ValType{i32}},
		{flags(17), 4, 4, []canon.ValType{i32}},
		{flags(32), 4, 4, []canon.ValType{i32}},
		{flags(33), 4, 8, []canon.ValType{i32, i32}},
		{flags(64), 4, 8, []canon.ValType{i32, i32}},
		{flags(65), 4, 12, []canon.ValType{i32, i32, i32}},
		// a variant whose payload is a record with a larger alignment than the disc.
		{"variant { a(record { x: u8, y: u16 }), b(u8) }", 2, 6, []canon.ValType{i32, i32, i32}},
	}
	for _, c := range cases {
		typ := ty(t, c.typ)
		name := c.typ
		if len(name) > 40 {
			name = name[:40]
		}
		if got := canon.Alignment(typ); got != c.align {
			t.Errorf("alignment(%s) = %d, want %d", name, got, c.align)
		}
		if got := canon.Size(typ); got != c.size {
			t.Errorf("size(%s) = %d, want %d", name, got, c.size)
		}
		if got := canon.Flatten(typ); !slices.Equal(got, c.flat) {
			t.Errorf("flatten(%s) = %v, want %v", name, got, c.flat)
		}
	}
}

// flatten_functype: params beyond MAX_FLAT_PARAMS=16 become one pointer;
// results beyond MAX_FLAT_RESULTS=1 become a returned pointer when lifting
// and a trailing out-pointer param when lowering.
func TestFlattenFunc(t *testing.T) {
	u32s := func(n int) []*value.Type {
		out := make([]*value.Type, n)
		for i := range out {
			out[i] = value.U32
		}
		return out
	}
	sixteen := slices.Repeat([]canon.ValType{i32}, 16)
	cases := []struct {
		name            string
		params, results []*value.Type
		cx              canon.Context
		want            canon.Signature
	}{
		{"16 params fit", u32s(16), nil, canon.Lift, canon.Signature{Params: sixteen}},
		{"17 params spill", u32s(17), nil, canon.Lift, canon.Signature{Params: []canon.ValType{i32}, ParamsSpilled: true}},
		{"string param is 2 flat", []*value.Type{value.String}, []*value.Type{value.U64}, canon.Lower,
			canon.Signature{Params: []canon.ValType{i32, i32}, Results: []canon.ValType{i64}}},
		{"string result lifted: return pointer", nil, []*value.Type{value.String}, canon.Lift,
			canon.Signature{Results: []canon.ValType{i32}, ResultsSpilled: true}},
		{"string result lowered: out-pointer param", []*value.Type{value.F64}, []*value.Type{value.String}, canon.Lower,
			canon.Signature{Params: []canon.ValType{f64, i32}, ResultsSpilled: true}},
		{"both spill when lowered", u32s(20), []*value.Type{value.String}, canon.Lower,
			canon.Signature{Params: []canon.ValType{i32, i32}, ParamsSpilled: true, ResultsSpilled: true}},
		{"option<u8> result is 2 flat: spills", nil, []*value.Type{value.OptionOf(value.U8)}, canon.Lift,
			canon.Signature{Results: []canon.ValType{i32}, ResultsSpilled: true}},
	}
	for _, c := range cases {
		got := canon.FlattenFunc(c.params, c.results, c.cx)
		if !slices.Equal(got.Params, c.want.Params) || !slices.Equal(got.Results, c.want.Results) ||
			got.ParamsSpilled != c.want.ParamsSpilled || got.ResultsSpilled != c.want.ResultsSpilled {
			t.Errorf("%s: got %+v, want %+v", c.name, got, c.want)
		}
	}
}

// Field and case offsets, written by hand from CanonicalABI.md (a field
// starts at the running size aligned to its alignment; a payload starts
// at the discriminant's size aligned to the largest case alignment).
func TestLayoutOffsets(t *testing.T) {
	cases := []struct {
		typ           string
		fields        []uint32
		disc, payload uint32
	}{
		{"record { a: u8, b: u32 }", []uint32{0, 4}, 0, 0},
		{"record { a: u8, b: u64, c: u8 }", []uint32{0, 8, 16}, 0, 0},
		{"record { a: u8, b: u8, c: u16 }", []uint32{0, 1, 2}, 0, 0},
		{"tuple<u8, string>", []uint32{0, 4}, 0, 0},
		{"tuple<u16, list<u8, 3>, f64>", []uint32{0, 2, 8}, 0, 0},
		{"option<u8>", nil, 1, 1},
		{"option<u64>", nil, 1, 8},
		{"result", nil, 1, 1},
		{"result<string, u16>", nil, 1, 4},
		{enum(257), nil, 2, 2},
		{"variant { a(record { x: u8, y: u16 }), b(u8) }", nil, 1, 2},
		{"u32", nil, 0, 0},
	}
	for _, c := range cases {
		l := canon.LayoutOf(ty(t, c.typ))
		name := c.typ
		if len(name) > 40 {
			name = name[:40]
		}
		if !slices.Equal(l.FieldOffsets, c.fields) || l.DiscSize != c.disc || l.PayloadOffset != c.payload {
			t.Errorf("%s: fields %v disc %d payload@%d, want %v %d %d", name, l.FieldOffsets, l.DiscSize, l.PayloadOffset,
				c.fields, c.disc, c.payload)
		}
		if l.Size != canon.Size(ty(t, c.typ)) || l.Align != canon.Alignment(ty(t, c.typ)) {
			t.Errorf("%s: LayoutOf disagrees with Size and Alignment", name)
		}
	}
	// The slices are the caller's: changing them changes no later answer.
	typ := ty(t, "tuple<u8, u32>")
	l := canon.LayoutOf(typ)
	l.FieldOffsets[1], l.Flat[0] = 99, canon.F64
	if again := canon.LayoutOf(typ); again.FieldOffsets[1] != 4 || again.Flat[0] != canon.I32 {
		t.Errorf("LayoutOf shares its slices: %+v", again)
	}
}

// Store puts each field where FieldOffsets says, and a case's payload at
// PayloadOffset after a DiscSize-byte index: read back byte by byte.
func TestLayoutOffsetsAgreeWithStore(t *testing.T) {
	ctx := context.Background()
	rec := ty(t, "tuple<u8, u64, u16>")
	m := newMemory(64)
	if err := canon.Store(ctx, &canon.Options{Memory: m}, rec, []value.Value{uint8(7), uint64(9), uint16(5)}, 8); err != nil {
		t.Fatal(err)
	}
	l := canon.LayoutOf(rec)
	for i, want := range []byte{7, 9, 5} {
		if got := m.b[8+l.FieldOffsets[i]]; got != want {
			t.Errorf("field %d at +%d holds %d, want %d", i, l.FieldOffsets[i], got, want)
		}
	}
	vt := ty(t, "result<u8, u32>")
	m = newMemory(64)
	if err := canon.Store(ctx, &canon.Options{Memory: m}, vt, value.Err(uint32(0x0a0b0c0d)), 8); err != nil {
		t.Fatal(err)
	}
	l = canon.LayoutOf(vt)
	if l.DiscSize != 1 || m.b[8] != 1 || m.b[8+l.PayloadOffset] != 0x0d {
		t.Errorf("result<u8, u32> error case: disc %d, bytes %v, payload@%d", l.DiscSize, m.b[8:16], l.PayloadOffset)
	}
}
