package runtime

import (
	"context"
	"errors"
	"testing"
	"time"

	"github.com/tetratelabs/wazero"
	"github.com/tetratelabs/wazero/api"

	"github.com/wasifill/wasifill/internal/instrument"
)

// A call whose context ends while it runs fails with an InterruptedError
// even when the guest returns normally (it reached no check after the
// deadline, e.g. a host call that returned late), and its instance is
// spent; a call that ends in time is untouched.
func TestGuardResultAfterDeadline(t *testing.T) {
	f := &interruptFlags{}
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Millisecond)
	defer cancel()
	err := f.guard(ctx, "late", func() error {
		<-ctx.Done()
		time.Sleep(10 * time.Millisecond) // the flag is set by now
		return nil
	})
	var ie *InterruptedError
	if !errors.As(err, &ie) || !errors.Is(err, context.DeadlineExceeded) {
		t.Fatalf("a result after the deadline: %v, want an InterruptedError for the deadline", err)
	}
	if err := f.guard(context.Background(), "again", func() error { return nil }); !errors.Is(err, errSpent) {
		t.Errorf("a call on the spent instance: %v", err)
	}
	g := &interruptFlags{}
	ctx2, cancel2 := context.WithTimeout(context.Background(), time.Hour)
	defer cancel2()
	if err := g.guard(ctx2, "in time", func() error { return nil }); err != nil {
		t.Errorf("a call in time: %v", err)
	}
}

// pastDeadline is a context whose deadline has passed but whose timer
// has not run: Err is still nil (as on a machine where the timer waits
// for a CPU).
type pastDeadline struct{ context.Context }

func (pastDeadline) Deadline() (time.Time, bool) { return time.Now().Add(-time.Millisecond), true }

// flagModule exports a mutable i32 global under the flag's name:
// (module (global (export "wasifill:interrupt") (mut i32) (i32.const 0))).
var flagModule = []byte{0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00, 0x06, 0x06, 0x01, 0x7f,
	0x01, 0x41, 0x00, 0x0b, 0x07, 0x16, 0x01, 0x12, 0x77, 0x61, 0x73, 0x69,
	0x66, 0x69, 0x6c, 0x6c, 0x3a, 0x69, 0x6e, 0x74, 0x65, 0x72, 0x72, 0x75,
	0x70, 0x74, 0x03, 0x00}

// The check import stops the guest (a panic wazero turns into the call's
// error) once its call's deadline has passed, though the context's timer
// has not run, and not before; it never writes the flag (only
// interruptFlags.set does, under its lock, so the timer and the check do
// not race). A call that fails past its deadline is an InterruptedError
// for the deadline and spends the instance.
func TestCheckFindsDeadlinePassed(t *testing.T) {
	ctx := context.Background()
	wz := wazero.NewRuntime(ctx)
	defer wz.Close(ctx)
	mod, err := wz.Instantiate(ctx, flagModule)
	if err != nil {
		t.Fatal(err)
	}
	flag := mod.ExportedGlobal(instrument.FlagExport)
	live, cancel := context.WithTimeout(ctx, time.Hour)
	defer cancel()
	if p := checkPanics(live, mod); p != nil {
		t.Fatalf("the check stopped the guest before the deadline: %v", p)
	}
	if p := checkPanics(pastDeadline{ctx}, mod); p != errCheckFoundContextOver {
		t.Fatalf("after the deadline the check panicked with %v, want errCheckFoundContextOver", p)
	}
	if flag.Get() != 0 {
		t.Fatal("the check wrote the flag")
	}
	f := &interruptFlags{}
	cctx, cancelC := context.WithCancel(ctx)
	defer cancelC()
	err = f.guard(pastDeadline{cctx}, "spin", func() error { return errors.New("unreachable") })
	var ie *InterruptedError
	if !errors.As(err, &ie) || !errors.Is(err, context.DeadlineExceeded) {
		t.Errorf("a failure past the deadline: %v, want an InterruptedError for the deadline", err)
	}
	if !f.tripped.Load() {
		t.Error("the instance is not spent")
	}
}

// checkPanics calls checkInterrupt and returns what it panicked with.
func checkPanics(ctx context.Context, mod api.Module) (p any) {
	defer func() { p = recover() }()
	checkInterrupt(ctx, mod, nil)
	return nil
}

// lateTimer is a context with a deadline whose timer never runs (Err
// stays nil): the state of a call whose deadline has come while the
// timer waits, e.g. behind the timer of a callee's deadline of the same
// instant.
type lateTimer struct {
	context.Context
	deadline time.Time
}

func (c lateTimer) Deadline() (time.Time, bool) { return c.deadline, true }

// A call that returns normally once the clock has reached its deadline
// fails for the deadline though the context's timer has not run (the
// caller of a callee whose deadline was the same instant: the callee's
// timer ended it, the caller handled that and returned), and its
// instance is spent; a call in time under the same context is untouched.
func TestGuardResultAtDeadlineBeforeTimer(t *testing.T) {
	base, cancel := context.WithCancel(context.Background())
	defer cancel()
	inTime := &interruptFlags{}
	if err := inTime.guard(lateTimer{base, time.Now().Add(time.Hour)}, "in time", func() error { return nil }); err != nil {
		t.Fatalf("a call in time: %v", err)
	}
	f := &interruptFlags{}
	ctx := lateTimer{base, time.Now().Add(time.Millisecond)}
	err := f.guard(ctx, "caller", func() error {
		for !deadlinePassed(ctx) {
			time.Sleep(100 * time.Microsecond)
		}
		return nil // the callee's failure, handled
	})
	var ie *InterruptedError
	if !errors.As(err, &ie) || !errors.Is(err, context.DeadlineExceeded) {
		t.Fatalf("a result at the deadline: %v, want an InterruptedError for the deadline", err)
	}
	if !f.tripped.Load() {
		t.Error("the instance is not spent")
	}
}
