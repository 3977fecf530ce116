package main

import (
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/wasifill/wasifill/internal/componentize"
	"github.com/wasifill/wasifill/internal/filltest"
	"github.com/wasifill/wasifill/internal/testenv"
)

// `wasifill fill` needs nothing from PATH: run as a child process with an
// empty PATH, it writes fills that pass the checks every fill passes.
func TestFillWithEmptyPath(t *testing.T) {
	dir := t.TempDir()
	wit := "../../testdata/guests/wit"
	for _, c := range []struct{ world, flag string }{{"client", "--import"}, {"all-types", "--export"}} {
		out := filepath.Join(dir, c.world+".wasm")
		cmd := exec.Command(os.Args[0], "-test.run=^TestHelperProcess$", "--", "fill", "--wit", wit, "--world", c.world, c.flag, "-o", out)
		cmd.Env = []string{"WASIFILL_HARNESS_CHILD=1", "PATH=", "TMPDIR=" + dir, "HOME=" + dir}
		if b, err := cmd.CombinedOutput(); err != nil || !strings.Contains(string(b), "wrote "+out) {
			t.Fatalf("fill %s with PATH empty: %v\n%s", c.world, err, b)
		}
	}
	imp, err := os.ReadFile(filepath.Join(dir, "client.wasm"))
	if err != nil {
		t.Fatal(err)
	}
	exp, err := os.ReadFile(filepath.Join(dir, "all-types.wasm"))
	if err != nil {
		t.Fatal(err)
	}
	filltest.CheckImportFill(t, imp)
	filltest.CheckExportFill(t, exp, imp)
}

// fill refuses what it cannot do, with the reason.
func TestFillErrors(t *testing.T) {
	wit := "../../testdata/guests/wit"
	for _, c := range []struct {
		args []string
		want string
	}{
		{[]string{"fill", "--wit", wit, "--world", "client", "-o", "x.wasm"}, "exactly one of --import and --export"},
		{[]string{"fill", "--wit", wit, "--world", "client", "--import", "--export", "-o", "x.wasm"}, "exactly one of"},
		{[]string{"fill", "--wit", wit, "--world", "client", "--import"}, "give --wit and -o"},
		{[]string{"fill", "--wit", wit, "--world", "resources", "--export", "-o", filepath.Join(t.TempDir(), "x.wasm")},
			"fill: wasifill:guests/counters@0.1.0: function total: resources are not supported yet"},
		{[]string{"fill", "--wit", wit, "--world", "client", "--export", "-o", filepath.Join(t.TempDir(), "x.wasm")},
			"no custom interface functions for an export fill"},
	} {
		code, _, errOut := runCLI(t, c.args...)
		if code != 1 || !strings.Contains(errOut, c.want) {
			t.Errorf("%v: exit %d, stderr %q; want exit 1 mentioning %q", c.args, code, errOut, c.want)
		}
	}
}

// buildKVPart builds a Go part of the kv example (app or store) as a
// component of its world, as the example's build.sh does.
func buildKVPart(t *testing.T, part, world string) string {
	t.Helper()
	kv, err := filepath.Abs("../../docs/examples/kv")
	if err != nil {
		t.Fatal(err)
	}
	out := filepath.Join(t.TempDir(), part+".core.wasm")
	cmd := exec.Command("go", "build", "-trimpath", "-ldflags=-s -w", "-buildmode=c-shared", "-o", out, ".")
	cmd.Dir = filepath.Join(kv, part)
	cmd.Env = append(os.Environ(), "GOOS=wasip1", "GOARCH=wasm", "CGO_ENABLED=0", "GOFLAGS=-buildvcs=false")
	if b, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("building %s: %v\n%s", part, err, b)
	}
	core, err := os.ReadFile(out)
	if err != nil {
		t.Fatal(err)
	}
	comp, err := componentize.New(core, componentize.Options{
		World:    testenv.World(t, filepath.Join(kv, "wit"), world),
		Adapters: map[string][]byte{"wasi_snapshot_preview1": testenv.Adapter(t, "reactor")},
	})
	if err != nil {
		t.Fatal(err)
	}
	path := strings.TrimSuffix(out, ".core.wasm") + ".wasm"
	if err := os.WriteFile(path, comp, 0o644); err != nil {
		t.Fatal(err)
	}
	return path
}

// The kv example with its fills made by compose --fill-imports and
// --fill-exports instead of generated ones: the same answers and the same
// deadline behaviour as TestKVExample.
func TestKVExampleComposeFills(t *testing.T) {
	testenv.CPUHog(t)
	app := buildKVPart(t, "app", "app")
	store := buildKVPart(t, "store", "store-impl")
	dir := t.TempDir()
	appOut, kvOut := filepath.Join(dir, "app.wasm"), filepath.Join(dir, "kv.wasm")
	if code, _, errOut := runCLI(t, "compose", app, "--fill-imports", "-o", appOut); code != 0 ||
		!strings.Contains(errOut, "made an import fill for [acme:kv/store@1.0.0]") {
		t.Fatalf("compose --fill-imports: exit %d, %s", code, errOut)
	}
	if code, _, errOut := runCLI(t, "compose", store, "--fill-exports", "-o", kvOut); code != 0 ||
		!strings.Contains(errOut, "made an export fill for [acme:kv/store@1.0.0]") {
		t.Fatalf("compose --fill-exports: exit %d, %s", code, errOut)
	}
	config := filepath.Join(dir, "wasifill.yaml")
	yaml := "timeout: 2s\ncomponents:\n  app: {path: app.wasm}\n  kv: {path: kv.wasm, timeout: 300ms}\n" +
		"links:\n  - {caller: app, interface: acme:kv/store@1.0.0, target: kv}\n"
	if err := os.WriteFile(config, []byte(yaml), 0o644); err != nil {
		t.Fatal(err)
	}
	for _, c := range []struct{ args, want string }{
		{`greet("ann")`, `"hello, ann: likes green tea"`},
		{`greet("carol")`, `"hello, carol (unknown)"`},
		{`greet("slow")`, `"hello, slow (the store did not answer in time: deadline-exceeded)"`},
	} {
		code, out, errOut := runCLI(t, "call", "--config", config, "app", c.args)
		if code != 0 || strings.TrimSpace(out) != c.want {
			t.Errorf("call app %s: exit %d, stdout %q, stderr %q; want %s", c.args, code, out, errOut, c.want)
		}
	}
	code, _, errOut := runCLI(t, "call", "--config", config, "--rpc-timeout", "150ms", "app", `greet("slow")`)
	checkSlowCall(t, code, errOut)
}

// checkSlowCall checks how `call --rpc-timeout 150ms app greet("slow")` on
// the kv example fails: exit 1 and a deadline report naming the app's call,
// its 150 ms budget and the store's call cut short by it.
func checkSlowCall(t *testing.T, code int, errOut string) {
	t.Helper()
	for _, want := range []string{
		"deadline exceeded",
		"app: greet stopped after",
		"its deadline was 150 ms, set by --rpc-timeout",
		"└ kv: acme:kv/store@1.0.0#get stopped after",
		"set by the caller's deadline",
	} {
		if code != 1 || !strings.Contains(errOut, want) {
			t.Errorf("a 150ms call: exit %d, stderr %q; want exit 1 mentioning %q", code, errOut, want)
		}
	}
}
