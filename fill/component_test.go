package fill_test

import (
	"context"
	"os"
	"slices"
	"testing"

	"github.com/wasifill/wasifill/compose"
	"github.com/wasifill/wasifill/fill"
	"github.com/wasifill/wasifill/internal/filltest"
)

// forComponent returns the fill ForComponent derives from a component's
// own type, checking that it serves wasifill:guests/types.
func forComponent(t *testing.T, comp []byte, export bool) []byte {
	t.Helper()
	f, served, err := fill.ForComponent(comp, export)
	if err != nil {
		t.Fatal(err)
	}
	if !slices.Equal(served, []string{filltest.Types}) {
		t.Errorf("the fill serves %v, want [%s]", served, filltest.Types)
	}
	return f
}

func guest(t testing.TB, name string) []byte {
	t.Helper()
	b, err := os.ReadFile(filltest.Guests(t) + "out/" + name + ".wasm")
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// Fills derived from components' own types pass the same checks as fills
// from WIT: the export fill of all-types' exports, and the import fill of
// what an export fill imports (all of wasifill:guests/types).
func TestForComponent(t *testing.T) {
	exp := forComponent(t, guest(t, "all-types"), true)
	imp := forComponent(t, exp, false)
	filltest.CheckImportFill(t, imp)
	filltest.CheckImportFillErrors(t, imp)
	filltest.CheckExportFill(t, exp, imp)
}

// The client's own import fill covers just what it imports; composed with
// it the client reaches the provider.
func TestForComponentClient(t *testing.T) {
	client := guest(t, "client")
	imp := forComponent(t, client, false)
	app, err := compose.Plug(compose.Part{Name: "client.wasm", Bytes: client}, []compose.Part{{Name: "fill.wasm", Bytes: imp}})
	if err != nil {
		t.Fatal(err)
	}
	ctx := context.Background()
	rt, h := filltest.Runtime(t)
	h.AddProvider("types", func(_ context.Context, _, fn string, params []byte) ([]byte, error) {
		return params, nil
	}, 0)
	h.Link("", filltest.Types, "types", 0)
	inst := filltest.Instantiate(ctx, t, rt, app.Bytes)
	if out, err := inst.Call(ctx, "run", uint32(41)); err != nil || out[0] != uint32(42) {
		t.Errorf("run(41) = %v, %v", out, err)
	}
}
