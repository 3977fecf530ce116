package witparse

import (
	"math/rand/v2"
	"slices"
	"testing"
)

// The heap of ready nodes hands them out smallest first.
func TestMinHeap(t *testing.T) {
	rng := rand.New(rand.NewPCG(1, 2))
	for range 50 {
		var h minHeap
		var want []int32
		for range rng.IntN(200) {
			x := int32(rng.IntN(100))
			h.push(x)
			want = append(want, x)
		}
		slices.Sort(want)
		var got []int32
		for len(h) > 0 {
			got = append(got, h.pop())
		}
		if !slices.Equal(got, want) {
			t.Fatalf("popped %v, want %v", got, want)
		}
	}
}

// toposort reports the first edge of a cycle: in the first node left
// unordered, its first dependency that is unordered too.
func TestToposortCycleEdge(t *testing.T) {
	for _, c := range []struct {
		deps       [][]int
		node, edge int
		ok         bool
	}{
		{[][]int{{}, {0}, {1, 0}}, 0, 0, true},
		{[][]int{{}, {0, 2}, {0, 3}, {1}}, 1, 1, false},
		{[][]int{{0}}, 0, 0, false},
		{[][]int{{1}, {2}, {}, {3}}, 3, 0, false},
		{nil, 0, 0, true},
	} {
		off, deps := flatten(c.deps)
		node, edge, ok := toposort(len(c.deps), off, deps)
		if ok != c.ok || node != c.node || edge != c.edge {
			t.Errorf("%v: got %d, %d, %v; want %d, %d, %v", c.deps, node, edge, ok, c.node, c.edge, c.ok)
		}
	}
}
