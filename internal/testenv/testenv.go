// Package testenv finds the outside test data that CI provides.
package testenv

import (
	"os"
	"path/filepath"
	"testing"

	"github.com/wasifill/wasifill/internal/component"
	"github.com/wasifill/wasifill/internal/wasmbin"
	"github.com/wasifill/wasifill/witparse"
)

// WITCorpus returns $WASIFILL_WIT_CORPUS, the wasm-tools WIT UI corpus. In
// CI (CI set) a missing corpus fails the test; elsewhere the test is
// skipped, saying why.
func WITCorpus(t testing.TB) string {
	t.Helper()
	dir := os.Getenv("WASIFILL_WIT_CORPUS")
	if dir == "" {
		if os.Getenv("CI") != "" {
			t.Fatal("WASIFILL_WIT_CORPUS is not set in CI; it must point at shared/conformance/wit")
		}
		t.Skip("SKIPPING: WASIFILL_WIT_CORPUS is not set (point it at ../shared/conformance/wit)")
	}
	return dir
}

// Adapter returns jco's preview1 adapter of the given kind ("command" or
// "reactor") from .tools/node_modules (scripts/install-tools.sh puts it
// there; `make test` runs that first). In CI a missing adapter fails the
// test; elsewhere the test is skipped, saying why.
func Adapter(t testing.TB, kind string) []byte {
	t.Helper()
	name := "wasi_snapshot_preview1." + kind + ".wasm"
	if p := ToolsPath(filepath.Join("node_modules", "@bytecodealliance", "jco", "lib", name)); p != "" {
		b, err := os.ReadFile(p)
		if err != nil {
			t.Fatal(err)
		}
		return b
	}
	if os.Getenv("CI") != "" {
		t.Fatalf("jco's %s is not in .tools/node_modules; run scripts/install-tools.sh", name)
	}
	t.Skipf("SKIPPING: jco's %s is not installed (run scripts/install-tools.sh)", name)
	return nil
}

// ToolsPath returns the path of rel inside .tools/ (where
// scripts/install-tools.sh installs node packages) in the working
// directory or the nearest parent that has it, or "" when none has.
func ToolsPath(rel string) string {
	dir, err := os.Getwd()
	if err != nil {
		return ""
	}
	for {
		p := filepath.Join(dir, ".tools", rel)
		if _, err := os.Stat(p); err == nil {
			return p
		}
		parent := filepath.Dir(dir)
		if parent == dir {
			return ""
		}
		dir = parent
	}
}

// ComponentType decodes the component b and resolves its type.
func ComponentType(t testing.TB, b []byte) *component.Type {
	t.Helper()
	c, err := wasmbin.DecodeComponent(b)
	if err != nil {
		t.Fatal(err)
	}
	ct, err := component.Resolve(c)
	if err != nil {
		t.Fatal(err)
	}
	return ct
}

// World loads the WIT package in witDir and returns world name as a
// component type.
func World(t testing.TB, witDir, name string) *component.Type {
	t.Helper()
	r, id := WIT(t, witDir, name)
	ct, err := component.FromWorld(r, id)
	if err != nil {
		t.Fatal(err)
	}
	return ct
}

// WIT loads the WIT package in witDir and finds its world name.
func WIT(t testing.TB, witDir, name string) (*witparse.Resolve, witparse.WorldID) {
	t.Helper()
	r, pkg, err := witparse.Load(witDir, witparse.Options{})
	if err != nil {
		t.Fatal(err)
	}
	for _, w := range r.Packages[pkg].Worlds {
		if w.Name == name {
			return r, w.ID
		}
	}
	t.Fatalf("%s has no world %s", witDir, name)
	return nil, 0
}
