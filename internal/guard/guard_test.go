package guard_test

import (
	"errors"
	"strings"
	"testing"

	"github.com/wasifill/wasifill/internal/guard"
)

var errBoom = errors.New("boom")

func panics(v any) (err error) {
	defer guard.Recover("test stage", &err)
	panic(v)
}

func TestRecover(t *testing.T) {
	err := panics(errBoom)
	var ie *guard.InternalError
	if !errors.As(err, &ie) || ie.Stage != "test stage" {
		t.Fatalf("want an InternalError of stage %q, got %v", "test stage", err)
	}
	if !errors.Is(err, errBoom) {
		t.Fatalf("the panic value is not in the chain: %v", err)
	}
	if !strings.Contains(err.Error(), "test stage: internal error") || !strings.Contains(ie.Stack, "guard_test.panics") {
		t.Fatalf("message %q / stack %q", err, ie.Stack)
	}
	var s []int
	err = func() (err error) {
		defer guard.Recover("index", &err)
		_ = s[3]
		return nil
	}()
	if !errors.As(err, &ie) || !strings.Contains(err.Error(), "index out of range") {
		t.Fatalf("a runtime error panic: %v", err)
	}
	ok := func() (err error) {
		defer guard.Recover("calm", &err)
		return nil
	}()
	if ok != nil {
		t.Fatalf("no panic, yet %v", ok)
	}
}
