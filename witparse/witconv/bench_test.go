package witconv_test

import (
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"syscall"
	"testing"
	"time"

	"go.bytecodealliance.org/wit"

	"github.com/wasifill/wasifill/witparse"
	"github.com/wasifill/wasifill/witparse/witconv"
)

// jcoWASI is where scripts/install-tools.sh (npm) puts jco's bundled WASI
// 0.2.12 WIT: 7 packages, 32 interfaces.
const jcoWASI = "../../.tools/node_modules/@bytecodealliance/jco/lib/wit/builtin/0.2.12"

// TestMain doubles as the child process of the cold-start benchmark.
func TestMain(m *testing.M) {
	if dir := os.Getenv("WASIFILL_BENCH_CHILD_WITPARSE"); dir != "" {
		r, _, err := witparse.Load(dir, witparse.Options{AllFeatures: true})
		if err == nil {
			_, err = witparse.EncodeJSON(r)
		}
		exitChild(err)
	}
	if dir := os.Getenv("WASIFILL_BENCH_CHILD_LOADWIT"); dir != "" {
		_, err := wit.LoadWIT(dir)
		exitChild(err)
	}
	os.Exit(m.Run())
}

func exitChild(err error) {
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
	os.Exit(0)
}

// wasiTree builds a package that includes the WASI 0.2.12 command world and
// HTTP, with jco's WIT as its deps/.
func wasiTree(b *testing.B) string {
	if _, err := os.Stat(jcoWASI); err != nil {
		b.Skip("SKIPPING: jco's WASI WIT is not installed; run scripts/install-tools.sh (npm) first")
	}
	dir := b.TempDir()
	root := "package bench:wasi;\n\nworld all {\n  include wasi:cli/imports@0.2.12;\n  import wasi:http/outgoing-handler@0.2.12;\n  export wasi:cli/run@0.2.12;\n}\n"
	if err := os.WriteFile(filepath.Join(dir, "root.wit"), []byte(root), 0o644); err != nil {
		b.Fatal(err)
	}
	pkgs, _ := filepath.Glob(filepath.Join(jcoWASI, "wasi-*"))
	for _, p := range pkgs {
		dst := filepath.Join(dir, "deps", filepath.Base(p))
		if err := os.MkdirAll(dst, 0o755); err != nil {
			b.Fatal(err)
		}
		src, err := os.ReadFile(filepath.Join(p, "package.wit"))
		if err != nil {
			b.Fatal(err)
		}
		if err := os.WriteFile(filepath.Join(dst, "package.wit"), src, 0o644); err != nil {
			b.Fatal(err)
		}
	}
	r, _, err := witparse.Load(dir, witparse.Options{})
	if err != nil {
		b.Fatal(err)
	}
	if len(r.Interfaces) < 30 {
		b.Fatalf("the tree has only %d interfaces", len(r.Interfaces))
	}
	return dir
}

// BenchmarkLoadWASI resolves the WASI 0.2.12 tree in process (warm): witparse
// (parse, resolve, encode the JSON) vs go.bytecodealliance.org/wit's LoadWIT
// (wasm-tools 1.230 on wazero, whose JSON it decodes into a *wit.Resolve).
// witparse+ToWIT produces that same *wit.Resolve from witparse's model
// (through the JSON and wit.DecodeJSON). Each side first runs warmOps times
// untimed, so the figures are of a process that has done the work before
// (its heap grown, its code paged in), not of its first calls. Besides wall
// time it reports the process's CPU time per op (cpu-ms/op, from rusage,
// the garbage collector's background work included), the steadier figure
// on a shared machine.
func BenchmarkLoadWASI(b *testing.B) {
	dir := wasiTree(b)
	for _, c := range []struct {
		name string
		op   func() error
	}{
		{"witparse", func() error {
			r, _, err := witparse.Load(dir, witparse.Options{})
			if err == nil {
				_, err = witparse.EncodeJSON(r)
			}
			return err
		}},
		{"witparse+ToWIT", func() error {
			r, _, err := witparse.Load(dir, witparse.Options{})
			if err == nil {
				_, err = witconv.ToWIT(r)
			}
			return err
		}},
		{"wit.LoadWIT", func() error {
			_, err := wit.LoadWIT(dir)
			return err
		}},
	} {
		b.Run(c.name, func(b *testing.B) {
			for range warmOps {
				if err := c.op(); err != nil {
					b.Fatal(err)
				}
			}
			cpu := cpuClock()
			for b.Loop() {
				if err := c.op(); err != nil {
					b.Fatal(err)
				}
			}
			b.ReportMetric(float64(cpuClock()-cpu)/1e6/float64(b.N), "cpu-ms/op")
		})
	}
}

// warmOps is how many untimed ops each side of BenchmarkLoadWASI runs first.
const warmOps = 5

// cpuClock is the process's user + system time so far.
func cpuClock() time.Duration {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		return 0
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}

// BenchmarkLoadWASICold does the same in a new process each time, as a
// build script or go:generate line would.
func BenchmarkLoadWASICold(b *testing.B) {
	dir := wasiTree(b)
	self, err := os.Executable()
	if err != nil {
		b.Fatal(err)
	}
	for _, c := range []struct{ name, env string }{
		{"witparse", "WASIFILL_BENCH_CHILD_WITPARSE"},
		{"wit.LoadWIT", "WASIFILL_BENCH_CHILD_LOADWIT"},
	} {
		b.Run(c.name, func(b *testing.B) {
			for b.Loop() {
				cmd := exec.Command(self)
				cmd.Env = append(os.Environ(), c.env+"="+dir)
				if out, err := cmd.CombinedOutput(); err != nil {
					b.Fatalf("%v: %s", err, out)
				}
			}
		})
	}
}

// BenchmarkCLIStartup runs processes on the WASI tree: `wasifill wit
// --json` and, for the start-up floor, `wasifill --help` and `wasifill
// version`, beside a program that links only witparse (testdata/witjson).
// Both binaries are built first; each op is one process, start to exit.
func BenchmarkCLIStartup(b *testing.B) {
	dir := wasiTree(b)
	bin := b.TempDir()
	wasifill, witjson := filepath.Join(bin, "wasifill"), filepath.Join(bin, "witjson")
	for _, build := range [][]string{{wasifill, "../../cmd/wasifill"}, {witjson, "./testdata/witjson"}} {
		if out, err := exec.Command("go", "build", "-o", build[0], build[1]).CombinedOutput(); err != nil {
			b.Fatalf("go build %s: %v: %s", build[1], err, out)
		}
	}
	for _, c := range []struct {
		name string
		argv []string
	}{
		{"witjson", []string{witjson, dir}},
		{"wasifill-wit-json", []string{wasifill, "wit", "--json", dir}},
		{"wasifill-help", []string{wasifill, "--help"}},
		{"wasifill-version", []string{wasifill, "version"}},
	} {
		b.Run(c.name, func(b *testing.B) {
			for b.Loop() {
				if out, err := exec.Command(c.argv[0], c.argv[1:]...).CombinedOutput(); err != nil {
					b.Fatalf("%v: %s", err, out)
				}
			}
		})
	}
}
