package gen

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/wasifill/wasifill/witparse"
)

// entryNames lists a world's imports or exports by name.
func entryNames(r *witparse.Resolve, entries []witparse.WorldEntry) []string {
	var out []string
	for _, e := range entries {
		out = append(out, entryName(r, e))
	}
	return out
}

// The fill world FillWorld writes loads on its own (the deps it needs are
// beside it), is the only world of its package, and has the imports and
// exports a fill has: the rpc interface on one side (with the rpc types it
// uses), the served interfaces on the other. Written again from itself,
// it is the same.
func TestFillWorld(t *testing.T) {
	for _, c := range []struct {
		world            string
		export           bool
		imports, exports string
	}{
		{"app", false, "wasifill:rpc/types@0.1.0 wasifill:rpc/transport@0.1.0", "acme:kv/store@1.0.0"},
		{"store-impl", true, "acme:kv/store@1.0.0 wasifill:rpc/types@0.1.0", "wasifill:rpc/handler@0.1.0"},
	} {
		r, w := kvWorld(t, "wit", c.world)
		files, err := FillWorld(r, w, c.export)
		if err != nil {
			t.Fatal(err)
		}
		dir := t.TempDir()
		for name, b := range files {
			path := filepath.Join(dir, name)
			if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
				t.Fatal(err)
			}
			if err := os.WriteFile(path, b, 0o644); err != nil {
				t.Fatal(err)
			}
		}
		fr, pkg, err := witparse.Load(filepath.Join(dir, "wit"), witparse.Options{})
		if err != nil {
			t.Fatalf("%s: the fill world does not load: %v", c.world, err)
		}
		p := fr.Packages[pkg]
		if p.Name.String() != FillPackage || len(p.Worlds) != 1 || p.Worlds[0].Name != FillWorldName(c.export) {
			t.Fatalf("%s: package %s with worlds %v, want %s with world %s", c.world, p.Name, p.Worlds, FillPackage, FillWorldName(c.export))
		}
		fw := fr.Worlds[p.Worlds[0].ID]
		if got := strings.Join(entryNames(fr, fw.Imports), " "); got != c.imports {
			t.Errorf("%s: imports %q, want %q", c.world, got, c.imports)
		}
		if got := strings.Join(entryNames(fr, fw.Exports), " "); got != c.exports {
			t.Errorf("%s: exports %q, want %q", c.world, got, c.exports)
		}
		again, err := FillWorld(fr, p.Worlds[0].ID, c.export)
		if err != nil {
			t.Fatalf("%s: from its own world: %v", c.world, err)
		}
		files["wit/fill.wit"] = []byte(strings.Replace(string(files["wit/fill.wit"]), "world "+c.world, "world "+FillWorldName(c.export), 1))
		for name, b := range files {
			if string(again[name]) != string(b) {
				t.Errorf("%s: %s written from the fill world differs:\n%s", c.world, name, again[name])
			}
		}
		if len(again) != len(files) {
			t.Errorf("%s: %d files written from the fill world, want %d", c.world, len(again), len(files))
		}
	}
}

// A world whose fill serves nothing has no fill world; an interface a
// fill serves must be one a package declares.
func TestFillWorldRefuses(t *testing.T) {
	r, w := kvWorld(t, "wit", "app")
	if _, err := FillWorld(r, w, true); err == nil || !strings.Contains(err.Error(), "no custom interface functions") {
		t.Errorf("export fill of app: %v, want a NothingToFillError", err)
	}
	dir := t.TempDir()
	src := "package a:b;\nworld w {\n  import i: interface {\n    f: func();\n  }\n}\n"
	if err := os.WriteFile(filepath.Join(dir, "w.wit"), []byte(src), 0o644); err != nil {
		t.Fatal(err)
	}
	r, pkg, err := witparse.Load(filepath.Join(dir, "w.wit"), witparse.Options{})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := FillWorld(r, r.Packages[pkg].Worlds[0].ID, false); err == nil || !strings.Contains(err.Error(), "declared inline") {
		t.Errorf("inline interface: %v, want it refused", err)
	}
}
