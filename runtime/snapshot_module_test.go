package runtime

import (
	"bytes"
	"context"
	"math"
	"os"
	"runtime"
	"testing"

	"github.com/tetratelabs/wazero"
	"github.com/tetratelabs/wazero/api"
	"github.com/tetratelabs/wazero/experimental"
)

// snapshotState is what testdata/snapshot.wasm's exports report, and its
// whole memory.
type snapshotState struct {
	counter, fixed uint64
	wide           uint64
	single, double float64
	memory         []byte
}

func readState(t *testing.T, mod api.Module) snapshotState {
	t.Helper()
	get := func(name string) uint64 {
		out, err := mod.ExportedFunction(name).Call(context.Background())
		if err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		return out[0]
	}
	mem := mod.ExportedMemory("mem")
	b, _ := mem.Read(0, mem.Size())
	return snapshotState{counter: get("counter"), fixed: get("fixed"), wide: get("wide"),
		single: float64(math.Float32frombits(uint32(get("single")))), double: math.Float64frombits(get("double")),
		memory: append([]byte(nil), b...)}
}

func sameState(t *testing.T, what string, got, want snapshotState) {
	t.Helper()
	if !bytes.Equal(got.memory, want.memory) {
		t.Errorf("%s: memory differs (%d bytes, want %d)", what, len(got.memory), len(want.memory))
	}
	if got.counter != want.counter || got.fixed != want.fixed || got.wide != want.wide || got.single != want.single || got.double != want.double {
		t.Errorf("%s: state %+v, want %+v", what, got, want)
	}
}

// The instrumented module, with its data and start functions called after
// instantiation, ends in the state wazero gives the original module; an
// instance restored from that state's image is in it too without running
// anything, and changing one instance changes no other.
func TestInstrumentAndRestore(t *testing.T) {
	ctx := context.Background()
	wasm, wz, cfg := bareWazero(t, "testdata/snapshot.wasm")
	orig, err := wz.InstantiateWithConfig(ctx, wasm, cfg)
	if err != nil {
		t.Fatal(err)
	}
	want := readState(t, orig)
	if want.counter != 6 || want.wide != 0x123456789 || want.single != -2.25 || want.double != 3.125 || len(want.memory) != 4*65536 {
		t.Fatalf("the original's state after its start function: %+v", want)
	}

	inst, layout, err := prepareSnapshot(wasm)
	if err != nil {
		t.Fatal(err)
	}
	if !layout.memory || !layout.start || !layout.data || len(layout.globals) != 4 || layout.unsupported != "" {
		t.Fatalf("layout = %+v", layout)
	}
	cm, err := wz.CompileModule(ctx, inst)
	if err != nil {
		t.Fatal(err)
	}
	probe, err := wz.InstantiateModule(ctx, cm, cfg)
	if err != nil {
		t.Fatal(err)
	}
	if b, _ := probe.ExportedMemory("mem").Read(16, 5); string(b) != "\x00\x00\x00\x00\x00" {
		t.Errorf("memory at instantiation holds %q: the data segments were applied", b)
	}
	s := &state{name: "test"}
	if err := s.initCore(ctx, layout, nil, probe); err != nil {
		t.Fatal(err)
	}
	sameState(t, "instrumented, initialized", readState(t, probe), want)

	img, err := capture(layout, probe)
	if err != nil {
		t.Fatal(err)
	}
	// Restored both ways: mapping the image (on Linux) and copying it.
	copied := &image{memory: img.memory, globals: img.globals}
	if img.file == nil && runtime.GOOS == "linux" {
		t.Error("the image has no file to map")
	}
	for _, img := range []*image{img, copied} {
		restoreFrom(t, ctx, wz, cm, cfg, s, layout, img, probe, want)
	}
}

func restoreFrom(t *testing.T, ctx context.Context, wz wazero.Runtime, cm wazero.CompiledModule, cfg wazero.ModuleConfig,
	s *state, layout *snapLayout, img *image, probe api.Module, want snapshotState) {
	restore := func() api.Module {
		mod, err := wz.InstantiateModule(experimental.WithMemoryAllocator(ctx, img), cm, cfg)
		if err != nil {
			t.Fatal(err)
		}
		if err := s.initCore(ctx, layout, img, mod); err != nil {
			t.Fatal(err)
		}
		return mod
	}
	a := restore()
	sameState(t, "restored", readState(t, a), want)
	if _, err := a.ExportedFunction("bump").Call(ctx); err != nil {
		t.Fatal(err)
	}
	if got := readState(t, a); got.counter != 7 || got.memory[16] != 'H' {
		t.Fatalf("after bump: counter %d, memory[16] %q", got.counter, got.memory[16])
	}
	sameState(t, "restored after another instance changed", readState(t, restore()), want)
	sameState(t, "the probe after another instance changed", readState(t, probe), want)
}

// A module with no memory, globals, data or start is left as it is.
func TestInstrumentLeavesPlainModules(t *testing.T) {
	wasm := []byte{0, 'a', 's', 'm', 1, 0, 0, 0}
	out, layout, err := prepareSnapshot(wasm)
	if err != nil || !bytes.Equal(out, wasm) || layout.memory || layout.start || layout.data || len(layout.globals) != 0 {
		t.Fatalf("prepareSnapshot(empty) = %x, %+v, %v", out, layout, err)
	}
}

// Malformed sections are errors, not panics.
func TestInstrumentRejectsMalformed(t *testing.T) {
	for _, body := range [][]byte{
		{6, 3, 1, 0x7f, 1},                // a global with no initializer
		{6, 5, 1, 0x7f, 1, 0x99, 0x0b},    // an unknown opcode in it
		{11, 4, 1, 0, 0x41, 0},            // a data segment with no end
		{11, 6, 1, 0, 0x41, 0, 0x0b, 100}, // one longer than its section
		{11, 2, 0xff, 0xff},               // a bad count
	} {
		wasm := append([]byte{0, 'a', 's', 'm', 1, 0, 0, 0}, body...)
		if _, _, err := prepareSnapshot(wasm); err == nil {
			t.Errorf("prepareSnapshot(%x) succeeded", body)
		}
	}
}

// bareWazero reads the module at path and returns it with a plain wazero
// runtime, closed when the test ends, and a configuration for anonymous
// instances: the original module's behaviour to compare with.
func bareWazero(t *testing.T, path string) ([]byte, wazero.Runtime, wazero.ModuleConfig) {
	t.Helper()
	wasm, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	ctx := context.Background()
	wz := wazero.NewRuntime(ctx)
	t.Cleanup(func() { wz.Close(ctx) })
	return wasm, wz, wazero.NewModuleConfig().WithName("")
}
