package runtime_test

import (
	"testing"

	"github.com/wasifill/wasifill/internal/filltest"
	"github.com/wasifill/wasifill/internal/testenv"
)

// A world-level export whose types come from a `use` in the world: the
// component imports the types-only interface instance and a type bound
// (eq) to its record, and the host defines neither. Wasmtime instantiates
// it (testdata/worlduse/README.md); so does wasifill, and the call gives
// back its argument. (An instance import with a function still needs the
// host: TestHostImplementsImport.)
func TestWorldUseTypesOnlyImports(t *testing.T) {
	filltest.CheckWorldUse(t, testenv.ReadFile(t, "testdata/worlduse/world-use.wasm"))
}
