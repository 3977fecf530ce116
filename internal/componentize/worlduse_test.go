package componentize_test

import (
	"bytes"
	"context"
	"os"
	"strings"
	"testing"

	"github.com/wasifill/wasifill/internal/component"
	"github.com/wasifill/wasifill/internal/componentize"
	"github.com/wasifill/wasifill/internal/filltest"
	"github.com/wasifill/wasifill/internal/oracle"
	"github.com/wasifill/wasifill/internal/testenv"
)

// worldUseCore is testdata/worlduse/world-use.wat (the identity function
// f on i32) as wat2wasm writes it.
var worldUseCore = []byte{
	0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00, 0x01, 0x06, 0x01, 0x60,
	0x01, 0x7f, 0x01, 0x7f, 0x03, 0x02, 0x01, 0x00, 0x07, 0x05, 0x01, 0x01,
	0x66, 0x00, 0x00, 0x0a, 0x06, 0x01, 0x04, 0x00, 0x20, 0x00, 0x0b,
}

// A world-level export whose record comes from a `use` in the world: the
// component imports the interface that defines the record and the type
// itself, bound (eq) to the interface's export, as wit-component does, so
// the lifted function's type refers to an imported type. wasm-tools
// accepts it and gives back the world; wasifill runs it.
func TestComponentizeWorldUse(t *testing.T) {
	ctx := context.Background()
	out, err := componentize.New(worldUseCore, componentize.Options{World: testenv.World(t, "testdata/worlduse", "w")})
	if err != nil {
		t.Fatal(err)
	}
	wit := componentWIT(t, out)
	for _, want := range []string{"import a:b/types;", "use a:b/types.{r};", "export f: func(x: r) -> r;"} {
		if !strings.Contains(wit, want) {
			t.Errorf("WIT lacks %q:\n%s", want, wit)
		}
	}
	// The component type is that of wit-component's component of the
	// same module and world (runtime/testdata/worlduse/README.md).
	ref, err := os.ReadFile("../../runtime/testdata/worlduse/world-use.wasm")
	if err != nil {
		t.Fatal(err)
	}
	if got, want := componentType(t, out), componentType(t, ref); got != want {
		t.Errorf("component type:\n%s\nwit-component's:\n%s", got, want)
	}
	// The world embedded by wasm-tools, read back from the module, gives
	// the same component.
	embedded, err := oracle.Embed(ctx, worldUseCore, "testdata/worlduse", "w")
	if err != nil {
		t.Fatal(err)
	}
	fromEmbedded, err := componentize.New(embedded, componentize.Options{})
	if err != nil {
		t.Fatalf("embedded world: %v", err)
	}
	if !bytes.Equal(fromEmbedded, out) {
		t.Errorf("the embedded world gives another component:\n%s", componentType(t, fromEmbedded))
	}
	filltest.CheckWorldUse(t, out)
}

// componentType is a component's type as WIT, with the import and export
// names in order.
func componentType(t *testing.T, b []byte) string {
	t.Helper()
	ct := testenv.ComponentType(t, b)
	var names []string
	for _, e := range ct.Imports {
		names = append(names, "import "+e.Kind.String()+" "+e.Name)
	}
	for _, e := range ct.Exports {
		names = append(names, "export "+e.Kind.String()+" "+e.Name)
	}
	return component.FormatWorld("w", ct) + strings.Join(names, "\n")
}

// Worlds that rename a used type, use a record whose field is another
// record of the interface, define types of their own, pass a used type to
// an imported function, or use a resource (as own, borrow and inside a
// record): our component has the WIT and the component type of
// wasm-tools', from the world as WIT or as embedded by wasm-tools.
func TestComponentizeWorldUseMatchesWasmTools(t *testing.T) {
	for _, c := range []struct{ dir, world, core string }{
		{"testdata/worlduse-more", "more", "more.core.wasm"},
		{"testdata/worlduse-res", "res", "res.core.wasm"},
	} {
		t.Run(c.world, func(t *testing.T) { worldUseMatchesWasmTools(t, c.dir, c.world, c.core) })
	}
}

func worldUseMatchesWasmTools(t *testing.T, dir, world, coreFile string) {
	core, err := os.ReadFile(dir + "/" + coreFile)
	if err != nil {
		t.Fatal(err)
	}
	ours, err := componentize.New(core, componentize.Options{World: testenv.World(t, dir, world)})
	if err != nil {
		t.Fatal(err)
	}
	ref, err := oracle.ComponentNew(context.Background(), core, dir, world)
	if err != nil {
		t.Fatal(err)
	}
	if got, want := componentWIT(t, ours), componentWIT(t, ref); got != want {
		t.Errorf("WIT of our component:\n%s\nwasm-tools' component:\n%s", got, want)
	}
	if got, want := componentType(t, ours), componentType(t, ref); got != want {
		t.Errorf("component type:\n%s\nwasm-tools':\n%s", got, want)
	}
	embedded, err := oracle.Embed(context.Background(), core, dir, world)
	if err != nil {
		t.Fatal(err)
	}
	fromEmbedded, err := componentize.New(embedded, componentize.Options{})
	if err != nil {
		t.Fatalf("embedded world: %v", err)
	}
	if !bytes.Equal(fromEmbedded, ours) {
		t.Errorf("the embedded world gives another component:\n%s", componentType(t, fromEmbedded))
	}
}
