package main

import (
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
)

// Input files that never end or never open (devices, FIFOs) are refused
// at once with a clear error, wherever a command reads one; files over
// their kind's limit too.
func TestUnboundedInputs(t *testing.T) {
	dir := t.TempDir()
	fifo := filepath.Join(dir, "pipe.wasm")
	if err := syscall.Mkfifo(fifo, 0o644); err != nil {
		t.Fatal(err)
	}
	// A WIT package whose deps/ holds a FIFO.
	pkg := filepath.Join(dir, "pkg")
	must := func(err error) {
		t.Helper()
		if err != nil {
			t.Fatal(err)
		}
	}
	must(os.MkdirAll(filepath.Join(pkg, "deps"), 0o755))
	must(os.WriteFile(filepath.Join(pkg, "a.wit"), []byte("package a:b;\ninterface i { f: func(); }\n"), 0o644))
	must(syscall.Mkfifo(filepath.Join(pkg, "deps", "dep.wit"), 0o644))
	// A wasifill.yaml naming /dev/zero, and /dev/zero as the file.
	config := filepath.Join(dir, "wasifill.yaml")
	must(os.WriteFile(config, []byte("components:\n  app:\n    path: /dev/zero\n"), 0o644))
	big := filepath.Join(dir, "big.wasm")
	must(os.WriteFile(big, make([]byte, 64), 0o644))

	cases := []struct {
		args []string
		want string
	}{
		{[]string{"inspect", "/dev/zero"}, "/dev/zero: a device, not a regular file"},
		{[]string{"inspect", fifo}, "a named pipe (FIFO), not a regular file"},
		{[]string{"wit", "/dev/zero"}, "/dev/zero: a device, not a regular file"},
		{[]string{"wit", pkg}, "dep.wit: a named pipe (FIFO)"},
		{[]string{"componentize", "/dev/zero", "-o", filepath.Join(dir, "out.wasm")}, "a device"},
		{[]string{"run", "/dev/zero"}, "a device"},
		{[]string{"call", "--config", config, "app", "f()"}, "component app: /dev/zero: a device"},
		{[]string{"call", "--config", "/dev/zero", "app", "f()"}, "/dev/zero: a device"},
		{[]string{"call", "--config", fifo, "app", "f()"}, "FIFO"},
		{[]string{"compose", big, "--plug", "/dev/zero", "-o", filepath.Join(dir, "x.wasm")}, "a device"},
		{[]string{"decode", "--wit", "/dev/zero", "--interface", "a:b/i", "--type", "u8", "00"}, "a device"},
	}
	for _, c := range cases {
		code, _, errOut := runCLI(t, c.args...)
		if code != 1 || !strings.Contains(errOut, c.want) {
			t.Errorf("%v: exit %d, stderr %q; want %q", c.args, code, errOut, c.want)
		}
	}
	t.Setenv("WASIFILL_MAX_WASM_BYTES", "63")
	if code, _, errOut := runCLI(t, "inspect", big); code != 1 || !strings.Contains(errOut, "larger than the 63-byte limit for a wasm binary") {
		t.Errorf("over the limit: exit %d, stderr %q", code, errOut)
	}
}
