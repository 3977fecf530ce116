// Package rpc is the wasifill:rpc host: it routes the invocations
// import-side fills make (transport.invoke) to what the caller is linked
// to — a component serving wasifill:rpc/handler (an export-side fill), or
// a Go provider — in process, with deadlines that hold through every
// nested call (../../docs/deadlines.md):
//
//   - an invocation's deadline is min(caller's deadline, link timeout,
//     target timeout, host default);
//   - a nested invoke, made while an instance serves an invocation,
//     inherits that invocation's deadline;
//   - when a deadline passes the guest serving it is interrupted, its
//     instance discarded, and its caller gets deadline-exceeded while the
//     caller's own invocation goes on if its deadline has not passed;
//   - wasifill:rpc/deadline lets a guest read its remaining time and ask
//     for more, up to the host's cap.
package rpc

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	goruntime "runtime"
	"sync"
	"time"

	"github.com/wasifill/wasifill/internal/rpcwit"
	"github.com/wasifill/wasifill/runtime"
	"github.com/wasifill/wasifill/value"
)

// WIT is the wasifill:rpc contract (`wasifill wit deps` writes it).
var WIT = rpcwit.WIT

// The interfaces of the contract.
const (
	Transport = rpcwit.Transport
	Handler   = rpcwit.Handler
	Deadline  = rpcwit.Deadline
	Types     = rpcwit.Types
)

// ErrorKind is a case of rpc-error.
type ErrorKind uint32

// The cases of rpc-error, in order.
const (
	DeadlineExceeded ErrorKind = iota
	NotFound
	Trap
	Decode
	TransportFailed
	Denied
)

// Error is an rpc-error.
type Error struct {
	Kind ErrorKind
	Msg  string
	// queuedOut: deadline-exceeded while waiting for an instance
	// (Lifecycle.MaxInstances).
	queuedOut bool
}

func (e *Error) Error() string {
	if int(e.Kind) >= len(rpcwit.ErrorCases) {
		return fmt.Sprintf("rpc: error %d: %s", e.Kind, e.Msg)
	}
	if e.Msg == "" {
		return "rpc: " + rpcwit.ErrorCases[e.Kind]
	}
	return "rpc: " + rpcwit.ErrorCases[e.Kind] + ": " + e.Msg
}

func (e *Error) value() value.Value {
	if e.Kind == DeadlineExceeded {
		return value.Variant{Case: uint32(e.Kind)}
	}
	return value.Variant{Case: uint32(e.Kind), Payload: e.Msg}
}

func errorFromValue(v value.Value) *Error {
	w, ok := v.(value.Variant)
	if !ok {
		return &Error{Kind: Decode, Msg: "a malformed rpc-error"}
	}
	msg, _ := w.Payload.(string)
	return &Error{Kind: ErrorKind(w.Case), Msg: msg}
}

// Provider serves invocations in Go: it gets the interface, function and
// encoded params, and returns the encoded result. Its context carries the
// invocation's deadline. An error that is an *Error goes to the caller as
// is; any other becomes trap.
type Provider func(ctx context.Context, iface, fn string, params []byte) ([]byte, error)

// Config sets the host's deadlines.
type Config struct {
	// DefaultTimeout bounds every invocation (2 s when zero).
	DefaultTimeout time.Duration
	// MaxExecution caps how far extend may push an invocation's deadline,
	// counted from when it started (30 s when zero).
	MaxExecution time.Duration
	// MaxConcurrent bounds how many invocations entering from outside
	// (Call, Enter) run at once; the others wait for a slot until their
	// deadline, so a loaded host stays on time instead of sharing its
	// cores among everyone (4 per CPU when zero). Nested invocations are
	// part of their caller's and do not wait.
	MaxConcurrent int
	// PoolSize keeps up to this many idle instances of each component
	// target for the next invocations (0: a fresh instance for every
	// invocation). An instance that trapped or was interrupted is never
	// put back.
	PoolSize int
	// MaxInstances bounds the instances alive on the host, all component
	// targets together: an invocation that needs a new one when the
	// budget is spent closes an idle instance of any component (above its
	// MinInstances) or waits for one to close until its deadline
	// (queued-out). 0: no bound. The runtime's memory budgets bound the
	// memory of instances besides.
	MaxInstances int
	// Lifecycle is the default lifecycle of component targets (max and
	// min instances, idle keep-alive); AddComponentLifecycle sets one per
	// component.
	Lifecycle Lifecycle
	// MaxDepth bounds how deeply invocations nest in one chain (a link
	// cycle instantiates a fresh instance per hop): the invocation that
	// would go deeper fails with denied (DefaultMaxDepth when zero).
	MaxDepth int
	// Warm keeps each component target's pool full ahead of demand:
	// AddComponent fills it, and every instance an invocation takes is
	// replaced in the background.
	Warm bool
	// NoPreinitialize turns pre-initialization off: by default
	// AddComponent runs a component's initialization once, outside any
	// deadline, and every instance starts from the snapshot it leaves
	// (runtime.Preinitialize; a component whose initialization cannot be
	// captured is instantiated normally).
	NoPreinitialize bool
	// Logger gets one line per failed invocation entering the host (from
	// outside or from another host), with its chain, at warn level, and
	// one per successful one at debug level (nil: no logs).
	Logger *slog.Logger
	// SlowFactor is the slow-call guardrail's k: an invocation still
	// running past k × the p99 of its function's recent successful ones
	// (and past SlowFloor) is logged and counted as slow
	// (DefaultSlowFactor when zero; negative: off).
	SlowFactor int
	// SlowFloor is the shortest time an invocation runs before it can be
	// slow (DefaultSlowFloor when zero).
	SlowFloor time.Duration
}

// DefaultMaxDepth is the nesting depth of a call chain allowed by default.
const DefaultMaxDepth = 64

// Host routes invocations between components and providers.
type Host struct {
	rt  *runtime.Runtime
	cfg Config

	mu      sync.Mutex
	targets map[string]*target
	links   map[string]map[string]link // caller → interface → link
	slots   chan struct{}
	remote  Remote // reaches link targets not in this process (remote.go)
	closed  bool
	metrics *metrics
	// sendSlots bounds the sends in flight (send.go); sends tracks them
	// for Close.
	sendSlots chan struct{}
	sends     sync.WaitGroup
	budget    *hostBudget // Config.MaxInstances (lifecycle.go)
}

type target struct {
	name       string
	compiled   *runtime.Compiled
	provider   Provider
	timeout    time.Duration
	pool       *pool  // a component's instances (lifecycle.go)
	handle     string // the handler export: either version's handle
	preinitErr error  // why the component is not pre-initialized
}

type link struct {
	target  string
	timeout time.Duration
}

// New makes a host on rt: it defines wasifill:rpc/transport and
// wasifill:rpc/deadline there for the components rt instantiates (so one
// host per runtime).
func New(rt *runtime.Runtime, cfg Config) *Host {
	if cfg.DefaultTimeout <= 0 {
		cfg.DefaultTimeout = 2 * time.Second
	}
	if cfg.MaxExecution <= 0 {
		cfg.MaxExecution = 30 * time.Second
	}
	if cfg.MaxConcurrent <= 0 {
		cfg.MaxConcurrent = 4 * goruntime.GOMAXPROCS(0)
	}
	if cfg.SlowFactor == 0 {
		cfg.SlowFactor = DefaultSlowFactor
	}
	if cfg.SlowFloor <= 0 {
		cfg.SlowFloor = DefaultSlowFloor
	}
	if cfg.MaxDepth <= 0 {
		cfg.MaxDepth = DefaultMaxDepth
	}
	if err := cfg.Lifecycle.validate(); err != nil {
		cfg.Lifecycle = Lifecycle{} // FileConfig.Validate reports it; a Go caller gets the defaults
	}
	h := &Host{rt: rt, cfg: cfg, targets: map[string]*target{}, links: map[string]map[string]link{},
		slots: make(chan struct{}, cfg.MaxConcurrent), metrics: newMetrics(),
		budget: newHostBudget(cfg.MaxInstances)}
	deadline := map[string]runtime.HostFunc{
		"remaining-ms": func(ctx context.Context, _ []value.Value) ([]value.Value, error) {
			inv := invocationOf(ctx)
			if inv == nil {
				return []value.Value{value.None}, nil
			}
			d, _ := inv.Deadline()
			return []value.Value{value.Some(uint64(max(time.Until(d), 0) / time.Millisecond))}, nil
		},
		"extend": func(ctx context.Context, args []value.Value) ([]value.Value, error) {
			inv := invocationOf(ctx)
			if inv == nil {
				return []value.Value{value.Err((&Error{Kind: Denied, Msg: "no invocation to extend"}).value())}, nil
			}
			ms := args[0].(uint64)
			left, refused := inv.extend(extension(ms))
			if refused != "" {
				return []value.Value{value.Err((&Error{Kind: Denied, Msg: refused}).value())}, nil
			}
			if ms > 0 {
				h.metrics.component(inv.target).extensions.Inc()
			}
			return []value.Value{value.Ok(uint64(left / time.Millisecond))}, nil
		},
	}
	// Both versions of the contract: 0.2.0 adds transport.send (send.go).
	for _, v := range []struct{ types, transport, deadline string }{{Types, Transport, Deadline}, {rpcwit.Types02, rpcwit.Transport02, rpcwit.Deadline02}} {
		rt.DefineInstance(v.types, map[string]runtime.HostFunc{})
		rt.DefineInstance(v.deadline, deadline)
	}
	rt.DefineInstance(Transport, map[string]runtime.HostFunc{"invoke": h.invokeFunc})
	rt.DefineInstance(rpcwit.Transport02, map[string]runtime.HostFunc{"invoke": h.invokeFunc, "send": h.sendFunc})
	h.sendSlots = make(chan struct{}, maxSendsPerSlot*cfg.MaxConcurrent)
	return h
}

// AddComponent makes a compiled component that exports wasifill:rpc/handler
// a target: each invocation gets an instance of its own — fresh, or an
// idle one from the pool (Config.PoolSize) — and an instance that trapped
// or was interrupted is closed, never reused. timeout 0: only the other
// bounds. Unless Config.NoPreinitialize, the component is pre-initialized
// here (its initialization runs now, outside any invocation, bounded by
// Config.MaxExecution), so call it once the runtime's host definitions
// are in place.
func (h *Host) AddComponent(name string, c *runtime.Compiled, timeout time.Duration) {
	// The host's default lifecycle was checked by New.
	_ = h.AddComponentLifecycle(name, c, timeout, h.cfg.Lifecycle)
}

// AddComponentLifecycle is AddComponent with the component's own
// lifecycle (lifecycle.go); with MinInstances, they are started here. It
// fails, adding nothing, when lc is out of range.
func (h *Host) AddComponentLifecycle(name string, c *runtime.Compiled, timeout time.Duration, lc Lifecycle) error {
	if err := lc.validate(); err != nil {
		return fmt.Errorf("component %s: %w", name, err)
	}
	t := &target{name: name, compiled: c, timeout: timeout, handle: Handler + "#handle"}
	for _, name := range c.Exports() {
		if name == rpcwit.Handler02 {
			t.handle = rpcwit.Handler02 + "#handle"
		}
	}
	if !h.cfg.NoPreinitialize {
		ctx, cancel := context.WithTimeout(context.Background(), h.cfg.MaxExecution)
		pc, err := h.rt.Preinitialize(ctx, c)
		cancel()
		if err != nil {
			t.preinitErr = err
		} else {
			t.compiled = pc
		}
	}
	t.pool = newPool(h, name, t.compiled, lc)
	t.pool.fill(h.cfg.MaxExecution)
	h.mu.Lock()
	old := h.targets[name]
	h.targets[name] = t
	closed := h.closed
	h.mu.Unlock()
	if closed {
		t.pool.close(context.Background())
	}
	if old != nil && old.pool != nil {
		old.pool.close(context.Background())
	}
	return nil
}

// TakeIdle takes an idle instance of component target name out of its
// pool, for a caller that calls the instance's exports itself (the CLI's
// call of a component's own export, under an invocation from Enter): nil
// when the pool has none. release closes the instance and frees its place
// in the pool; it is never put back, and the pool is not refilled for it
// (Config.Warm): its taker is done with the host.
func (h *Host) TakeIdle(name string) (inst *runtime.Instance, release func()) {
	h.mu.Lock()
	t := h.targets[name]
	h.mu.Unlock()
	if t == nil || t.pool == nil {
		return nil, nil
	}
	p := t.pool
	p.mu.Lock()
	n := len(p.idle)
	if n == 0 || p.closed {
		p.mu.Unlock()
		return nil, nil
	}
	inst = p.idle[n-1].inst
	p.idle[n-1] = idleInstance{}
	p.idle = p.idle[:n-1]
	p.busy++
	p.mu.Unlock()
	p.m.gauges(p)
	var once sync.Once
	return inst, func() { once.Do(func() { p.retire(inst) }) }
}

// PreinitializeError reports why component target name runs without a
// snapshot (nil: it has one, or it is not a component target).
func (h *Host) PreinitializeError(name string) error {
	h.mu.Lock()
	defer h.mu.Unlock()
	if t := h.targets[name]; t != nil {
		return t.preinitErr
	}
	return nil
}

// compiledOf is the compiled form the host instantiates component target
// name from.
func (h *Host) compiledOf(name string) *runtime.Compiled {
	h.mu.Lock()
	defer h.mu.Unlock()
	return h.targets[name].compiled
}

// AddProvider makes a Go provider a target.
func (h *Host) AddProvider(name string, p Provider, timeout time.Duration) {
	h.mu.Lock()
	defer h.mu.Unlock()
	h.targets[name] = &target{name: name, provider: p, timeout: timeout}
}

// Link lets caller (a target's name, or "" for calls from outside) reach
// target when it invokes iface, with an optional timeout.
func (h *Host) Link(caller, iface, target string, timeout time.Duration) {
	h.mu.Lock()
	defer h.mu.Unlock()
	if h.links[caller] == nil {
		h.links[caller] = map[string]link{}
	}
	h.links[caller][iface] = link{target: target, timeout: timeout}
}

// Invoke makes an invocation as caller (a target's name; "" for calls
// from outside any component): it goes to what caller is linked to for
// iface.
func (h *Host) Invoke(ctx context.Context, caller, iface, fn string, params []byte) ([]byte, error) {
	l, t, err := h.route(caller, iface)
	if err != nil {
		return nil, err
	}
	if t == nil { // not in this process: on the lattice, if h has one (remote.go)
		return h.invokeRemote(ctx, caller, l, iface, fn, params)
	}
	return h.serve(ctx, t, l.timeout, iface, fn, params)
}

// route finds what caller's link for iface reaches: a target of h, or
// nil for one on the lattice.
func (h *Host) route(caller, iface string) (link, *target, error) {
	h.mu.Lock()
	defer h.mu.Unlock()
	l, ok := h.links[caller][iface]
	if ok {
		return l, h.targets[l.target], nil
	}
	for _, links := range h.links {
		if _, ok := links[iface]; ok {
			return l, nil, &Error{Kind: Denied, Msg: fmt.Sprintf("%s is not linked to %s", describeCaller(caller), iface)}
		}
	}
	return l, nil, &Error{Kind: NotFound, Msg: iface}
}

// Call invokes target directly (an entry point: `wasifill call` with a
// config, a test), with the same deadline rules.
func (h *Host) Call(ctx context.Context, targetName, iface, fn string, params []byte) ([]byte, error) {
	h.mu.Lock()
	t := h.targets[targetName]
	h.mu.Unlock()
	if t == nil {
		return nil, &Error{Kind: NotFound, Msg: "target " + targetName}
	}
	return h.serve(ctx, t, 0, iface, fn, params)
}

// Enter starts an invocation of target outside transport.invoke — a
// call to a component's own typed export from the CLI or a Go program —
// with the same deadline rules; invokes its guests make are target's.
// Call release when the invocation is over.
func (h *Host) Enter(ctx context.Context, targetName string) (context.Context, func(), error) {
	h.mu.Lock()
	t := h.targets[targetName]
	h.mu.Unlock()
	if t == nil {
		return nil, nil, &Error{Kind: NotFound, Msg: "target " + targetName}
	}
	inv := newInvocation(ctx, t.name, "", h.bounds(ctx, t, 0))
	if err := h.admit(inv); err != nil {
		inv.release()
		return nil, nil, err
	}
	return inv, func() { inv.release(); <-h.slots }, nil
}

// admit waits for a slot for an invocation entering from outside, until
// its deadline.
func (h *Host) admit(inv *invocation) error {
	select {
	case h.slots <- struct{}{}:
		return nil
	case <-inv.Done():
		return &Error{Kind: DeadlineExceeded, Msg: inv.target + ": no slot before the deadline (host at MaxConcurrent)"}
	}
}

// bounds is when an invocation starts, its deadline, which bound set it,
// and how far extensions may push it.
type bounds struct {
	start, deadline, limit time.Time
	from                   DeadlineOrigin
}

// bounds applies the min rule to an invocation of t starting now: the
// caller's deadline (ctx's), the link and component timeouts, the host
// default.
func (h *Host) bounds(ctx context.Context, t *target, linkTimeout time.Duration) bounds {
	timeout, from := h.cfg.DefaultTimeout, OriginHostDefault
	if linkTimeout > 0 && linkTimeout < timeout {
		timeout, from = linkTimeout, OriginLinkTimeout
	}
	if t.timeout > 0 && t.timeout < timeout {
		timeout, from = t.timeout, OriginComponentTimeout
	}
	b := bounds{start: time.Now(), from: from}
	b.deadline, b.limit = b.start.Add(timeout), b.start.Add(h.cfg.MaxExecution)
	if pd, ok := ctx.Deadline(); ok && pd.Before(b.deadline) {
		b.deadline, b.from = pd, OriginCaller // a nested invocation inherits its caller's
	}
	return b
}

func describeCaller(caller string) string {
	if caller == "" {
		return "the host"
	}
	return caller
}

// serve runs one invocation on t under its deadline, and counts it.
func (h *Host) serve(ctx context.Context, t *target, linkTimeout time.Duration, iface, fn string, params []byte) ([]byte, error) {
	cm, start := h.metrics.call(t.name, iface, fn), time.Now()
	watch := h.watchSlow(ctx, cm, start)
	out, err := h.serveCounted(ctx, t, linkTimeout, iface, fn, params)
	doneSlow(cm, watch, start, err)
	h.metrics.done(cm, start, err)
	return out, err
}

// serveCounted is serve but for the metrics.
func (h *Host) serveCounted(ctx context.Context, t *target, linkTimeout time.Duration, iface, fn string, params []byte) ([]byte, error) {
	b := h.bounds(ctx, t, linkTimeout)
	if !b.start.Before(b.deadline) || ctx.Err() != nil {
		return nil, &Error{Kind: DeadlineExceeded}
	}
	parent := invocationOf(ctx)
	depth := sentDepth(ctx) // a send starts a chain of its own, at its sender's depth
	if parent != nil {
		depth = parent.depth + 1
	}
	if depth > h.cfg.MaxDepth {
		return nil, &Error{Kind: Denied, Msg: fmt.Sprintf("%s#%s to %s: invocations nest deeper than %d (the maximum depth)", iface, fn, t.name, h.cfg.MaxDepth)}
	}
	entry := parent == nil
	inv := newInvocation(ctx, t.name, iface+"#"+fn, b)
	inv.depth = depth
	defer inv.release()
	if entry {
		if err := h.admit(inv); err != nil {
			return nil, err
		}
		defer func() { <-h.slots }()
	}
	out, err := h.run(inv, t, iface, fn, params)
	if err != nil && inv.Err() != nil && inv.Err() != context.Canceled && !isQueuedOut(err) {
		// The deadline (this one or an enclosing one) ended it.
		d, _, _ := inv.bound()
		err = &Error{Kind: DeadlineExceeded, Msg: fmt.Sprintf("%s serving %s#%s stopped after %d ms (deadline %d ms after it started, set by %s)",
			t.name, iface, fn, time.Since(b.start).Milliseconds(), d.Sub(b.start).Milliseconds(), inv.setBy())}
	}
	if err != nil {
		inv.recordFailure(err)
	}
	if entry {
		h.logDone(ctx, inv, iface, fn, err)
	}
	return out, err
}

func (h *Host) run(ctx context.Context, t *target, iface, fn string, params []byte) ([]byte, error) {
	if t.provider != nil {
		return callProvider(ctx, t, iface, fn, params)
	}
	inst, err := t.pool.acquire(ctx)
	if err != nil {
		return nil, err
	}
	defer t.pool.refill() // Config.Warm: replace what was taken
	out, err := inst.Call(ctx, t.handle, iface, fn, params)
	if err != nil || ctx.Err() != nil {
		t.pool.release(inst, false) // trapped or interrupted: never reused
		if err == nil {
			err = ctx.Err()
		}
		return nil, &Error{Kind: Trap, Msg: fmt.Sprintf("%s: %v", t.name, err)}
	}
	t.pool.release(inst, true)
	r, ok := out[0].(value.Result)
	if !ok {
		return nil, &Error{Kind: Decode, Msg: t.name + ": handle returned no result"}
	}
	if r.IsErr {
		return nil, errorFromValue(r.Value)
	}
	b, _ := r.Value.([]byte)
	return b, nil
}

// callProvider runs a Go provider: an *Error it returns reaches the caller
// as is; any other error, or a panic, becomes trap — a provider's bug
// does not take the host down.
func callProvider(ctx context.Context, t *target, iface, fn string, params []byte) (out []byte, err error) {
	defer func() {
		if p := recover(); p != nil {
			out, err = nil, &Error{Kind: Trap, Msg: fmt.Sprintf("%s: provider panicked serving %s#%s: %v", t.name, iface, fn, p)}
		}
	}()
	out, err = untilDone(ctx, func() ([]byte, error) { return t.provider(ctx, iface, fn, params) })
	var re *Error
	if err != nil && !errors.As(err, &re) {
		return nil, &Error{Kind: Trap, Msg: err.Error()}
	}
	return out, err
}

// invokeFunc is transport.invoke for guests: the caller is the target
// whose invocation the guest is serving.
func (h *Host) invokeFunc(ctx context.Context, args []value.Value) ([]value.Value, error) {
	caller := ""
	if inv := invocationOf(ctx); inv != nil {
		caller = inv.target
	}
	out, err := h.Invoke(ctx, caller, args[0].(string), args[1].(string), args[2].([]byte))
	if err != nil {
		var re *Error
		if !errors.As(err, &re) {
			re = &Error{Kind: TransportFailed, Msg: err.Error()}
		}
		return []value.Value{value.Err(re.value())}, nil
	}
	if out == nil {
		out = []byte{}
	}
	return []value.Value{value.Ok(out)}, nil
}

// Close refuses new sends, waits for those in flight (until ctx ends),
// closes the idle instances the host keeps and stops keeping pools warm.
func (h *Host) Close(ctx context.Context) {
	h.mu.Lock()
	h.closed = true
	h.mu.Unlock()
	h.waitSends(ctx)
	h.mu.Lock()
	defer h.mu.Unlock()
	for _, t := range h.targets {
		if t.pool != nil {
			t.pool.close(ctx)
		}
	}
}
