package main

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// `run --dir` confines a wasip1 core module to the directory: a link it
// finds there to the outside is not followed, a link it makes is not
// either, and what is inside reads as usual.
func TestRunDirConfined(t *testing.T) {
	probe := "../../runtime/wasip2/testdata/fsprobe.core.wasm"
	top := t.TempDir()
	granted := filepath.Join(top, "granted")
	for _, err := range []error{
		os.WriteFile(filepath.Join(top, "secret"), []byte("SECRET"), 0o644),
		os.Mkdir(granted, 0o755),
		os.WriteFile(filepath.Join(granted, "in.txt"), []byte("inside"), 0o644),
		os.Symlink("../secret", filepath.Join(granted, "pre")),
	} {
		if err != nil {
			t.Fatal(err)
		}
	}
	dir := "--dir=" + granted + "::/data"
	if code, out, errOut := runCLI(t, "run", dir, probe, "cat", "/data/in.txt"); code != 0 || out != "inside" {
		t.Errorf("cat inside: exit %d, out %q, err %q", code, out, errOut)
	}
	if code, out, _ := runCLI(t, "run", dir, probe, "cat", "/data/pre"); code != 2 || strings.Contains(out, "SECRET") {
		t.Errorf("cat through a link to the outside: exit %d, out %q", code, out)
	}
	runCLI(t, "run", dir, probe, "symlink", "../secret", "/data/mine")
	if code, _, _ := runCLI(t, "run", dir, probe, "write", "/data/mine", "pwned"); code != 2 {
		t.Errorf("write through its own link to the outside: exit %d", code)
	}
	if b, _ := os.ReadFile(filepath.Join(top, "secret")); string(b) != "SECRET" {
		t.Errorf("secret is now %q", b)
	}
	if code, _, errOut := runCLI(t, "run", "--dir="+filepath.Join(top, "missing")+"::/data", probe, "cat", "/data/x"); code != 1 || !strings.Contains(errOut, "--dir") {
		t.Errorf("a missing directory: exit %d, err %q", code, errOut)
	}
}
