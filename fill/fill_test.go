package fill_test

import (
	"testing"

	"github.com/wasifill/wasifill/fill"
	"github.com/wasifill/wasifill/internal/filltest"
)

// emitted returns the emitted fill for wasifill:guests/types: the import
// fill of world client or the export fill of world all-types.
func emitted(t testing.TB, kind string) []byte {
	t.Helper()
	var b []byte
	var err error
	if kind == "import" {
		r, w := filltest.World(t, "client")
		b, err = fill.Import(r, w)
	} else {
		r, w := filltest.World(t, "all-types")
		b, err = fill.Export(r, w)
	}
	if err != nil {
		t.Fatal(err)
	}
	return b
}

func TestImportFill(t *testing.T) {
	f := emitted(t, "import")
	filltest.CheckImportFill(t, f)
	filltest.CheckImportFillErrors(t, f)
}

func TestExportFill(t *testing.T) {
	filltest.CheckExportFill(t, emitted(t, "export"), emitted(t, "import"))
}
