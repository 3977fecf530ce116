package fill_test

import (
	"path/filepath"
	"testing"

	"github.com/wasifill/wasifill/fill"
	"github.com/wasifill/wasifill/gen"
	"github.com/wasifill/wasifill/gen/golang"
	"github.com/wasifill/wasifill/gen/rust"
	"github.com/wasifill/wasifill/internal/component"
	"github.com/wasifill/wasifill/internal/componentize"
	"github.com/wasifill/wasifill/internal/filltest"
	"github.com/wasifill/wasifill/internal/testenv"
	"github.com/wasifill/wasifill/witparse"
)

// generatedFill builds the generated fill for wasifill:guests/types with
// its toolchain, once per test binary: lang "rust" or "go", kind "import"
// (of world client) or "export" (of world all-types).
func generatedFill(t testing.TB, lang, kind string) []byte {
	t.Helper()
	return filltest.Cached("generated "+lang+kind, func() []byte { return buildGenerated(t, lang, kind) })
}

// buildGenerated builds what generatedFill returns.
func buildGenerated(t testing.TB, lang, kind string) []byte {
	t.Helper()
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
	if lang == "go" {
		return filltest.Componentize(t, filltest.BuildGo(t, files), kind, true)
	}
	return filltest.Componentize(t, filltest.BuildRust(t, files), kind, false)
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

// generatedFor builds the generated fill (lang "rust" or "go") of world,
// componentized for the fill's world that gen writes beside it.
func generatedFor(t *testing.T, lang string, r *witparse.Resolve, world witparse.WorldID, export bool) []byte {
	t.Helper()
	var files map[string][]byte
	var err error
	switch {
	case lang == "rust" && !export:
		files, err = rust.GenerateImportFill(r, world)
	case lang == "rust":
		files, err = rust.GenerateExportFill(r, world)
	case !export:
		files, err = golang.GenerateImportFill(r, world)
	default:
		files, err = golang.GenerateExportFill(r, world)
	}
	if err != nil {
		t.Fatal(err)
	}
	dir := filltest.WriteFiles(t, files)
	fr, pkg, err := witparse.Load(filepath.Join(dir, "wit"), witparse.Options{})
	if err != nil {
		t.Fatal(err)
	}
	opts := componentize.Options{}
	for _, w := range fr.Packages[pkg].Worlds {
		if w.Name == gen.FillWorldName(export) {
			if opts.World, err = component.FromWorld(fr, w.ID); err != nil {
				t.Fatal(err)
			}
		}
	}
	var core []byte
	if lang == "go" {
		core = filltest.BuildGo(t, files)
		opts.Adapters = map[string][]byte{"wasi_snapshot_preview1": testenv.Adapter(t, "reactor")}
	} else {
		core = filltest.BuildRust(t, files)
	}
	comp, err := componentize.New(core, opts)
	if err != nil {
		t.Fatal(err)
	}
	return comp
}

// Every wire vector through emitted fills mixed with generated Rust and
// Go fills, in both directions.
func TestVectorsMixed(t *testing.T) {
	_, types, _ := filltest.WireVectors(t)
	r, w := vectorWorld(t, types)
	imp, err := fill.Import(r, w)
	if err != nil {
		t.Fatal(err)
	}
	exp, err := fill.Export(r, w+1)
	if err != nil {
		t.Fatal(err)
	}
	for _, lang := range []string{"rust", "go"} {
		t.Run("emitted-export-"+lang+"-import", func(t *testing.T) {
			checkVectorsThrough(t, exp, generatedFor(t, lang, r, w, false))
		})
		t.Run(lang+"-export-emitted-import", func(t *testing.T) {
			checkVectorsThrough(t, generatedFor(t, lang, r, w+1, true), imp)
		})
	}
}
