package rpc

import (
	"context"
	"fmt"
	"sync"
	"sync/atomic"
	"time"

	"github.com/wasifill/wasifill/runtime"
)

// Lifecycle says how the instances of one component target live
// (docs/operations.md). The zero Lifecycle is the host's defaults: no
// bound on instances, none kept warm beyond Config.Warm, idle instances
// kept (up to Config.PoolSize) until the host closes.
type Lifecycle struct {
	// MaxInstances bounds the instances of the component alive at once,
	// busy or idle (its concurrency bound): an invocation that finds
	// none free and the bound reached waits for one until its deadline,
	// then fails with deadline-exceeded (counted as queued-out). Nested
	// invocations of the same component wait too, so a link cycle deeper
	// than MaxInstances waits until its deadline. 0: no bound.
	MaxInstances int
	// MinInstances are kept alive even when idle, started when the
	// component is added and replaced when one is closed.
	MinInstances int
	// Idle is the keep-alive: an instance unused that long is closed
	// (down to MinInstances; with 0 of them the component scales to zero,
	// and the next invocation starts one: a cold start). 0: idle
	// instances stay until the host closes.
	Idle time.Duration
}

// maxLifecycleInstances bounds MaxInstances and MinInstances from a
// configuration file or a flag.
const maxLifecycleInstances = 1 << 16

func (lc Lifecycle) validate() error {
	switch {
	case lc.MaxInstances < 0 || lc.MaxInstances > maxLifecycleInstances:
		return fmt.Errorf("max-instances %d is not between 0 and %d", lc.MaxInstances, maxLifecycleInstances)
	case lc.MinInstances < 0 || lc.MinInstances > maxLifecycleInstances:
		return fmt.Errorf("min-instances %d is not between 0 and %d", lc.MinInstances, maxLifecycleInstances)
	case lc.MaxInstances > 0 && lc.MinInstances > lc.MaxInstances:
		return fmt.Errorf("min-instances %d is above max-instances %d", lc.MinInstances, lc.MaxInstances)
	case lc.Idle < 0:
		return fmt.Errorf("idle %v is negative", lc.Idle)
	}
	return nil
}

// pool holds the instances of one component target: idle ones (most
// recently used last), the count of live ones (busy, idle or starting)
// against MaxInstances, and the invocations waiting for one, first come
// first served.
type pool struct {
	h        *Host
	budget   *hostBudget // nil: no host-wide bound
	name     string
	rt       *runtime.Runtime
	compiled *runtime.Compiled
	lc       Lifecycle
	keep     int // idle instances kept at most
	warmIdle int // Config.Warm: idle instances kept ready ahead of demand
	m        *componentMetrics

	mu      sync.Mutex
	idle    []idleInstance
	live    int
	busy    int
	waiters []*waiter
	reaper  *time.Timer
	filling bool
	closed  bool
}

type idleInstance struct {
	inst  *runtime.Instance
	since time.Time
}

// waiter is an invocation waiting for an instance: it is handed one, or
// nil for a slot under MaxInstances to start one in.
type waiter struct{ ch chan *runtime.Instance }

func newPool(h *Host, name string, c *runtime.Compiled, lc Lifecycle) *pool {
	p := &pool{h: h, budget: h.budget, name: name, rt: h.rt, compiled: c, lc: lc, m: h.metrics.component(name)}
	// Idle instances are kept up to max-instances, else Config.PoolSize,
	// and at least min-instances.
	// With a keep-alive but neither bound, up to Config.MaxConcurrent.
	p.keep = h.cfg.PoolSize
	if lc.MaxInstances > 0 {
		p.keep = lc.MaxInstances
	} else if p.keep == 0 && lc.Idle > 0 {
		p.keep = h.cfg.MaxConcurrent
	}
	p.keep = max(p.keep, lc.MinInstances)
	if h.cfg.Warm {
		p.warmIdle = h.cfg.PoolSize
		if lc.MaxInstances > 0 {
			p.warmIdle = min(p.warmIdle, lc.MaxInstances)
		}
	}
	return p
}

// acquire gives an instance for an invocation: an idle one, a new one
// (a cold start) under MaxInstances, or the first one freed before ctx
// ends.
func (p *pool) acquire(ctx context.Context) (*runtime.Instance, error) {
	p.mu.Lock()
	if p.closed {
		p.mu.Unlock()
		return nil, &Error{Kind: TransportFailed, Msg: p.name + ": the host is closed"}
	}
	if n := len(p.idle); n > 0 {
		inst := p.idle[n-1].inst
		p.idle[n-1] = idleInstance{}
		p.idle = p.idle[:n-1]
		p.busy++
		p.mu.Unlock()
		p.m.queueWaited(0)
		p.m.gauges(p)
		return inst, nil
	}
	if p.lc.MaxInstances == 0 || p.live < p.lc.MaxInstances {
		p.live++
		p.busy++
		p.mu.Unlock()
		p.m.queueWaited(0)
		return p.start(ctx)
	}
	w := &waiter{ch: make(chan *runtime.Instance, 1)}
	p.waiters = append(p.waiters, w)
	p.mu.Unlock()
	began := time.Now()
	select {
	case inst := <-w.ch:
		p.m.queueWaited(time.Since(began))
		if inst == nil {
			return p.start(ctx)
		}
		p.m.gauges(p)
		return inst, nil
	case <-ctx.Done():
	}
	p.m.queueWaited(time.Since(began))
	p.mu.Lock()
	removed := p.removeWaiter(w)
	p.mu.Unlock()
	if !removed { // handed something as ctx ended: give it back
		if inst := <-w.ch; inst != nil {
			p.release(inst, true)
		} else {
			p.release(nil, false)
		}
	}
	return nil, &Error{Kind: DeadlineExceeded, queuedOut: true, Msg: fmt.Sprintf(
		"%s: no instance free before the deadline (max-instances %d, waited %d ms)",
		p.name, p.lc.MaxInstances, time.Since(began).Milliseconds())}
}

// start instantiates into a slot the caller holds (live and busy
// counted), under ctx: a cold start.
func (p *pool) start(ctx context.Context) (*runtime.Instance, error) {
	if err := p.budget.take(ctx, p.h.reclaimIdle); err != nil {
		p.release(nil, false)
		return nil, err
	}
	p.m.started()
	inst, err := p.rt.Instantiate(ctx, p.compiled)
	if err != nil {
		p.budget.put()
		p.release(nil, false)
		return nil, &Error{Kind: Trap, Msg: fmt.Sprintf("%s: %v", p.name, err)}
	}
	p.m.gauges(p)
	return inst, nil
}

// release ends an invocation's use of inst: reusable, it goes to the
// first waiter or stays idle (up to keep); otherwise — it trapped or was
// interrupted, or nil for a slot no instance was started in — it is
// closed and its slot goes to the first waiter.
func (p *pool) release(inst *runtime.Instance, reusable bool) {
	p.mu.Lock()
	p.busy--
	// While invocations of any component wait for a place in the host
	// budget, an instance is closed rather than kept or handed on, so the
	// places go round first come first served.
	if reusable && inst != nil && !p.closed && !p.budget.contended() {
		if w := p.popWaiter(); w != nil {
			p.busy++
			w.ch <- inst
			p.mu.Unlock()
			return
		}
		if len(p.idle) < p.keep {
			p.idle = append(p.idle, idleInstance{inst: inst, since: time.Now()})
			p.armReaper()
			p.mu.Unlock()
			p.m.gauges(p)
			return
		}
	}
	p.freeSlotLocked()
	p.mu.Unlock()
	p.m.gauges(p)
	if inst != nil {
		p.closeInstance(context.Background(), inst)
	}
	p.refill()
}

func (p *pool) popWaiter() *waiter {
	if len(p.waiters) == 0 {
		return nil
	}
	w := p.waiters[0]
	p.waiters[0] = nil
	p.waiters = p.waiters[1:]
	return w
}

func (p *pool) removeWaiter(w *waiter) bool {
	for i, x := range p.waiters {
		if x == w {
			p.waiters = append(p.waiters[:i], p.waiters[i+1:]...)
			return true
		}
	}
	return false
}

// armReaper schedules closing the instances idle past the keep-alive
// (p.mu held).
func (p *pool) armReaper() {
	if p.lc.Idle <= 0 || p.reaper != nil || len(p.idle) == 0 {
		return
	}
	p.reaper = time.AfterFunc(max(time.Until(p.idle[0].since.Add(p.lc.Idle)), 0), p.reap)
}

// reap closes the instances idle for the keep-alive or longer, least
// recently used first, down to MinInstances live.
func (p *pool) reap() {
	p.mu.Lock()
	p.reaper = nil
	var closing []*runtime.Instance
	now := time.Now()
	for len(p.idle) > 0 && p.live > p.lc.MinInstances && !now.Before(p.idle[0].since.Add(p.lc.Idle)) {
		closing = append(closing, p.idle[0].inst)
		p.idle[0] = idleInstance{}
		p.idle = p.idle[1:]
		p.live--
	}
	if p.live > p.lc.MinInstances {
		p.armReaper()
	}
	p.mu.Unlock()
	p.m.gauges(p)
	for _, inst := range closing {
		p.closeInstance(context.Background(), inst)
	}
}

// wantsMore reports whether the pool is short of warm instances and may
// start one (p.mu held).
func (p *pool) wantsMore() bool {
	if p.closed || (p.lc.MaxInstances > 0 && p.live >= p.lc.MaxInstances) {
		return false
	}
	return p.live < p.lc.MinInstances || len(p.idle) < p.warmIdle
}

// fill starts instances until the pool has its warm ones (MinInstances
// live, Config.Warm's idle ones), outside any invocation: each
// instantiation is bounded by limit. They are not cold starts.
func (p *pool) fill(limit time.Duration) {
	for {
		p.mu.Lock()
		if !p.wantsMore() {
			p.mu.Unlock()
			return
		}
		p.live++
		p.busy++
		p.mu.Unlock()
		if !p.budget.tryTake() { // warm instances do not push others out
			p.release(nil, false)
			return
		}
		ctx, cancel := context.WithTimeout(context.Background(), limit)
		inst, err := p.rt.Instantiate(ctx, p.compiled)
		cancel()
		if err != nil {
			p.budget.put()
			p.release(nil, false)
			return // the invocation that needs one will report it
		}
		p.release(inst, true)
	}
}

// refill fills the pool in the background, one fill at a time.
func (p *pool) refill() {
	p.mu.Lock()
	if p.filling || !p.wantsMore() {
		p.mu.Unlock()
		return
	}
	p.filling = true
	p.mu.Unlock()
	go func() {
		p.fill(p.h.cfg.MaxExecution)
		p.mu.Lock()
		p.filling = false
		p.mu.Unlock()
	}()
}

// close closes the idle instances and stops keeping any: instances in use
// are closed when their invocations end.
func (p *pool) close(ctx context.Context) {
	p.mu.Lock()
	p.closed = true
	idle := p.idle
	p.idle = nil
	p.live -= len(idle)
	if p.reaper != nil {
		p.reaper.Stop()
		p.reaper = nil
	}
	p.mu.Unlock()
	p.m.gauges(p)
	for _, x := range idle {
		p.closeInstance(ctx, x.inst)
	}
}

// counts is the pool's busy and idle instances.
func (p *pool) counts() (busy, idle int) {
	p.mu.Lock()
	defer p.mu.Unlock()
	return p.busy, len(p.idle)
}

// InstanceCounts is how many instances of a component target are busy
// serving invocations (or starting) and idle.
type InstanceCounts struct{ Busy, Idle int }

// Instances reports the instances of component target name (zero for a
// provider or an unknown name).
func (h *Host) Instances(name string) InstanceCounts {
	h.mu.Lock()
	t := h.targets[name]
	h.mu.Unlock()
	if t == nil || t.pool == nil {
		return InstanceCounts{}
	}
	b, i := t.pool.counts()
	return InstanceCounts{Busy: b, Idle: i}
}

// isQueuedOut reports whether err is an invocation's that found no
// instance before its deadline.
func isQueuedOut(err error) bool {
	re, ok := err.(*Error)
	return ok && re.queuedOut
}

// retire closes an instance taken out of the pool (TakeIdle) and frees its
// slot, without refilling the pool.
func (p *pool) retire(inst *runtime.Instance) {
	p.mu.Lock()
	p.busy--
	p.freeSlotLocked()
	p.mu.Unlock()
	p.m.gauges(p)
	p.closeInstance(context.Background(), inst)
}

// freeSlotLocked gives up one live instance's slot: the longest waiter, if
// any, takes it at once. p.mu is held.
func (p *pool) freeSlotLocked() {
	p.live--
	if !p.closed {
		if w := p.popWaiter(); w != nil {
			p.live++
			p.busy++
			w.ch <- nil
		}
	}
}

// closeInstance closes one of the pool's instances and gives its place in
// the host budget back.
func (p *pool) closeInstance(ctx context.Context, inst *runtime.Instance) {
	inst.Close(ctx)
	p.budget.put()
}

// reclaimOne closes the pool's least recently used idle instance, if it
// has one above MinInstances, reporting whether it did.
func (p *pool) reclaimOne() bool {
	p.mu.Lock()
	if len(p.idle) == 0 || p.live <= p.lc.MinInstances {
		p.mu.Unlock()
		return false
	}
	inst := p.idle[0].inst
	p.idle[0] = idleInstance{}
	p.idle = p.idle[1:]
	p.live--
	p.mu.Unlock()
	p.m.gauges(p)
	p.closeInstance(context.Background(), inst)
	return true
}

// hostBudget bounds the instances alive on a host, all components
// together (Config.MaxInstances): each takes a place before it starts and
// gives it back when it is closed.
type hostBudget struct {
	places  chan struct{}
	waiting atomic.Int32 // invocations waiting for a place
}

// contended reports whether invocations wait for a place.
func (b *hostBudget) contended() bool { return b != nil && b.waiting.Load() > 0 }

func newHostBudget(n int) *hostBudget {
	if n <= 0 {
		return nil
	}
	return &hostBudget{places: make(chan struct{}, n)}
}

// tryTake takes a place if one is free.
func (b *hostBudget) tryTake() bool {
	if b == nil {
		return true
	}
	select {
	case b.places <- struct{}{}:
		return true
	default:
		return false
	}
}

// take takes a place: a free one, one reclaim frees by closing an idle
// instance of any component, or the first one given back before ctx ends
// (else queued-out).
func (b *hostBudget) take(ctx context.Context, reclaim func() bool) error {
	for {
		if b.tryTake() {
			return nil
		}
		if !reclaim() {
			break
		}
	}
	b.waiting.Add(1)
	defer b.waiting.Add(-1)
	select {
	case b.places <- struct{}{}:
		return nil
	case <-ctx.Done():
		return &Error{Kind: DeadlineExceeded, queuedOut: true,
			Msg: fmt.Sprintf("no instance could start before the deadline (the host's %d instances are busy)", cap(b.places))}
	}
}

func (b *hostBudget) put() {
	if b != nil {
		<-b.places
	}
}

// reclaimIdle closes one idle instance (above its component's
// MinInstances) of any component target, reporting whether it found one.
func (h *Host) reclaimIdle() bool {
	h.mu.Lock()
	pools := make([]*pool, 0, len(h.targets))
	for _, t := range h.targets {
		if t.pool != nil {
			pools = append(pools, t.pool)
		}
	}
	h.mu.Unlock()
	for _, p := range pools {
		if p.reclaimOne() {
			return true
		}
	}
	return false
}
