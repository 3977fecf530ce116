package rpc

import (
	"context"
	"errors"
	"fmt"
	"sort"
	"strings"
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
	// DeadlineFrom says which bound set it (DeadlineSetBy words it).
	DeadlineFrom DeadlineOrigin
	// DeadlineExtended is true when the guest extended that bound
	// (wasifill:rpc/deadline.extend) to Deadline.
	DeadlineExtended bool
	// Elapsed is how long it ran (so far, for an entry still running).
	Elapsed time.Duration
	// Err is how it ended (nil for an entry that has not failed).
	Err error
	// Elided counts the failed hops deeper than this one that the chain
	// left out (it keeps maxFailedHops: the first to fail, the cause, and
	// the latest).
	Elided int
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
	d, from, extended := root.bound()
	entry := Hop{Target: root.target, Call: root.call, Deadline: d.Sub(root.start), DeadlineFrom: from,
		DeadlineExtended: extended, Elapsed: time.Since(root.start)}
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
	d, from, extended := inv.bound()
	hop := Hop{Depth: inv.depth, Target: inv.target, Call: inv.call, Deadline: d.Sub(inv.start),
		DeadlineFrom: from, DeadlineExtended: extended, Elapsed: time.Since(inv.start), Err: err}
	r := inv.root
	r.mu.Lock()
	defer r.mu.Unlock()
	if len(r.failed) < maxFailedHops {
		r.failed = append(r.failed, hop)
		return
	}
	// Full: keep the first half (the innermost hops, which fail first: the
	// cause) and the latest (the outermost); the outer hop next to the gap
	// counts what was left out.
	keep := maxFailedHops / 2
	elided := r.failed[keep].Elided + 1
	copy(r.failed[keep:], r.failed[keep+1:])
	r.failed[len(r.failed)-1] = hop
	r.failed[keep].Elided += elided
}

// maxIndent caps the nesting FormatChain shows: deeper hops are printed
// at this depth with their own depth in brackets.
const maxIndent = 8

// FormatChain lays hops (as Chain returns them) out one per line, each
// line(hop) indented by its depth ("└ " for nested hops) up to maxIndent
// levels, so a chain thousands of hops deep stays readable; a line says
// how many hops were left out where the chain has a gap.
func FormatChain(hops []Hop, line func(Hop) string) string {
	var b strings.Builder
	for i, hop := range hops {
		depth := min(hop.Depth, maxIndent)
		indent := strings.Repeat("  ", depth)
		if hop.Depth > 0 {
			indent += "└ "
		}
		if hop.Depth > maxIndent {
			indent += fmt.Sprintf("[depth %d] ", hop.Depth)
		}
		if i > 0 {
			b.WriteByte('\n')
		}
		b.WriteString("  " + indent + line(hop))
		if hop.Elided > 0 {
			fmt.Fprintf(&b, "\n  %s… %d more failed hops left out", strings.Repeat("  ", depth+1), hop.Elided)
		}
	}
	return b.String()
}
