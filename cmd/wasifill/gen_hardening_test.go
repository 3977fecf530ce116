package main

import (
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/wasifill/wasifill/internal/filltest"
)

// Every generator mode takes a WIT without type definitions and one whose
// function returns an empty record (no core values); what it writes
// compiles: the Go guest bindings and fills vetted for wasip1, the host
// bindings against this module, the Rust fills with Debian's rustc.
func TestGenTypelessAndEmptyRecord(t *testing.T) {
	root, err := filepath.Abs("../..")
	if err != nil {
		t.Fatal(err)
	}
	wasip1 := t.TempDir()
	host := t.TempDir()
	write := func(path, text string) {
		t.Helper()
		if err := os.WriteFile(path, []byte(text), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	write(filepath.Join(wasip1, "go.mod"), "module user\n\ngo 1.26\n")
	write(filepath.Join(host, "go.mod"), "module user\n\ngo 1.26\n\nrequire github.com/wasifill/wasifill v0.0.0\n\nreplace github.com/wasifill/wasifill => "+root+"\n")
	sum, err := os.ReadFile(filepath.Join(root, "go.sum"))
	if err != nil {
		t.Fatal(err)
	}
	write(filepath.Join(host, "go.sum"), string(sum))
	var rust []string
	for _, wit := range []string{"gen-no-types", "gen-empty-record"} {
		for _, mode := range [][]string{
			{"go", "--host"}, {"go", "--guest"}, {"go", "--fill", "import"}, {"go", "--fill", "export"},
			{"rust", "--fill", "import"}, {"rust", "--fill", "export"},
		} {
			name := strings.ReplaceAll(wit+strings.Join(mode, ""), "-", "_")
			var out string
			switch {
			case mode[0] == "rust":
				out = filepath.Join(t.TempDir(), name)
				rust = append(rust, out)
			case mode[1] == "--host":
				out = filepath.Join(host, name)
			default:
				out = filepath.Join(wasip1, name)
			}
			args := append(append([]string{"gen"}, mode...), "--wit", "testdata/"+wit+".wit", "--out", out)
			if mode[0] == "go" {
				args = append(args, "--package", name)
			}
			if code, _, errOut := runCLI(t, args...); code != 0 {
				t.Errorf("%s: exit %d, stderr %q", strings.Join(args, " "), code, errOut)
			}
		}
	}
	for _, c := range []struct {
		dir string
		env []string
	}{{wasip1, []string{"GOOS=wasip1", "GOARCH=wasm"}}, {host, nil}} {
		cmd := exec.Command("go", "vet", "./...")
		cmd.Dir, cmd.Env = c.dir, append(os.Environ(), append(c.env, "GOFLAGS=-buildvcs=false -mod=mod")...)
		if out, err := cmd.CombinedOutput(); err != nil {
			t.Errorf("go vet %v: %v\n%s", c.env, err, out)
		}
	}
	rustc := filltest.Tool(t, "/usr/bin/rustc", "scripts/install-tools.sh installs Debian's rustc and libstd-rust-dev-wasm32")
	for _, dir := range rust {
		cmd := exec.Command(rustc, "--edition", "2021", "--crate-type", "cdylib", "--target", "wasm32-unknown-unknown",
			"-C", "panic=abort", "-o", "fill.wasm", "lib.rs")
		cmd.Dir = dir
		if out, err := cmd.CombinedOutput(); err != nil || len(out) > 0 {
			t.Errorf("rustc %s: %v\n%s", filepath.Base(dir), err, out)
		}
	}
}
