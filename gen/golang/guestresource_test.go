package golang_test

import (
	"bytes"
	"context"
	"errors"
	"os"
	"path/filepath"
	"reflect"
	"testing"

	"github.com/wasifill/wasifill/gen/golang"
	"github.com/wasifill/wasifill/gen/golang/internal/golden/goresources"
	"github.com/wasifill/wasifill/internal/component"
	"github.com/wasifill/wasifill/internal/componentize"
	"github.com/wasifill/wasifill/internal/filltest"
	"github.com/wasifill/wasifill/internal/testenv"
	"github.com/wasifill/wasifill/runtime"
	"github.com/wasifill/wasifill/witparse"
)

// The guest bindings of the resource worlds and of the wasi:http proxy
// world are what the generator writes now (UPDATE=1 rewrites them), twice
// the same; the runtimes they come with are the embedded files, checked
// elsewhere.
func TestGuestGolden(t *testing.T) {
	for _, g := range []struct{ wit, world, dir string }{
		{guests + "wit", "resources", "resources-guest"},
		{guests + "wit", "go-resources", "goresources-guest"},
		{wasiHTTP, "http-guest", "httpguest-guest"},
	} {
		r, pkg, err := witparse.Load(g.wit, witparse.Options{})
		if err != nil {
			t.Fatal(err)
		}
		var world witparse.WorldID = -1
		for _, w := range r.Packages[pkg].Worlds {
			if w.Name == g.world {
				world = w.ID
			}
		}
		if world < 0 {
			t.Fatalf("%s has no world %s", g.wit, g.world)
		}
		files, err := golang.GenerateGuest(r, world, "bindings")
		if err != nil {
			t.Fatalf("%s: %v", g.world, err)
		}
		again, _ := golang.GenerateGuest(r, world, "bindings")
		if !bytes.Equal(files["bindings.go"], again["bindings.go"]) {
			t.Errorf("%s: output is not deterministic", g.world)
		}
		path := filepath.Join("testdata/golden", g.dir, "bindings.go")
		if os.Getenv("UPDATE") == "1" {
			os.MkdirAll(filepath.Dir(path), 0o755)
			if err := os.WriteFile(path, files["bindings.go"], 0o644); err != nil {
				t.Fatal(err)
			}
			continue
		}
		want, err := os.ReadFile(path)
		if err != nil || !bytes.Equal(files["bindings.go"], want) {
			t.Errorf("%s: generated code differs from %s (UPDATE=1 to accept): %v", g.world, path, err)
		}
	}
}

// talliesSource is a Go component on the generated guest bindings of world
// go-resources: it exports tallies, each keeping its sum in a counter it
// imports (constructor, static, methods, a freestanding function with
// borrows, Drop).
const talliesSource = `package main

import "user/bindings"

type tally struct {
	name string
	c    bindings.Counter
}

func (t *tally) Add(n uint64) uint64 { return t.c.Add(n) }
func (t *tally) Name() string        { return t.name }
func (t *tally) Drop()               { t.c.Drop(); live-- }

var live uint32

type tallies struct{}

func (tallies) NewTally(name string) bindings.Tally {
	if name == "use-after-drop" { // a guest breaking the handle rules
		c := bindings.NewCounter(0)
		c.Drop()
		c.Get()
	}
	live++
	return &tally{name: name, c: bindings.NewCounter(0)}
}

// TallyJoin owns a and b: it drops them itself.
func (tallies) TallyJoin(a, b bindings.Tally) bindings.Tally {
	x, y := a.(*tally), b.(*tally)
	c := bindings.CounterZero()
	c.Add(bindings.CountersTotal(x.c, y.c))
	x.Drop()
	y.Drop()
	live++
	return &tally{name: x.name + "+" + y.name, c: c}
}

func (tallies) Sums(ts []bindings.Tally) []uint64 {
	var out []uint64
	for _, t := range ts {
		out = append(out, t.(*tally).c.Get())
	}
	return out
}

func (tallies) LiveTallies() uint32 { return live }

func init() { bindings.RegisterTallies(tallies{}) }

func main() {}
`

// buildGoGuest builds source on the guest bindings of world of
// guests.wit (goGuest).
func buildGoGuest(t *testing.T, world, source string) []byte {
	t.Helper()
	r, id := filltest.World(t, world)
	return goGuest(t, r, id, "user", source)
}

// goGuest generates the guest bindings of world into package bindings of
// module, builds source (its main package) on them for wasip1 (vetted)
// and componentizes the module with the preview1 reactor adapter.
func goGuest(t *testing.T, r *witparse.Resolve, world witparse.WorldID, module, source string) []byte {
	t.Helper()
	files, err := golang.GenerateGuest(r, world, "bindings")
	if err != nil {
		t.Fatal(err)
	}
	tree := map[string][]byte{"go.mod": []byte("module " + module + "\n\ngo 1.26\n"), "main.go": []byte(source)}
	for name, b := range files {
		tree["bindings/"+name] = b
	}
	ct, err := component.FromWorld(r, world)
	if err != nil {
		t.Fatal(err)
	}
	c, err := componentize.New(testenv.BuildWasip1(t, tree), componentize.Options{World: ct,
		Adapters: map[string][]byte{"wasi_snapshot_preview1": testenv.Adapter(t, "reactor")}})
	if err != nil {
		t.Fatal(err)
	}
	return c
}

// counterProvider implements the counters a guest imports, in Go.
type counterProvider struct {
	live, drops int
}

type goCounter struct {
	p *counterProvider
	v uint64
}

func (c *goCounter) Add(_ context.Context, n uint64) (uint64, error) { c.v += n; return c.v, nil }
func (c *goCounter) Get(context.Context) (uint64, error)             { return c.v, nil }
func (c *goCounter) Drop(context.Context) error {
	c.p.live--
	c.p.drops++
	return nil
}

func (p *counterProvider) NewCounter(_ context.Context, start uint64) (goresources.Counter, error) {
	p.live++
	return &goCounter{p: p, v: start}, nil
}

func (p *counterProvider) CounterZero(ctx context.Context) (goresources.Counter, error) {
	return p.NewCounter(ctx, 0)
}

func (p *counterProvider) Total(ctx context.Context, a, b goresources.Counter) (uint64, error) {
	x, _ := a.Get(ctx)
	y, _ := b.Get(ctx)
	return x + y, nil
}

func (p *counterProvider) Live(context.Context) (uint32, error) { return uint32(p.live), nil }

// A Go component on the generated guest bindings exports a resource
// (tallies) built on a resource it imports (counters), which a Go
// provider on the generated host bindings implements; a typed client
// drives the tallies. Handles that were moved or dropped are errors.
func TestGuestResources(t *testing.T) {
	wasm := buildGoGuest(t, "go-resources", talliesSource)
	ctx := context.Background()
	rt := filltest.WASIRuntime(t)
	p := &counterProvider{}
	goresources.RegisterCounters(rt, p)
	c, err := rt.Compile(ctx, wasm)
	cl := goresources.NewTalliesClient(instantiate(t, rt, c, err))

	a, err := cl.NewTally(ctx, "a")
	if err != nil {
		t.Fatal(err)
	}
	b, err := cl.NewTally(ctx, "b")
	if err != nil {
		t.Fatal(err)
	}
	if got, err := a.Add(ctx, 5); err != nil || got != 5 {
		t.Errorf("a.Add(5) = %d, %v", got, err)
	}
	if got, err := a.Add(ctx, 2); err != nil || got != 7 {
		t.Errorf("a.Add(2) = %d, %v", got, err)
	}
	if got, err := b.Add(ctx, 10); err != nil || got != 10 {
		t.Errorf("b.Add(10) = %d, %v", got, err)
	}
	if got, err := a.Name(ctx); err != nil || got != "a" {
		t.Errorf("a.Name = %q, %v", got, err)
	}
	if got, err := cl.Sums(ctx, []goresources.Tally{a, b, a}); err != nil || !reflect.DeepEqual(got, []uint64{7, 10, 7}) {
		t.Errorf("Sums = %v, %v", got, err)
	}
	if got, err := cl.LiveTallies(ctx); err != nil || got != 2 || p.live != 2 {
		t.Errorf("LiveTallies = %d, %v; provider's live counters %d", got, err, p.live)
	}
	j, err := cl.TallyJoin(ctx, a, b)
	if err != nil {
		t.Fatal(err)
	}
	if got, err := j.Name(ctx); err != nil || got != "a+b" {
		t.Errorf("joined Name = %q, %v", got, err)
	}
	if got, err := j.Add(ctx, 1); err != nil || got != 18 {
		t.Errorf("joined Add(1) = %d, %v", got, err)
	}
	if got, err := cl.LiveTallies(ctx); err != nil || got != 1 || p.live != 1 || p.drops != 2 {
		t.Errorf("after join: LiveTallies = %d, %v; provider: %d live, %d dropped", got, err, p.live, p.drops)
	}
	// a and b moved into the component: the client's handles are gone.
	var he *runtime.HandleError
	if _, err := a.Name(ctx); !errors.As(err, &he) {
		t.Errorf("a moved handle's method: err = %v, want a *runtime.HandleError", err)
	}
	if err := b.Drop(ctx); !errors.As(err, &he) {
		t.Errorf("dropping a moved handle: err = %v", err)
	}
	if _, err := cl.Sums(ctx, []goresources.Tally{j, a}); !errors.As(err, &he) {
		t.Errorf("borrowing a moved handle: err = %v", err)
	}
	if err := j.Drop(ctx); err != nil {
		t.Fatal(err)
	}
	if got, err := cl.LiveTallies(ctx); err != nil || got != 0 || p.live != 0 || p.drops != 3 {
		t.Errorf("after Drop: LiveTallies = %d, %v; provider: %d live, %d dropped", got, err, p.live, p.drops)
	}
	if err := j.Drop(ctx); !errors.As(err, &he) {
		t.Errorf("second Drop: err = %v", err)
	}
	// A guest using a handle it dropped traps; the caller gets the error.
	var trap *runtime.TrapError
	if _, err := cl.NewTally(ctx, "use-after-drop"); !errors.As(err, &trap) || !errors.As(err, &he) {
		t.Errorf("guest using a dropped handle: err = %v, want a trap with a *runtime.HandleError", err)
	}
}
