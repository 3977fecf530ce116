package canon_test

import (
	"context"
	"fmt"
	"slices"
	"testing"

	"github.com/wasifill/wasifill/internal/canon"
	"github.com/wasifill/wasifill/value"
)

// reallocLog is a memory whose realloc moves every block (copying what it
// held, as cabi_realloc must) and records its calls.
type reallocLog struct {
	*sliceMemory
	calls []string
}

func (m *reallocLog) realloc(ctx context.Context, old, oldSize, align, size uint32) (uint32, error) {
	from := "0"
	if old != 0 {
		from = "p"
	}
	m.calls = append(m.calls, fmt.Sprintf("(%s,%d,%d,%d)", from, oldSize, align, size))
	return m.sliceMemory.realloc(ctx, old, oldSize, align, size)
}

// Lowering a string makes the realloc calls of the spec's
// store_string_into_range from a UTF-8 source: an exact copy into utf8;
// into utf16 the worst case (2 bytes per UTF-8 byte) then a shrink; into
// latin1+utf16 one byte per UTF-8 byte, grown to the UTF-16 worst case at
// the first char past U+00FF, then shrunk to what was written. The calls
// and bytes below are worked out by hand from definitions.py.
func TestStoreStringReallocSequence(t *testing.T) {
	cases := []struct {
		enc   canon.StringEncoding
		s     string
		calls []string
		units uint32
		bytes []byte
	}{
		{canon.UTF8, "héllo", []string{"(0,0,1,6)"}, 6, []byte("héllo")},
		{canon.UTF16, "abc", []string{"(0,0,2,6)"}, 3, []byte{'a', 0, 'b', 0, 'c', 0}},
		{canon.UTF16, "", []string{"(0,0,2,0)"}, 0, nil},
		{canon.UTF16, "héllo", []string{"(0,0,2,12)", "(p,12,2,10)"}, 5, []byte{'h', 0, 0xe9, 0, 'l', 0, 'l', 0, 'o', 0}},
		{canon.UTF16, "😀", []string{"(0,0,2,8)", "(p,8,2,4)"}, 2, []byte{0x3d, 0xd8, 0x00, 0xde}},
		{canon.Latin1UTF16, "abc", []string{"(0,0,2,3)"}, 3, []byte("abc")},
		{canon.Latin1UTF16, "", []string{"(0,0,2,0)"}, 0, nil},
		{canon.Latin1UTF16, "héllo", []string{"(0,0,2,6)", "(p,6,2,5)"}, 5, []byte{'h', 0xe9, 'l', 'l', 'o'}},
		{canon.Latin1UTF16, "a€b", []string{"(0,0,2,5)", "(p,5,2,10)", "(p,10,2,6)"}, 3 | 1<<31, []byte{'a', 0, 0xac, 0x20, 'b', 0}},
		{canon.Latin1UTF16, "é€", []string{"(0,0,2,5)", "(p,5,2,10)", "(p,10,2,4)"}, 2 | 1<<31, []byte{0xe9, 0, 0xac, 0x20}},
		{canon.Latin1UTF16, "😀", []string{"(0,0,2,4)", "(p,4,2,8)", "(p,8,2,4)"}, 2 | 1<<31, []byte{0x3d, 0xd8, 0x00, 0xde}},
	}
	for _, c := range cases {
		m := &reallocLog{sliceMemory: newMemory(256)}
		opts := &canon.Options{Memory: m, Realloc: m.realloc, StringEncoding: c.enc}
		flat, err := canon.LowerValues(context.Background(), opts, canon.MaxFlatParams, []*value.Type{value.String}, []value.Value{c.s}, nil)
		if err != nil {
			t.Errorf("%d %q: %v", c.enc, c.s, err)
			continue
		}
		if !slices.Equal(m.calls, c.calls) {
			t.Errorf("%d %q: realloc calls %v, want %v", c.enc, c.s, m.calls, c.calls)
		}
		ptr, units := uint32(flat[0]), uint32(flat[1])
		if units != c.units {
			t.Errorf("%d %q: %#x code units, want %#x", c.enc, c.s, units, c.units)
		}
		if got := m.b[ptr : ptr+uint32(len(c.bytes))]; !slices.Equal(got, c.bytes) {
			t.Errorf("%d %q: stored % x, want % x", c.enc, c.s, got, c.bytes)
		}
		back, err := canon.LiftValues(context.Background(), opts, canon.MaxFlatParams, []*value.Type{value.String}, flat)
		if err != nil || back[0] != c.s {
			t.Errorf("%d %q: lifted back %q, %v", c.enc, c.s, back, err)
		}
	}
}
