package rpc

import (
	"context"
	"errors"
	"sort"
	"time"
)

// Hop is one invocation of a call chain, as the host saw it: Chain lists
// the entry invocation and every nested one that failed, so an error can
// say which component, which function and which deadline.
type Hop struct {
	// Depth is 0 for the entry invocation, 1 for what it invoked, and so on.
	Depth int
	// Target is the component or provider that served the invocation.
	Target string
	// Host names the lattice host that served it; empty for this process.
	Host string
	// Call is "iface#fn"; empty for an entry made with Enter (its caller
	// knows what it called).
	Call string
	// Deadline is the time the invocation had, from its start.
	Deadline time.Duration
	// DeadlineFrom says which bound set it: "the caller's deadline",
	// "the link timeout", "the component timeout" or "the host default",
	// followed by " + extend() to N ms" when the guest extended it.
	DeadlineFrom string
	// Elapsed is how long it ran (so far, for an entry still running).
	Elapsed time.Duration
	// Err is how it ended (nil for an entry that has not failed).
	Err error
}

// DeadlineExceeded reports whether the hop ended because a deadline passed.
func (h Hop) DeadlineExceeded() bool {
	var re *Error
	if errors.As(h.Err, &re) {
		return re.Kind == DeadlineExceeded
	}
	return errors.Is(h.Err, context.DeadlineExceeded)
}

// Chain returns the invocation chain ctx belongs to: the entry invocation
// first, then the nested invocations that ended in an error, outermost
// first. It is empty when ctx is not an invocation's.
func Chain(ctx context.Context) []Hop {
	inv := invocationOf(ctx)
	if inv == nil {
		return nil
	}
	root := inv.root
	d, from := root.bound()
	entry := Hop{Target: root.target, Call: root.call, Deadline: d.Sub(root.start), DeadlineFrom: from,
		Elapsed: time.Since(root.start)}
	if err := root.Err(); err != nil && err != context.Canceled {
		entry.Err = err
	}
	root.mu.Lock()
	hops := append([]Hop{entry}, root.failed...)
	root.mu.Unlock()
	sort.SliceStable(hops, func(i, j int) bool { return hops[i].Depth < hops[j].Depth })
	return hops
}

// maxFailedHops bounds what one chain records: a long invocation whose
// nested calls keep failing does not grow without end.
const maxFailedHops = 32

// recordFailure adds inv's failure to its chain.
func (inv *invocation) recordFailure(err error) {
	d, from := inv.bound()
	hop := Hop{Depth: inv.depth, Target: inv.target, Call: inv.call, Deadline: d.Sub(inv.start),
		DeadlineFrom: from, Elapsed: time.Since(inv.start), Err: err}
	inv.root.mu.Lock()
	if len(inv.root.failed) < maxFailedHops {
		inv.root.failed = append(inv.root.failed, hop)
	}
	inv.root.mu.Unlock()
}
