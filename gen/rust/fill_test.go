package rust_test

import (
	"context"
	"errors"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/wasifill/wasifill/gen/golang"
	"github.com/wasifill/wasifill/gen/rust"
	"github.com/wasifill/wasifill/internal/componentize"
	"github.com/wasifill/wasifill/internal/filltest"
	"github.com/wasifill/wasifill/internal/testenv"
	"github.com/wasifill/wasifill/runtime"
	"github.com/wasifill/wasifill/runtime/rpc"
	"github.com/wasifill/wasifill/value"
	"github.com/wasifill/wasifill/witparse"
)

const (
	installStable  = "the stable rustc (rustup) type-checks the fills on the host"
	installRustfmt = "rustfmt comes with the stable toolchain (rustup component add rustfmt)"
)

// checkRust type-checks a generated fill with the stable rustc on the
// host and checks that rustfmt would change nothing.
func checkRust(t testing.TB, files map[string][]byte) {
	t.Helper()
	rustc := filltest.Tool(t, "rustc", installStable)
	rustfmt := filltest.Tool(t, "rustfmt", installRustfmt)
	dir := filltest.WriteFiles(t, files)
	cmd := exec.Command(rustc, "--edition", "2021", "--crate-type", "lib", "--emit=metadata", "-o", "fill.rmeta", "lib.rs")
	cmd.Dir = dir
	if out, err := cmd.CombinedOutput(); err != nil || len(out) > 0 {
		t.Errorf("rustc (stable, host): %v\n%s", err, out)
	}
	var rs []string
	for name := range files {
		if filepath.Ext(name) == ".rs" {
			rs = append(rs, name)
		}
	}
	cmd = exec.Command(rustfmt, append([]string{"--edition", "2021", "--check"}, rs...)...)
	cmd.Dir = dir
	if out, err := cmd.CombinedOutput(); err != nil {
		t.Errorf("rustfmt --check: %v\n%s", err, out)
	}
}

// fillGen is a generator's entry point for one kind of fill.
type fillGen func(*witparse.Resolve, witparse.WorldID) (map[string][]byte, error)

// generateFill writes the import fill (imp) of world client or the export
// fill (exp) of world all-types: both are about wasifill:guests/types.
func generateFill(t testing.TB, kind string, imp, exp fillGen) map[string][]byte {
	t.Helper()
	world, g := "client", imp
	if kind == "export" {
		world, g = "all-types", exp
	}
	r, w := filltest.World(t, world)
	files, err := g(r, w)
	if err != nil {
		t.Fatal(err)
	}
	return files
}

// generate writes a Rust fill of wasifill:guests/types.
func generate(t testing.TB, kind string) map[string][]byte {
	t.Helper()
	return generateFill(t, kind, rust.GenerateImportFill, rust.GenerateExportFill)
}

// cores are the core modules of the fills fill built (written while
// filltest.Cached builds one).
var cores = map[string][]byte{}

// fill returns a fill component for wasifill:guests/types, built once per
// test binary: lang "rust" or "go", kind "import" or "export".
func fill(t testing.TB, lang, kind string) []byte {
	t.Helper()
	return filltest.Cached("fill "+lang+kind, func() []byte {
		var core []byte
		if lang == "rust" {
			core = filltest.BuildRust(t, generate(t, kind))
		} else {
			core = filltest.BuildGo(t, generateFill(t, kind, golang.GenerateImportFill, golang.GenerateExportFill))
		}
		cores[lang+kind] = core
		return filltest.Componentize(t, core, kind, lang == "go")
	})
}

// The Rust import fill: every value through and back, byte-exact params,
// spilled params, the client composed with it; rpc-errors as the rule says.
func TestImportFill(t *testing.T) {
	f := fill(t, "rust", "import")
	filltest.CheckImportFill(t, f)
	filltest.CheckImportFillErrors(t, f)
}

// The Rust export fill in front of all-types, and the whole path through
// both Rust fills.
func TestExportFill(t *testing.T) {
	filltest.CheckExportFill(t, fill(t, "rust", "export"), fill(t, "rust", "import"))
}

// Rust and Go fills talk to each other: the same values come back.
func TestMixedFills(t *testing.T) {
	t.Run("rust-import-go-export", func(t *testing.T) {
		filltest.CheckExportFill(t, fill(t, "go", "export"), fill(t, "rust", "import"))
	})
	t.Run("go-import-rust-export", func(t *testing.T) {
		filltest.CheckExportFill(t, fill(t, "rust", "export"), fill(t, "go", "import"))
	})
}

// Every generated tree builds for wasm32 without a warning, type-checks
// with the stable rustc, and is rustfmt-clean.
func TestGeneratedCompiles(t *testing.T) {
	for _, g := range goldens {
		t.Run(g.dir, func(t *testing.T) {
			files := g.generate(t)
			filltest.BuildRust(t, files)
			checkRust(t, files)
		})
	}
}

// A world with resources is refused, naming the function.
func TestResourcesRefused(t *testing.T) {
	r, pkg, err := witparse.Load(filltest.Guests(t)+"wit", witparse.Options{})
	if err != nil {
		t.Fatal(err)
	}
	for _, w := range r.Packages[pkg].Worlds {
		if w.Name != "resources" {
			continue
		}
		_, err := rust.GenerateExportFill(r, w.ID)
		ue, ok := err.(*rust.UnsupportedError)
		if !ok || ue.What != "resources" || ue.Item != "wasifill:guests/counters@0.1.0: function total" {
			t.Errorf("resources world: err = %v, want an UnsupportedError about resources naming total", err)
		}
	}
}

// The kv import fill maps rpc-errors onto the store's own error variant:
// not-found with the message, deadline-exceeded without one, and a trap
// for a case the variant lacks; a successful answer decodes.
func TestImportFillErrorCases(t *testing.T) {
	g := goldens[2] // kv-import: world import-fill, the fill's own world
	wit := filepath.Join(filltest.Root(t), g.wit)
	core := filltest.BuildRust(t, g.generate(t))
	comp, err := componentize.New(core, componentize.Options{World: testenv.World(t, wit, g.world)})
	if err != nil {
		t.Fatal(err)
	}
	const store = "acme:kv/store@1.0.0"
	ctx := context.Background()
	for _, tc := range []struct {
		answer  []byte
		err     *rpc.Error
		want    value.Value
		wantErr bool
	}{
		{answer: []byte{0, 1, 2, 'h', 'i'}, want: value.Ok(value.Some([]byte("hi")))},
		{err: &rpc.Error{Kind: rpc.NotFound, Msg: "no key"}, want: value.Err(value.Variant{Case: 0, Payload: "no key"})},
		{err: &rpc.Error{Kind: rpc.DeadlineExceeded}, want: value.Err(value.Variant{Case: 2})},
		{err: &rpc.Error{Kind: rpc.Trap, Msg: "boom"}, wantErr: true},
	} {
		rt, h := filltest.Runtime(t)
		h.AddProvider("kv", func(context.Context, string, string, []byte) ([]byte, error) {
			if tc.err != nil {
				return nil, tc.err
			}
			return tc.answer, nil
		}, 0)
		h.Link("", store, "kv", 0)
		inst := filltest.Instantiate(ctx, t, rt, comp)
		f, _ := inst.Func(store + "#get")
		out, err := f.Call(ctx, "k")
		if tc.wantErr {
			var trap *runtime.TrapError
			if !errors.As(err, &trap) {
				t.Errorf("get with %v: %v, %v; want a trap", tc.err, out, err)
			}
			continue
		}
		if err != nil || !value.Equal(f.Results()[0], out[0], tc.want) {
			t.Errorf("get with %v: %v, %v; want %v", tc.err, out, err, tc.want)
		}
	}
}

// Streams, futures and maps are refused too, naming the function.
func TestUnsupportedTypes(t *testing.T) {
	for what, typ := range map[string]string{"streams": "stream<u8>", "futures": "future<string>", "maps": "map<string, u32>"} {
		dir := filltest.WriteFiles(t, map[string][]byte{"x.wit": []byte(
			"package a:b;\ninterface i {\n  f: func(x: list<" + typ + ">);\n}\nworld w {\n  import i;\n}\n")})
		r, pkg, err := witparse.Load(dir, witparse.Options{})
		if err != nil {
			t.Fatalf("%s: %v", what, err)
		}
		_, err = rust.GenerateImportFill(r, r.Packages[pkg].Worlds[0].ID)
		ue, ok := err.(*rust.UnsupportedError)
		if !ok || ue.What != what || ue.Item != "a:b/i: function f" {
			t.Errorf("%s: err = %v, want an UnsupportedError about %s naming a:b/i: function f", typ, err, what)
		}
	}
}

// A named type is one definition: however it is reached (directly, by an
// alias, through `use`, inside a list, a record, an option), its codecs
// are written once, and an anonymous list<p> written in three places
// shares one pair. The fill still type-checks and is rustfmt-clean.
func TestNamedTypesOnce(t *testing.T) {
	dir := filltest.WriteFiles(t, map[string][]byte{"x.wit": []byte(`package a:b;

interface t {
  record p { x: u32, y: string }
}

interface i {
  use t.{p};
  type q = p;
  record holder { a: p, b: q, c: list<p> }
  f: func(a: p, b: q) -> list<p>;
  g: func(a: holder) -> option<q>;
  h: func(a: list<p>, b: tuple<p, q>) -> holder;
}

world w {
  import i;
}
`)})
	r, pkg, err := witparse.Load(dir, witparse.Options{})
	if err != nil {
		t.Fatal(err)
	}
	files, err := rust.GenerateImportFill(r, r.Packages[pkg].Worlds[0].ID)
	if err != nil {
		t.Fatal(err)
	}
	lib := string(files["lib.rs"])
	for _, fn := range []string{"enc_p", "dec_p", "enc_list_p", "dec_list_p", "dec_holder", "dec_option_p"} {
		if n := strings.Count(lib, "unsafe fn "+fn+"("); n != 1 {
			t.Errorf("%s is written %d times, want once", fn, n)
		}
	}
	for _, fn := range []string{"enc_q", "dec_q", "enc_p2", "dec_p2", "dec_list_p2"} {
		if strings.Contains(lib, "unsafe fn "+fn+"(") {
			t.Errorf("%s is written: a second codec of one type", fn)
		}
	}
	checkRust(t, files)
}
