package main

import (
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
)

// A `//go:generate wasifill gen go ...` line works: go generate runs the
// built CLI, the generated guest bindings build for wasip1 with the user's
// code, and --check in the same line's shape passes on fresh output.
func TestGoGenerateLine(t *testing.T) {
	dir := t.TempDir()
	bin := filepath.Join(dir, "bin", "wasifill")
	build := exec.Command("go", "build", "-o", bin, ".")
	if out, err := build.CombinedOutput(); err != nil {
		t.Fatalf("building wasifill: %v\n%s", err, out)
	}
	wit, err := filepath.Abs("../../docs/examples/kv/wit")
	if err != nil {
		t.Fatal(err)
	}
	app := filepath.Join(dir, "app")
	files := map[string]string{
		"go.mod": "module app\n\ngo 1.26\n",
		"main.go": `package main

//go:generate ` + bin + ` gen go --wit ` + wit + ` --world app --guest --package bindings --out bindings

import "app/bindings"

type app struct{}

func (app) Greet(name string) string { return "hello, " + name }

func init() { bindings.RegisterApp(app{}) }

func main() {}
`,
	}
	for name, text := range files {
		os.MkdirAll(app, 0o755)
		if err := os.WriteFile(filepath.Join(app, name), []byte(text), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	run := func(env []string, name string, args ...string) {
		t.Helper()
		cmd := exec.Command(name, args...)
		cmd.Dir = app
		cmd.Env = append(os.Environ(), env...)
		if out, err := cmd.CombinedOutput(); err != nil {
			t.Fatalf("%s %s: %v\n%s", name, strings.Join(args, " "), err, out)
		}
	}
	run(nil, "go", "generate", "./...")
	if _, err := os.Stat(filepath.Join(app, "bindings", "bindings.go")); err != nil {
		t.Fatalf("go generate wrote no bindings: %v", err)
	}
	wasip1 := []string{"GOOS=wasip1", "GOARCH=wasm", "GOFLAGS=-buildvcs=false"}
	run(wasip1, "go", "vet", "./...")
	run(wasip1, "go", "build", "-buildmode=c-shared", "-o", "app.wasm", ".")
	run(nil, bin, "gen", "go", "--wit", wit, "--world", "app", "--guest", "--package", "bindings", "--out", "bindings", "--check")
}
