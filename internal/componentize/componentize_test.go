package componentize_test

import (
	"bytes"
	"context"
	"errors"
	"os"
	"strings"
	"testing"

	"github.com/wasifill/wasifill/compose"
	"github.com/wasifill/wasifill/internal/component"
	"github.com/wasifill/wasifill/internal/componentize"
	"github.com/wasifill/wasifill/internal/oracle"
	"github.com/wasifill/wasifill/internal/testenv"
)

const guests = "../../testdata/guests/"

func world(t testing.TB, name string) *component.Type {
	return testenv.World(t, guests+"wit", name)
}

func readGuest(t testing.TB, name string) []byte {
	t.Helper()
	return testenv.ReadFile(t, guests+"out/"+name)
}

// componentWIT is the WIT wasm-tools extracts from a component; getting it
// at all means wasm-tools validated the component.
func componentWIT(t *testing.T, b []byte) string {
	t.Helper()
	wit, err := oracle.WIT(context.Background(), b)
	if err != nil {
		t.Fatalf("wasm-tools rejects the component: %v", err)
	}
	return wit
}

// The WIT of our component equals the WIT of wasm-tools' component new
// (both import only the functions the module uses). The world is given as
// WIT (the public path), and as a component type it gives the same bytes.
func TestComponentizeMatchesWasmTools(t *testing.T) {
	for _, name := range []string{"all-types", "resources", "faulty", "host-impl", "client"} {
		wit, id := testenv.WIT(t, guests+"wit", name)
		out, err := componentize.New(readGuest(t, name+".core.wasm"), componentize.Options{WIT: wit, WorldID: id})
		if err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		fromType, err := componentize.New(readGuest(t, name+".core.wasm"), componentize.Options{World: world(t, name)})
		if err != nil || !bytes.Equal(fromType, out) {
			t.Errorf("%s: the world as a component type gives other bytes (err %v)", name, err)
		}
		if got, want := componentWIT(t, out), string(readGuest(t, name+".wit.expected")); got != want {
			t.Errorf("%s: WIT of our component:\n%s\nwasm-tools' component:\n%s", name, got, want)
		}
	}
}

// A world embedded by `wasm-tools component embed` is read from the
// component-type section, which does not reach the output.
func TestComponentizeEmbeddedWorld(t *testing.T) {
	embedded, err := oracle.Embed(context.Background(), readGuest(t, "all-types.core.wasm"), guests+"wit", "all-types")
	if err != nil {
		t.Fatal(err)
	}
	out, err := componentize.New(embedded, componentize.Options{})
	if err != nil {
		t.Fatal(err)
	}
	if got, want := componentWIT(t, out), string(readGuest(t, "all-types.wit.expected")); got != want {
		t.Errorf("WIT:\n%s\nwant:\n%s", got, want)
	}
	r, err := compose.Inspect(out)
	if err != nil {
		t.Fatal(err)
	}
	for _, c := range r.Custom {
		if strings.HasPrefix(c, "component-type") {
			t.Errorf("the component still carries %s", c)
		}
	}
}

func TestComponentizeWithAdapter(t *testing.T) {
	command := testenv.Adapter(t, "command")
	// The same job as wasm-tools' hello.wasm (component new --adapt with
	// the same adapter): every interface it imports we import too. We
	// import more: wit-component garbage-collects the adapter down to what
	// the module calls, we keep it whole (docs/compose.md).
	hello, err := os.ReadFile("../wasmbin/testdata/hello.core.wasm")
	if err != nil {
		t.Fatal(err)
	}
	ref, err := os.ReadFile("../wasmbin/testdata/hello.wasm")
	if err != nil {
		t.Fatal(err)
	}
	ours, err := componentize.New(hello, componentize.Options{Adapters: map[string][]byte{"wasi_snapshot_preview1": command}})
	if err != nil {
		t.Fatal(err)
	}
	got, want := componentWIT(t, ours), componentWIT(t, ref)
	for _, line := range strings.Split(want, "\n") {
		if strings.HasPrefix(strings.TrimSpace(line), "import ") || strings.HasPrefix(strings.TrimSpace(line), "export ") {
			if !strings.Contains(got, line) {
				t.Errorf("hello: our component lacks %q of wasm-tools' WIT:\n%s", line, got)
			}
		}
	}
	for _, name := range []string{"c-command.core.wasm", "go-command.core.wasm"} {
		out, err := componentize.New(readGuest(t, name), componentize.Options{
			Adapters: map[string][]byte{"wasi_snapshot_preview1": command}})
		if err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		wit := componentWIT(t, out)
		if !strings.Contains(wit, "export wasi:cli/run@0.2.12;") || !strings.Contains(wit, "import wasi:cli/stdout@0.2.12;") {
			t.Errorf("%s: not a WASI command:\n%s", name, wit)
		}
	}
}

// A plain `go build -buildmode=c-shared` module: duplicate fd_write
// imports, WASI during _initialize, Go's own cabi_realloc unusable for
// the adapter. Composed with host-impl it imports only WASI.
func TestComponentizeGoReactor(t *testing.T) {
	out, err := componentize.New(readGuest(t, "go-reactor.core.wasm"), componentize.Options{
		World: world(t, "go-reactor"), Adapters: map[string][]byte{"wasi_snapshot_preview1": testenv.Adapter(t, "reactor")}})
	if err != nil {
		t.Fatal(err)
	}
	wit := componentWIT(t, out)
	for _, want := range []string{"import wasifill:guests/host@0.1.0;", "export wasifill:guests/greeter@0.1.0;", "churn: func(rounds: u32, size: u32) -> u64;"} {
		if !strings.Contains(wit, want) {
			t.Errorf("WIT lacks %q:\n%s", want, wit)
		}
	}
	app, err := compose.Plug(compose.Part{Name: "go-reactor.wasm", Bytes: out}, []compose.Part{{Name: "host-impl.wasm", Bytes: readGuest(t, "host-impl.wasm")}})
	if err != nil {
		t.Fatal(err)
	}
	if wit := componentWIT(t, app.Bytes); strings.Contains(wit, "wasifill:guests/host") {
		t.Errorf("composed app still imports host:\n%s", wit)
	}
}

func TestComponentizeErrors(t *testing.T) {
	var ce *componentize.Error
	cases := []struct {
		name string
		core []byte
		opts componentize.Options
		want string
	}{
		{"a component", readGuest(t, "all-types.wasm"), componentize.Options{}, "is a component already"},
		{"preview1 without adapter", readGuest(t, "c-command.core.wasm"), componentize.Options{}, "--adapt wasi_snapshot_preview1=ADAPTER.wasm"},
		{"world lacks the import", readGuest(t, "client.core.wasm"), componentize.Options{World: world(t, "all-types")}, "the world imports no interface wasifill:guests/types@0.1.0"},
		{"module lacks the export", readGuest(t, "faulty.core.wasm"), componentize.Options{World: world(t, "all-types")}, "exports no function \"wasifill:guests/types@0.1.0#echo-bool\""},
	}
	for _, c := range cases {
		_, err := componentize.New(c.core, c.opts)
		if !errors.As(err, &ce) || !strings.Contains(err.Error(), c.want) {
			t.Errorf("%s: err = %v, want a ComponentizeError containing %q", c.name, err, c.want)
		}
	}
	if _, err := componentize.New([]byte("\x00asm\x01\x00\x00\x00\x05\xff"), componentize.Options{}); err == nil {
		t.Error("truncated module accepted")
	}
}
