package wasip2_test

import (
	"bytes"
	"context"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/wasifill/wasifill/runtime"
	"github.com/wasifill/wasifill/runtime/wasip2"
)

// A guest given one directory reaches nothing outside it: not through
// links it creates ("..", chains of "..", absolute targets), links that
// were there before, "..", absolute paths or hard links, whether it runs
// as a wasip1 core module (wazero's preview 1) or as a component (the
// preview1 adapter over the WASI 0.2 filesystem). Links that stay inside
// still work.
func TestConfinement(t *testing.T) {
	core, err := os.ReadFile("testdata/fsprobe.core.wasm")
	if err != nil {
		t.Fatal(err)
	}
	for _, variant := range []struct {
		name string
		wasm []byte
	}{
		{"core", core},
		{"component", componentizeCore(t, "testdata/fsprobe.core.wasm", "command")},
	} {
		t.Run(variant.name, func(t *testing.T) {
			top := t.TempDir()
			secret := filepath.Join(top, "secret.txt")
			granted := filepath.Join(top, "granted")
			must(t, os.WriteFile(secret, []byte("SECRET"), 0o644))
			must(t, os.Mkdir(granted, 0o755))
			must(t, os.WriteFile(filepath.Join(granted, "in.txt"), []byte("inside"), 0o644))
			// Links that were there before the guest ran.
			must(t, os.Symlink("../secret.txt", filepath.Join(granted, "pre")))
			must(t, os.Symlink("..", filepath.Join(granted, "updir")))
			must(t, os.Symlink(secret, filepath.Join(granted, "abs")))
			must(t, os.Symlink("../new.txt", filepath.Join(granted, "dangling")))
			must(t, os.Symlink("in.txt", filepath.Join(granted, "inlink")))
			pre := []wasip2.Preopen{{Host: granted, Guest: "/data"}}
			probe := func(args ...string) (int, string, string) {
				t.Helper()
				return runTrap(t, variant.wasm, pre, append([]string{"fsprobe"}, args...)...)
			}
			// Controls: inside reads work, through a link too.
			for _, p := range []string{"/data/in.txt", "/data/inlink"} {
				if code, out, errOut := probe("cat", p); code != 0 || out != "inside" {
					t.Errorf("cat %s: exit %d, out %q, err %q", p, code, out, errOut)
				}
			}
			// (The WASI 0.2 host has no symlink-at: the component traps.)
			if code, _, errOut := probe("symlink", "in.txt", "/data/mine"); code != 0 && variant.name == "core" {
				t.Errorf("symlink inside: exit %d, err %q", code, errOut)
			} else if code == 0 {
				if code, out, _ := probe("cat", "/data/mine"); code != 0 || out != "inside" {
					t.Errorf("cat through own inside link: exit %d, out %q", code, out)
				}
			}
			// Links the guest makes to the outside: creating one may
			// succeed, following it must not.
			probe("symlink", "../secret.txt", "/data/esc")
			probe("symlink", "../../../../../../../../../../"+strings.TrimPrefix(secret, "/"), "/data/chain")
			probe("symlink", "updir/secret.txt", "/data/viaupdir")
			probe("symlink", secret, "/data/absmine")
			for _, p := range []string{
				"/data/pre", "/data/updir/secret.txt", "/data/abs", "/data/esc", "/data/chain",
				"/data/viaupdir", "/data/absmine", "/data/../secret.txt", "/data/updir/granted/../secret.txt",
				secret, "/" + filepath.Base(top) + "/secret.txt",
			} {
				if code, out, _ := probe("cat", p); code == 0 || strings.Contains(out, "SECRET") {
					t.Errorf("cat %s escaped: exit %d, out %q", p, code, out)
				}
			}
			// Writes through links or ".." change nothing outside.
			writes := []string{"/data/pre", "/data/dangling", "/data/updir/new.txt", "/data/../new.txt"}
			if fi, err := os.Lstat(filepath.Join(granted, "esc")); err == nil && fi.Mode()&os.ModeSymlink != 0 {
				writes = append(writes, "/data/esc")
			}
			for _, p := range writes {
				if code, _, _ := probe("write", p, "pwned"); code == 0 {
					t.Errorf("write %s: exit 0", p)
				}
			}
			if b, _ := os.ReadFile(secret); string(b) != "SECRET" {
				t.Errorf("secret.txt is now %q", b)
			}
			if _, err := os.Lstat(filepath.Join(top, "new.txt")); err == nil {
				t.Errorf("a write through a link created a file outside the directory")
			}
			// Hard links: to an outside file (by "..", by link, by an
			// absolute path) are refused; a link made from an inside
			// symlink does not reach the outside file either.
			for _, old := range []string{"/data/../secret.txt", "/data/updir/secret.txt", secret} {
				if code, _, _ := probe("link", old, "/data/hard"); code == 0 {
					t.Errorf("link %s: exit 0", old)
				}
			}
			probe("link", "/data/pre", "/data/hard2")
			if code, out, _ := probe("cat", "/data/hard2"); code == 0 || strings.Contains(out, "SECRET") {
				t.Errorf("cat through a hard link of an outside link: exit %d, out %q", code, out)
			}
			if fi, err := os.Stat(secret); err != nil || fi.Sys() == nil {
				t.Fatal(err)
			} else if n := nlink(fi); n != 1 {
				t.Errorf("secret.txt has %d links: a hard link reached it", n)
			}
		})
	}
}

// runTrap is runWith where a trap counts as a refusal (exit 1): the
// WASI 0.2 host traps on the filesystem functions it leaves out
// (symlink-at, link-at).
func runTrap(t *testing.T, wasm []byte, preopens []wasip2.Preopen, args ...string) (int, string, string) {
	t.Helper()
	var stdout, stderr bytes.Buffer
	inst := instantiate(t, wasm, wasip2.Config{Args: args, Stdout: &stdout, Stderr: &stderr, Preopens: preopens})
	code, err := wasip2.Run(context.Background(), inst)
	var trap *runtime.TrapError
	if errors.As(err, &trap) {
		return 1, stdout.String(), err.Error()
	}
	if err != nil {
		t.Fatalf("run: %v", err)
	}
	return code, stdout.String(), stderr.String()
}

func must(t *testing.T, err error) {
	t.Helper()
	if err != nil {
		t.Fatal(err)
	}
}
