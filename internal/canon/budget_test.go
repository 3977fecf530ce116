package canon_test

import (
	"context"
	"encoding/binary"
	"errors"
	"testing"

	"github.com/wasifill/wasifill/internal/canon"
	"github.com/wasifill/wasifill/value"
)

// aliased returns a memory holding a list of n (ptr, len) pairs at 8 that
// all point at the same size bytes, and the flat (ptr, len) of the list,
// which is also stored at 0.
func aliased(n, size uint32) (*sliceMemory, []uint64) {
	data := 8 + 8*n
	m := newMemory(int(data + size))
	binary.LittleEndian.PutUint32(m.b[0:], 8)
	binary.LittleEndian.PutUint32(m.b[4:], n)
	for i := range n {
		binary.LittleEndian.PutUint32(m.b[8+8*i:], data)
		binary.LittleEndian.PutUint32(m.b[12+8*i:], size)
	}
	for i := range size {
		m.b[data+i] = 'a'
	}
	return m, []uint64{8, uint64(n)}
}

// A guest can point every element of a list<string> (or list<list<u8>>)
// at the same bytes: in bounds, but lifted it is n copies. The lift budget
// refuses it with ErrBudget before the copies add up; within the budget
// the same list lifts.
func TestLiftBudget(t *testing.T) {
	ctx := context.Background()
	const n, size = 1024, 4096 // 4 MiB lifted from 12 KiB of memory
	for _, typ := range []*value.Type{value.ListOf(value.String), value.ListOf(value.ListOf(value.U8))} {
		m, flat := aliased(n, size)
		opts := &canon.Options{Memory: m, LiftBudget: 1 << 20}
		_, err := canon.LiftValues(ctx, opts, canon.MaxFlatParams, []*value.Type{typ}, flat)
		var ce *canon.Error
		if !errors.As(err, &ce) || ce.Kind != canon.ErrBudget {
			t.Errorf("%s: 4 MiB under a 1 MiB budget: err = %v, want ErrBudget", typ, err)
		}
		// Through Load as well.
		if _, err := canon.Load(ctx, opts, typ, 0); !errors.As(err, &ce) || ce.Kind != canon.ErrBudget {
			t.Errorf("%s: Load under a 1 MiB budget: err = %v, want ErrBudget", typ, err)
		}
		opts.LiftBudget = n*size + n*canon.LiftElemCost
		out, err := canon.LiftValues(ctx, opts, canon.MaxFlatParams, []*value.Type{typ}, flat)
		if err != nil {
			t.Errorf("%s: exactly the budget: %v", typ, err)
		} else if got := len(out[0].([]value.Value)); got != n {
			t.Errorf("%s: lifted %d elements, want %d", typ, got, n)
		}
		opts.LiftBudget--
		if _, err := canon.LiftValues(ctx, opts, canon.MaxFlatParams, []*value.Type{typ}, flat); !errors.As(err, &ce) || ce.Kind != canon.ErrBudget {
			t.Errorf("%s: one byte short of the budget: err = %v", typ, err)
		}
	}
	// Elements without bytes of their own cost LiftElemCost each.
	m := newMemory(1 << 16)
	opts := &canon.Options{Memory: m, LiftBudget: 100 * canon.LiftElemCost}
	if _, err := canon.LiftValues(ctx, opts, canon.MaxFlatParams, []*value.Type{value.ListOf(value.U32)}, []uint64{8, 101}); err == nil {
		t.Error("101 u32 elements under a budget of 100: no error")
	}
}
