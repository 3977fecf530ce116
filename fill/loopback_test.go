package fill_test

import (
	"context"
	"testing"

	"github.com/wasifill/wasifill/compose"
	"github.com/wasifill/wasifill/fill"
	"github.com/wasifill/wasifill/internal/filltest"
	"github.com/wasifill/wasifill/value"
)

// closedTypes composes import fill → loopback → export fill → all-types
// into one component that exports wasifill:guests/types and imports no
// wasifill:rpc.
func closedTypes(t *testing.T) []byte {
	t.Helper()
	loop, err := fill.Loopback()
	if err != nil {
		t.Fatal(err)
	}
	plug := func(user []byte, plug []byte) []byte {
		res, err := compose.Plug(compose.Part{Name: "user.wasm", Bytes: user}, []compose.Part{{Name: "plug.wasm", Bytes: plug}})
		if err != nil {
			t.Fatal(err)
		}
		return res.Bytes
	}
	served := plug(emitted(t, "export"), guest(t, "all-types"))
	res, err := compose.Plug(compose.Part{Name: "import.wasm", Bytes: plug(emitted(t, "import"), loop)},
		[]compose.Part{{Name: "served.wasm", Bytes: served}})
	if err != nil {
		t.Fatal(err)
	}
	if len(res.Imports) != 0 {
		t.Errorf("the closed composition imports %v", res.Imports)
	}
	return res.Bytes
}

// Both fills in one component through the loopback, with no rpc host:
// every value comes back equal.
func TestLoopback(t *testing.T) {
	ctx := context.Background()
	inst := filltest.Instantiate(ctx, t, filltest.WASIRuntime(t), closedTypes(t))
	for _, tc := range filltest.Cases {
		f, ok := inst.Func(filltest.Types + "#" + tc.Fn)
		if !ok {
			t.Fatalf("no %s", tc.Fn)
		}
		out, err := f.Call(ctx, tc.Arg)
		if err != nil || !value.Equal(f.Results()[0], out[0], tc.Arg) {
			t.Errorf("%s(%v) = %v, %v", tc.Fn, tc.Arg, out, err)
		}
	}
}
