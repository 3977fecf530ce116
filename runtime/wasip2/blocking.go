package wasip2

import (
	"bytes"
	"context"
	"io"
	"math"
	"strings"
	"sync"
	"time"
)

// The guest's stdio are the host's readers and writers, which may block
// for ever (a pipe nobody writes to or reads from) and know nothing of
// deadlines. A blocking stream call therefore waits for them in the
// background and returns at the deadline of the call, while the Read or
// Write it started goes on alone: what a read gets later is kept for the
// next read, and the next write starts once the pending one has ended, so
// no byte is lost or reordered. One goroutine per stream at most is
// left waiting on a reader or writer that never returns.

// inputPump reads from r in the background, one Read at a time and only
// when a guest asks.
type inputPump struct {
	r io.Reader

	mu      sync.Mutex
	buf     []byte        // read, not yet given to a guest
	err     error         // how r ended, given once buf is empty
	reading chan struct{} // closed when the pending Read returns; nil when none
}

func newInputPump(r io.Reader) *inputPump { return &inputPump{r: r} }

// read returns up to n bytes, waiting for at least one (or the end of
// r) until ctx is done.
func (p *inputPump) read(ctx context.Context, n int) ([]byte, error) {
	for {
		p.mu.Lock()
		if len(p.buf) > 0 {
			k := min(n, len(p.buf))
			out := bytes.Clone(p.buf[:k])
			p.buf = p.buf[k:]
			p.mu.Unlock()
			return out, nil
		}
		if p.err != nil {
			err := p.err
			p.mu.Unlock()
			return nil, err
		}
		if p.reading == nil {
			p.reading = make(chan struct{})
			go p.fill(p.reading, n)
		}
		wait := p.reading
		p.mu.Unlock()
		select {
		case <-wait:
		case <-ctx.Done():
			return nil, context.Cause(ctx)
		}
	}
}

func (p *inputPump) fill(done chan struct{}, n int) {
	b := make([]byte, n)
	got, err := p.r.Read(b)
	p.mu.Lock()
	p.buf = append(p.buf, b[:got]...)
	if err != nil {
		p.err = err
	}
	p.reading = nil
	p.mu.Unlock()
	close(done)
}

// outputPump writes to w in the background, one Write at a time.
type outputPump struct {
	w      io.Writer
	direct bool // w never blocks: no pump

	mu      sync.Mutex
	writing chan struct{} // closed when the pending Write returns; nil when none
	err     error         // a Write's failure, given to the next write or flush
}

// newOutputPump wraps w; a writer that never blocks is written to
// directly.
func newOutputPump(w io.Writer) *outputPump {
	switch w.(type) {
	case *bytes.Buffer, *strings.Builder:
		return &outputPump{w: w, direct: true}
	}
	return &outputPump{w: w, direct: w == io.Discard}
}

// write writes b (which it keeps: the caller must not reuse it) after
// the pending write, and waits for it until ctx is done.
func (o *outputPump) write(ctx context.Context, b []byte) error {
	if o.direct {
		o.mu.Lock()
		defer o.mu.Unlock()
		_, err := o.w.Write(b)
		return err
	}
	if err := o.flush(ctx); err != nil {
		return err
	}
	done := make(chan struct{})
	o.mu.Lock()
	o.writing = done
	o.mu.Unlock()
	go func() {
		_, err := o.w.Write(b)
		o.mu.Lock()
		if err != nil && o.err == nil {
			o.err = err
		}
		o.writing = nil
		o.mu.Unlock()
		close(done)
	}()
	return o.flush(ctx)
}

// flush waits for the pending write until ctx is done, and returns the
// failure of an earlier write, if any.
func (o *outputPump) flush(ctx context.Context) error {
	o.mu.Lock()
	wait := o.writing
	o.mu.Unlock()
	if wait != nil {
		select {
		case <-wait:
		case <-ctx.Done():
			return context.Cause(ctx)
		}
	}
	o.mu.Lock()
	defer o.mu.Unlock()
	return o.err
}

// afterNanos is t plus a guest's u64 of nanoseconds, saturated: a
// duration past time.Duration's range is the farthest future it holds,
// never a wrap into the past.
func afterNanos(t time.Time, ns uint64) time.Time {
	return t.Add(time.Duration(min(ns, math.MaxInt64)))
}

// Read reads without a deadline (the streams' table holds io.Readers;
// the stream calls use read).
func (p *inputPump) Read(b []byte) (int, error) {
	got, err := p.read(context.Background(), len(b))
	return copy(b, got), err
}

// Write writes without a deadline (the streams' table holds io.Writers;
// the stream calls use write).
func (o *outputPump) Write(b []byte) (int, error) {
	if err := o.write(context.Background(), bytes.Clone(b)); err != nil {
		return 0, err
	}
	return len(b), nil
}
