package main

import (
	"bytes"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// gen rust writes the golden kv fill, --check passes on it and fails
// listing the stale file once it changes, and resources are refused.
func TestGenRust(t *testing.T) {
	out := t.TempDir()
	wit := "../../docs/examples/kv/fills/import-rust/wit" // the fill's own world, as gen wrote it
	args := []string{"gen", "rust", "--wit", wit, "--fill", "import", "--out", out}
	if code, _, errOut := runCLI(t, args...); code != 0 {
		t.Fatalf("gen rust: exit %d, stderr %q", code, errOut)
	}
	for name, golden := range map[string]string{
		"lib.rs": "testdata/golden/kv-import/lib.rs", "Cargo.toml": "testdata/golden/kv-import/Cargo.toml",
		"rt.rs": "rt.rs", "invoke.rs": "invoke.rs", // the fixed runtime, as it is
	} {
		golden, err := os.ReadFile(filepath.Join("../../gen/rust", golden))
		if err != nil {
			t.Fatal(err)
		}
		got, err := os.ReadFile(filepath.Join(out, name))
		if err != nil || !bytes.Equal(got, golden) {
			t.Errorf("gen rust wrote something else than the golden %s (%v)", name, err)
		}
	}
	if code, _, errOut := runCLI(t, append(args, "--check")...); code != 0 {
		t.Errorf("--check on fresh output: exit %d, %q", code, errOut)
	}
	if err := os.WriteFile(filepath.Join(out, "lib.rs"), []byte("// stale\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	code, _, errOut := runCLI(t, append(args, "--check")...)
	if code != 1 || !strings.Contains(errOut, "stale generated files") || !strings.Contains(errOut, "lib.rs") {
		t.Errorf("--check on stale output: exit %d, %q", code, errOut)
	}
	code, _, errOut = runCLI(t, "gen", "rust", "--wit", "../../testdata/guests/wit", "--world", "resources", "--fill", "export", "--out", out)
	if code != 1 || !strings.Contains(errOut, "resources are not supported yet") {
		t.Errorf("resources: exit %d, %q", code, errOut)
	}
}
