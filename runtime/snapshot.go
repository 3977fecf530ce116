package runtime

import (
	"context"
	"fmt"
	"sync"

	"github.com/tetratelabs/wazero/api"

	"github.com/wasifill/wasifill/internal/wasmbin"
)

// Pre-initialized instances. Preinitialize instantiates a component once,
// letting its initialization run (core start functions, which is where a
// composed component calls _initialize: Go's runtime start and package
// initializers, a C reactor's constructors), captures the state of every
// core instance — linear memory and mutable globals, read through the
// exports instrumentation added (snapshot_module.go) — and returns a
// Compiled that carries that image. Each instance of it is wazero's
// instantiation of the same compiled modules, with the image in place of
// data segments and start functions (memory mapped copy-on-write, or
// copied: snapshot_mem*.go): initialization never runs again, and
// nothing is compiled again.

// SnapshotError is a component whose initialization cannot be captured:
// instantiate it normally (the Compiled passed to Preinitialize is still
// good).
type SnapshotError struct{ Reason string }

func (e *SnapshotError) Error() string { return "runtime: preinitialize: " + e.Reason }

// snapRecorder notes, during the snapshot instantiation, which module
// instance each core module became and which handle tables the component
// instances own.
type snapRecorder struct {
	instances map[*wasmbin.Binary]api.Module
	twice     *wasmbin.Binary // a module instantiated more than once
	tables    []*handleTable
}

func (rec *snapRecorder) instance(bin *wasmbin.Binary, mod api.Module) {
	if _, ok := rec.instances[bin]; ok {
		rec.twice = bin
	}
	rec.instances[bin] = mod
}

// Preinitialize returns c pre-initialized: instances of the result start
// from the state c's initialization leaves, without running it. Call it
// once the host definitions the component imports are in place, outside
// any invocation's deadline (ctx bounds the initialization it runs).
//
// What a snapshot cannot capture makes it fail with a *SnapshotError:
// handles that exist when initialization ends (a resource, a stream, a
// file the guest opened and kept — host-side state that a copy of guest
// memory would refer to without owning), a core module instantiated more
// than once, mutable globals of reference or vector type, more than one
// memory per module. Tables are rebuilt from their element segments, as
// at any instantiation: initialization that changes a table (table.set,
// table.grow) is not captured, and none of the toolchains this runtime
// targets emits it. Passive data segments that initialization dropped
// are not dropped again.
//
// Everything initialization computed is shared by every instance of the
// result, random bytes it drew from the host included: a Go guest's map
// hash seed and the runtime's random state (map iteration order,
// math/rand's and math/rand/v2's top-level functions) are the same in
// every instance made from one snapshot. Randomness drawn after
// initialization (crypto/rand, wasi:random calls) stays fresh per call.
// Snapshots live in memory only, so these values still differ from one
// process to the next.
func (r *Runtime) Preinitialize(ctx context.Context, c *Compiled) (*Compiled, error) {
	rec := &snapRecorder{instances: map[*wasmbin.Binary]api.Module{}}
	hostHandles := r.handles.liveCount()
	inst, err := r.instantiateBudgeted(ctx, c, rec)
	if err != nil {
		return nil, err
	}
	defer inst.Close(ctx)
	if rec.twice != nil {
		return nil, &SnapshotError{"a core module is instantiated more than once"}
	}
	for _, t := range rec.tables {
		if n := t.liveCount(); n > 0 {
			return nil, &SnapshotError{fmt.Sprintf("initialization left %d handles in a component instance's table", n)}
		}
	}
	if n := r.handles.liveCount(); n != hostHandles {
		return nil, &SnapshotError{fmt.Sprintf("initialization left %d handles with the host", n-hostHandles)}
	}
	out := *c
	if c.core != nil {
		img, err := capture(c.core.layout, rec.instances[nil])
		if err != nil {
			return nil, err
		}
		p := *c.core
		p.image = img
		out.core = &p
		return &out, nil
	}
	out.modules = map[*wasmbin.Binary]*compiledModule{}
	for bin, cm := range c.modules {
		mod, ok := rec.instances[bin]
		if !ok {
			out.modules[bin] = cm // never instantiated: nothing to capture
			continue
		}
		img, err := capture(cm.layout, mod)
		if err != nil {
			return nil, err
		}
		ncm := *cm
		ncm.image = img
		out.modules[bin] = &ncm
	}
	return &out, nil
}

// image is one core instance's state after initialization.
type image struct {
	memory   []byte   // nil: the module defines no memory
	runs     [][2]int // the ranges of memory that are not zero (nonZero)
	runsOnce sync.Once
	globals  []uint64   // the values of the layout's globals
	file     *imageFile // the memory as a file to map (snapshot_mem*.go)
}

// dataGap is how many zero bytes may separate two runs of non-zero bytes
// before they become separate runs.
const dataGap = 64

// nonZero returns the runs of the image's memory that are not zero,
// found the first time an instance copies the image in.
func (img *image) nonZero() [][2]int {
	img.runsOnce.Do(func() {
		b := img.memory
		for lo := 0; lo < len(b); {
			for lo < len(b) && b[lo] == 0 {
				lo++
			}
			if lo == len(b) {
				break
			}
			hi, zeros := lo, 0
			for i := lo; i < len(b) && zeros < dataGap; i++ {
				if b[i] == 0 {
					zeros++
				} else {
					zeros, hi = 0, i+1
				}
			}
			img.runs = append(img.runs, [2]int{lo, hi})
			lo = hi
		}
	})
	return img.runs
}

// capture reads the state of a core instance.
func capture(l *snapLayout, mod api.Module) (*image, error) {
	if l.unsupported != "" {
		return nil, &SnapshotError{l.unsupported}
	}
	img := &image{globals: make([]uint64, len(l.globals))}
	for i, name := range l.globals {
		g := mod.ExportedGlobal(name)
		if g == nil {
			return nil, &SnapshotError{"an instrumented global is not exported"}
		}
		img.globals[i] = g.Get()
	}
	if !l.memory {
		return img, nil
	}
	m := mod.ExportedMemory(snapMemoryName)
	if m == nil {
		return nil, &SnapshotError{"the instrumented memory is not exported"}
	}
	b, ok := m.Read(0, m.Size())
	if !ok {
		return nil, &SnapshotError{"the memory cannot be read"}
	}
	img.memory = append([]byte(nil), b...)
	img.share()
	return img, nil
}

// initCore finishes a core instance's instantiation: it copies the image
// in, or else runs the start function (which instrumentation made an
// export).
func (s *state) initCore(ctx context.Context, l *snapLayout, img *image, mod api.Module) error {
	if img == nil {
		if l.segments != nil {
			if err := applySegments(l.segments, mod.ExportedMemory(snapMemoryName)); err != nil {
				return &TrapError{Component: s.name, Func: "data segment initialization", Err: err}
			}
		}
		if l.data {
			if _, err := mod.ExportedFunction(snapDataName).Call(ctx); err != nil {
				return &TrapError{Component: s.name, Func: "data segment initialization", Err: err}
			}
		}
		if l.start {
			if _, err := mod.ExportedFunction(snapStartName).Call(ctx); err != nil {
				return &TrapError{Component: s.name, Func: "start function", Err: err}
			}
		}
		return nil
	}
	for i, name := range l.globals {
		g, ok := mod.ExportedGlobal(name).(api.MutableGlobal)
		if !ok {
			return &SnapshotError{"an instrumented global is not mutable"}
		}
		g.Set(img.globals[i])
	}
	if img.memory == nil {
		return nil
	}
	// The image allocated the memory (Allocate): a mapping of the image,
	// or zeros, since instrumentation made the data segments passive.
	m := mod.ExportedMemory(snapMemoryName)
	if want, have := len(img.memory), int(m.Size()); want > have {
		if _, ok := m.Grow(uint32((want - have) / 65536)); !ok {
			return &SnapshotError{fmt.Sprintf("the memory cannot grow to the snapshot's %d bytes", want)}
		}
	}
	img.copyIn(m)
	return nil
}

// liveCount is how many handles the table holds.
func (t *handleTable) liveCount() int {
	t.mu.Lock()
	defer t.mu.Unlock()
	return t.live
}
