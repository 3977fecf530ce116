package golang_test

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/wasifill/wasifill/gen/golang"
	"github.com/wasifill/wasifill/gen/golang/internal/golden/resources"
	"github.com/wasifill/wasifill/internal/filltest"
	"github.com/wasifill/wasifill/internal/testenv"
	"github.com/wasifill/wasifill/runtime"
	"github.com/wasifill/wasifill/witparse"
)

// A typed client calls the Rust counters component: constructor, methods,
// a static function, borrows, and Drop (the component's destructor runs);
// a dropped or moved handle is an error, not a panic.
func TestClientResources(t *testing.T) {
	b, err := os.ReadFile(guests + "out/resources.wasm")
	if err != nil {
		t.Fatal(err)
	}
	checkCounters(t, b)
}

// The same client drives the counters of a Go component on the generated
// guest bindings.
func TestClientResourcesGoGuest(t *testing.T) {
	checkCounters(t, buildGoGuest(t, "resources", string(testenv.ReadFile(t, "testdata/counters/main.go"))))
}

func checkCounters(t *testing.T, b []byte) {
	ctx := context.Background()
	rt := filltest.WASIRuntime(t)
	c, err := rt.Compile(ctx, b)
	cl := resources.NewCountersClient(instantiate(t, rt, c, err))

	a, err := cl.NewCounter(ctx, 10)
	if err != nil {
		t.Fatal(err)
	}
	z, err := cl.CounterZero(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if got, err := a.Add(ctx, 5); err != nil || got != 15 {
		t.Errorf("Add = %d, %v", got, err)
	}
	if got, err := z.Add(ctx, 2); err != nil || got != 2 {
		t.Errorf("zero.Add = %d, %v", got, err)
	}
	if got, err := cl.Total(ctx, a, z); err != nil || got != 17 {
		t.Errorf("Total = %d, %v", got, err)
	}
	if got, err := cl.Total(ctx, a, a); err != nil || got != 30 {
		t.Errorf("Total(a, a) = %d, %v", got, err)
	}
	if got, err := cl.Live(ctx); err != nil || got != 2 {
		t.Errorf("Live = %d, %v", got, err)
	}
	if err := a.Drop(ctx); err != nil {
		t.Fatal(err)
	}
	if got, err := cl.Live(ctx); err != nil || got != 1 {
		t.Errorf("Live after Drop = %d, %v", got, err)
	}
	// A dropped handle is gone: its methods, a second Drop and passing it
	// are errors.
	var he *runtime.HandleError
	if _, err := a.Get(ctx); !errors.As(err, &he) {
		t.Errorf("Get on a dropped handle: err = %v, want a *runtime.HandleError", err)
	}
	if err := a.Drop(ctx); !errors.As(err, &he) {
		t.Errorf("second Drop: err = %v", err)
	}
	if _, err := cl.Total(ctx, z, a); !errors.As(err, &he) {
		t.Errorf("Total with a dropped handle: err = %v", err)
	}
	if got, err := z.Get(ctx); err != nil || got != 2 {
		t.Errorf("Get = %d, %v", got, err)
	}
	if err := z.Drop(ctx); err != nil {
		t.Fatal(err)
	}
	if got, err := cl.Live(ctx); err != nil || got != 0 {
		t.Errorf("Live after dropping both = %d, %v", got, err)
	}
}

// What the bindings do not take yet is refused with an error naming the
// item: handles inside records, and a host resource passed to a
// component's export by a client.
func TestResourceLimits(t *testing.T) {
	for _, c := range []struct{ wit, want string }{
		{`package a:b;
interface i {
  resource r;
  record holder { x: r }
  f: func(h: holder);
}
world w { export i; }`, "a:b/i: type holder: handles (to r) inside records and variants are not supported yet"},
		{`package a:b;
interface host { resource r { constructor(); } }
interface api { use host.{r}; f: func(x: borrow<r>); }
world w { import host; export api; }`, "a:b/api: function f: borrow<r> handles of a resource the host implements, in a client of the component's exports are not supported yet"},
	} {
		dir := t.TempDir()
		if err := os.WriteFile(filepath.Join(dir, "w.wit"), []byte(c.wit), 0o644); err != nil {
			t.Fatal(err)
		}
		r, pkg, err := witparse.Load(dir, witparse.Options{})
		if err != nil {
			t.Fatal(err)
		}
		_, err = golang.GenerateHost(r, r.Packages[pkg].Worlds[0].ID, "")
		var ue *golang.UnsupportedError
		if !errors.As(err, &ue) || !strings.Contains(err.Error(), c.want) {
			t.Errorf("err = %v, want %q", err, c.want)
		}
	}
}
