package fill_test

import (
	"bytes"
	"os"
	"os/exec"
	"path/filepath"
	"testing"

	"github.com/wasifill/wasifill/internal/filltest"
)

// The committed runtimes are what rt/build.sh makes of rt/fillrt.c.
func TestRuntimeFresh(t *testing.T) {
	filltest.Tool(t, "/usr/lib/llvm-14/bin/clang", "scripts/install-tools.sh installs clang-14 and lld-14")
	filltest.Tool(t, "/usr/lib/llvm-14/bin/wasm-ld", "scripts/install-tools.sh installs clang-14 and lld-14")
	dir := t.TempDir()
	cmd := exec.Command("bash", filepath.Join("rt", "build.sh"), dir)
	if out, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("rt/build.sh: %v\n%s", err, out)
	}
	for _, name := range []string{"import.wasm", "export.wasm"} {
		built, err := os.ReadFile(filepath.Join(dir, name))
		if err != nil {
			t.Fatal(err)
		}
		committed, err := os.ReadFile(filepath.Join("rt", name))
		if err != nil {
			t.Fatal(err)
		}
		if !bytes.Equal(built, committed) {
			t.Errorf("rt/%s is stale: run make fixtures (fill/rt/build.sh) and commit it", name)
		}
	}
}
