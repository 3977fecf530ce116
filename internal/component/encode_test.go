package component_test

import (
	"context"
	"strings"
	"testing"

	"github.com/wasifill/wasifill/internal/component"
	"github.com/wasifill/wasifill/internal/oracle"
	"github.com/wasifill/wasifill/internal/testenv"
	"github.com/wasifill/wasifill/internal/wasmbin"
)

// A component importing every interface of the wasi:http proxy world is
// valid to wasm-tools: wasi:http/types has a resource under three names
// (`fields`, and `headers` and `trailers` equal to it: its functions keep
// referring to `fields`) and a variant (`error-code`) declared before the
// records its cases carry (exported first, so the variant refers to their
// exported names); wasi:http/outgoing-handler uses that variant (equal to
// the types instance's export, not a copy naming records it does not
// export).
func TestEncodeImportsValidate(t *testing.T) {
	world := testenv.World(t, "../../testdata/guests/wasi-http", "http-guest")
	enc := component.NewEncoder()
	n := 0
	for _, x := range world.Imports {
		if _, err := enc.Import(x); err != nil {
			t.Fatalf("import %s: %v", x.Name, err)
		}
		n++
	}
	if n < 10 {
		t.Fatalf("only %d imports", n)
	}
	b := wasmbin.EncodeComponent(&wasmbin.Component{Defs: enc.Defs()})
	wit, err := oracle.WIT(context.Background(), b)
	if err != nil {
		t.Fatalf("wasm-tools refuses the imports: %v", err)
	}
	for _, want := range []string{"import wasi:http/types@0.2.12;", "type headers = fields;", "constructor();"} {
		if !strings.Contains(wit, want) {
			t.Errorf("wasm-tools reads no %q in:\n%s", want, wit)
		}
	}
}
