// Package runtime runs WebAssembly components on wazero, in pure Go.
//
// wazero runs core modules only; this package instantiates components on
// top of it: nested components and core instances with their arguments,
// aliases, canon lift and lower with their options, calls between the
// components of a composed binary, and host implementations of imported
// interfaces written in Go over the value model (package value).
//
//	rt, _ := runtime.New(ctx)
//	defer rt.Close(ctx)
//	rt.DefineInstance("acme:kv/store@1.0.0", map[string]runtime.HostFunc{"get": get})
//	c, _ := rt.Compile(ctx, wasm)
//	inst, _ := rt.Instantiate(ctx, c)
//	results, _ := inst.Call(ctx, "acme:app/run@1.0.0#start", value.Value("x"))
package runtime

import (
	"context"
	"fmt"
	"maps"
	"slices"
	"sync"
	"sync/atomic"

	"github.com/tetratelabs/wazero"

	"github.com/wasifill/wasifill/internal/canon"
	"github.com/wasifill/wasifill/internal/semver"
	"github.com/wasifill/wasifill/value"
)

// HostFunc implements an imported function in Go. It receives the
// arguments lifted from the caller and returns the results to lower back.
type HostFunc func(ctx context.Context, args []value.Value) ([]value.Value, error)

// Runtime compiles and instantiates components. It is safe for concurrent
// use once its host definitions are in place.
type Runtime struct {
	wz        wazero.Runtime
	cfg       config
	instances map[string]map[string]HostFunc
	makers    map[string]HostFuncMaker
	funcs     map[string]HostFunc
	seq       atomic.Uint64
	open      atomic.Int64 // instances not closed yet

	bundles sync.Map     // encoded bundle module → wazero.CompiledModule
	shared  sharedHosts  // host modules shared by instances (hostshare.go)
	handles *handleTable // handles held by Go code

	coreConfig wazero.ModuleConfig
	p1Once     sync.Once
	p1Err      error
	resMu      sync.Mutex
	resources  map[string]*resourceType // host resources by "iface#name"
	memory     *budget                  // the host memory budget (memory.go)
}

type config struct {
	memoryLimitPages uint32
	tableLimit       uint32
	cache            wazero.CompilationCache
	preparedDir      string
	interrupt        bool
	budgets          memoryBudgets
	handleLimit      int
	liftBudget       uint64
}

// Option configures a Runtime.
type Option func(*config)

// DefaultMemoryLimitPages is the default cap on every linear memory: 1 GiB.
// wazero backs a memory with Go memory as it grows, so a guest's growth is
// the host's allocation.
const DefaultMemoryLimitPages = 16384

// MaxMemoryLimitPages is the largest memory limit accepted: one page short
// of 4 GiB, since wazero 1.12 mishandles a memory of exactly 65536 pages
// (memory.size reads 0 and every access traps).
const MaxMemoryLimitPages = 65535

// WithMemoryLimitPages caps every linear memory at n 64 KiB pages (at most
// MaxMemoryLimitPages); a guest growing past it sees memory.grow fail.
func WithMemoryLimitPages(n uint32) Option {
	return func(c *config) { c.memoryLimitPages = min(n, MaxMemoryLimitPages) }
}

// WithTableLimit caps every table a core module defines at n elements
// (table.grow fails beyond it); a module that needs more from the start
// does not compile.
func WithTableLimit(n uint32) Option { return func(c *config) { c.tableLimit = n } }

// WithCompilationCache shares compiled machine code across runtimes (and,
// with wazero.NewCompilationCacheWithDir, across processes).
func WithCompilationCache(cache wazero.CompilationCache) Option {
	return func(c *config) { c.cache = cache }
}

// WithInterruption makes a guest stop when the context of its call is
// done. On by default: guests are untrusted. Every core module is then
// compiled with a check at each function entry and loop header (see
// docs/runtime.md, "Interruption cost"); a guest stopped by one fails
// with an InterruptedError in a TrapError, and its instance is not run
// again. Off is the trusted mode: modules run as written, and a guest
// that never returns keeps its goroutine forever, whatever its context.
func WithInterruption(on bool) Option { return func(c *config) { c.interrupt = on } }

// WithHandleLimit caps the live resource handles of each handle table
// (each component instance's, and the one of handles Go code holds) at n,
// at most MaxHandles (the spec's 2^28-1); DefaultHandleLimit by default.
// A guest making one more traps with a *HandleLimitError.
func WithHandleLimit(n int) Option {
	return func(c *config) { c.handleLimit = max(1, min(n, MaxHandles)) }
}

// WithLiftBudget caps the bytes one call may copy out of a guest's memory
// into Go values (256 MiB by default): a guest returning 65,536 strings
// that all point at the same megabyte traps with an *ABIError of kind
// ErrBudget instead of costing 64 GiB.
func WithLiftBudget(bytes uint64) Option { return func(c *config) { c.liftBudget = max(bytes, 1) } }

// New returns a runtime.
func New(ctx context.Context, opts ...Option) (*Runtime, error) {
	cfg := config{interrupt: true, memoryLimitPages: DefaultMemoryLimitPages,
		handleLimit: DefaultHandleLimit, liftBudget: canon.DefaultLiftBudget}
	for _, o := range opts {
		o(&cfg)
	}
	// Interruption is the runtime's own (interrupt.go), not wazero's
	// close-on-context-done, which calls out of the guest at every loop
	// iteration and never checks calls.
	wc := wazero.NewRuntimeConfig().WithCloseOnContextDone(false)
	if cfg.memoryLimitPages > 0 {
		wc = wc.WithMemoryLimitPages(cfg.memoryLimitPages)
	}
	if cfg.cache != nil {
		wc = wc.WithCompilationCache(cfg.cache)
	}
	wz := wazero.NewRuntimeWithConfig(ctx, wc)
	if cfg.interrupt {
		// What instrumented modules import their check from, by name.
		if _, err := instantiateCheck(ctx, wz); err != nil {
			wz.Close(ctx)
			return nil, fmt.Errorf("runtime: the interrupt check module: %w", err)
		}
	}
	return &Runtime{
		wz:        wz,
		cfg:       cfg,
		instances: map[string]map[string]HostFunc{},
		makers:    map[string]HostFuncMaker{},
		funcs:     map[string]HostFunc{},
		handles:   newHandleTable(),
		resources: map[string]*resourceType{},
		memory:    newHostBudget(cfg.budgets),
	}, nil
}

// Close releases everything the runtime compiled and instantiated.
func (r *Runtime) Close(ctx context.Context) error { return r.wz.Close(ctx) }

// DefineInstance provides an imported instance (an interface such as
// "acme:kv/store@1.0.0") with Go functions by name. Components importing
// it get these functions at instantiation.
func (r *Runtime) DefineInstance(name string, funcs map[string]HostFunc) {
	r.instances[name] = funcs
}

// HostFuncMaker makes the implementation of function name of an imported
// interface from the value types of its parameters and results, for hosts
// that answer every function of an interface the same way (for example
// "not permitted").
type HostFuncMaker func(name string, params, results []*value.Type) HostFunc

// DefineInstanceMaker provides an imported instance whose functions are
// made from their types when a component imports it.
func (r *Runtime) DefineInstanceMaker(name string, make HostFuncMaker) {
	r.makers[name] = make
	r.instances[name] = map[string]HostFunc{}
}

// DefineFunc provides a world-level imported function.
func (r *Runtime) DefineFunc(name string, f HostFunc) { r.funcs[name] = f }

func (r *Runtime) uniqueName(prefix string) string {
	return fmt.Sprintf("%s-%d", prefix, r.seq.Add(1))
}

// hostResource returns the runtime identity of the resource name of the
// host interface iface.
func (r *Runtime) hostResource(iface, name string) *resourceType {
	r.resMu.Lock()
	defer r.resMu.Unlock()
	key := semver.NameKey(iface) + "#" + name
	if rt, ok := r.resources[key]; ok {
		return rt
	}
	rt := &resourceType{name: name}
	r.resources[key] = rt
	return rt
}

// DefineResourceDrop sets what runs when the last own handle to a resource
// of host interface iface is dropped (by a guest or by DropHandle).
func (r *Runtime) DefineResourceDrop(iface, name string, drop func(ctx context.Context, rep uint32) error) {
	r.hostResource(iface, name).dtor = drop
}

// NewHandle makes a handle, owned by Go code, to a resource of host
// interface iface with representation rep; host functions return it as a
// value of type own<name>. When Go code already holds the handle limit's
// worth of handles it returns 0, which is never a valid handle.
func (r *Runtime) NewHandle(iface, name string, rep uint32) value.Handle {
	i, _ := r.handles.add(handleEntry{res: r.hostResource(iface, name), rep: rep, own: true}, r.cfg.handleLimit)
	return value.Handle(i)
}

// HandleRep returns the representation of a handle Go code holds (one a
// host function received, borrowed or owned).
func (r *Runtime) HandleRep(h value.Handle) (uint32, error) {
	e, err := r.handles.get(uint32(h), nil)
	return e.rep, err
}

// DropHandle drops a handle Go code holds; for an owned handle the
// resource's destructor runs.
func (r *Runtime) DropHandle(ctx context.Context, h value.Handle) error {
	e, err := r.handles.remove(uint32(h), nil)
	if err != nil {
		return err
	}
	return dropOwn(ctx, e)
}

type bundle struct {
	once sync.Once
	cm   wazero.CompiledModule
	err  error
}

// compileBundle compiles a generated bundle module once per runtime, even
// when many instantiations ask for it at once.
func (r *Runtime) compileBundle(ctx context.Context, wasm []byte) (wazero.CompiledModule, error) {
	v, _ := r.bundles.LoadOrStore(string(wasm), &bundle{})
	b := v.(*bundle)
	b.once.Do(func() { b.cm, b.err = r.wz.CompileModule(ctx, wasm) })
	return b.cm, b.err
}

// definedInstance finds the host definition for an imported interface:
// the exact name, else the highest semver-compatible version not older
// than the import's.
func (r *Runtime) definedInstance(name string) (map[string]HostFunc, HostFuncMaker, bool) {
	if f, ok := r.instances[name]; ok {
		return f, r.makers[name], true
	}
	best, ok := semver.Best(name, slices.Collect(maps.Keys(r.instances)))
	if !ok {
		return nil, nil, false
	}
	return r.instances[best], r.makers[best], true
}

// OpenInstances is how many instances are instantiated and not closed:
// for leak checks.
func (r *Runtime) OpenInstances() int { return int(r.open.Load()) }
