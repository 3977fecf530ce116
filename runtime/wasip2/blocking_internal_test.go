package wasip2

import (
	"bytes"
	"context"
	"errors"
	"math"
	"os"
	"testing"
	"time"
)

// A read that gave up at its deadline loses nothing: what its pending
// Read gets later goes to the next read.
func TestInputPumpKeepsLateData(t *testing.T) {
	r, w, err := os.Pipe()
	if err != nil {
		t.Fatal(err)
	}
	defer r.Close()
	defer w.Close()
	p := newInputPump(r)
	ctx, cancel := context.WithTimeout(context.Background(), 50*time.Millisecond)
	defer cancel()
	if _, err := p.read(ctx, 10); !errors.Is(err, context.DeadlineExceeded) {
		t.Fatalf("read of an empty pipe: %v", err)
	}
	w.Write([]byte("late"))
	got, err := p.read(context.Background(), 2)
	if err != nil || string(got) != "la" {
		t.Fatalf("next read = %q, %v", got, err)
	}
	if got, err = p.read(context.Background(), 10); err != nil || string(got) != "te" {
		t.Fatalf("read after = %q, %v", got, err)
	}
	w.Close()
	if _, err := p.read(context.Background(), 10); err == nil {
		t.Error("read after the writer closed: no error")
	}
}

// gate is a writer whose Writes wait until it is opened.
type gate struct {
	open chan struct{}
	buf  bytes.Buffer
}

func (g *gate) Write(b []byte) (int, error) {
	<-g.open
	return g.buf.Write(b)
}

// A write that gave up at its deadline still happens, before the next.
func TestOutputPumpKeepsOrder(t *testing.T) {
	g := &gate{open: make(chan struct{})}
	o := newOutputPump(g)
	ctx, cancel := context.WithTimeout(context.Background(), 50*time.Millisecond)
	defer cancel()
	if err := o.write(ctx, []byte("first ")); !errors.Is(err, context.DeadlineExceeded) {
		t.Fatalf("write to a stuck writer: %v", err)
	}
	close(g.open)
	if err := o.write(context.Background(), []byte("second")); err != nil {
		t.Fatal(err)
	}
	if g.buf.String() != "first second" {
		t.Errorf("written %q", g.buf.String())
	}
}

func TestAfterNanosSaturates(t *testing.T) {
	now := time.Now()
	for _, ns := range []uint64{math.MaxUint64, 1 << 63, math.MaxInt64} {
		if at := afterNanos(now, ns); !at.Equal(now.Add(math.MaxInt64)) {
			t.Errorf("afterNanos(now, %d) = %v after now", ns, at.Sub(now))
		}
	}
	if at := afterNanos(now, 5); at.Sub(now) != 5 {
		t.Errorf("afterNanos(now, 5) = %v after now", at.Sub(now))
	}
}
