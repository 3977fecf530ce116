// Package oracle runs wasm-tools 1.230 — compiled to wasm and shipped inside
// the go.bytecodealliance.org v0.7.0 module — on wazero, as the independent
// reference tests compare against. Only its `component` subcommands exist
// (wit, embed, new, targets).
package oracle

import (
	"bytes"
	"compress/gzip"
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"

	"github.com/tetratelabs/wazero"
	"github.com/tetratelabs/wazero/imports/wasi_snapshot_preview1"
	"github.com/tetratelabs/wazero/sys"
)

// Module is the Go module that carries the oracle, and its version.
const Module = "go.bytecodealliance.org@v0.7.0"

var (
	load     sync.Once
	runtime  wazero.Runtime
	compiled wazero.CompiledModule
	loadErr  error
)

// wasmPath finds wasm-tools.wasm.gz in the module cache (the pinned
// version, so it works from any directory).
func wasmPath() (string, error) {
	out, err := exec.Command("go", "env", "GOMODCACHE").Output()
	if err != nil {
		return "", fmt.Errorf("oracle: locating the module cache: %w", err)
	}
	path := filepath.Join(strings.TrimSpace(string(out)), Module, "internal", "wasmtools", "wasm-tools.wasm.gz")
	if _, err := os.Stat(path); err != nil {
		return "", fmt.Errorf("oracle: %s is not in the module cache (run go mod download): %w", Module, err)
	}
	return path, nil
}

func setup(ctx context.Context) error {
	load.Do(func() {
		path, err := wasmPath()
		if err != nil {
			loadErr = err
			return
		}
		gz, err := os.ReadFile(path)
		if err != nil {
			loadErr = fmt.Errorf("oracle: %w", err)
			return
		}
		r, err := gzip.NewReader(bytes.NewReader(gz))
		if err != nil {
			loadErr = fmt.Errorf("oracle: %w", err)
			return
		}
		wasm, err := io.ReadAll(r)
		if err != nil {
			loadErr = fmt.Errorf("oracle: %w", err)
			return
		}
		cache, err := wazero.NewCompilationCacheWithDir(filepath.Join(os.TempDir(), "wasifill-oracle-cache"))
		if err != nil {
			cache = wazero.NewCompilationCache()
		}
		runtime = wazero.NewRuntimeWithConfig(ctx, wazero.NewRuntimeConfig().WithCompilationCache(cache))
		if _, err := wasi_snapshot_preview1.Instantiate(ctx, runtime); err != nil {
			loadErr = fmt.Errorf("oracle: WASI: %w", err)
			return
		}
		compiled, loadErr = runtime.CompileModule(ctx, wasm)
	})
	return loadErr
}

// ExitError is a non-zero exit of wasm-tools, with what it printed.
type ExitError struct {
	Code   uint32
	Stderr string
}

func (e *ExitError) Error() string {
	return fmt.Sprintf("wasm-tools exited %d: %s", e.Code, strings.TrimSpace(e.Stderr))
}

// Run runs `wasm-tools ARGS...` with dir mounted as the root directory, so
// paths in args are relative to dir, and returns its standard output.
func Run(ctx context.Context, dir string, args ...string) ([]byte, error) {
	if err := setup(ctx); err != nil {
		return nil, err
	}
	var stdout, stderr bytes.Buffer
	cfg := wazero.NewModuleConfig().
		WithName("").
		WithArgs(append([]string{"wasm-tools"}, args...)...).
		WithStdout(&stdout).WithStderr(&stderr).
		WithFSConfig(wazero.NewFSConfig().WithDirMount(dir, "/"))
	mod, err := runtime.InstantiateModule(ctx, compiled, cfg)
	if mod != nil {
		mod.Close(ctx)
	}
	var exit *sys.ExitError
	if errors.As(err, &exit) {
		if exit.ExitCode() == 0 {
			return stdout.Bytes(), nil
		}
		return nil, &ExitError{Code: exit.ExitCode(), Stderr: stderr.String()}
	}
	if err != nil {
		return nil, fmt.Errorf("oracle: %w", err)
	}
	return stdout.Bytes(), nil
}

// ComponentNew embeds the WIT world of witDir into the core module and makes
// a component of it (`wasm-tools component embed` then `component new`).
func ComponentNew(ctx context.Context, core []byte, witDir, world string) ([]byte, error) {
	embedded, err := Embed(ctx, core, witDir, world)
	if err != nil {
		return nil, err
	}
	dir, err := os.MkdirTemp("", "wasifill-oracle-")
	if err != nil {
		return nil, err
	}
	defer os.RemoveAll(dir)
	if err := os.WriteFile(filepath.Join(dir, "embedded.wasm"), embedded, 0o644); err != nil {
		return nil, err
	}
	if _, err := Run(ctx, dir, "component", "new", "embedded.wasm", "-o", "component.wasm"); err != nil {
		return nil, err
	}
	return os.ReadFile(filepath.Join(dir, "component.wasm"))
}

// Embed embeds the WIT world of witDir into the core module as a
// component-type custom section (`wasm-tools component embed`).
func Embed(ctx context.Context, core []byte, witDir, world string) ([]byte, error) {
	dir, err := os.MkdirTemp("", "wasifill-oracle-")
	if err != nil {
		return nil, err
	}
	defer os.RemoveAll(dir)
	if err := copyDir(witDir, filepath.Join(dir, "wit")); err != nil {
		return nil, err
	}
	if err := os.WriteFile(filepath.Join(dir, "core.wasm"), core, 0o644); err != nil {
		return nil, err
	}
	if _, err := Run(ctx, dir, "component", "embed", "wit", "--world", world, "core.wasm", "-o", "embedded.wasm"); err != nil {
		return nil, err
	}
	return os.ReadFile(filepath.Join(dir, "embedded.wasm"))
}

// WIT prints the WIT a component carries (`wasm-tools component wit`).
func WIT(ctx context.Context, component []byte) (string, error) {
	dir, err := os.MkdirTemp("", "wasifill-oracle-")
	if err != nil {
		return "", err
	}
	defer os.RemoveAll(dir)
	if err := os.WriteFile(filepath.Join(dir, "c.wasm"), component, 0o644); err != nil {
		return "", err
	}
	out, err := Run(ctx, dir, "component", "wit", "c.wasm")
	return string(out), err
}

func copyDir(src, dst string) error {
	return filepath.WalkDir(src, func(path string, d os.DirEntry, err error) error {
		if err != nil {
			return err
		}
		rel, _ := filepath.Rel(src, path)
		target := filepath.Join(dst, rel)
		if d.IsDir() {
			return os.MkdirAll(target, 0o755)
		}
		b, err := os.ReadFile(path)
		if err != nil {
			return err
		}
		return os.WriteFile(target, b, 0o644)
	})
}
