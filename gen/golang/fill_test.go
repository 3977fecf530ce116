package golang_test

import (
	"testing"

	"github.com/wasifill/wasifill/gen/golang"
	"github.com/wasifill/wasifill/internal/filltest"
)

// buildImportFill generates the import fill of the client world (it
// imports wasifill:guests/types) and builds it with the Go toolchain into
// a component exporting that interface and importing wasifill:rpc.
func buildImportFill(t *testing.T) []byte { return buildFill(t, "import") }

// buildFill builds the import fill of world client or the export fill of
// world all-types: both are about wasifill:guests/types.
func buildFill(t *testing.T, kind string) []byte {
	t.Helper()
	var files map[string][]byte
	var err error
	if kind == "import" {
		r, w := filltest.World(t, "client")
		files, err = golang.GenerateImportFill(r, w)
	} else {
		r, w := filltest.World(t, "all-types")
		files, err = golang.GenerateExportFill(r, w)
	}
	if err != nil {
		t.Fatal(err)
	}
	return filltest.Componentize(t, filltest.BuildGo(t, files), kind, true)
}

// The import fill turns typed calls into invocations whose params are the
// wire encoding of the arguments (checked with value/wire, the project's
// own codec); an echoing provider sends them back and every value
// arrives intact. Composed with the client, run(41) = 42 through it.
func TestImportFill(t *testing.T) { filltest.CheckImportFill(t, buildImportFill(t)) }

// An rpc-error reaches a function with an error channel as its own error
// (a string error: the message), and traps a function without one.
func TestImportFillErrors(t *testing.T) { filltest.CheckImportFillErrors(t, buildImportFill(t)) }

// The export fill, composed with all-types, serves wasifill:rpc/handler:
// params and results in the wire format (value/wire decodes what it
// answers), not-found for an unknown function, decode for bad params.
// With the import fill in front of it, the whole path client → import
// fill → rpc host → export fill → all-types gives back every value.
func TestExportFill(t *testing.T) {
	filltest.CheckExportFill(t, buildFill(t, "export"), buildImportFill(t))
}
