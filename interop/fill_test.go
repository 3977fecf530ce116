package interop_test

import (
	"context"
	"path/filepath"
	"testing"
	"time"

	"github.com/wasifill/wasifill/compose"
	"github.com/wasifill/wasifill/fill"
	"github.com/wasifill/wasifill/interop/wasmtime"
	"github.com/wasifill/wasifill/witparse"
)

// emittedFill is the fill `wasifill fill` writes for a world of the guest
// WIT: the import fill of client or the export fill of all-types.
func emittedFill(t *testing.T, world string, export bool) []byte {
	t.Helper()
	r, pkg, err := witparse.Load(filepath.Join(guestsDir, "..", "wit"), witparse.Options{})
	if err != nil {
		t.Fatal(err)
	}
	for _, w := range r.Packages[pkg].Worlds {
		if w.Name != world {
			continue
		}
		var b []byte
		if export {
			b, err = fill.Export(r, w.ID)
		} else {
			b, err = fill.Import(r, w.ID)
		}
		if err != nil {
			t.Fatal(err)
		}
		return b
	}
	t.Fatalf("no world %s", world)
	return nil
}

func plugOne(t *testing.T, user, plug []byte) []byte {
	t.Helper()
	res, err := compose.Plug(compose.Part{Name: "user.wasm", Bytes: user}, []compose.Part{{Name: "plug.wasm", Bytes: plug}})
	if err != nil {
		t.Fatal(err)
	}
	return res.Bytes
}

// TestEmittedFills: the emitted fills validate in Wasmtime; composed as
// import fill → loopback → export fill → all-types they make one closed
// component that answers the whole all-types table in Wasmtime and jco
// exactly as all-types does on its own, and the client composed in front
// of it computes run and twice.
func TestEmittedFills(t *testing.T) {
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	imp := emittedFill(t, "client", false)
	exp := emittedFill(t, "all-types", true)
	loop, err := fill.Loopback()
	if err != nil {
		t.Fatal(err)
	}
	derived, _, err := fill.ForComponent(readGuest(t, "client.wasm"), false) // compose --fill-imports's fill
	if err != nil {
		t.Fatal(err)
	}
	for name, b := range map[string][]byte{"import fill": imp, "export fill": exp, "loopback": loop, "client's own import fill": derived} {
		if err := wasmtime.Validate(b); err != nil {
			t.Errorf("%s: %v", name, err)
		}
	}
	served := plugOne(t, exp, readGuest(t, "all-types.wasm"))
	closed := plugOne(t, plugOne(t, imp, loop), served)
	runBoth(t, ctx, closed, allTypesCalls())

	app := plugOne(t, readGuest(t, "client.wasm"), closed)
	inst, err := wasmtime.Instantiate(ctx, app, nil)
	if err != nil {
		t.Fatal(err)
	}
	defer inst.Close()
	if out, err := inst.Call(ctx, "run", uint32(41)); err != nil || out[0] != uint32(42) {
		t.Errorf("wasmtime: client run(41) through the emitted fills = %v, %v", out, err)
	}
	if out, err := inst.Call(ctx, "twice", 1.25); err != nil || out[0] != 2.5 {
		t.Errorf("wasmtime: client twice(1.25) through the emitted fills = %v, %v", out, err)
	}
}
