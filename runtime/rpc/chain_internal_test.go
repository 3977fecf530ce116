package rpc

import (
	"context"
	"fmt"
	"strings"
	"testing"
	"time"
)

// A 1,000-hop cycle that fails from the inside out keeps the innermost
// hops (the cause) and the outermost, says how many it left out, and
// prints in a few kilobytes with every depth still named.
func TestLongChain(t *testing.T) {
	const hops = 1000
	now := time.Now()
	root := &invocation{target: "a", start: now, from: OriginHostDefault, deadline: now.Add(time.Second),
		done: make(chan struct{})}
	root.root = root
	for d := hops; d >= 1; d-- { // the deepest fails first
		inv := &invocation{root: root, depth: d, target: []string{"a", "b"}[d%2], call: "next#f", start: now,
			from: OriginCaller, deadline: now.Add(time.Second)}
		inv.recordFailure(context.DeadlineExceeded)
	}
	chain := Chain(root)
	if len(chain) != 1+maxFailedHops {
		t.Fatalf("%d hops, want %d", len(chain), 1+maxFailedHops)
	}
	elided := 0
	for i, hop := range chain {
		elided += hop.Elided
		if i > 0 && hop.Depth <= chain[i-1].Depth {
			t.Errorf("hop %d at depth %d after depth %d", i, hop.Depth, chain[i-1].Depth)
		}
	}
	if shown := len(chain) - 1; elided != hops-shown {
		t.Errorf("%d hops said to be left out, want %d", elided, hops-shown)
	}
	// The outermost 16 and the innermost 16.
	if chain[1].Depth != 1 || chain[16].Depth != 16 || chain[17].Depth != hops-15 || chain[32].Depth != hops {
		t.Errorf("depths kept: %d..%d, %d..%d", chain[1].Depth, chain[16].Depth, chain[17].Depth, chain[32].Depth)
	}
	if chain[16].Elided != hops-32 {
		t.Errorf("the gap is after depth %d (%d), want after 16", chain[16].Depth, chain[16].Elided)
	}
	text := FormatChain(chain, func(h Hop) string { return h.Target + ": " + h.Call })
	if len(text) > 4096 {
		t.Errorf("the chain prints as %d bytes", len(text))
	}
	for _, want := range []string{
		"  └ [depth 9] b: next#f\n",
		fmt.Sprintf("… %d more failed hops left out\n", hops-32),
		fmt.Sprintf("└ [depth %d] a: next#f", hops),
		"\n    └ b: next#f\n", // depth 1, indented as it always was
	} {
		if !strings.Contains(text, want) {
			t.Errorf("the chain does not contain %q:\n%s", want, text)
		}
	}
	if lines := strings.Count(text, "\n") + 1; lines != len(chain)+1 {
		t.Errorf("%d lines, want %d", lines, len(chain)+1)
	}
}

// An invocation whose deadline has passed is over at once, even before
// its timer runs: Err says so and Done is closed.
func TestInvocationErrAtDeadline(t *testing.T) {
	now := time.Now()
	inv := newInvocation(context.Background(), "a", "", bounds{start: now, deadline: now.Add(time.Hour), limit: now.Add(time.Hour), from: OriginHostDefault})
	defer inv.release()
	if err := inv.Err(); err != nil {
		t.Fatalf("Err before the deadline = %v", err)
	}
	inv.mu.Lock()
	inv.deadline = time.Now().Add(-time.Millisecond) // passed; the timer is an hour away
	inv.mu.Unlock()
	if err := inv.Err(); err != context.DeadlineExceeded {
		t.Errorf("Err after the deadline = %v, want context.DeadlineExceeded", err)
	}
	select {
	case <-inv.Done():
	default:
		t.Error("Done is open after Err reported the deadline")
	}
}
