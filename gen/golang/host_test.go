package golang_test

import (
	"bytes"
	"context"
	"errors"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/wasifill/wasifill/gen/golang"
	"github.com/wasifill/wasifill/gen/golang/internal/golden/alltypes"
	"github.com/wasifill/wasifill/gen/golang/internal/golden/goreactor"
	"github.com/wasifill/wasifill/internal/filltest"
	"github.com/wasifill/wasifill/internal/testenv"
	"github.com/wasifill/wasifill/runtime"
	"github.com/wasifill/wasifill/witparse"
)

const guests = "../../testdata/guests/"

// The committed golden packages are what the generator writes now
// (UPDATE=1 rewrites them); they compile and vet as part of the module.
func TestGolden(t *testing.T) {
	r, pkg, err := witparse.Load(guests+"wit", witparse.Options{})
	if err != nil {
		t.Fatal(err)
	}
	for _, w := range r.Packages[pkg].Worlds {
		dir := map[string]string{"all-types": "alltypes", "go-reactor": "goreactor", "go-user": "gouser",
			"resources": "resources", "go-resources": "goresources"}[w.Name]
		if dir == "" {
			continue
		}
		files, err := golang.GenerateHost(r, w.ID, "")
		if err != nil {
			t.Fatalf("%s: %v", w.Name, err)
		}
		again, _ := golang.GenerateHost(r, w.ID, "")
		path := filepath.Join("internal/golden", dir, "host.go")
		if !bytes.Equal(files["host.go"], again["host.go"]) {
			t.Errorf("%s: output is not deterministic", w.Name)
		}
		if os.Getenv("UPDATE") == "1" {
			if err := os.WriteFile(path, files["host.go"], 0o644); err != nil {
				t.Fatal(err)
			}
			continue
		}
		want, err := os.ReadFile(path)
		if err != nil {
			t.Fatal(err)
		}
		if !bytes.Equal(files["host.go"], want) {
			t.Errorf("%s: generated code differs from %s (UPDATE=1 to accept)", w.Name, path)
		}
	}
}

func instantiate(t *testing.T, rt *runtime.Runtime, c *runtime.Compiled, err error) *runtime.Instance {
	t.Helper()
	if err != nil {
		t.Fatal(err)
	}
	inst, err := rt.Instantiate(context.Background(), c)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { inst.Close(context.Background()) })
	return inst
}

// A typed client calls the all-types component: every value comes back
// as the Go value it went in as.
func TestClientAllTypes(t *testing.T) {
	ctx := context.Background()
	rt, err := runtime.New(ctx)
	if err != nil {
		t.Fatal(err)
	}
	defer rt.Close(ctx)
	b, err := os.ReadFile(guests + "out/all-types.wasm")
	if err != nil {
		t.Fatal(err)
	}
	c, err := rt.Compile(ctx, b)
	cl := alltypes.NewTypesClient(instantiate(t, rt, c, err))

	person := alltypes.Person{Name: "zoë", Age: 30, Tags: []string{"a", "b"},
		Home: alltypes.Option[alltypes.Point]{Some: true, Value: alltypes.Point{X: -1, Y: 2}}}
	if got, err := cl.EchoPerson(ctx, person); err != nil || !reflect.DeepEqual(got, person) {
		t.Errorf("EchoPerson = %+v, %v", got, err)
	}
	for _, s := range []alltypes.Shape{
		{Case: alltypes.ShapeCaseCircle, Circle: 1.5},
		{Case: alltypes.ShapeCaseRect, Rect: alltypes.Point{X: 3, Y: 4}},
		{Case: alltypes.ShapeCaseDot},
		{Case: alltypes.ShapeCaseLabel, Label: "hi"},
	} {
		if got, err := cl.EchoShape(ctx, s); err != nil || got != s {
			t.Errorf("EchoShape(%+v) = %+v, %v", s, got, err)
		}
	}
	if got, err := cl.EchoColor(ctx, alltypes.ColorBlue); err != nil || got != alltypes.ColorBlue || got.String() != "blue" {
		t.Errorf("EchoColor = %v, %v", got, err)
	}
	perms := alltypes.PermsRead | alltypes.PermsExec
	if got, err := cl.EchoPerms(ctx, perms); err != nil || got != perms {
		t.Errorf("EchoPerms = %v, %v", got, err)
	}
	res := alltypes.Result[uint32, string]{IsErr: true, Err: "nope"}
	if got, err := cl.EchoResult(ctx, res); err != nil || got != res {
		t.Errorf("EchoResult = %+v, %v", got, err)
	}
	tup := alltypes.Tuple3[uint8, string, float64]{F0: 7, F1: "x", F2: -0.5}
	if got, err := cl.EchoTuple(ctx, tup); err != nil || got != tup {
		t.Errorf("EchoTuple = %+v, %v", got, err)
	}
	if got, err := cl.EchoBytes(ctx, []byte{1, 2, 3}); err != nil || !bytes.Equal(got, []byte{1, 2, 3}) {
		t.Errorf("EchoBytes = %v, %v", got, err)
	}
	if got, err := cl.Describe(ctx, person); err != nil || got != "zoë (30) [a, b] at (-1, 2)" {
		t.Errorf("Describe = %q, %v", got, err)
	}
	if got, err := cl.SumMany(ctx, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16, 17, 18, 19, 20); err != nil || got != 210 {
		t.Errorf("SumMany = %d, %v", got, err)
	}
	if err := cl.NoResult(ctx, 1); err != nil {
		t.Errorf("NoResult: %v", err)
	}
}

type hostProvider struct {
	logged      []string
	ids         uint64
	sawDeadline bool
}

func (h *hostProvider) Log(ctx context.Context, msg string) error {
	_, h.sawDeadline = ctx.Deadline()
	h.logged = append(h.logged, msg)
	return nil
}

func (h *hostProvider) NextID(context.Context) (uint64, error) {
	h.ids++
	return h.ids, nil
}

// A Go provider serves the host interface to the Go reactor (run as a
// core module) and a typed client calls its greeter; the provider sees
// the caller's deadline on its context.
func TestProviderAndClient(t *testing.T) {
	ctx := context.Background()
	rt := filltest.WASIRuntime(t)
	p := &hostProvider{}
	goreactor.RegisterHost(rt, p)
	core, err := os.ReadFile(guests + "out/go-reactor.core.wasm")
	if err != nil {
		t.Fatal(err)
	}
	wit, world := testenv.WIT(t, guests+"wit", "go-reactor")
	c, err := rt.CompileCore(ctx, core, wit, world)
	greeter := goreactor.NewGreeterClient(instantiate(t, rt, c, err))
	callCtx, cancel := context.WithTimeout(ctx, 5*time.Second)
	defer cancel()
	got, err := greeter.Greet(callCtx, "typed")
	if err != nil || got != "hello, typed" {
		t.Fatalf("Greet = %q, %v", got, err)
	}
	if len(p.logged) != 1 || p.logged[0] != "hello, typed" || !p.sawDeadline {
		t.Errorf("provider saw %q (deadline %v)", p.logged, p.sawDeadline)
	}
	n, err := greeter.Churn(ctx, 10, 100)
	if err != nil || n != 1000 || p.ids != 10 {
		t.Errorf("Churn = %d, %v (ids %d)", n, err, p.ids)
	}
}

// Fills refuse resources, naming the function and saying why; the host
// and guest bindings take them.
func TestUnsupported(t *testing.T) {
	r, pkg, err := witparse.Load(guests+"wit", witparse.Options{})
	if err != nil {
		t.Fatal(err)
	}
	for _, w := range r.Packages[pkg].Worlds {
		if w.Name != "resources" && w.Name != "go-resources" {
			continue
		}
		fills := map[string]func(*witparse.Resolve, witparse.WorldID) (map[string][]byte, error){"export": golang.GenerateExportFill}
		if w.Name == "go-resources" { // the resources world imports nothing
			fills["import"] = golang.GenerateImportFill
		}
		for kind, generate := range fills {
			_, err := generate(r, w.ID)
			var ue *golang.UnsupportedError
			if !errors.As(err, &ue) || ue.What != "resources" || !strings.Contains(err.Error(), "do not cross wasifill:rpc yet") ||
				!strings.Contains(ue.Item, "wasifill:guests/") || !strings.Contains(ue.Item, "function ") {
				t.Errorf("%s fill of %s: err = %v, want an UnsupportedError about resources naming the function", kind, w.Name, err)
			}
		}
		if _, err := golang.GenerateHost(r, w.ID, ""); err != nil {
			t.Errorf("host bindings of %s: %v", w.Name, err)
		}
	}
}

// The kv example's import fill is what the generator writes now (UPDATE=1
// rewrites it), twice the same.
func TestFillGolden(t *testing.T) {
	r, pkg, err := witparse.Load("../../docs/examples/kv/wit", witparse.Options{})
	if err != nil {
		t.Fatal(err)
	}
	w := r.Packages[pkg].Worlds[0].ID
	files, err := golang.GenerateImportFill(r, w)
	if err != nil {
		t.Fatal(err)
	}
	again, _ := golang.GenerateImportFill(r, w)
	for name, b := range files {
		if !bytes.Equal(b, again[name]) {
			t.Errorf("%s is not deterministic", name)
		}
		if name != "fill.go" {
			continue // the fixed runtime (fillrt.go), written as it is
		}
		path := filepath.Join("testdata/golden/kvfill", name)
		if os.Getenv("UPDATE") == "1" {
			os.WriteFile(path, b, 0o644)
			continue
		}
		want, err := os.ReadFile(path)
		if err != nil || !bytes.Equal(b, want) {
			t.Errorf("%s differs from %s (UPDATE=1 to accept): %v", name, path, err)
		}
	}
}
