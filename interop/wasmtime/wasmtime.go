// Package wasmtime compiles, instantiates and calls WebAssembly components
// with Wasmtime 39, through thin cgo bindings to the component-model part of
// its C API (capi.h). libwasmtime.a is the prebuilt one that
// github.com/bytecodealliance/wasmtime-go/v39 ships; that Go package has no
// component API of its own, so only its link flags are used.
//
// Compile compiles a component once, in its own engine, for any number of
// Instances; a WASI 0.2 linker is built once per Component, on its first
// Instantiate. The package-level Instantiate, Call and Run compile afresh
// each time. Every Instance has its own store, with WASI 0.2 linked in,
// stdout and stderr captured to temporary files (unless
// Options.DiscardOutput), and epoch interruption so a cancelled context
// stops the guest it runs (and only that one: instances of one Component
// share its engine's epoch, but a store-local callback lets the others run
// on). Function types come from
// Wasmtime's own type introspection, so callers pass only values, in the
// representation documented on value.Value. Resources (own, borrow) are
// handles kept by the Instance (see Instance.Drop); async types (future,
// stream, error-context) are not supported.
package wasmtime

/*
#include <stdlib.h>
#include <string.h>
#include "capi.h"

// wf_epoch is every store's epoch-deadline callback: data is the store's
// interrupt flag (an int32_t that Go sets when the running call's context
// is done). Another store's interruption (same engine) just extends the
// deadline by one tick.
static wasmtime_error_t *wf_epoch(wasmtime_context_t *cx, void *data, uint64_t *delta, uint8_t *kind) {
	if (__atomic_load_n((int32_t *)data, __ATOMIC_SEQ_CST)) {
		return wasmtime_error_new("interrupt: context done");
	}
	*delta = 1;
	*kind = 0; // WASMTIME_UPDATE_DEADLINE_CONTINUE
	return NULL;
}

// wf_new_store makes a store whose epoch callback reads a new zeroed flag,
// returned in *flag; the store frees the flag when deleted.
static wasmtime_store_t *wf_new_store(wasm_engine_t *engine, int32_t **flag) {
	wasmtime_store_t *s = wasmtime_store_new(engine, NULL, NULL);
	*flag = calloc(1, sizeof(int32_t));
	wasmtime_store_epoch_deadline_callback(s, wf_epoch, *flag, free);
	return s;
}
*/
import "C"

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"sync/atomic"
	"unsafe"

	_ "github.com/bytecodealliance/wasmtime-go/v39" // links libwasmtime.a

	"github.com/wasifill/wasifill/interop"
	"github.com/wasifill/wasifill/value"
)

// CompileError is a component that Wasmtime refused to compile: it is
// invalid, or uses a feature Wasmtime does not enable.
type CompileError struct{ Message string }

func (e *CompileError) Error() string { return "wasmtime: compile: " + e.Message }

// Trap is a call that failed while running: a trap in the guest (the
// Message says which, e.g. "wasm `unreachable` instruction executed"), a
// canonical-ABI check that failed, or a host function that failed.
type Trap struct{ Message string }

func (e *Trap) Error() string { return "wasmtime: trap: " + e.Message }

// ExitError is a guest that called wasi:cli/exit with a non-zero status.
type ExitError struct{ Code int }

func (e *ExitError) Error() string {
	return fmt.Sprintf("wasmtime: guest exited with status %d", e.Code)
}

// errorMessage takes ownership of err and returns its message.
func errorMessage(err *C.wasmtime_error_t) string {
	var msg C.wasm_name_t
	C.wasmtime_error_message(err, &msg)
	s := C.GoStringN(msg.data, C.int(msg.size))
	C.wasm_byte_vec_delete(&msg)
	C.wasmtime_error_delete(err)
	return s
}

func newEngine() *C.wasm_engine_t {
	cfg := C.wasm_config_new()
	C.wasmtime_config_wasm_component_model_set(cfg, true)
	C.wasmtime_config_epoch_interruption_set(cfg, true)
	return C.wasm_engine_new_with_config(cfg)
}

// nonEmpty is what an empty byte slice or string passes to C, which wants
// a non-null pointer even for length 0.
var nonEmpty = C.CString("")

func bytesPtr(b []byte) *C.uint8_t {
	if len(b) == 0 {
		return (*C.uint8_t)(unsafe.Pointer(nonEmpty))
	}
	return (*C.uint8_t)(unsafe.Pointer(&b[0]))
}

func stringPtr(s string) *C.char {
	if len(s) == 0 {
		return nonEmpty
	}
	return (*C.char)(unsafe.Pointer(unsafe.StringData(s)))
}

func compile(engine *C.wasm_engine_t, component []byte) (*C.wasmtime_component_t, error) {
	var comp *C.wasmtime_component_t
	if err := C.wasmtime_component_new(engine, bytesPtr(component), C.size_t(len(component)), &comp); err != nil {
		return nil, &CompileError{Message: errorMessage(err)}
	}
	return comp, nil
}

// Validate compiles component with Wasmtime, which validates it in full
// (component structure, types and every core module). The error is a
// *CompileError.
func Validate(component []byte) error {
	c, err := Compile(component)
	if err != nil {
		return err
	}
	return c.Close()
}

// Component is a component compiled by Wasmtime, with its engine, to be
// instantiated any number of times. It is safe for concurrent use. Close
// it when done: what it holds is freed once it and all its Instances are
// closed.
type Component struct {
	engine *C.wasm_engine_t
	comp   *C.wasmtime_component_t

	mu     sync.Mutex
	linker *C.wasmtime_component_linker_t // WASI 0.2; built by the first Instantiate
	live   int                            // Instances not closed yet
	closed bool
}

// Compile compiles component with Wasmtime in a new engine. The error is a
// *CompileError.
func Compile(component []byte) (*Component, error) {
	engine := newEngine()
	comp, err := compile(engine, component)
	if err != nil {
		C.wasm_engine_delete(engine)
		return nil, err
	}
	return &Component{engine: engine, comp: comp}, nil
}

// Close releases the component. Instances made from it stay usable until
// they are closed. It is safe to call more than once.
func (c *Component) Close() error {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.closed = true
	c.freeLocked()
	return nil
}

// release is an Instance of c being closed.
func (c *Component) release() {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.live--
	c.freeLocked()
}

func (c *Component) freeLocked() {
	if !c.closed || c.live > 0 || c.engine == nil {
		return
	}
	if c.linker != nil {
		C.wasmtime_component_linker_delete(c.linker)
		c.linker = nil
	}
	C.wasmtime_component_delete(c.comp)
	C.wasm_engine_delete(c.engine)
	c.comp, c.engine = nil, nil
}

// acquire counts a new Instance of c and returns the WASI linker, which it
// builds on first use.
func (c *Component) acquire() (*C.wasmtime_component_linker_t, error) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.closed {
		return nil, errors.New("wasmtime: component is closed")
	}
	if c.linker == nil {
		l := C.wasmtime_component_linker_new(c.engine)
		if cerr := C.wasmtime_component_linker_add_wasip2(l); cerr != nil {
			C.wasmtime_component_linker_delete(l)
			return nil, fmt.Errorf("wasmtime: adding WASI 0.2: %s", errorMessage(cerr))
		}
		c.linker = l
	}
	c.live++
	return c.linker, nil
}

// use runs fn with the compiled component, unless c is closed.
func (c *Component) use(fn func(engine *C.wasm_engine_t, comp *C.wasmtime_component_t) error) error {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.closed {
		return errors.New("wasmtime: component is closed")
	}
	return fn(c.engine, c.comp)
}

// Exports lists the component's exported functions as call paths:
// "ns:pkg/iface@ver#func" for a function in an exported instance, "func"
// for a world-level one.
func Exports(component []byte) ([]string, error) {
	c, err := Compile(component)
	if err != nil {
		return nil, err
	}
	defer c.Close()
	return c.Exports()
}

// Exports lists the component's exported functions, as the package-level
// Exports does.
func (c *Component) Exports() ([]string, error) {
	var out []string
	err := c.walkExports(func(path string, _ *C.wasmtime_component_func_type_t, _ resourceNames) bool {
		out = append(out, path)
		return false
	})
	return out, err
}

// FuncType returns the type of the exported function export (a path as
// Exports lists it), without instantiating the component.
func FuncType(component []byte, export string) (*interop.Func, error) {
	c, err := Compile(component)
	if err != nil {
		return nil, err
	}
	defer c.Close()
	return c.FuncType(export)
}

// FuncType returns the type of the exported function export, as the
// package-level FuncType does.
func (c *Component) FuncType(export string) (*interop.Func, error) {
	var (
		f    *interop.Func
		ferr error
	)
	err := c.walkExports(func(path string, ft *C.wasmtime_component_func_type_t, rn resourceNames) bool {
		if path != export {
			return false
		}
		f, ferr = rn.funcType(ft)
		return true
	})
	if err != nil {
		return nil, err
	}
	if f == nil && ferr == nil {
		return nil, fmt.Errorf("wasmtime: component has no exported function %q", export)
	}
	return f, ferr
}

// walkExports calls fn for every exported function, one level of exported
// instances deep, until fn returns true. rn are the resources exported
// next to the function.
func (c *Component) walkExports(fn func(path string, ft *C.wasmtime_component_func_type_t, rn resourceNames) bool) error {
	return c.use(func(engine *C.wasm_engine_t, comp *C.wasmtime_component_t) error {
		walkExports(engine, comp, fn)
		return nil
	})
}

func walkExports(engine *C.wasm_engine_t, comp *C.wasmtime_component_t, fn func(path string, ft *C.wasmtime_component_func_type_t, rn resourceNames) bool) {
	ty := C.wasmtime_component_type(comp)
	defer C.wasmtime_component_type_delete(ty)

	// items lists the exports of the component (it == nil) or of an
	// instance type. The caller deletes them.
	items := func(it *C.wasmtime_component_instance_type_t) (names []string, out []C.wasmtime_component_item_t) {
		var n C.size_t
		if it == nil {
			n = C.wasmtime_component_type_export_count(ty, engine)
		} else {
			n = C.wasmtime_component_instance_type_export_count(it, engine)
		}
		for i := C.size_t(0); i < n; i++ {
			var (
				name    *C.char
				nameLen C.size_t
				item    C.wasmtime_component_item_t
			)
			var ok C.bool
			if it == nil {
				ok = C.wasmtime_component_type_export_nth(ty, engine, i, &name, &nameLen, &item)
			} else {
				ok = C.wasmtime_component_instance_type_export_nth(it, engine, i, &name, &nameLen, &item)
			}
			if ok {
				names = append(names, C.GoStringN(name, C.int(nameLen)))
				out = append(out, item)
			}
		}
		return names, out
	}
	ptr := func(item *C.wasmtime_component_item_t) unsafe.Pointer {
		return *(*unsafe.Pointer)(unsafe.Pointer(&item.of))
	}
	resources := func(names []string, its []C.wasmtime_component_item_t) resourceNames {
		var rn resourceNames
		for k := range its {
			if its[k].kind == C.IT_RESOURCE {
				rn = append(rn, resourceName{names[k], (*C.wasmtime_component_resource_type_t)(ptr(&its[k]))})
			}
		}
		return rn
	}
	deleteAll := func(its []C.wasmtime_component_item_t) {
		for k := range its {
			C.wasmtime_component_item_delete(&its[k])
		}
	}

	names, its := items(nil)
	defer deleteAll(its)
	outerRN := resources(names, its)
	for k := range its {
		switch its[k].kind {
		case C.IT_FUNC:
			if fn(names[k], (*C.wasmtime_component_func_type_t)(ptr(&its[k])), outerRN) {
				return
			}
		case C.IT_INSTANCE:
			inames, iits := items((*C.wasmtime_component_instance_type_t)(ptr(&its[k])))
			rn := resources(inames, iits)
			done := false
			for j := range iits {
				if iits[j].kind == C.IT_FUNC && !done {
					done = fn(names[k]+"#"+inames[j], (*C.wasmtime_component_func_type_t)(ptr(&iits[j])), rn)
				}
			}
			deleteAll(iits)
			if done {
				return
			}
		}
	}
}

// Options configure an Instance. The zero value is fine.
type Options struct {
	// Args are the guest's command-line arguments (wasi:cli/environment),
	// program name first.
	Args []string
	// DiscardOutput sends the guest's stdout and stderr nowhere instead of
	// capturing them in temporary files; Stdout and Stderr return nil.
	DiscardOutput bool
}

// Instance is an instantiated component with its own store. It is not
// safe for concurrent use. Close it when done.
type Instance struct {
	c       *Component
	ownComp bool // the package-level Instantiate compiled c for this Instance alone
	engine  *C.wasm_engine_t
	comp    *C.wasmtime_component_t
	store   *C.wasmtime_store_t
	cx      *C.wasmtime_context_t
	inst    C.wasmtime_component_instance_t
	stopped *int32 // the store's interrupt flag (see wf_epoch), in C memory
	dir     string // holds the stdout and stderr files

	// handles are the resources the host holds, by the value.Handle that
	// calls returned for them; nextHandle numbers the next one.
	handles    map[value.Handle]*C.wasmtime_component_resource_any_t
	nextHandle value.Handle
}

// Instantiate compiles component and instantiates it with WASI 0.2 imports
// available. ctx bounds the instantiation (start functions run in it). To
// instantiate a component more than once, Compile it once and use
// Component.Instantiate.
func Instantiate(ctx context.Context, component []byte, opts *Options) (*Instance, error) {
	c, err := Compile(component)
	if err != nil {
		return nil, err
	}
	i, err := c.Instantiate(ctx, opts)
	if err != nil {
		c.Close()
		return nil, err
	}
	i.ownComp = true
	return i, nil
}

// Instantiate instantiates the compiled component in a new store, with
// WASI 0.2 imports available. ctx bounds the instantiation (start functions
// run in it).
func (c *Component) Instantiate(ctx context.Context, opts *Options) (*Instance, error) {
	if opts == nil {
		opts = &Options{}
	}
	linker, err := c.acquire()
	if err != nil {
		return nil, err
	}
	i := &Instance{c: c, engine: c.engine, comp: c.comp}
	ok := false
	defer func() {
		if !ok {
			i.Close()
		}
	}()
	var flag *C.int32_t
	i.store = C.wf_new_store(i.engine, &flag)
	i.stopped = (*int32)(unsafe.Pointer(flag))
	i.cx = C.wasmtime_store_context(i.store)

	wasi := C.wasi_config_new()
	if len(opts.Args) > 0 {
		carr := unsafe.Slice((**C.char)(C.malloc(C.size_t(len(opts.Args))*C.size_t(unsafe.Sizeof((*C.char)(nil))))), len(opts.Args))
		for k, a := range opts.Args {
			carr[k] = C.CString(a)
		}
		C.wasi_config_set_argv(wasi, C.size_t(len(carr)), &carr[0])
		for _, p := range carr {
			C.free(unsafe.Pointer(p))
		}
		C.free(unsafe.Pointer(&carr[0]))
	}
	if !opts.DiscardOutput {
		if i.dir, err = os.MkdirTemp("", "wasifill-wasmtime-"); err != nil {
			C.wasi_config_delete(wasi)
			return nil, err
		}
		for _, f := range []struct {
			name string
			set  func(*C.wasi_config_t, *C.char) C.bool
		}{
			{"stdout", func(w *C.wasi_config_t, p *C.char) C.bool { return C.wasi_config_set_stdout_file(w, p) }},
			{"stderr", func(w *C.wasi_config_t, p *C.char) C.bool { return C.wasi_config_set_stderr_file(w, p) }},
		} {
			p := C.CString(filepath.Join(i.dir, f.name))
			set := f.set(wasi, p)
			C.free(unsafe.Pointer(p))
			if !set {
				C.wasi_config_delete(wasi)
				return nil, fmt.Errorf("wasmtime: cannot open %s capture file in %s", f.name, i.dir)
			}
		}
	}
	if cerr := C.wasmtime_context_set_wasi(i.cx, wasi); cerr != nil {
		return nil, fmt.Errorf("wasmtime: WASI config: %s", errorMessage(cerr))
	}

	stop := i.watch(ctx)
	cerr := C.wasmtime_component_linker_instantiate(linker, i.cx, i.comp, &i.inst)
	stop()
	if cerr != nil {
		return nil, i.runError(ctx, cerr, "instantiate")
	}
	ok = true
	return i, nil
}

// watch arms epoch interruption: the guest traps at its next epoch check
// once ctx is done. The returned func disarms it.
func (i *Instance) watch(ctx context.Context) func() {
	atomic.StoreInt32(i.stopped, 0)
	C.wasmtime_context_set_epoch_deadline(i.cx, 1)
	if ctx.Done() == nil {
		return func() {}
	}
	engine, stopped := i.engine, i.stopped
	fired := make(chan struct{})
	stop := context.AfterFunc(ctx, func() {
		atomic.StoreInt32(stopped, 1)
		C.wasmtime_engine_increment_epoch(engine)
		close(fired)
	})
	return func() {
		if !stop() {
			<-fired // so that the flag is not set after the next watch clears it
		}
	}
}

// runError turns an error from running guest code into a Go error.
func (i *Instance) runError(ctx context.Context, err *C.wasmtime_error_t, what string) error {
	var status C.int
	if C.wasmtime_error_exit_status(err, &status) {
		C.wasmtime_error_delete(err)
		return &ExitError{Code: int(status)}
	}
	msg := errorMessage(err)
	if ctx.Err() != nil && strings.Contains(msg, "interrupt") {
		return fmt.Errorf("wasmtime: %s: %w", what, ctx.Err())
	}
	return &Trap{Message: msg}
}

// Close frees the instance. It is safe to call more than once.
func (i *Instance) Close() error {
	for h, r := range i.handles {
		C.wasmtime_component_resource_any_delete(r)
		delete(i.handles, h)
	}
	if i.store != nil {
		C.wasmtime_store_delete(i.store) // frees the interrupt flag too
		i.store, i.cx, i.stopped = nil, nil, nil
	}
	if i.c != nil {
		i.engine, i.comp = nil, nil
		i.c.release()
		if i.ownComp {
			i.c.Close()
		}
		i.c = nil
	}
	if i.dir != "" {
		os.RemoveAll(i.dir)
		i.dir = ""
	}
	return nil
}

// Stdout returns everything the guest has written to stdout so far.
func (i *Instance) Stdout() []byte { return i.output("stdout") }

// Stderr returns everything the guest has written to stderr so far.
func (i *Instance) Stderr() []byte { return i.output("stderr") }

func (i *Instance) output(name string) []byte {
	if i.dir == "" {
		return nil
	}
	b, _ := os.ReadFile(filepath.Join(i.dir, name))
	return b
}

// lookup finds the exported function at path.
func (i *Instance) lookup(export string) (C.wasmtime_component_func_t, error) {
	var f C.wasmtime_component_func_t
	inst, fn, err := interop.SplitExport(export)
	if err != nil {
		return f, err
	}
	var parent *C.wasmtime_component_export_index_t
	if inst != "" {
		parent = exportIndex(i.comp, nil, inst)
		if parent == nil {
			return f, fmt.Errorf("wasmtime: component exports no instance %q", inst)
		}
		defer C.wasmtime_component_export_index_delete(parent)
	}
	idx := exportIndex(i.comp, parent, fn)
	if idx == nil {
		return f, fmt.Errorf("wasmtime: component exports no function %q", export)
	}
	defer C.wasmtime_component_export_index_delete(idx)
	if !C.wasmtime_component_instance_get_func(&i.inst, i.cx, idx, &f) {
		return f, fmt.Errorf("wasmtime: export %q is not a function", export)
	}
	return f, nil
}

func exportIndex(comp *C.wasmtime_component_t, parent *C.wasmtime_component_export_index_t, name string) *C.wasmtime_component_export_index_t {
	return C.wasmtime_component_get_export_index(comp, parent, stringPtr(name), C.size_t(len(name)))
}

// Type returns the type of the exported function export.
func (i *Instance) Type(export string) (*interop.Func, error) {
	f, err := i.lookup(export)
	if err != nil {
		return nil, err
	}
	ft := C.wasmtime_component_func_type(&f, i.cx)
	defer C.wasmtime_component_func_type_delete(ft)
	return resourceNames(nil).funcType(ft)
}

// Call calls the exported function export ("ns:pkg/iface@ver#func" or a
// world-level "func") with args and returns its results: none, or one value.
// A guest trap is a *Trap; a cancelled ctx interrupts the guest.
func (i *Instance) Call(ctx context.Context, export string, args ...value.Value) ([]value.Value, error) {
	if i.store == nil {
		return nil, errors.New("wasmtime: instance is closed")
	}
	f, err := i.lookup(export)
	if err != nil {
		return nil, err
	}
	ft := C.wasmtime_component_func_type(&f, i.cx)
	sig, err := resourceNames(nil).funcType(ft)
	C.wasmtime_component_func_type_delete(ft)
	if err != nil {
		return nil, err
	}
	if len(args) != len(sig.Params) {
		return nil, fmt.Errorf("wasmtime: %s takes %d arguments, got %d", export, len(sig.Params), len(args))
	}
	nres := 0
	if sig.Result != nil {
		nres = 1
	}
	// One C array: the arguments, then the result slot. Zeroed memory is a
	// valid value (bool false), so a half-built array can always be freed.
	size := C.size_t(len(args)+nres) * C.size_t(unsafe.Sizeof(C.wasmtime_component_val_t{}))
	vals := (*C.wasmtime_component_val_t)(C.calloc(1, size+1))
	all := unsafe.Slice(vals, len(args)+nres)
	defer func() {
		for k := range all {
			C.wasmtime_component_val_delete(&all[k])
		}
		C.free(unsafe.Pointer(vals))
	}()
	for k, a := range args {
		if err := i.toC(&all[k], sig.Params[k].Type, a); err != nil {
			return nil, fmt.Errorf("wasmtime: %s argument %s: %w", export, sig.Params[k].Name, err)
		}
	}
	var res *C.wasmtime_component_val_t
	if nres > 0 {
		res = &all[len(args)]
	}
	stop := i.watch(ctx)
	cerr := C.wasmtime_component_func_call(&f, i.cx, vals, C.size_t(len(args)), res, C.size_t(nres))
	stop()
	if cerr != nil {
		return nil, i.runError(ctx, cerr, export)
	}
	var out []value.Value
	if nres > 0 {
		v, err := i.fromC(res, sig.Result)
		if err != nil {
			return nil, fmt.Errorf("wasmtime: %s result: %w", export, err)
		}
		out = []value.Value{v}
	}
	if cerr := C.wasmtime_component_func_post_return(&f, i.cx); cerr != nil {
		return out, i.runError(ctx, cerr, export+" post-return")
	}
	return out, nil
}

// Call instantiates component, calls one export with args and returns the
// results. See Instance.Call.
func Call(ctx context.Context, component []byte, export string, args []value.Value) ([]value.Value, error) {
	i, err := Instantiate(ctx, component, nil)
	if err != nil {
		return nil, err
	}
	defer i.Close()
	return i.Call(ctx, export, args...)
}

// Run runs a command component: it calls its wasi:cli/run export with args
// as the command line (program name first) and returns what the guest
// wrote and its exit code, 0 when run returned ok, 1 when it returned err,
// or the status given to wasi:cli/exit. err is for failures other than a
// non-zero exit: a trap (*Trap), a component that is no command.
func Run(ctx context.Context, component []byte, args []string) (stdout, stderr []byte, exitCode int, err error) {
	exports, err := Exports(component)
	if err != nil {
		return nil, nil, 0, err
	}
	run := ""
	for _, e := range exports {
		if strings.HasPrefix(e, "wasi:cli/run@") && strings.HasSuffix(e, "#run") {
			run = e
		}
	}
	if run == "" {
		return nil, nil, 0, errors.New("wasmtime: component exports no wasi:cli/run")
	}
	i, err := Instantiate(ctx, component, &Options{Args: args})
	if err != nil {
		return nil, nil, 0, err
	}
	defer i.Close()
	res, err := i.Call(ctx, run)
	stdout, stderr = i.Stdout(), i.Stderr()
	var exit *ExitError
	switch {
	case errors.As(err, &exit):
		return stdout, stderr, exit.Code, nil
	case err != nil:
		return stdout, stderr, 0, err
	}
	if r, ok := res[0].(value.Result); ok && r.IsErr {
		return stdout, stderr, 1, nil
	}
	return stdout, stderr, 0, nil
}
