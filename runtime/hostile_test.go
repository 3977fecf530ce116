package runtime_test

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"testing"

	"github.com/wasifill/wasifill/internal/filltest"
	"github.com/wasifill/wasifill/runtime"
	"github.com/wasifill/wasifill/value"
)

const attacks = "wasifill:guests/attacks@0.1.0#"

// hostileCases are the functions of hostile.wasm (testdata/guests/wat/
// hostile.wat) that return what the canonical ABI must refuse, with the
// kind of runtime.ABIError each must trap with (0: a trap that is no canonical
// ABI error, e.g. `unreachable` in a post-return).
var hostileCases = []struct {
	fn   string
	kind runtime.ABIErrorKind
	msg  string // what the error message must contain
}{
	{"bad-pointer", runtime.ErrOutOfBounds, ""}, // 0xfffffff0 + 32 wraps to 0x10 in 32 bits
	{"bad-utf8", runtime.ErrInvalidString, ""},
	{"bad-enum", runtime.ErrInvalidDiscriminant, ""},
	{"bad-variant", runtime.ErrInvalidDiscriminant, ""},
	{"surrogate", runtime.ErrInvalidChar, ""},
	{"huge-list", runtime.ErrTooLong, ""},
	{"misaligned-list", runtime.ErrMisaligned, ""},
	{"trapping-post-return", 0, "unreachable"},
}

// callNoPanic calls fn of inst and turns a panic into a test error.
func callNoPanic(t *testing.T, inst *runtime.Instance, fn string, args ...value.Value) (out []value.Value, err error) {
	t.Helper()
	defer func() {
		if p := recover(); p != nil {
			t.Errorf("%s: the host panicked: %v", fn, p)
			err = fmt.Errorf("panic: %v", p)
		}
	}()
	return inst.Call(context.Background(), attacks+fn, args...)
}

// TestHostileGuest: each hostile result is a *runtime.TrapError (with the
// runtime.ABIError of the right kind in its chain), never a panic or a value,
// and the runtime keeps serving: a fresh instance of the same compiled
// component answers the good function after every one.
func TestHostileGuest(t *testing.T) {
	ctx := context.Background()
	rt := newRuntime(t)
	c := filltest.CompileFile(ctx, t, rt, "../testdata/guests/out/hostile.wasm")
	instantiate := func() *runtime.Instance {
		t.Helper()
		inst, err := rt.Instantiate(ctx, c)
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { inst.Close(ctx) })
		return inst
	}
	good := func(inst *runtime.Instance, s string) error {
		out, err := callNoPanic(t, inst, "good", s)
		if err != nil {
			return err
		}
		if len(out) != 1 || out[0] != s {
			return fmt.Errorf("good(%q) = %v", s, out)
		}
		return nil
	}
	if err := good(instantiate(), "héllo ✓"); err != nil {
		t.Fatal(err)
	}
	for _, hc := range hostileCases {
		t.Run(hc.fn, func(t *testing.T) {
			inst := instantiate()
			out, err := callNoPanic(t, inst, hc.fn)
			var trap *runtime.TrapError
			if !errors.As(err, &trap) {
				t.Fatalf("%s() = %v, %v; want a *runtime.TrapError", hc.fn, out, err)
			}
			if out != nil {
				t.Errorf("%s(): results %v next to the trap", hc.fn, out)
			}
			if !strings.Contains(trap.Func, attacks+hc.fn) {
				t.Errorf("TrapError.Func = %q, want it to name %s", trap.Func, attacks+hc.fn)
			}
			var ce *runtime.ABIError
			switch {
			case hc.kind == 0 && errors.As(err, &ce):
				t.Errorf("%s(): canonical ABI error %v, want a plain trap", hc.fn, ce)
			case hc.kind != 0 && !errors.As(err, &ce):
				t.Errorf("%s(): %v has no *runtime.ABIError in its chain, want one of kind %s", hc.fn, err, hc.kind)
			case hc.kind != 0 && ce.Kind != hc.kind:
				t.Errorf("%s(): runtime.ABIError of kind %s (%v), want %s", hc.fn, ce.Kind, ce, hc.kind)
			}
			if hc.msg != "" && !strings.Contains(err.Error(), hc.msg) {
				t.Errorf("%s(): %v, want it to mention %q", hc.fn, err, hc.msg)
			}
			t.Logf("%s(): %v", hc.fn, err)
			// The runtime keeps serving: a fresh instance answers.
			if err := good(instantiate(), "after "+hc.fn); err != nil {
				t.Errorf("a fresh instance after %s: %v", hc.fn, err)
			}
			// The same instance: the canonical ABI refused a result
			// without corrupting the guest, so it answers too (the
			// component model would let a runtime refuse instead; this
			// one does not poison instances).
			if err := good(inst, "again"); err != nil {
				t.Errorf("the same instance after %s: %v", hc.fn, err)
			}
		})
	}
}
