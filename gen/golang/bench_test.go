package golang_test

import (
	"bytes"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"testing"

	"go.bytecodealliance.org/wit"
	"go.bytecodealliance.org/wit/bindgen"

	"github.com/wasifill/wasifill/gen/golang"
	"github.com/wasifill/wasifill/witparse"
	"github.com/wasifill/wasifill/witparse/witconv"
)

// The worlds both generators write guest bindings for: the all-types
// world (every kind of value, 25 functions), the kv example's app and
// wasi:http/proxy (WASI 0.2.12: 12 interfaces, 15 resources).
var benchWorlds = []struct{ name, dir, world string }{
	{"all-types", guests + "wit", "all-types"},
	{"kv", "../../docs/examples/kv/wit", "app"},
	{"http-proxy", wasiHTTP, "http-guest"},
}

// TestMain doubles as the child process of the cold-start benchmark: with
// WASIFILL_BENCH_GEN="<generator> <world index>" it generates once and exits.
func TestMain(m *testing.M) {
	if job := os.Getenv("WASIFILL_BENCH_GEN"); job != "" {
		var gen string
		var i int
		_, err := fmt.Sscanf(job, "%s %d", &gen, &i)
		if err == nil {
			w := benchWorlds[i]
			if gen == "wasifill" {
				_, err = wasifillFromWIT(w.dir, w.world)
			} else {
				_, err = bindgenFromWIT(w.dir, w.world)
			}
		}
		if err != nil {
			fmt.Fprintln(os.Stderr, err)
			os.Exit(1)
		}
		os.Exit(0)
	}
	os.Exit(m.Run())
}

// wasifillGenerate writes the guest bindings of world; it returns the bytes
// written.
func wasifillGenerate(r *witparse.Resolve, pkg witparse.PackageID, world string) (int, error) {
	for _, w := range r.Packages[pkg].Worlds {
		if w.Name == world {
			files, err := golang.GenerateGuest(r, w.ID, "bindings")
			n := 0
			for _, b := range files {
				n += len(b)
			}
			return n, err
		}
	}
	return 0, fmt.Errorf("no world %s", world)
}

// wasifillFromWIT parses and resolves dir (with its deps/) and generates.
func wasifillFromWIT(dir, world string) (int, error) {
	r, pkg, err := witparse.Load(dir, witparse.Options{})
	if err != nil {
		return 0, err
	}
	return wasifillGenerate(r, pkg, world)
}

// bindgenGenerate is what `wit-bindgen-go generate` does after loading:
// bindgen.Go for the world, then every file rendered and gofmt'd.
func bindgenGenerate(res *wit.Resolve, world string) (int, error) {
	pkgs, err := bindgen.Go(res, bindgen.World(world), bindgen.PackageRoot("example.com/bindings"), bindgen.GeneratedBy("bench"))
	if err != nil {
		return 0, err
	}
	n := 0
	for _, p := range pkgs {
		for _, f := range p.Files {
			b, err := f.Bytes()
			if err != nil {
				return 0, fmt.Errorf("%s/%s: %w", p.Path, f.Name, err)
			}
			n += len(b)
		}
	}
	return n, nil
}

// bindgenFromWIT loads dir the way `wit-bindgen-go generate` does
// (wit.LoadWIT: wasm-tools 1.230 on wazero, its JSON decoded) and
// generates.
func bindgenFromWIT(dir, world string) (int, error) {
	abs, err := filepath.Abs(dir)
	if err != nil {
		return 0, err
	}
	res, err := wit.LoadWIT(abs)
	if err != nil {
		return 0, err
	}
	return bindgenGenerate(res, world)
}

// BenchmarkGenGuest times wasifill's guest bindings against wit-bindgen-go's
// (go.bytecodealliance.org v0.7.0, in process) for the same world:
//
//   - generate: from an already resolved model (witparse's; wit-bindgen-go's
//     loaded once with wit.LoadWIT), output formatted on both sides;
//   - from-wit: WIT text to formatted Go, the loader included — witparse,
//     and wit.LoadWIT (warm: wasm-tools compiled, from wazero's cache);
//   - from-wit via witparse: wit-bindgen-go fed by witparse (its resolve
//     through wasm-tools JSON into wit.DecodeJSON, witconv.ToWIT).
//
// out-B/op is the size of the generated Go.
func BenchmarkGenGuest(b *testing.B) {
	for _, w := range benchWorlds {
		r, pkg, err := witparse.Load(w.dir, witparse.Options{})
		if err != nil {
			b.Fatal(err)
		}
		abs, _ := filepath.Abs(w.dir)
		res, err := wit.LoadWIT(abs)
		if err != nil {
			b.Fatal(err)
		}
		run := func(name string, gen func() (int, error)) {
			b.Run(w.name+"/"+name, func(b *testing.B) {
				var n int
				for b.Loop() {
					var err error
					if n, err = gen(); err != nil {
						b.Fatal(err)
					}
				}
				b.ReportMetric(float64(n), "out-B/op")
			})
		}
		run("generate/wasifill", func() (int, error) { return wasifillGenerate(r, pkg, w.world) })
		run("generate/wit-bindgen-go", func() (int, error) { return bindgenGenerate(res, w.world) })
		run("from-wit/wasifill", func() (int, error) { return wasifillFromWIT(w.dir, w.world) })
		run("from-wit/wit-bindgen-go", func() (int, error) { return bindgenFromWIT(w.dir, w.world) })
		run("from-wit/wit-bindgen-go-on-witparse", func() (int, error) {
			r, _, err := witparse.Load(w.dir, witparse.Options{})
			if err != nil {
				return 0, err
			}
			res, err := witconv.ToWIT(r)
			if err != nil {
				return 0, err
			}
			return bindgenGenerate(res, w.world)
		})
	}
}

// BenchmarkGenGuestCold does from-wit in a new process each time, as a
// //go:generate line would (both sides exec this test binary, so start-up
// costs the same; wit.LoadWIT reads wasm-tools compiled from wazero's
// on-disk cache).
func BenchmarkGenGuestCold(b *testing.B) {
	self, err := os.Executable()
	if err != nil {
		b.Fatal(err)
	}
	for i, w := range benchWorlds {
		for _, gen := range []string{"wasifill", "wit-bindgen-go"} {
			b.Run(w.name+"/"+gen, func(b *testing.B) {
				for b.Loop() {
					cmd := exec.Command(self)
					cmd.Env = append(os.Environ(), fmt.Sprintf("WASIFILL_BENCH_GEN=%s %d", gen, i))
					if out, err := cmd.CombinedOutput(); err != nil || len(bytes.TrimSpace(out)) > 0 {
						b.Fatalf("%v: %s", err, out)
					}
				}
			})
		}
	}
}
