package componentize_test

import (
	"context"
	"os"
	"path/filepath"
	"testing"

	"github.com/wasifill/wasifill/internal/componentize"
	"github.com/wasifill/wasifill/internal/oracle"
	"github.com/wasifill/wasifill/internal/testenv"
)

// BenchmarkComponentize compares New with the wasm-tools oracle
// (wasm-tools 1.230 on wazero, compilation cached) doing the same job:
// embed + component new for all-types, component new --adapt for the
// hello command. Go modules have no oracle counterpart (wit-component
// cannot componentize them without manual post-link steps).
func BenchmarkComponentize(b *testing.B) {
	ctx := context.Background()
	core := readGuest(b, "all-types.core.wasm")
	w := world(b, "all-types")
	b.Run("all-types/wasifill", func(b *testing.B) {
		for b.Loop() {
			if _, err := componentize.New(core, componentize.Options{World: w}); err != nil {
				b.Fatal(err)
			}
		}
	})
	b.Run("all-types/wasm-tools", func(b *testing.B) {
		for b.Loop() {
			if _, err := oracle.ComponentNew(ctx, core, guests+"wit", "all-types"); err != nil {
				b.Fatal(err)
			}
		}
	})
	adapter := testenv.Adapter(b, "command")
	hello, err := os.ReadFile("../wasmbin/testdata/hello.core.wasm")
	if err != nil {
		b.Fatal(err)
	}
	b.Run("hello+adapter/wasifill", func(b *testing.B) {
		for b.Loop() {
			if _, err := componentize.New(hello, componentize.Options{Adapters: map[string][]byte{"wasi_snapshot_preview1": adapter}}); err != nil {
				b.Fatal(err)
			}
		}
	})
	dir := b.TempDir()
	if err := os.WriteFile(filepath.Join(dir, "hello.wasm"), hello, 0o644); err != nil {
		b.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(dir, "adapter.wasm"), adapter, 0o644); err != nil {
		b.Fatal(err)
	}
	b.Run("hello+adapter/wasm-tools", func(b *testing.B) {
		for b.Loop() {
			if _, err := oracle.Run(ctx, dir, "component", "new", "hello.wasm", "--adapt", "wasi_snapshot_preview1=adapter.wasm", "-o", "out.wasm"); err != nil {
				b.Fatal(err)
			}
		}
	})
	goCore := readGuest(b, "go-reactor.core.wasm")
	reactor := testenv.Adapter(b, "reactor")
	gw := world(b, "go-reactor")
	b.Run("go-reactor+adapter/wasifill", func(b *testing.B) {
		for b.Loop() {
			if _, err := componentize.New(goCore, componentize.Options{World: gw, Adapters: map[string][]byte{"wasi_snapshot_preview1": reactor}}); err != nil {
				b.Fatal(err)
			}
		}
	})
}
