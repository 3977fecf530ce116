package wasip2_test

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/tetratelabs/wazero"

	"github.com/wasifill/wasifill/compose"
	"github.com/wasifill/wasifill/internal/componentize"
	"github.com/wasifill/wasifill/internal/filltest"
	"github.com/wasifill/wasifill/internal/testenv"
	"github.com/wasifill/wasifill/runtime"
	"github.com/wasifill/wasifill/runtime/wasip2"
	"github.com/wasifill/wasifill/value"
)

func componentizeCore(t *testing.T, core, adapter string) []byte {
	t.Helper()
	b, err := os.ReadFile(core)
	if err != nil {
		t.Fatal(err)
	}
	out, err := componentize.New(b, componentize.Options{
		Adapters: map[string][]byte{"wasi_snapshot_preview1": testenv.Adapter(t, adapter)}})
	if err != nil {
		t.Fatal(err)
	}
	return out
}

func run(t *testing.T, wasm []byte, args ...string) (int, string, string) {
	t.Helper()
	return runWith(t, wasm, nil, args...)
}

// cache shares compiled code between the tests' runtimes (the Go modules
// take a second each to compile).
var cache = wazero.NewCompilationCache()

func runWith(t *testing.T, wasm []byte, preopens []wasip2.Preopen, args ...string) (int, string, string) {
	t.Helper()
	var stdout, stderr bytes.Buffer
	inst := instantiate(t, wasm, wasip2.Config{Args: args, Env: [][2]string{{"FIXTURE", "yes"}}, Stdout: &stdout, Stderr: &stderr, Preopens: preopens})
	code, err := wasip2.Run(context.Background(), inst)
	if err != nil {
		t.Fatalf("run: %v (stderr %q)", err, stderr.String())
	}
	return code, stdout.String(), stderr.String()
}

// instantiate compiles wasm on a new runtime (sharing the tests' cache)
// with WASI 0.2 as cfg says, and instantiates it; the test closes both.
func instantiate(t *testing.T, wasm []byte, cfg wasip2.Config) *runtime.Instance {
	t.Helper()
	rt := filltest.NewRuntime(t, runtime.WithCompilationCache(cache))
	if err := wasip2.Define(rt, cfg); err != nil {
		t.Fatal(err)
	}
	return filltest.Instantiate(context.Background(), t, rt, wasm)
}

func TestCommands(t *testing.T) {
	guests := "../../testdata/guests/out/"
	hello, err := os.ReadFile(filepath.Join("../../internal/wasmbin/testdata/hello.wasm"))
	if err != nil {
		t.Fatal(err)
	}
	cases := []struct {
		name   string
		wasm   []byte
		args   []string
		code   int
		stdout string
		stderr string
	}{
		{"hello (wasm-tools' component)", hello, []string{"hello"}, 0, "hello\n", ""},
		{"hello (componentized here)", componentizeCore(t, "../../internal/wasmbin/testdata/hello.core.wasm", "command"), []string{"hello"}, 0, "hello\n", ""},
		{"c-command", componentizeCore(t, guests+"c-command.core.wasm", "command"), []string{"c", "x", "y"}, 0, "hello from c x y\n", ""},
		{"go-command", componentizeCore(t, guests+"go-command.core.wasm", "command"), []string{"go", "a", "b"}, 0, "hello from go a b\nFIXTURE=yes\n", ""},
		// os.Exit(3): WASI 0.2 exit carries only ok/err, so 1 (as in Wasmtime and jco).
		{"go-command fail", componentizeCore(t, guests+"go-command.core.wasm", "command"), []string{"go", "fail"}, 1, "hello from go fail\nFIXTURE=yes\n", "failing as asked\n"},
	}
	for _, c := range cases {
		code, stdout, stderr := run(t, c.wasm, c.args...)
		if code != c.code || stdout != c.stdout || !strings.Contains(stderr, c.stderr) {
			t.Errorf("%s: exit %d, stdout %q, stderr %q; want %d, %q, %q", c.name, code, stdout, stderr, c.code, c.stdout, c.stderr)
		}
	}
}

// The Go reactor, componentized and composed with host-impl, on this
// runtime: WASI during _initialize, then calls under GC pressure.
func TestGoReactor(t *testing.T) {
	guests := "../../testdata/guests/"
	core, err := os.ReadFile(guests + "out/go-reactor.core.wasm")
	if err != nil {
		t.Fatal(err)
	}
	world := testenv.World(t, guests+"wit", "go-reactor")
	reactor, err := componentize.New(core, componentize.Options{World: world,
		Adapters: map[string][]byte{"wasi_snapshot_preview1": testenv.Adapter(t, "reactor")}})
	if err != nil {
		t.Fatal(err)
	}
	plug, err := os.ReadFile(guests + "out/host-impl.wasm")
	if err != nil {
		t.Fatal(err)
	}
	app, err := compose.Plug(compose.Part{Name: "go-reactor", Bytes: reactor}, []compose.Part{{Name: "host-impl", Bytes: plug}})
	if err != nil {
		t.Fatal(err)
	}
	ctx := context.Background()
	rt := filltest.NewRuntime(t)
	var stderr bytes.Buffer
	wasip2.Define(rt, wasip2.Config{Env: [][2]string{{"GREETING", "hi"}}, Stderr: &stderr})
	inst := filltest.Instantiate(ctx, t, rt, app.Bytes)
	if !strings.Contains(stderr.String(), "go-reactor: starting") {
		t.Errorf("stderr during _initialize = %q", stderr.String())
	}
	const greet = "wasifill:guests/greeter@0.1.0#greet"
	big := strings.Repeat("x", 10<<10)
	for i := 0; i < 1000; i++ {
		out, err := inst.Call(ctx, greet, big)
		if err != nil {
			t.Fatalf("greet %d: %v", i, err)
		}
		if out[0] != "hi, "+big {
			t.Fatalf("greet %d: wrong result of %d bytes", i, len(out[0].(string)))
		}
	}
	out, err := inst.Call(ctx, "wasifill:guests/greeter@0.1.0#churn", uint32(300), uint32(65536))
	if err != nil || out[0] != uint64(300*65536) {
		t.Fatalf("churn = %v, %v", out, err)
	}
}

// wasip1 core modules run directly, on wazero's preview 1: a command by
// its _start (exit codes kept), a reactor with its world's imports from
// the host and its exports lifted.
func TestCoreModules(t *testing.T) {
	guests := "../../testdata/guests/"
	cmd, err := os.ReadFile(guests + "out/go-command.core.wasm")
	if err != nil {
		t.Fatal(err)
	}
	code, stdout, stderr := run(t, cmd, "go", "fail")
	if code != 3 || stdout != "hello from go fail\nFIXTURE=yes\n" || stderr != "failing as asked\n" {
		t.Errorf("go-command core: exit %d, stdout %q, stderr %q", code, stdout, stderr)
	}

	core, err := os.ReadFile(guests + "out/go-reactor.core.wasm")
	if err != nil {
		t.Fatal(err)
	}
	ctx := context.Background()
	rt := filltest.NewRuntime(t)
	var stderrBuf bytes.Buffer
	wasip2.Define(rt, wasip2.Config{Stderr: &stderrBuf})
	var logged, ids uint64
	rt.DefineInstance("wasifill:guests/host@0.1.0", map[string]runtime.HostFunc{
		"log": func(_ context.Context, args []value.Value) ([]value.Value, error) {
			logged += uint64(len(args[0].(string)))
			return nil, nil
		},
		"next-id": func(context.Context, []value.Value) ([]value.Value, error) {
			ids++
			return []value.Value{ids}, nil
		},
	})
	wit, world := testenv.WIT(t, guests+"wit", "go-reactor")
	c, err := rt.CompileCore(ctx, core, wit, world)
	if err != nil {
		t.Fatal(err)
	}
	inst, err := rt.Instantiate(ctx, c)
	if err != nil {
		t.Fatal(err)
	}
	defer inst.Close(ctx)
	if !strings.Contains(stderrBuf.String(), "go-reactor: starting") {
		t.Errorf("stderr = %q", stderrBuf.String())
	}
	out, err := inst.Call(ctx, "wasifill:guests/greeter@0.1.0#greet", "core")
	if err != nil || out[0] != "hello, core" {
		t.Fatalf("greet = %v, %v", out, err)
	}
	out, err = inst.Call(ctx, "wasifill:guests/greeter@0.1.0#churn", uint32(100), uint32(4096))
	if err != nil || out[0] != uint64(100*4096) || ids != 100 || logged != uint64(len("hello, core"))+100*4096 {
		t.Fatalf("churn = %v, %v (ids %d, logged %d)", out, err, ids, logged)
	}
}

// Granted directories, through the preview1 adapter (WASI 0.2
// filesystem) and through wazero's preview 1 (core module): reads,
// listings and writes land in the host directory, and nothing outside it
// is reachable.
func TestPreopens(t *testing.T) {
	guests := "../../testdata/guests/out/"
	core, err := os.ReadFile(guests + "go-command.core.wasm")
	if err != nil {
		t.Fatal(err)
	}
	for _, variant := range []struct {
		name string
		wasm []byte
	}{
		{"adapter", componentizeCore(t, guests+"go-command.core.wasm", "command")},
		{"core", core},
	} {
		dir := t.TempDir()
		if err := os.WriteFile(filepath.Join(dir, "in.txt"), []byte("from the host\n"), 0o644); err != nil {
			t.Fatal(err)
		}
		if err := os.Mkdir(filepath.Join(dir, "sub"), 0o755); err != nil {
			t.Fatal(err)
		}
		pre := []wasip2.Preopen{{Host: dir, Guest: "/data"}}
		code, out, errOut := runWith(t, variant.wasm, pre, "go", "cat", "/data/in.txt")
		if code != 0 || !strings.HasSuffix(out, "from the host\n") {
			t.Errorf("%s: cat: exit %d, out %q, err %q", variant.name, code, out, errOut)
		}
		code, _, errOut = runWith(t, variant.wasm, pre, "go", "write", "/data/out.txt", "written by the guest")
		got, _ := os.ReadFile(filepath.Join(dir, "out.txt"))
		if code != 0 || string(got) != "written by the guest" {
			t.Errorf("%s: write: exit %d, file %q, err %q", variant.name, code, got, errOut)
		}
		code, out, _ = runWith(t, variant.wasm, pre, "go", "ls", "/data")
		if code != 0 || !strings.HasSuffix(out, "in.txt\nout.txt\nsub\n") {
			t.Errorf("%s: ls: exit %d, out %q", variant.name, code, out)
		}
		code, _, errOut = runWith(t, variant.wasm, pre, "go", "cat", "/data/../etc/passwd")
		if code == 0 {
			t.Errorf("%s: escaped the preopen: err %q", variant.name, errOut)
		}
		code, _, errOut = runWith(t, variant.wasm, nil, "go", "cat", "/data/in.txt")
		if code == 0 {
			t.Errorf("%s: read without a preopen: err %q", variant.name, errOut)
		}
	}
}
