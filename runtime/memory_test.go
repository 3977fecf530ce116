package runtime_test

import (
	"context"
	"errors"
	"os"
	"testing"
	"time"

	"github.com/wasifill/wasifill/compose"
	"github.com/wasifill/wasifill/internal/componentize"
	"github.com/wasifill/wasifill/internal/testenv"
	"github.com/wasifill/wasifill/runtime"
	"github.com/wasifill/wasifill/value"
)

// grower instantiates testdata/memory/<name>.wasm (world grower) on rt.
func grower(t *testing.T, rt *runtime.Runtime, name string) (*runtime.Instance, error) {
	t.Helper()
	ctx := context.Background()
	core, err := os.ReadFile("testdata/memory/" + name + ".wasm")
	if err != nil {
		t.Fatal(err)
	}
	wit, world := testenv.WIT(t, "testdata/memory", "grower")
	c, err := rt.CompileCore(ctx, core, wit, world)
	if err != nil {
		t.Fatal(err)
	}
	inst, err := rt.Instantiate(ctx, c)
	if inst != nil {
		t.Cleanup(func() { inst.Close(ctx) })
	}
	return inst, err
}

// grow calls grow(pages) and returns memory.grow's result.
func grow(t *testing.T, ctx context.Context, inst *runtime.Instance, pages uint32) int32 {
	t.Helper()
	out, err := inst.Call(ctx, "grow", value.Value(pages))
	if err != nil {
		t.Fatalf("grow(%d): %v", pages, err)
	}
	return out[0].(int32)
}

// One memory.grow of almost 1 GiB completes within a 300 ms deadline
// (it reserves, it does not commit: with memory zeroed and copied on
// growth it took seconds), and the memory works at its far end.
func TestGrowIsLazy(t *testing.T) {
	rt := newRuntime(t)
	inst, err := grower(t, rt, "grower")
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 300*time.Millisecond)
	defer cancel()
	if got := grow(t, ctx, inst, runtime.DefaultMemoryLimitPages-1); got != 1 {
		t.Fatalf("grow(16383) = %d, want 1 (the old size)", got)
	}
	if out, err := inst.Call(context.Background(), "touch", uint32(runtime.DefaultMemoryLimitPages-2), uint32(2)); err != nil || out[0] != uint32(2) {
		t.Fatalf("touch of the last two pages: %v, %v", out, err)
	}
	// The per-memory cap holds: one page more is refused.
	if got := grow(t, context.Background(), inst, 1); got != -1 {
		t.Errorf("grow past the memory limit = %d, want -1", got)
	}
}

// The memories of one instance tree share its budget: growth past it
// fails as the spec allows (memory.grow = -1), below it succeeds.
func TestInstanceMemoryBudget(t *testing.T) {
	rt := newRuntime(t, runtime.WithMemoryBudget(64<<20, 0))
	inst, err := grower(t, rt, "grower")
	if err != nil {
		t.Fatal(err)
	}
	ctx := context.Background()
	if got := grow(t, ctx, inst, 1024); got != -1 { // 1 + 1024 pages > 64 MiB
		t.Errorf("grow(1024) past a 64 MiB budget = %d, want -1", got)
	}
	if got := grow(t, ctx, inst, 1023); got != 1 { // exactly 64 MiB
		t.Errorf("grow(1023) to the 64 MiB budget = %d, want 1", got)
	}
	if got := grow(t, ctx, inst, 1); got != -1 {
		t.Errorf("grow(1) past the budget = %d, want -1", got)
	}
	// A memory that starts past the budget does not instantiate.
	_, err = grower(t, rt, "big-grower")
	var be *runtime.MemoryBudgetError
	if !errors.As(err, &be) || be.Budget != "instance" || be.Limit != 64<<20 || be.Asked != 128<<20 {
		t.Errorf("a 128 MiB memory under a 64 MiB budget: %v", err)
	}
}

// The memories of all the runtime's instances share the host budget;
// closing an instance gives its memory back.
func TestHostMemoryBudget(t *testing.T) {
	rt := newRuntime(t, runtime.WithMemoryBudget(0, 100<<20))
	ctx := context.Background()
	a, err := grower(t, rt, "grower")
	if err != nil {
		t.Fatal(err)
	}
	b, err := grower(t, rt, "grower")
	if err != nil {
		t.Fatal(err)
	}
	if got := grow(t, ctx, a, 1024); got != 1 {
		t.Fatalf("a: grow(1024) = %d, want 1", got)
	}
	if got := grow(t, ctx, b, 1024); got != -1 {
		t.Errorf("b: grow(1024) with a holding 64 MiB of 100 = %d, want -1", got)
	}
	if _, err := grower(t, rt, "big-grower"); !errors.As(err, new(*runtime.MemoryBudgetError)) {
		t.Errorf("a 128 MiB memory past the host budget: %v", err)
	}
	a.Close(ctx)
	if got := grow(t, ctx, b, 1024); got != 1 {
		t.Errorf("b: grow(1024) once a is closed = %d, want 1", got)
	}
	if n := rt.OpenInstances(); n != 1 {
		t.Errorf("%d instances open, want 1 (b)", n)
	}
	if used := rt.MemoryInUse(); used != 1025<<16 {
		t.Errorf("MemoryInUse = %d, want b's 1025 pages", used)
	}
	b.Close(ctx)
	if used := rt.MemoryInUse(); used != 0 {
		t.Errorf("MemoryInUse = %d once all are closed", used)
	}
}

// The two memories of one instance tree (outer composed with inner, each
// with its own memory) share the tree's budget: what outer holds, inner
// cannot grow into. A second tree has a budget of its own.
func TestMemoriesOfATreeShareItsBudget(t *testing.T) {
	dir := "testdata/memory/"
	component := func(name string) []byte {
		core, err := os.ReadFile(dir + name + ".wasm")
		if err != nil {
			t.Fatal(err)
		}
		b, err := componentize.New(core, componentize.Options{World: testenv.World(t, dir, name)})
		if err != nil {
			t.Fatal(err)
		}
		return b
	}
	app, err := compose.Plug(compose.Part{Name: "outer", Bytes: component("outer")}, []compose.Part{{Name: "inner", Bytes: component("inner")}})
	if err != nil {
		t.Fatal(err)
	}
	ctx := context.Background()
	rt := newRuntime(t, runtime.WithMemoryBudget(64<<20, 0))
	c, err := rt.Compile(ctx, app.Bytes)
	if err != nil {
		t.Fatal(err)
	}
	both := func(inst *runtime.Instance, pages uint32) int32 {
		t.Helper()
		out, err := inst.Call(ctx, "grow-both", pages)
		if err != nil {
			t.Fatalf("grow-both(%d): %v", pages, err)
		}
		return out[0].(int32)
	}
	for i := range 2 {
		inst, err := rt.Instantiate(ctx, c)
		if err != nil {
			t.Fatal(err)
		}
		defer inst.Close(ctx)
		// 1 + 1 pages to start; 600 more each would be 1202 pages, past
		// the 1024 of 64 MiB: outer's growth fits, inner's is refused.
		if got := both(inst, 600); got != -1 {
			t.Errorf("tree %d: grow-both(600) under a 64 MiB tree budget = %d, want -1 (inner refused)", i, got)
		}
		if got := both(inst, 200); got != 1 { // 601+200 + 1+200 = 1002 pages
			t.Errorf("tree %d: grow-both(200) = %d, want 1", i, got)
		}
	}
}
