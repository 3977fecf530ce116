package canon_test

import (
	"context"
	"errors"
	"fmt"
	"math/rand/v2"
	"testing"

	"github.com/wasifill/wasifill/internal/canon"
	"github.com/wasifill/wasifill/internal/valuetest"
	"github.com/wasifill/wasifill/value"
)

// sliceMemory is a linear memory over a byte slice with a bump allocator
// standing in for the guest's cabi_realloc.
type sliceMemory struct {
	b    []byte
	next uint32
}

func newMemory(size int) *sliceMemory { return &sliceMemory{b: make([]byte, size), next: 8} }

func (m *sliceMemory) Size() uint32 { return uint32(len(m.b)) }

func (m *sliceMemory) Read(off, n uint32) ([]byte, bool) {
	if uint64(off)+uint64(n) > uint64(len(m.b)) {
		return nil, false
	}
	return m.b[off : off+n], true
}

func (m *sliceMemory) Write(off uint32, v []byte) bool {
	if uint64(off)+uint64(len(v)) > uint64(len(m.b)) {
		return false
	}
	copy(m.b[off:], v)
	return true
}

// realloc allocates afresh and, like cabi_realloc, keeps the old block's
// contents.
func (m *sliceMemory) realloc(_ context.Context, old, oldSize, align, size uint32) (uint32, error) {
	p := (m.next + align - 1) / align * align
	if uint64(p)+uint64(size) > uint64(len(m.b)) {
		return 0, errors.New("out of memory")
	}
	m.next = p + size
	copy(m.b[p:p+min(oldSize, size)], m.b[old:])
	return p, nil
}

// handles is a handle table that hands out indexes for Handle values.
type handles struct{}

func (handles) LiftOwn(_ *value.Type, i uint32) (value.Value, error)    { return value.Handle(i), nil }
func (handles) LiftBorrow(_ *value.Type, i uint32) (value.Value, error) { return value.Handle(i), nil }
func (handles) LowerOwn(_ *value.Type, v value.Value) (uint32, error) {
	return uint32(v.(value.Handle)), nil
}
func (handles) LowerBorrow(_ *value.Type, v value.Value) (uint32, error) {
	return uint32(v.(value.Handle)), nil
}

func options(m *sliceMemory, enc canon.StringEncoding) *canon.Options {
	return &canon.Options{Memory: m, Realloc: m.realloc, StringEncoding: enc, Handles: handles{}}
}

func randomType(r *rand.Rand) *value.Type {
	t := valuetest.Type(r, 3)
	if r.IntN(8) == 0 {
		t = value.TupleOf(t, value.OwnOf("r"), value.BorrowOf("r"))
	}
	return t
}

// lift∘lower is the identity, through memory and through flat values, in
// every string encoding.
func TestRoundTripRandom(t *testing.T) {
	r := rand.New(rand.NewPCG(5, 6))
	ctx := context.Background()
	for i := 0; i < 4000; i++ {
		typ := randomType(r)
		v := valuetest.Value(r, typ)
		enc := canon.StringEncoding(r.IntN(3))
		m := newMemory(1 << 16)
		opts := options(m, enc)

		ptr := uint32(1024) / canon.Alignment(typ) * canon.Alignment(typ)
		m.next = 4096
		if err := canon.Store(ctx, opts, typ, v, ptr); err != nil {
			t.Fatalf("%s: store %#v: %v", typ, v, err)
		}
		back, err := canon.Load(ctx, opts, typ, ptr)
		if err != nil {
			t.Fatalf("%s: load: %v", typ, err)
		}
		if !value.Equal(typ, v, back) {
			t.Fatalf("%s (encoding %d): memory round trip of %#v gave %#v", typ, enc, v, back)
		}

		types := []*value.Type{typ, value.U8}
		vals := []value.Value{v, uint8(7)}
		for _, maxFlat := range []int{canon.MaxFlatParams, canon.MaxFlatResults} {
			flat, err := canon.LowerValues(ctx, opts, maxFlat, types, vals, nil)
			if err != nil {
				t.Fatalf("%s: lower: %v", typ, err)
			}
			got, err := canon.LiftValues(ctx, opts, maxFlat, types, flat)
			if err != nil {
				t.Fatalf("%s: lift: %v", typ, err)
			}
			for j := range types {
				if !value.Equal(types[j], vals[j], got[j]) {
					t.Fatalf("%s (max flat %d): flat round trip of %#v gave %#v", types[j], maxFlat, vals[j], got[j])
				}
			}
		}
	}
}

// Spilled results go to the guest's return pointer when one is given.
func TestLowerValuesToOutPointer(t *testing.T) {
	m := newMemory(256)
	opts := options(m, canon.UTF8)
	out := uint32(64)
	flat, err := canon.LowerValues(context.Background(), opts, canon.MaxFlatResults,
		[]*value.Type{value.String}, []value.Value{"hi"}, &out)
	if err != nil || len(flat) != 0 {
		t.Fatalf("flat %v, err %v", flat, err)
	}
	// (ptr, len) at 64; the bump allocator put "hi" at 8.
	if got := fmt.Sprintf("% x", m.b[64:72]); got != "08 00 00 00 02 00 00 00" {
		t.Fatalf("out-pointer holds %s", got)
	}
	if string(m.b[8:10]) != "hi" {
		t.Fatalf("string bytes %q", m.b[8:10])
	}
}

// Strings in each encoding, checked against bytes written by hand.
func TestStringEncodings(t *testing.T) {
	cases := []struct {
		enc   canon.StringEncoding
		s     string
		bytes string
		units uint32
	}{
		{canon.UTF8, "hé", "68 c3 a9", 3},
		{canon.UTF16, "hé", "68 00 e9 00", 2},
		{canon.UTF16, "😀", "3d d8 00 de", 2},                // a surrogate pair
		{canon.Latin1UTF16, "hé", "68 e9", 2},               // all ≤ U+00FF: latin1
		{canon.Latin1UTF16, "h€", "68 00 ac 20", 2 | 1<<31}, // else UTF-16, tagged
	}
	for _, c := range cases {
		m := newMemory(256)
		flat, err := canon.LowerValues(context.Background(), options(m, c.enc), 16,
			[]*value.Type{value.String}, []value.Value{c.s}, nil)
		if err != nil {
			t.Fatal(err)
		}
		ptr, units := uint32(flat[0]), uint32(flat[1])
		n := len(c.bytes)/3 + 1
		if got := fmt.Sprintf("% x", m.b[ptr:ptr+uint32(n)]); got != c.bytes || units != c.units {
			t.Errorf("%q in encoding %d: bytes %s units %#x, want %s units %#x", c.s, c.enc, got, units, c.bytes, c.units)
		}
	}
}

func TestHostileMemory(t *testing.T) {
	ctx := context.Background()
	m := newMemory(64)
	put := func(off int, b ...byte) { copy(m.b[off:], b) }
	opts := options(m, canon.UTF8)
	cases := []struct {
		name  string
		setup func()
		typ   *value.Type
		ptr   uint32
		flat  []uint64
		kind  canon.ErrorKind
	}{
		{"pointer past memory", nil, value.U32, 64, nil, canon.ErrOutOfBounds},
		{"pointer wraps 32 bits", nil, value.U64, 0xFFFFFFF8, nil, canon.ErrOutOfBounds},
		{"misaligned u32", nil, value.U32, 2, nil, canon.ErrMisaligned},
		{"misaligned record", nil, value.RecordOf("", value.Field{Name: "a", Type: value.U64}), 4, nil, canon.ErrMisaligned},
		{"string past memory", nil, value.String, 0, []uint64{60, 10}, canon.ErrOutOfBounds},
		{"string length 2^32-1", nil, value.String, 0, []uint64{0, 0xFFFFFFFF}, canon.ErrTooLong},
		{"invalid UTF-8", func() { put(0, 0xff, 0xfe) }, value.String, 0, []uint64{0, 2}, canon.ErrInvalidString},
		{"list bytes overflow 32 bits", nil, value.ListOf(value.U64), 0, []uint64{0, 0x20000000}, canon.ErrTooLong},
		{"list of 2^31 strings", nil, value.ListOf(value.String), 0, []uint64{0, 0x7FFFFFFF}, canon.ErrTooLong},
		{"list past memory", nil, value.ListOf(value.U32), 0, []uint64{32, 16}, canon.ErrOutOfBounds},
		{"misaligned list", nil, value.ListOf(value.U32), 0, []uint64{2, 1}, canon.ErrMisaligned},
		{"bad variant discriminant", func() { put(16, 3) }, value.VariantOf("", value.Case{Name: "a"}, value.Case{Name: "b"}), 16, nil, canon.ErrInvalidDiscriminant},
		{"bad flat discriminant", nil, value.OptionOf(value.U8), 0, []uint64{2, 0}, canon.ErrInvalidDiscriminant},
		{"bad enum", nil, value.EnumOf("", "a"), 0, []uint64{1}, canon.ErrInvalidDiscriminant},
		{"surrogate char", nil, value.Char, 0, []uint64{0xD800}, canon.ErrInvalidChar},
		{"char past U+10FFFF", nil, value.Char, 0, []uint64{0x110000}, canon.ErrInvalidChar},
		{"too few flat values", nil, value.String, 0, []uint64{0}, canon.ErrValue},
	}
	for _, c := range cases {
		clear(m.b)
		if c.setup != nil {
			c.setup()
		}
		var err error
		if c.flat != nil {
			_, err = canon.LiftValues(ctx, opts, 16, []*value.Type{c.typ}, c.flat)
		} else {
			_, err = canon.Load(ctx, opts, c.typ, c.ptr)
		}
		var ce *canon.Error
		if !errors.As(err, &ce) || ce.Kind != c.kind {
			t.Errorf("%s: got %v, want a %s error", c.name, err, c.kind)
		}
	}
	// latin1+utf16 with an unpaired surrogate.
	put(0, 0x00, 0xd8, 0x41, 0x00)
	_, err := canon.LiftValues(ctx, options(m, canon.Latin1UTF16), 16, []*value.Type{value.String}, []uint64{0, 2 | 1<<31})
	var ce *canon.Error
	if !errors.As(err, &ce) || ce.Kind != canon.ErrInvalidString {
		t.Errorf("unpaired surrogate: got %v", err)
	}
}

// A realloc that returns an out-of-bounds or misaligned pointer is caught.
func TestHostileRealloc(t *testing.T) {
	m := newMemory(64)
	for _, bad := range []uint32{1000, 3} {
		opts := &canon.Options{Memory: m, Realloc: func(context.Context, uint32, uint32, uint32, uint32) (uint32, error) {
			return bad, nil
		}}
		_, err := canon.LowerValues(context.Background(), opts, 16, []*value.Type{value.ListOf(value.U32)},
			[]value.Value{[]value.Value{uint32(1)}}, nil)
		var ce *canon.Error
		if !errors.As(err, &ce) || (ce.Kind != canon.ErrOutOfBounds && ce.Kind != canon.ErrMisaligned) {
			t.Errorf("realloc returned %d: got %v", bad, err)
		}
	}
}

func FuzzLiftFromMemory(f *testing.F) {
	f.Add([]byte{1, 2, 3}, []byte{0, 0, 0, 0, 8, 0, 0, 0}, uint32(0))
	f.Add([]byte{0, 0, 0, 9}, []byte{0xff, 0xff, 0xff, 0x7f, 0xff, 0xff, 0xff, 0xff}, uint32(4))
	f.Fuzz(func(t *testing.T, typeSeed, mem []byte, ptr uint32) {
		typ := valuetest.Type(&valuetest.FromBytes{B: typeSeed}, 3)
		m := &sliceMemory{b: mem}
		opts := &canon.Options{Memory: m, StringEncoding: canon.StringEncoding(ptr % 3)}
		v, err := canon.Load(context.Background(), opts, typ, ptr%uint32(len(mem)+8))
		if err != nil {
			var ce *canon.Error
			if !errors.As(err, &ce) {
				t.Fatalf("error of type %T: %v", err, err)
			}
			return
		}
		dst := newMemory(1 << 20)
		lowerOpts := &canon.Options{Memory: dst, Realloc: dst.realloc, StringEncoding: opts.StringEncoding}
		if _, err := canon.LowerValues(context.Background(), lowerOpts, 16, []*value.Type{typ}, []value.Value{v}, nil); err != nil {
			var ce *canon.Error
			if !errors.As(err, &ce) || (ce.Kind != canon.ErrOutOfBounds && ce.Kind != canon.ErrRealloc) {
				t.Fatalf("%s: lifted %#v cannot be lowered: %v", typ, v, err)
			}
		}
	})
}
