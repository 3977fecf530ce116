package wasip2

import (
	"context"
	"errors"
	"io"
	"time"

	"github.com/wasifill/wasifill/runtime"
	"github.com/wasifill/wasifill/value"
)

// maxRead bounds one read: a guest asking for more gets less.
const maxRead = 64 << 10

func (h *host) pollable(at time.Time) value.Handle {
	h.mu.Lock()
	defer h.mu.Unlock()
	r := h.rep()
	h.pollables[r] = at
	return h.rt.NewHandle(name("wasi:io/poll"), "pollable", r)
}

// streamError is stream-error: last-operation-failed(error) or closed.
func (h *host) streamError(err error) value.Value {
	if errors.Is(err, io.EOF) {
		return value.Err(value.Variant{Case: 1})
	}
	h.mu.Lock()
	r := h.rep()
	h.errors[r] = err.Error()
	h.mu.Unlock()
	return value.Err(value.Variant{Case: 0, Payload: h.rt.NewHandle(name("wasi:io/error"), "error", r)})
}

func (h *host) self(args []value.Value) uint32 {
	rep, err := h.rt.HandleRep(args[0].(value.Handle))
	if err != nil {
		return 0
	}
	return rep
}

func (h *host) output(args []value.Value) io.Writer {
	h.mu.Lock()
	defer h.mu.Unlock()
	return h.outputs[h.self(args)]
}

func (h *host) input(args []value.Value) io.Reader {
	h.mu.Lock()
	defer h.mu.Unlock()
	return h.inputs[h.self(args)]
}

// write writes b to the stream; a write to a host writer that may block
// returns at ctx's deadline, with ctx's error (a trap).
func (h *host) write(ctx context.Context, args []value.Value, b []byte) ([]value.Value, error) {
	w := h.output(args)
	if w == nil {
		return ret(value.Err(value.Variant{Case: 1}))
	}
	var err error
	if o, ok := w.(*outputPump); ok {
		if err = o.write(ctx, b); ctx.Err() != nil {
			return nil, err
		}
	} else {
		_, err = w.Write(b)
	}
	if err != nil {
		return ret(h.streamError(err))
	}
	return ret(value.Ok(nil))
}

// flush waits for the stream's pending write, until ctx's deadline.
func (h *host) flush(ctx context.Context, args []value.Value) ([]value.Value, error) {
	w := h.output(args)
	if w == nil {
		return ret(value.Err(value.Variant{Case: 1}))
	}
	if o, ok := w.(*outputPump); ok {
		if err := o.flush(ctx); ctx.Err() != nil {
			return nil, err
		} else if err != nil {
			return ret(h.streamError(err))
		}
	}
	return ret(value.Ok(nil))
}

// read reads up to args[1] bytes (at most maxRead) from the stream,
// waiting for one at least; on a host reader that may block it returns
// at ctx's deadline, with ctx's error (a trap).
func (h *host) read(ctx context.Context, args []value.Value) ([]value.Value, error) {
	r := h.input(args)
	n := int(min(args[1].(uint64), maxRead))
	if r == nil {
		return ret(value.Err(value.Variant{Case: 1}))
	}
	var b []byte
	var err error
	if p, ok := r.(*inputPump); ok {
		if b, err = p.read(ctx, n); ctx.Err() != nil {
			return nil, err
		}
	} else {
		b = make([]byte, n)
		var got int
		got, err = r.Read(b)
		b = b[:got]
	}
	if len(b) == 0 && err != nil {
		return ret(h.streamError(err))
	}
	return ret(value.Ok(b))
}

func (h *host) defineIO() {
	ok := func(v value.Value) ([]value.Value, error) { return ret(value.Ok(v)) }
	ready := func(context.Context, []value.Value) ([]value.Value, error) { return ret(h.pollable(time.Time{})) }
	h.rt.DefineInstance(name("wasi:io/streams"), map[string]runtime.HostFunc{
		"[method]output-stream.check-write": func(context.Context, []value.Value) ([]value.Value, error) {
			return ok(uint64(maxRead))
		},
		"[method]output-stream.write": func(ctx context.Context, args []value.Value) ([]value.Value, error) {
			return h.write(ctx, args, args[1].([]byte))
		},
		"[method]output-stream.blocking-write-and-flush": func(ctx context.Context, args []value.Value) ([]value.Value, error) {
			return h.write(ctx, args, args[1].([]byte))
		},
		"[method]output-stream.flush":          func(context.Context, []value.Value) ([]value.Value, error) { return ok(nil) },
		"[method]output-stream.blocking-flush": h.flush,
		"[method]output-stream.subscribe":      ready,
		"[method]output-stream.write-zeroes": func(ctx context.Context, args []value.Value) ([]value.Value, error) {
			return h.write(ctx, args, make([]byte, min(args[1].(uint64), maxRead)))
		},
		"[method]output-stream.blocking-write-zeroes-and-flush": func(ctx context.Context, args []value.Value) ([]value.Value, error) {
			return h.write(ctx, args, make([]byte, min(args[1].(uint64), maxRead)))
		},
		"[method]input-stream.read":          h.read,
		"[method]input-stream.blocking-read": h.read,
		"[method]input-stream.skip": func(ctx context.Context, args []value.Value) ([]value.Value, error) {
			out, err := h.read(ctx, args)
			if err != nil {
				return nil, err
			}
			if r, isResult := out[0].(value.Result); isResult && !r.IsErr {
				return ok(uint64(len(r.Value.([]byte))))
			}
			return out, err
		},
		"[method]input-stream.subscribe": ready,
	})
	h.rt.DefineInstance(name("wasi:io/error"), map[string]runtime.HostFunc{
		"[method]error.to-debug-string": func(_ context.Context, args []value.Value) ([]value.Value, error) {
			h.mu.Lock()
			defer h.mu.Unlock()
			return ret(h.errors[h.self(args)])
		},
	})
	h.rt.DefineInstance(name("wasi:io/poll"), map[string]runtime.HostFunc{
		"[method]pollable.ready": func(_ context.Context, args []value.Value) ([]value.Value, error) {
			return ret(!time.Now().Before(h.readyAt(h.self(args))))
		},
		"[method]pollable.block": func(ctx context.Context, args []value.Value) ([]value.Value, error) {
			return nil, sleepUntil(ctx, h.readyAt(h.self(args)))
		},
		"poll": func(ctx context.Context, args []value.Value) ([]value.Value, error) {
			list := args[0].([]value.Value)
			if len(list) == 0 {
				return nil, errors.New("wasi: poll of an empty list")
			}
			ats := make([]time.Time, len(list))
			earliest := time.Time{}
			for i, p := range list {
				rep, err := h.rt.HandleRep(p.(value.Handle))
				if err != nil {
					return nil, err
				}
				ats[i] = h.readyAt(rep)
				if i == 0 || ats[i].Before(earliest) {
					earliest = ats[i]
				}
			}
			if err := sleepUntil(ctx, earliest); err != nil {
				return nil, err
			}
			now := time.Now()
			out := []value.Value{}
			for i, at := range ats {
				if !now.Before(at) {
					out = append(out, uint32(i))
				}
			}
			return ret(out)
		},
	})
	drop := func(m func(uint32)) func(context.Context, uint32) error {
		return func(_ context.Context, rep uint32) error {
			h.mu.Lock()
			defer h.mu.Unlock()
			m(rep)
			return nil
		}
	}
	h.rt.DefineResourceDrop(name("wasi:io/streams"), "output-stream", drop(func(r uint32) { delete(h.outputs, r) }))
	h.rt.DefineResourceDrop(name("wasi:io/streams"), "input-stream", drop(func(r uint32) { delete(h.inputs, r) }))
	h.rt.DefineResourceDrop(name("wasi:io/poll"), "pollable", drop(func(r uint32) { delete(h.pollables, r) }))
	h.rt.DefineResourceDrop(name("wasi:io/error"), "error", drop(func(r uint32) { delete(h.errors, r) }))
}

func (h *host) readyAt(rep uint32) time.Time {
	h.mu.Lock()
	defer h.mu.Unlock()
	return h.pollables[rep]
}

// sleepUntil waits for t or for ctx to end.
func sleepUntil(ctx context.Context, t time.Time) error {
	d := time.Until(t)
	if d <= 0 {
		return nil
	}
	timer := time.NewTimer(d)
	defer timer.Stop()
	select {
	case <-timer.C:
		return nil
	case <-ctx.Done():
		return ctx.Err()
	}
}
