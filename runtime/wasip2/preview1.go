package wasip2

import (
	"context"
	goruntime "runtime"
	"sync"
	"sync/atomic"
	"time"
	"weak"

	"github.com/wasifill/wasifill/runtime"
)

// wasip1 core modules run on wazero's preview 1, whose stdio reads and
// writes and whose sleeps (poll_oneoff on a clock) know no context. They
// go through the same pumps as WASI 0.2's streams, under the context of
// the Run in progress: a blocked fd_read, fd_write or poll_oneoff returns
// at its deadline (with an error, or early), and interruption then stops
// the guest. One Run at a time per runtime has this (the CLI's case); a
// second one at once is bounded by the first's deadline.

// hosts finds the host Define made for a runtime, without keeping either
// alive.
var hosts sync.Map // weak.Pointer[runtime.Runtime] → weak.Pointer[host]

func register(rt *runtime.Runtime, h *host) {
	key := weak.Make(rt)
	hosts.Store(key, weak.Make(h))
	goruntime.AddCleanup(rt, func(k weak.Pointer[runtime.Runtime]) { hosts.Delete(k) }, key)
}

func hostOf(rt *runtime.Runtime) *host {
	v, ok := hosts.Load(weak.Make(rt))
	if !ok {
		return nil
	}
	return v.(weak.Pointer[host]).Value()
}

// preview1Run is the context of the wasip1 Run in progress.
type preview1Run struct {
	ctx atomic.Pointer[context.Context]
}

func (p *preview1Run) context() context.Context {
	if c := p.ctx.Load(); c != nil {
		return *c
	}
	return context.Background()
}

// enter makes ctx the context of preview 1's blocking calls until the
// returned function is called.
func (p *preview1Run) enter(ctx context.Context) func() {
	prev := p.ctx.Swap(&ctx)
	return func() { p.ctx.CompareAndSwap(&ctx, prev) }
}

// p1Reader reads a pump under the Run's context.
type p1Reader struct {
	p   *inputPump
	run *preview1Run
}

func (r p1Reader) Read(b []byte) (int, error) {
	got, err := r.p.read(r.run.context(), len(b))
	return copy(b, got), err
}

// p1Writer writes through a pump under the Run's context.
type p1Writer struct {
	o   *outputPump
	run *preview1Run
}

func (w p1Writer) Write(b []byte) (int, error) {
	if err := w.o.write(w.run.context(), append([]byte(nil), b...)); err != nil {
		return 0, err
	}
	return len(b), nil
}

// sleep is preview 1's nanosleep: until ns have passed or the Run's
// context is done.
func (p *preview1Run) sleep(ns int64) {
	t := time.NewTimer(time.Duration(max(ns, 0)))
	defer t.Stop()
	select {
	case <-t.C:
	case <-p.context().Done():
	}
}
