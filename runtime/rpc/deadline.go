package rpc

import (
	"context"
	"sync"
	"time"
)

// invocation is the context of one invocation: its deadline can be
// extended (wasifill:rpc/deadline.extend) up to a cap, which a plain
// context.WithDeadline cannot do. It also carries who is serving it, so a
// nested invoke knows its caller. wazero's close-on-context-done watches
// Done, so a guest serving it is interrupted when it ends.
type invocation struct {
	parent       context.Context
	target       string
	call         string // iface#fn; empty for an entry made with Enter
	start        time.Time
	deadlineFrom string      // which bound set the deadline (see Hop)
	depth        int         // 0 for an entry invocation
	root         *invocation // the entry invocation of the chain

	mu       sync.Mutex
	deadline time.Time
	limit    time.Time // extensions may not go past it
	done     chan struct{}
	err      error
	timer    *time.Timer
	stop     func() bool
	failed   []Hop // on the root: nested invocations that failed
}

type invocationKey struct{}

func newInvocation(parent context.Context, target, call string, b bounds) *invocation {
	inv := &invocation{parent: parent, target: target, call: call, start: b.start, deadlineFrom: b.from,
		deadline: b.deadline, limit: b.limit, done: make(chan struct{})}
	inv.root = inv
	if p := invocationOf(parent); p != nil {
		inv.root, inv.depth = p.root, p.depth+1
	}
	inv.timer = time.AfterFunc(time.Until(b.deadline), func() { inv.cancel(context.DeadlineExceeded) })
	inv.stop = context.AfterFunc(parent, func() { inv.cancel(parent.Err()) })
	return inv
}

func (inv *invocation) cancel(err error) {
	inv.mu.Lock()
	defer inv.mu.Unlock()
	if inv.err == nil {
		inv.err = err
		close(inv.done)
	}
}

// release stops the timers once the invocation is over.
func (inv *invocation) release() {
	inv.timer.Stop()
	inv.stop()
	inv.cancel(context.Canceled)
}

func (inv *invocation) Deadline() (time.Time, bool) {
	inv.mu.Lock()
	defer inv.mu.Unlock()
	return inv.deadline, true
}

func (inv *invocation) Done() <-chan struct{} { return inv.done }

func (inv *invocation) Err() error {
	inv.mu.Lock()
	defer inv.mu.Unlock()
	return inv.err
}

func (inv *invocation) Value(key any) any {
	if key == (invocationKey{}) {
		return inv
	}
	return inv.parent.Value(key)
}

// extend moves the deadline d later, unless that passes the limit or the
// invocation is over; it returns the new remaining time.
func (inv *invocation) extend(d time.Duration) (time.Duration, bool) {
	inv.mu.Lock()
	defer inv.mu.Unlock()
	at := inv.deadline.Add(d)
	if inv.err != nil || at.After(inv.limit) {
		return 0, false
	}
	// The parent's deadline still bounds it.
	if pd, ok := inv.parent.Deadline(); ok && at.After(pd) {
		return 0, false
	}
	inv.deadline = at
	inv.timer.Reset(time.Until(at))
	return time.Until(at), true
}

func invocationOf(ctx context.Context) *invocation {
	inv, _ := ctx.Value(invocationKey{}).(*invocation)
	return inv
}
