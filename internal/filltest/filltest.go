// Package filltest holds what the fill generators' tests share: building
// fills for wasifill:guests/types with the Go and Rust toolchains,
// componentizing them, and the checks every import and export fill must
// pass on the runtime behind the rpc host, whatever language it is in;
// and the helpers the runtime's tests share (a runtime closed when the
// test ends, compile and instantiate, rpc errors, remaining time).
package filltest

import (
	"os"
	"os/exec"
	"path/filepath"
	"sync"
	"testing"

	"github.com/wasifill/wasifill/internal/component"
	"github.com/wasifill/wasifill/internal/componentize"
	"github.com/wasifill/wasifill/internal/testenv"
	"github.com/wasifill/wasifill/runtime/rpc"
	"github.com/wasifill/wasifill/witparse"
)

var (
	cacheMu sync.Mutex
	cache   = map[string][]byte{}
)

// Cached returns what build made the first time this test binary asked for
// key: fills and guests that take seconds to build are built once. Builds
// run one at a time.
func Cached(key string, build func() []byte) []byte {
	cacheMu.Lock()
	defer cacheMu.Unlock()
	if b, ok := cache[key]; ok {
		return b
	}
	b := build()
	cache[key] = b
	return b
}

// Root returns the module's root directory.
func Root(t testing.TB) string {
	t.Helper()
	dir, err := os.Getwd()
	if err != nil {
		t.Fatal(err)
	}
	for {
		if _, err := os.Stat(filepath.Join(dir, "go.mod")); err == nil {
			return dir
		}
		parent := filepath.Dir(dir)
		if parent == dir {
			t.Fatal("no go.mod above the test's directory")
		}
		dir = parent
	}
}

// Guests returns testdata/guests/ (with the trailing slash).
func Guests(t testing.TB) string { return filepath.Join(Root(t), "testdata", "guests") + "/" }

// Tool returns the path of an executable (a path, or a name looked up in
// PATH). In CI (CI set) a missing tool fails the test; elsewhere the test
// is skipped, saying why and how to install it.
func Tool(t testing.TB, name, install string) string {
	t.Helper()
	p, err := exec.LookPath(name)
	if err == nil {
		return p
	}
	if os.Getenv("CI") != "" {
		t.Fatalf("%s is missing in CI: %s", name, install)
	}
	t.Skipf("SKIPPING: %s is missing (%s)", name, install)
	return ""
}

// World returns the resolve of testdata/guests/wit and world name's ID.
func World(t testing.TB, name string) (*witparse.Resolve, witparse.WorldID) {
	t.Helper()
	r, pkg, err := witparse.Load(Guests(t)+"wit", witparse.Options{})
	if err != nil {
		t.Fatal(err)
	}
	for _, w := range r.Packages[pkg].Worlds {
		if w.Name == name {
			return r, w.ID
		}
	}
	t.Fatalf("guests.wit has no world %s", name)
	return nil, 0
}

// WriteFiles writes generated files into a new temporary directory
// (testenv.WriteFiles).
func WriteFiles(t testing.TB, files map[string][]byte) string {
	t.Helper()
	return testenv.WriteFiles(t, files)
}

// BuildGo builds a generated Go fill (GOOS=wasip1, c-shared) and vets it;
// it returns the core module.
func BuildGo(t testing.TB, files map[string][]byte) []byte {
	t.Helper()
	files["go.mod"] = []byte("module fill\n\ngo 1.26\n")
	return testenv.BuildWasip1(t, files)
}

// BuildRust builds a generated Rust fill (lib.rs in files) with Debian's
// rustc for wasm32-unknown-unknown as a cdylib and returns the core
// module; a warning fails the test.
func BuildRust(t testing.TB, files map[string][]byte) []byte {
	t.Helper()
	rustc := Tool(t, "/usr/bin/rustc", "scripts/install-tools.sh installs Debian's rustc and libstd-rust-dev-wasm32")
	dir := WriteFiles(t, files)
	cmd := exec.Command(rustc, "--edition", "2021", "--crate-type", "cdylib", "--target", "wasm32-unknown-unknown",
		"-O", "-C", "panic=abort", "-C", "strip=debuginfo", "-o", "fill.wasm", "lib.rs")
	cmd.Dir = dir
	out, err := cmd.CombinedOutput()
	if err != nil {
		t.Fatalf("rustc (wasm32): %v\n%s", err, out)
	}
	if len(out) > 0 {
		t.Errorf("rustc (wasm32) warns:\n%s", out)
	}
	return testenv.ReadFile(t, filepath.Join(dir, "fill.wasm"))
}

// Componentize makes a component of a fill's core module for
// wasifill:guests/types: an import fill ("import") exports it and imports
// wasifill:rpc/transport; an export fill imports it and exports
// wasifill:rpc/handler. Go fills need the preview1 adapter (wasi).
func Componentize(t testing.TB, core []byte, kind string, wasi bool) []byte {
	t.Helper()
	guests := Guests(t)
	types := testenv.World(t, guests+"wit", "all-types").Exports[0]
	wdir := t.TempDir()
	os.MkdirAll(filepath.Join(wdir, "deps", "rpc"), 0o755)
	os.WriteFile(filepath.Join(wdir, "deps", "rpc", "rpc.wit"), []byte(rpc.WIT), 0o644)
	os.WriteFile(filepath.Join(wdir, "fill.wit"), []byte("package wasifill:fill;\nworld fill { import wasifill:rpc/transport@0.1.0; }\nworld handler { export wasifill:rpc/handler@0.1.0; }\n"), 0o644)
	world := &component.Type{Kind: component.KindComponent, Imports: testenv.World(t, wdir, "fill").Imports, Exports: []component.Extern{types}}
	if kind != "import" {
		h := testenv.World(t, wdir, "handler")
		world = &component.Type{Kind: component.KindComponent, Imports: append(h.Imports, types), Exports: h.Exports}
	}
	opts := componentize.Options{World: world}
	if wasi {
		opts.Adapters = map[string][]byte{"wasi_snapshot_preview1": testenv.Adapter(t, "reactor")}
	}
	comp, err := componentize.New(core, opts)
	if err != nil {
		t.Fatal(err)
	}
	return comp
}
