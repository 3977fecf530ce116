package main

import (
	"bytes"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/wasifill/wasifill/internal/testenv"
)

// The bundled example (docs/examples/kv, built by its build.sh): the app
// reaches the store through its import fill, the rpc host and the store's
// export fill; a store that spins is stopped by the link's deadline and
// the app handles the deadline-exceeded it gets; when the app's own
// deadline is the shorter, the error names the whole chain.
func TestKVExample(t *testing.T) {
	testenv.CPUHog(t)
	config := "../../docs/examples/kv/wasifill.yaml"
	cases := []struct{ args, want string }{
		{`greet("ann")`, `"hello, ann: likes green tea"`},
		{`greet("carol")`, `"hello, carol (unknown)"`},
		{`greet("slow")`, `"hello, slow (the store did not answer in time: deadline-exceeded)"`},
	}
	for _, c := range cases {
		code, out, errOut := runCLI(t, "call", "--config", config, "app", c.args)
		if code != 0 || strings.TrimSpace(out) != c.want {
			t.Errorf("call app %s: exit %d, stdout %q, stderr %q; want %s", c.args, code, out, errOut, c.want)
		}
	}
	// The same host from flags alone.
	build := "../../docs/examples/kv/build/"
	code, out, errOut := runCLI(t, "call", "--component", "app="+build+"app.wasm", "--component", "kv="+build+"kv.wasm@100ms",
		"--link", "app:acme:kv/store@1.0.0=kv", "app", `greet("ann")`)
	if code != 0 || strings.TrimSpace(out) != `"hello, ann: likes green tea"` {
		t.Errorf("with --component and --link: exit %d, stdout %q, stderr %q", code, out, errOut)
	}
	code, _, errOut = runCLI(t, "call", "--link", "app:acme:kv/store@1.0.0=kv", build+"app.wasm", `greet("ann")`)
	if code != 1 || !strings.Contains(errOut, `target "kv" is not a component`) {
		t.Errorf("a --link to no component: exit %d, stderr %q", code, errOut)
	}

	code, _, errOut = runCLI(t, "call", "--config", config, "--rpc-timeout", "150ms", "app", `greet("slow")`)
	checkSlowCall(t, code, errOut)
}

// The example's generated sources are what the generators write today
// (build.sh's gen lines, with --check).
func TestKVExampleSourcesAreFresh(t *testing.T) {
	kv := "../../docs/examples/kv/"
	for _, args := range [][]string{
		{"go", "--world", "app", "--guest", "--package", "bindings", "--out", kv + "app/bindings"},
		{"go", "--world", "store-impl", "--guest", "--package", "bindings", "--out", kv + "store/bindings"},
		{"rust", "--world", "app", "--fill", "import", "--out", kv + "fills/import-rust"},
		{"go", "--world", "store-impl", "--fill", "export", "--out", kv + "fills/export"},
		{"go", "--world", "app", "--host", "--package", "kvhost", "--out", kv + "host/kvhost"},
	} {
		full := append([]string{"gen", args[0], "--wit", kv + "wit", "--check"}, args[1:]...)
		if code, _, errOut := runCLI(t, full...); code != 0 {
			t.Errorf("wasifill %v: exit %d, %s (run docs/examples/kv/build.sh)", full, code, errOut)
		}
	}
}

// The example's committed binaries are what build.sh makes today from its
// sources, with this wasifill: a rebuild into a temporary folder gives
// the same bytes (the build is deterministic).
func TestKVExampleBuildIsFresh(t *testing.T) {
	if testing.Short() {
		t.Skip("SKIPPING: -short: rebuilding the kv example takes Go, rustc and jco's adapter")
	}
	testenv.Adapter(t, "reactor") // build.sh needs jco's preview1 adapter
	if _, err := os.Stat("/usr/lib/rustlib/wasm32-unknown-unknown"); err != nil {
		if os.Getenv("CI") != "" {
			t.Fatal("Debian's rustc for wasm32 is missing in CI: scripts/install-tools.sh installs it")
		}
		t.Skip("SKIPPING: no Debian rustc for wasm32 (scripts/install-tools.sh installs it)")
	}
	tmp := t.TempDir()
	bin := filepath.Join(tmp, "wasifill")
	if out, err := exec.Command("go", "build", "-o", bin, ".").CombinedOutput(); err != nil {
		t.Fatalf("go build: %v\n%s", err, out)
	}
	cmd := exec.Command("bash", "../../docs/examples/kv/build.sh", filepath.Join(tmp, "build"))
	cmd.Env = append(os.Environ(), "WASIFILL="+bin)
	if out, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("build.sh: %v\n%s", err, out)
	}
	for _, name := range []string{"app.wasm", "kv.wasm", "app-direct.wasm", "import-fill.wasm"} {
		got, err := os.ReadFile(filepath.Join(tmp, "build", name))
		if err != nil {
			t.Fatal(err)
		}
		want, err := os.ReadFile("../../docs/examples/kv/build/" + name)
		if err != nil {
			t.Fatal(err)
		}
		if !bytes.Equal(got, want) {
			t.Errorf("docs/examples/kv/build/%s is stale: a rebuild gives %d bytes, committed %d (run docs/examples/kv/build.sh)", name, len(got), len(want))
		}
	}
}
