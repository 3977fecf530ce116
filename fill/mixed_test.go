package fill_test

import (
	"os"
	"os/exec"
	"path/filepath"
	"sync"
	"testing"

	"github.com/wasifill/wasifill/gen/golang"
	"github.com/wasifill/wasifill/gen/rust"
	"github.com/wasifill/wasifill/internal/filltest"
)

var (
	generatedMu sync.Mutex
	generated   = map[string][]byte{}
)

// generatedFill builds the generated fill for wasifill:guests/types with
// its toolchain, once per test binary: lang "rust" or "go", kind "import"
// (of world client) or "export" (of world all-types).
func generatedFill(t testing.TB, lang, kind string) []byte {
	t.Helper()
	generatedMu.Lock()
	defer generatedMu.Unlock()
	if b, ok := generated[lang+kind]; ok {
		return b
	}
	world := "client"
	if kind == "export" {
		world = "all-types"
	}
	r, w := filltest.World(t, world)
	var files map[string][]byte
	var err error
	switch lang + kind {
	case "rustimport":
		files, err = rust.GenerateImportFill(r, w)
	case "rustexport":
		files, err = rust.GenerateExportFill(r, w)
	case "goimport":
		files, err = golang.GenerateImportFill(r, w)
	default:
		files, err = golang.GenerateExportFill(r, w)
	}
	if err != nil {
		t.Fatal(err)
	}
	var comp []byte
	if lang == "go" {
		comp = filltest.Componentize(t, filltest.BuildGo(t, files), kind, true)
	} else {
		core := rustcBuild(t, files)
		comp = filltest.Componentize(t, core, kind, false)
	}
	generated[lang+kind] = comp
	return comp
}

// Emitted fills talk to the generated Rust and Go fills in both
// directions: every value of the all-types checks makes the whole trip.
func TestMixedFills(t *testing.T) {
	for _, lang := range []string{"rust", "go"} {
		t.Run("emitted-import-"+lang+"-export", func(t *testing.T) {
			filltest.CheckExportFill(t, generatedFill(t, lang, "export"), emitted(t, "import"))
		})
		t.Run(lang+"-import-emitted-export", func(t *testing.T) {
			filltest.CheckExportFill(t, emitted(t, "export"), generatedFill(t, lang, "import"))
		})
	}
}

// rustcBuild compiles a generated Rust fill for wasm32-unknown-unknown as
// docs/gen-rust.md says and returns the core module.
func rustcBuild(t testing.TB, files map[string][]byte) []byte {
	t.Helper()
	rustc := filltest.Tool(t, "/usr/bin/rustc", "scripts/install-tools.sh installs Debian's rustc and libstd-rust-dev-wasm32")
	dir := filltest.WriteFiles(t, files)
	cmd := exec.Command(rustc, "--edition", "2021", "--crate-type", "cdylib", "--target", "wasm32-unknown-unknown",
		"-O", "-C", "panic=abort", "-C", "strip=debuginfo", "-o", "fill.wasm", "lib.rs")
	cmd.Dir = dir
	if out, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("rustc: %v\n%s", err, out)
	}
	core, err := os.ReadFile(filepath.Join(dir, "fill.wasm"))
	if err != nil {
		t.Fatal(err)
	}
	return core
}
