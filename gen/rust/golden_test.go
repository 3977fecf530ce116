package rust_test

import (
	"bytes"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"testing"

	"github.com/wasifill/wasifill/gen/rust"
	"github.com/wasifill/wasifill/internal/filltest"
	"github.com/wasifill/wasifill/witparse"
)

// golden is one generated tree kept in testdata/golden/<dir>.
type golden struct {
	dir, wit, world, kind string
}

var goldens = []golden{
	{"types-import", "testdata/guests/wit", "client", "import"},
	{"types-export", "testdata/guests/wit", "all-types", "export"},
	// The fills' own worlds, as gen wrote them beside the example's fills.
	{"kv-import", "docs/examples/kv/fills/import-rust/wit", "import-fill", "import"},
	{"kv-export", "docs/examples/kv/fills/export/wit", "export-fill", "export"},
	{"stress-import", "gen/rust/testdata/stress", "user", "import"},
	{"stress-export", "gen/rust/testdata/stress", "user", "export"},
}

// load loads the golden's world.
func (g golden) load(t testing.TB) (*witparse.Resolve, witparse.WorldID) {
	t.Helper()
	r, pkg, err := witparse.Load(filepath.Join(filltest.Root(t), g.wit), witparse.Options{})
	if err != nil {
		t.Fatal(err)
	}
	for _, w := range r.Packages[pkg].Worlds {
		if w.Name == g.world {
			return r, w.ID
		}
	}
	t.Fatalf("%s has no world %s", g.wit, g.world)
	return nil, 0
}

func (g golden) generate(t testing.TB) map[string][]byte {
	t.Helper()
	r, w := g.load(t)
	var files map[string][]byte
	var err error
	if g.kind == "import" {
		files, err = rust.GenerateImportFill(r, w)
	} else {
		files, err = rust.GenerateExportFill(r, w)
	}
	if err != nil {
		t.Fatal(err)
	}
	return files
}

// The committed trees are what the generator writes now (UPDATE=1
// rewrites them), twice the same. The fixed runtime files (rt.rs,
// invoke.rs, handle.rs) are not kept there: every crate must carry them
// byte for byte as they stand in this directory (the fill tests compile
// and run them).

// fixedRuntime names the runtime files every generated crate carries as
// they are.
var fixedRuntime = map[string]bool{"rt.rs": true, "invoke.rs": true, "handle.rs": true}

func TestGolden(t *testing.T) {
	for _, g := range goldens {
		t.Run(g.dir, func(t *testing.T) {
			files, again := g.generate(t), g.generate(t)
			dir := filepath.Join("testdata", "golden", g.dir)
			var names []string
			for name := range files {
				names = append(names, name)
			}
			sort.Strings(names)
			for _, name := range []string{"rt.rs", map[string]string{"import": "invoke.rs", "export": "handle.rs"}[g.kind]} {
				if _, ok := files[name]; !ok {
					t.Errorf("the %s crate lacks the runtime file %s", g.kind, name)
				}
			}
			for _, name := range names {
				b := files[name]
				if !bytes.Equal(b, again[name]) {
					t.Errorf("%s is not deterministic", name)
				}
				if fixedRuntime[name] {
					src, err := os.ReadFile(name) // the source file in gen/rust, not the embedded copy
					if err != nil || !bytes.Equal(b, src) {
						t.Errorf("the crate's %s is not gen/rust/%s as it stands: %v", name, name, err)
					}
					continue
				}
				if strings.HasPrefix(name, "wit/") {
					continue // the fill world's WIT is gen.FillWorld's, tested there
				}
				path := filepath.Join(dir, name)
				if os.Getenv("UPDATE") == "1" {
					if err := os.MkdirAll(dir, 0o755); err != nil {
						t.Fatal(err)
					}
					if err := os.WriteFile(path, b, 0o644); err != nil {
						t.Fatal(err)
					}
					continue
				}
				want, err := os.ReadFile(path)
				if err != nil || !bytes.Equal(b, want) {
					t.Errorf("%s differs from %s (UPDATE=1 to accept): %v", name, path, err)
				}
			}
		})
	}
}
