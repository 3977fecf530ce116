package testenv

import (
	"os"
	"os/exec"
	"path/filepath"
	"testing"
)

// ReadFile returns the contents of the file at path, failing the test when
// it cannot be read.
func ReadFile(t testing.TB, path string) []byte {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// WriteFiles writes files (slash-separated paths to contents) into a new
// temporary directory, removed when the test ends, and returns it.
func WriteFiles(t testing.TB, files map[string][]byte) string {
	t.Helper()
	dir := t.TempDir()
	for name, b := range files {
		p := filepath.Join(dir, filepath.FromSlash(name))
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(p, b, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	return dir
}

// BuildWasip1 builds the Go main package of a module, files with its
// go.mod at the top, for GOOS=wasip1 as a c-shared (reactor) core module
// and returns the module; it vets every package of the module as well.
func BuildWasip1(t testing.TB, files map[string][]byte) []byte {
	t.Helper()
	dir := WriteFiles(t, files)
	env := append(os.Environ(), "GOOS=wasip1", "GOARCH=wasm", "GOFLAGS=-buildvcs=false", "CGO_ENABLED=0")
	build := exec.Command("go", "build", "-buildmode=c-shared", "-o", "out.core.wasm", ".")
	build.Dir, build.Env = dir, env
	if out, err := build.CombinedOutput(); err != nil {
		t.Fatalf("go build (wasip1): %v\n%s", err, out)
	}
	vet := exec.Command("go", "vet", "./...")
	vet.Dir, vet.Env = dir, env
	if out, err := vet.CombinedOutput(); err != nil {
		t.Errorf("go vet (wasip1): %v\n%s", err, out)
	}
	return ReadFile(t, filepath.Join(dir, "out.core.wasm"))
}

// Seeds returns the contents of the files matching pattern that are at
// most maxSize bytes (fuzz seeds small enough to mutate quickly), failing
// the test when one cannot be read.
func Seeds(t testing.TB, pattern string, maxSize int) [][]byte {
	t.Helper()
	files, err := filepath.Glob(pattern)
	if err != nil {
		t.Fatal(err)
	}
	var out [][]byte
	for _, file := range files {
		if b := ReadFile(t, file); len(b) <= maxSize {
			out = append(out, b)
		}
	}
	return out
}
