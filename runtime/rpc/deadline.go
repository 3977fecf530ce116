package rpc

import (
	"context"
	"fmt"
	"sync"
	"time"
)

// invocation is the context of one invocation: its deadline can be
// extended (wasifill:rpc/deadline.extend), which a plain
// context.WithDeadline cannot do. It also carries who is serving it, so a
// nested invoke knows its caller. wazero's close-on-context-done watches
// Done, so a guest serving it is interrupted when it ends.
//
// Only the invocation's own bounds (the link and component timeouts, the
// host default) can be extended: the caller's deadline (the parent
// context's) is a hard bound for everything below it, and the host
// maximum (start + MaxExecution) another.
type invocation struct {
	parent context.Context
	target string
	call   string // iface#fn; empty for an entry made with Enter
	start  time.Time
	depth  int         // 0 for an entry invocation
	root   *invocation // the entry invocation of the chain

	mu       sync.Mutex
	deadline time.Time
	from     DeadlineOrigin // which bound set the deadline
	extended bool           // the guest extended it
	limit    time.Time      // the host maximum: extensions may not go past it
	done     chan struct{}
	err      error
	timer    *time.Timer
	stop     func() bool
	failed   []Hop // on the root: nested invocations that failed
}

type invocationKey struct{}

func newInvocation(parent context.Context, target, call string, b bounds) *invocation {
	inv := &invocation{parent: parent, target: target, call: call, start: b.start, from: b.from,
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

// bound is the invocation's deadline, which bound set it and whether
// the guest extended it.
func (inv *invocation) bound() (time.Time, DeadlineOrigin, bool) {
	inv.mu.Lock()
	defer inv.mu.Unlock()
	return inv.deadline, inv.from, inv.extended
}

// setBy words what set the invocation's deadline (see Hop.DeadlineSetBy).
func (inv *invocation) setBy() string {
	d, from, extended := inv.bound()
	return setBy(from, extended, d.Sub(inv.start).Milliseconds())
}

func (inv *invocation) Done() <-chan struct{} { return inv.done }

// Err is also the deadline's error as soon as the deadline has passed,
// before its timer runs (on a busy machine a timer can wait milliseconds
// for a CPU, while the guest that found the deadline passed is running):
// it then ends the invocation itself.
func (inv *invocation) Err() error {
	inv.mu.Lock()
	err, passed := inv.err, !time.Now().Before(inv.deadline)
	inv.mu.Unlock()
	if err == nil && passed {
		inv.cancel(context.DeadlineExceeded)
		inv.mu.Lock()
		err = inv.err
		inv.mu.Unlock()
	}
	return err
}

func (inv *invocation) Value(key any) any {
	if key == (invocationKey{}) {
		return inv
	}
	return inv.parent.Value(key)
}

// extend moves the deadline d later. It refuses, saying which bound
// holds, when that passes the caller's deadline or the host maximum, or
// when the invocation is over; otherwise it returns the new remaining
// time.
func (inv *invocation) extend(d time.Duration) (time.Duration, string) {
	inv.mu.Lock()
	defer inv.mu.Unlock()
	if inv.err != nil {
		return 0, "extension refused: the invocation is over"
	}
	if d > inv.limit.Sub(inv.deadline) { // also catches an overflowing d
		return 0, fmt.Sprintf("extension refused: an invocation may run at most %d ms (the host maximum)",
			inv.limit.Sub(inv.start).Milliseconds())
	}
	at := inv.deadline.Add(d)
	if pd, ok := inv.parent.Deadline(); ok && at.After(pd) {
		return 0, fmt.Sprintf("extension refused: the caller's deadline, %d ms after this invocation started, bounds it",
			pd.Sub(inv.start).Milliseconds())
	}
	if d > 0 {
		inv.extended = true
	}
	inv.deadline = at
	inv.timer.Reset(time.Until(at))
	return time.Until(at), ""
}

func invocationOf(ctx context.Context) *invocation {
	inv, _ := ctx.Value(invocationKey{}).(*invocation)
	return inv
}

// maxExtension bounds one extend request before it becomes a Duration: a
// guest's u64 of milliseconds may not wrap into a negative duration.
const maxExtension = 1 << 40 // ms, about 35 years

// extension is a guest's extend(ms) as a duration, saturated.
func extension(ms uint64) time.Duration {
	return time.Duration(min(ms, maxExtension)) * time.Millisecond
}

// untilDone runs f (a provider) and returns what it returns, or ctx's
// error as soon as ctx is done: a provider that ignores its context does
// not hold its caller past the deadline (it goes on alone, and what it
// returns then is dropped). A panic in f is raised again in the caller's
// goroutine.
func untilDone(ctx context.Context, f func() ([]byte, error)) ([]byte, error) {
	type result struct {
		out   []byte
		err   error
		panic any
	}
	done := make(chan result, 1)
	go func() {
		defer func() {
			if p := recover(); p != nil {
				done <- result{panic: p}
			}
		}()
		out, err := f()
		done <- result{out: out, err: err}
	}()
	select {
	case r := <-done:
		if r.panic != nil {
			panic(r.panic)
		}
		return r.out, r.err
	case <-ctx.Done():
		return nil, &Error{Kind: DeadlineExceeded, Msg: "the provider did not answer before the deadline"}
	}
}
