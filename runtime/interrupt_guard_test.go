package runtime

import (
	"context"
	"errors"
	"testing"
	"time"
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
