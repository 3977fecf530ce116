package safeio

import (
	"errors"
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"
)

func TestReadFile(t *testing.T) {
	dir := t.TempDir()
	small := filepath.Join(dir, "small.wit")
	if err := os.WriteFile(small, []byte("package a:b;"), 0o644); err != nil {
		t.Fatal(err)
	}
	if b, err := ReadFile(small, WIT); err != nil || string(b) != "package a:b;" {
		t.Fatalf("ReadFile = %q, %v", b, err)
	}
	if b, err := ReadFileLimit(small, 12); err != nil || len(b) != 12 {
		t.Errorf("exactly at the limit: %q, %v", b, err)
	}
	var tl *TooLargeError
	if _, err := ReadFileLimit(small, 11); !errors.As(err, &tl) || tl.Limit != 11 {
		t.Errorf("one byte over: %v", err)
	}
	t.Setenv("WASIFILL_MAX_WIT_BYTES", "5")
	if _, err := ReadFile(small, WIT); !errors.As(err, &tl) || !strings.Contains(err.Error(), "WASIFILL_MAX_WIT_BYTES") {
		t.Errorf("over an env limit: %v", err)
	}
	t.Setenv("WASIFILL_MAX_WIT_BYTES", "-1")
	if _, err := ReadFile(small, WIT); err == nil || !strings.Contains(err.Error(), "positive") {
		t.Errorf("a bad env limit: %v", err)
	}
	t.Setenv("WASIFILL_MAX_WIT_BYTES", "")

	var nr *NotRegularError
	for _, p := range []string{"/dev/zero", dir} {
		if _, err := os.Stat(p); err != nil {
			continue
		}
		if _, err := ReadFile(p, Wasm); !errors.As(err, &nr) {
			t.Errorf("%s: %v, want a NotRegularError", p, err)
		}
	}
	// A FIFO with no writer: refused at once, not a hang.
	fifo := filepath.Join(dir, "pipe.wit")
	if err := syscall.Mkfifo(fifo, 0o644); err != nil {
		t.Fatal(err)
	}
	done := make(chan error, 1)
	go func() { _, err := ReadFile(fifo, WIT); done <- err }()
	select {
	case err := <-done:
		if !errors.As(err, &nr) || !strings.Contains(err.Error(), "FIFO") {
			t.Errorf("FIFO: %v", err)
		}
	case <-time.After(30 * time.Second):
		t.Fatal("reading a FIFO blocked")
	}
	if _, err := ReadFile(filepath.Join(dir, "missing"), Config); !os.IsNotExist(err) {
		t.Errorf("missing: %v", err)
	}
}
