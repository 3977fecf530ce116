// Package lattice carries wasifill:rpc invocations between hosts over
// NATS (../../docs/lattice.md): a link whose target is not a component of
// this process is reached on the lattice, and each component a host
// serves is a NATS micro service whose endpoint is a queue group, so the
// hosts serving the same component share its invocations.
//
// The caller's remaining time travels with each request (milliseconds,
// measured when sent); the serving host sets its deadline from it and the
// chain of failed invocations comes back with the error, each hop naming
// the host that served it. Nothing is retried: an invocation is published
// at most once.
package lattice

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"os"
	"sort"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/nats-io/nats.go"
	"github.com/nats-io/nats.go/micro"

	"github.com/wasifill/wasifill/runtime/rpc"
)

// Options configure a host's place on the lattice.
type Options struct {
	// Lattice scopes the subjects ("default" when empty).
	Lattice string
	// HostName names this host in chains and service metadata (host
	// name and process id when empty).
	HostName string
	// Allow, when not empty, restricts the callers served to these names
	// (a caller name is a claim of the calling host, not an identity).
	Allow []string
	// NATS options added to the defaults (credentials, TLS, …).
	NATS []nats.Option
	// MaxInFlight bounds the invocations a host has received and not yet
	// answered (1024 when zero); past it, receiving waits.
	MaxInFlight int
	// ReplyGrace is how long a caller waits past its deadline for the
	// serving host's deadline-exceeded reply, which carries the remote
	// part of the chain (100 ms when zero).
	ReplyGrace time.Duration
}

// Lattice is a host's connection to the lattice: it reaches remote
// targets for an rpc.Host (rpc.Remote) and serves the host's components.
type Lattice struct {
	host *rpc.Host
	opt  Options
	url  string
	nc   *nats.Conn // requests and replies

	mu     sync.Mutex
	sc     *nats.Conn // serving subscriptions (drained on Close)
	scDone chan struct{}
	svcs   []micro.Service
	stats  map[string]*endpointStats

	allow     map[string]bool
	reconnect atomic.Int64 // when nc last reconnected (Unix ns)
	inFlight  chan struct{}
	wg        sync.WaitGroup
	base      context.Context
	cancel    context.CancelFunc
}

// Connect joins the lattice through the NATS server at url (a
// comma-separated list for a cluster; a token or user in it is passed
// through) and makes it h's remote.
func Connect(url string, h *rpc.Host, opt Options) (*Lattice, error) {
	if opt.Lattice == "" {
		opt.Lattice = "default"
	}
	if !validName(opt.Lattice) {
		return nil, fmt.Errorf("lattice name %q: letters, digits, - and _ only", opt.Lattice)
	}
	if opt.HostName == "" {
		name, _ := os.Hostname()
		opt.HostName = fmt.Sprintf("%s/%d", name, os.Getpid())
	}
	if opt.MaxInFlight <= 0 {
		opt.MaxInFlight = 1024
	}
	if opt.ReplyGrace <= 0 {
		opt.ReplyGrace = 100 * time.Millisecond
	}
	l := &Lattice{host: h, opt: opt, url: url, stats: map[string]*endpointStats{},
		inFlight: make(chan struct{}, opt.MaxInFlight)}
	if len(opt.Allow) > 0 {
		l.allow = map[string]bool{}
		for _, a := range opt.Allow {
			l.allow[a] = true
		}
	}
	var err error
	if l.nc, err = l.connect("", nil, nats.ReconnectHandler(func(*nats.Conn) { l.reconnect.Store(time.Now().UnixNano()) })); err != nil {
		return nil, err
	}
	l.base, l.cancel = context.WithCancel(context.Background())
	h.SetRemote(l)
	return l, nil
}

// connect opens a connection with the lattice's defaults: reconnect
// forever, and no buffering while disconnected — a request made then
// fails at once with transport instead of being sent later (at most once).
func (l *Lattice) connect(role string, closed chan struct{}, extra ...nats.Option) (*nats.Conn, error) {
	opts := []nats.Option{nats.Name("wasifill " + l.opt.HostName + role), nats.MaxReconnects(-1),
		nats.ReconnectWait(100 * time.Millisecond), nats.ReconnectJitter(50*time.Millisecond, 50*time.Millisecond),
		nats.ReconnectBufSize(-1), nats.ErrorHandler(func(_ *nats.Conn, sub *nats.Subscription, err error) {
			slog.Debug("lattice: NATS error", "lattice", l.opt.Lattice, "host", l.opt.HostName, "err", err)
		})}
	if closed != nil {
		opts = append(opts, nats.ClosedHandler(func(*nats.Conn) { close(closed) }))
	}
	opts = append(opts, extra...)
	nc, err := nats.Connect(l.url, append(opts, l.opt.NATS...)...)
	if err != nil {
		return nil, fmt.Errorf("lattice %s: connecting to %s: %w", l.opt.Lattice, redact(l.url), err)
	}
	return nc, nil
}

// redact hides a password or token in a URL for messages.
func redact(url string) string {
	var out []string
	for _, u := range strings.Split(url, ",") {
		if at := strings.LastIndex(u, "@"); at >= 0 {
			if s := strings.Index(u, "://"); s >= 0 && s < at {
				u = u[:s+3] + "***" + u[at:]
			}
		}
		out = append(out, u)
	}
	return strings.Join(out, ",")
}

// HostName is the name this host gives itself in chains.
func (l *Lattice) HostName() string { return l.opt.HostName }

// Conn is the lattice's NATS connection for requests.
func (l *Lattice) Conn() *nats.Conn { return l.nc }

// resubscribeWindow is how long after its own reconnection a caller
// takes "no responders" for a lattice still coming back (transport)
// rather than for a target nobody serves (not-found).
const resubscribeWindow = 2 * time.Second

type chainKey struct{}

// chainSoFar is what a served request said about its chain.
type chainSoFar struct{ path string }

// Invoke makes one invocation on the lattice (rpc.Remote): it publishes
// the request once and waits for the reply until ctx's deadline (and
// ReplyGrace for a deadline-exceeded reply with the remote chain).
func (l *Lattice) Invoke(ctx context.Context, req rpc.RemoteRequest, params []byte) ([]byte, error) {
	if !validName(req.Target) {
		return nil, &rpc.Error{Kind: rpc.NotFound, Msg: fmt.Sprintf("target %q cannot be on the lattice (names are letters, digits, - and _)", clip(req.Target))}
	}
	if req.Depth > maxDepth {
		return nil, &rpc.Error{Kind: rpc.Denied, Msg: fmt.Sprintf("a chain deeper than %d hops", maxDepth)}
	}
	deadline, ok := ctx.Deadline()
	if !ok {
		return nil, &rpc.Error{Kind: rpc.Denied, Msg: "an invocation on the lattice needs a deadline"}
	}
	caller := req.Caller + "@" + l.opt.HostName
	if prev, ok := ctx.Value(chainKey{}).(chainSoFar); ok && prev.path != "" {
		caller = prev.path + "," + caller
	}
	if len(caller) > maxChainHeader {
		caller = "…" + caller[len(caller)-maxChainHeader:]
	}
	msg := &nats.Msg{Subject: subject(l.opt.Lattice, req.Target), Data: params, Header: nats.Header{
		hdrInterface: {req.Interface}, hdrFunction: {req.Function}, hdrCaller: {req.Caller},
		hdrDepth: {strconv.Itoa(req.Depth)}, hdrChain: {caller}}}
	if size, maxSize := int64(len(params)), l.nc.MaxPayload(); size+headerSize(msg.Header) > maxSize {
		return nil, &rpc.Error{Kind: rpc.TransportFailed, Msg: fmt.Sprintf("params of %d bytes (%d with headers) exceed the NATS server's max payload of %d bytes",
			size, size+headerSize(msg.Header), maxSize)}
	}
	wait, cancel := context.WithDeadline(context.WithoutCancel(ctx), deadline.Add(l.opt.ReplyGrace))
	defer cancel()
	stop := context.AfterFunc(ctx, func() {
		if !errors.Is(ctx.Err(), context.DeadlineExceeded) {
			cancel() // the caller gave up (not its deadline): stop waiting
		}
	})
	defer stop()
	left := time.Until(deadline)
	if left <= 0 {
		return nil, &rpc.Error{Kind: rpc.DeadlineExceeded, Msg: fmt.Sprintf("no time left to invoke %s on the lattice", req.Target)}
	}
	// Rounded up: the serving host's deadline is this one (less the
	// transit), as when both run in one process.
	msg.Header.Set(hdrRemaining, strconv.FormatInt(int64((left+time.Millisecond-1)/time.Millisecond), 10))
	resp, err := l.nc.RequestMsgWithContext(wait, msg)
	switch {
	case err == nil:
	case errors.Is(err, nats.ErrNoResponders) && time.Since(time.Unix(0, l.reconnect.Load())) < resubscribeWindow:
		return nil, &rpc.Error{Kind: rpc.TransportFailed, Msg: fmt.Sprintf("nobody serves %s on lattice %s yet: the connection came back %d ms ago, and serving hosts may still be reconnecting",
			req.Target, l.opt.Lattice, time.Since(time.Unix(0, l.reconnect.Load())).Milliseconds())}
	case errors.Is(err, nats.ErrNoResponders):
		return nil, &rpc.Error{Kind: rpc.NotFound, Msg: fmt.Sprintf("nobody serves %s on lattice %s", req.Target, l.opt.Lattice)}
	case errors.Is(err, context.DeadlineExceeded) || ctx.Err() != nil:
		return nil, &rpc.Error{Kind: rpc.DeadlineExceeded, Msg: fmt.Sprintf("no reply from %s on lattice %s within the deadline (%d ms)",
			req.Target, l.opt.Lattice, left.Milliseconds())}
	case errors.Is(err, nats.ErrReconnectBufExceeded) || errors.Is(err, nats.ErrDisconnected):
		return nil, &rpc.Error{Kind: rpc.TransportFailed, Msg: fmt.Sprintf("lattice %s: invoking %s: the connection to NATS is down, reconnecting (nothing is sent later)",
			l.opt.Lattice, req.Target)}
	case errors.Is(err, nats.ErrMaxPayload):
		return nil, &rpc.Error{Kind: rpc.TransportFailed, Msg: fmt.Sprintf("params of %d bytes exceed the NATS server's max payload of %d bytes",
			len(params), l.nc.MaxPayload())}
	default:
		return nil, &rpc.Error{Kind: rpc.TransportFailed, Msg: fmt.Sprintf("lattice %s: invoking %s: %v", l.opt.Lattice, req.Target, err)}
	}
	if code := resp.Header.Get(micro.ErrorCodeHeader); code != "" {
		return nil, decodeError(code, resp.Header.Get(micro.ErrorHeader), resp.Data)
	}
	return resp.Data, nil
}

// headerSize is about what h takes on the wire.
func headerSize(h nats.Header) int64 {
	n := int64(len("NATS/1.0\r\n\r\n"))
	for k, vs := range h {
		for _, v := range vs {
			n += int64(len(k) + len(v) + 4)
		}
	}
	return n
}

// Serve serves the host's component name on the lattice until Close: a
// micro service named after it (with the lattice and host as metadata)
// whose endpoint is the queue group of every host serving it.
func (l *Lattice) Serve(name string) error {
	if !validName(name) {
		return fmt.Errorf("component %q cannot be served on the lattice (names are letters, digits, - and _)", name)
	}
	if !l.host.HasTarget(name) {
		return fmt.Errorf("component %q is not a target of this host", name)
	}
	l.mu.Lock()
	defer l.mu.Unlock()
	if l.sc == nil {
		l.scDone = make(chan struct{})
		sc, err := l.connect(" (serving)", l.scDone)
		if err != nil {
			return err
		}
		l.sc = sc
	}
	st := &endpointStats{byKind: map[string]int{}}
	svc, err := micro.AddService(l.sc, micro.Config{
		Name:        name,
		Version:     "0.1.0",
		Description: fmt.Sprintf("wasifill component %s (wasifill:rpc handler) on lattice %s", name, l.opt.Lattice),
		Metadata:    map[string]string{"lattice": l.opt.Lattice, "host": l.opt.HostName},
		QueueGroup:  "wasifill",
		StatsHandler: func(*micro.Endpoint) any {
			return st.snapshot()
		},
		Endpoint: &micro.EndpointConfig{
			Subject: subject(l.opt.Lattice, name),
			Handler: micro.HandlerFunc(func(r micro.Request) { l.dispatch(name, st, r) }),
		},
	})
	if err != nil {
		return fmt.Errorf("serving %s on lattice %s: %w", name, l.opt.Lattice, err)
	}
	l.svcs = append(l.svcs, svc)
	l.stats[name] = st
	// Once the server has the subscription, requests reach it.
	if err := l.sc.FlushTimeout(5 * time.Second); err != nil {
		return fmt.Errorf("serving %s on lattice %s: %w", name, l.opt.Lattice, err)
	}
	return nil
}

// dispatch runs a request in its own goroutine (a micro handler is called
// one request at a time), once fewer than MaxInFlight are.
func (l *Lattice) dispatch(name string, st *endpointStats, r micro.Request) {
	received := time.Now()
	if r.Reply() == "" {
		return // not a request: nobody would see the answer
	}
	l.inFlight <- struct{}{}
	l.wg.Add(1)
	go func() {
		defer l.wg.Done()
		defer func() { <-l.inFlight }()
		l.handle(name, st, received, r.Reply(), r.Headers(), r.Data())
	}()
}

// handle serves one request and publishes its reply.
func (l *Lattice) handle(name string, st *endpointStats, received time.Time, reply string, h micro.Headers, params []byte) {
	req := rpc.RemoteRequest{Caller: h.Get(hdrCaller), Target: name, Interface: h.Get(hdrInterface), Function: h.Get(hdrFunction)}
	out, err := l.serveRequest(received, req, h, params)
	msg := &nats.Msg{Subject: reply, Data: out}
	if err == nil && int64(len(out))+64 > l.nc.MaxPayload() {
		err = &rpc.RemoteError{Err: &rpc.Error{Kind: rpc.TransportFailed, Msg: fmt.Sprintf("%s's result of %d bytes exceeds the NATS server's max payload of %d bytes",
			name, len(out), l.nc.MaxPayload())}}
	}
	if err != nil {
		var rerr *rpc.RemoteError
		if !errors.As(err, &rerr) {
			rerr = &rpc.RemoteError{Err: asRPCOrTrap(err)}
		}
		msg.Header, msg.Data = nats.Header(errorHeaders(rerr)), encodeError(rerr)
		st.record(time.Since(received), kindName(rerr.Err.Kind))
	} else {
		st.record(time.Since(received), "")
	}
	_ = l.nc.PublishMsg(msg) // a reply lost here ends at the caller's deadline
}

// serveRequest checks a request and serves it under the deadline it sent.
func (l *Lattice) serveRequest(received time.Time, req rpc.RemoteRequest, h micro.Headers, params []byte) ([]byte, error) {
	fail := func(k rpc.ErrorKind, format string, args ...any) ([]byte, error) {
		return nil, &rpc.RemoteError{Err: &rpc.Error{Kind: k, Msg: fmt.Sprintf(format, args...)}}
	}
	left, err := parseRemaining(h.Get(hdrRemaining))
	if err != nil {
		return fail(rpc.Decode, "%v", err)
	}
	depth, err := strconv.Atoi(h.Get(hdrDepth))
	if err != nil || depth < 0 || depth > maxDepth {
		return fail(rpc.Denied, "%s %q: want a depth of 0 to %d", hdrDepth, clip(h.Get(hdrDepth)), maxDepth)
	}
	req.Depth = depth
	path := h.Get(hdrChain)
	if len(path) > maxChainHeader+len("…") {
		return fail(rpc.Decode, "%s of %d bytes (at most %d)", hdrChain, len(path), maxChainHeader)
	}
	if l.allow != nil && !l.allow[req.Caller] {
		return fail(rpc.Denied, "host %s does not serve caller %q (chain %s)", l.opt.HostName, clip(req.Caller), clip(path))
	}
	ctx, cancel := context.WithDeadline(l.base, received.Add(left))
	defer cancel()
	ctx = context.WithValue(ctx, chainKey{}, chainSoFar{path: path})
	return l.host.ServeRemote(ctx, l.opt.HostName, req, params)
}

func asRPC(err error) *rpc.Error {
	var re *rpc.Error
	if errors.As(err, &re) {
		return re
	}
	return nil
}

func asRPCOrTrap(err error) *rpc.Error {
	if re := asRPC(err); re != nil {
		return re
	}
	return &rpc.Error{Kind: rpc.Trap, Msg: err.Error()}
}

// Close leaves the lattice: no new invocations are taken (the services
// stop and their subscriptions drain), those in flight finish or end at
// their deadlines, then the connections close. ctx bounds the wait; past
// it, invocations still in flight are cancelled.
func (l *Lattice) Close(ctx context.Context) error {
	l.mu.Lock()
	svcs, sc, scDone := l.svcs, l.sc, l.scDone
	l.svcs = nil
	l.mu.Unlock()
	var errs []error
	for _, svc := range svcs {
		if err := svc.Stop(); err != nil {
			errs = append(errs, err)
		}
	}
	if sc != nil {
		if err := sc.Drain(); err != nil {
			sc.Close()
		}
		select {
		case <-scDone:
		case <-ctx.Done():
			sc.Close()
		}
	}
	done := make(chan struct{})
	go func() { l.wg.Wait(); close(done) }()
	select {
	case <-done:
	case <-ctx.Done():
		l.cancel()
		<-done
		errs = append(errs, fmt.Errorf("lattice %s: invocations still in flight when closing: %w", l.opt.Lattice, ctx.Err()))
	}
	l.cancel()
	if err := l.nc.Flush(); err != nil && !errors.Is(err, nats.ErrConnectionClosed) {
		errs = append(errs, err)
	}
	l.nc.Close()
	return errors.Join(errs...)
}

// endpointStats are a served component's counts and latencies, shown as
// the data of its endpoint by `nats micro stats` (micro's own processing
// time only covers handing a request to its goroutine).
type endpointStats struct {
	mu     sync.Mutex
	ok     int
	byKind map[string]int
	recent [256]time.Duration // a ring of the latest latencies
	n      int
}

func (s *endpointStats) record(d time.Duration, kind string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if kind == "" {
		s.ok++
	} else {
		s.byKind[kind]++
	}
	s.recent[s.n%len(s.recent)] = d
	s.n++
}

// StatsData is the data of a served component's endpoint in `nats micro
// stats`: invocations answered ok, errors by rpc-error case, and the
// latency quantiles (receipt to reply) of the latest 256.
type StatsData struct {
	OK        int            `json:"ok"`
	Errors    map[string]int `json:"errors"`
	P50Micros int64          `json:"p50_us"`
	P99Micros int64          `json:"p99_us"`
}

func (s *endpointStats) snapshot() StatsData {
	s.mu.Lock()
	defer s.mu.Unlock()
	out := StatsData{OK: s.ok, Errors: map[string]int{}}
	for k, v := range s.byKind {
		out.Errors[k] = v
	}
	n := min(s.n, len(s.recent))
	if n == 0 {
		return out
	}
	lat := append([]time.Duration(nil), s.recent[:n]...)
	sort.Slice(lat, func(i, j int) bool { return lat[i] < lat[j] })
	out.P50Micros, out.P99Micros = lat[n/2].Microseconds(), lat[(n*99)/100].Microseconds()
	return out
}

// Stats are the counts and latencies of component name served here.
func (l *Lattice) Stats(name string) StatsData {
	l.mu.Lock()
	st := l.stats[name]
	l.mu.Unlock()
	if st == nil {
		return StatsData{Errors: map[string]int{}}
	}
	return st.snapshot()
}
