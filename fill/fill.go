// Package fill writes fill components directly, with no compiler: the
// same adapters `wasifill gen go|rust` produce as source, emitted as a
// ready component from a WIT world.
//
// A fill is a fixed runtime (rt/fillrt.c, built by rt/build.sh into
// rt/import.wasm and rt/export.wasm and embedded here) that moves values
// between the canonical ABI and the wire encoding by walking type
// descriptors, plus what this package emits per fill: one small function
// per WIT function (an import fill's exports spill their flat params into
// slots and call the runtime; an export fill's dispatch loads them and
// calls the component's import), and the descriptors as a data segment.
// The core module is then componentized for the fill's world.
package fill

import (
	_ "embed"
	"errors"
	"fmt"
	"sync"

	"github.com/wasifill/wasifill/gen"
	"github.com/wasifill/wasifill/internal/canon"
	"github.com/wasifill/wasifill/internal/componentize"
	"github.com/wasifill/wasifill/internal/guard"
	"github.com/wasifill/wasifill/internal/rpcwit"
	"github.com/wasifill/wasifill/value"
	"github.com/wasifill/wasifill/witparse"
)

//go:embed rt/import.wasm
var importRuntime []byte

//go:embed rt/export.wasm
var exportRuntime []byte

var (
	runtimesOnce sync.Once
	runtimes     [2]*runtimeModule
	runtimesErr  error
)

// runtimeFor returns the parsed runtime of an import (export false) or
// export fill.
func runtimeFor(export bool) (*runtimeModule, error) {
	runtimesOnce.Do(func() {
		for i, b := range [][]byte{importRuntime, exportRuntime} {
			m, err := parseRuntime(b)
			if err != nil {
				runtimesErr = fmt.Errorf("fill: the embedded runtime: %w", err)
				return
			}
			runtimes[i] = m
		}
	})
	if runtimesErr != nil {
		return nil, runtimesErr
	}
	if export {
		return runtimes[1], nil
	}
	return runtimes[0], nil
}

// UnsupportedError is a WIT construct fills do not carry yet; the same
// refusals as the generated Go and Rust fills.
type UnsupportedError struct {
	Item string // e.g. "acme:kv/store@1.0.0: function watch"
	What string // e.g. "resources"
}

func (e *UnsupportedError) Error() string {
	return fmt.Sprintf("fill: %s: %s are not supported yet", e.Item, e.What)
}

// Import returns the import fill component of world: it exports each
// custom interface world imports (or, for a fill's own world that imports
// wasifill:rpc/transport, each one it exports) and forwards every call to
// wasifill:rpc/transport.invoke.
func Import(r *witparse.Resolve, world witparse.WorldID) (_ []byte, err error) {
	defer guard.Recover("fill: import fill", &err)
	return build(r, world, false)
}

// Export returns the export fill component of world: it exports
// wasifill:rpc/handler and serves each call by calling the custom
// interface world exports (or, for a fill's own world that exports
// wasifill:rpc/handler, each one it imports).
func Export(r *witparse.Resolve, world witparse.WorldID) (_ []byte, err error) {
	defer guard.Recover("fill: export fill", &err)
	return build(r, world, true)
}

// Core returns the core module of the fill (before componentizing), for
// measuring and testing.
func Core(r *witparse.Resolve, world witparse.WorldID, export bool) (_ []byte, err error) {
	defer guard.Recover("fill: core module", &err)
	fns, err := functions(r, world, export)
	if err != nil {
		return nil, err
	}
	return core(fns, export)
}

func build(r *witparse.Resolve, world witparse.WorldID, export bool) ([]byte, error) {
	fns, err := functions(r, world, export)
	if err != nil {
		return nil, err
	}
	mod, err := core(fns, export)
	if err != nil {
		return nil, err
	}
	ct, err := fillWorld(r, world, export)
	if err != nil {
		return nil, err
	}
	comp, err := componentize.New(mod, componentize.Options{World: ct})
	if err != nil {
		return nil, fmt.Errorf("fill: %w", err)
	}
	return comp, nil
}

// functions lists the functions a fill of world serves, refusing what
// fills cannot carry.
func functions(r *witparse.Resolve, world witparse.WorldID, export bool) ([]*function, error) {
	if r == nil || int(world) < 0 || int(world) >= len(r.Worlds) {
		return nil, fmt.Errorf("fill: no world %d", world)
	}
	if err := gen.CheckSizes(r, world); err != nil {
		return nil, fmt.Errorf("fill: %w", err)
	}
	ifaces := gen.FillInterfaces(r, world, export)
	var fns []*function
	for _, ifc := range ifaces {
		for _, fun := range r.Interfaces[ifc.ID].Functions {
			f, err := newFunction(r, ifc.Name, fun, export)
			if err != nil {
				return nil, err
			}
			fns = append(fns, f)
		}
	}
	if len(fns) == 0 {
		return nil, fmt.Errorf("fill: %w", &gen.NothingToFillError{World: r.Worlds[world].Name, Export: export})
	}
	return fns, nil
}

func newFunction(r *witparse.Resolve, iface string, fun *witparse.Function, export bool) (*function, error) {
	item := iface + ": function " + fun.Name
	switch fun.Kind {
	case witparse.Freestanding:
	case witparse.AsyncFreestanding, witparse.AsyncMethod, witparse.AsyncStatic:
		return nil, &UnsupportedError{Item: item, What: "async functions"}
	default:
		return nil, &UnsupportedError{Item: item, What: "resources"}
	}
	params := make([]witparse.Type, len(fun.Params))
	for i, p := range fun.Params {
		params[i] = p.Type
	}
	var results []witparse.Type
	if fun.Result != nil {
		results = []witparse.Type{*fun.Result}
	}
	return buildFunction(iface, fun.Name, export, params, results,
		func(t witparse.Type) (*value.Type, error) {
			if what := gen.FillUnsupported(r, t); what != "" {
				return nil, &UnsupportedError{Item: item, What: what}
			}
			return r.ValueType(t)
		})
}

// buildFunction makes the function named name of interface iface from the
// types of its params and of its result (none or one) in either type model:
// conv refuses what fills cannot carry and turns a type into a value type.
func buildFunction[T any](iface, name string, export bool, params, result []T, conv func(T) (*value.Type, error)) (*function, error) {
	item := iface + ": function " + name
	f := &function{iface: iface, name: name}
	convert := func(t T) (*value.Type, error) {
		v, err := conv(t)
		var unsupported *UnsupportedError
		if err != nil && !errors.As(err, &unsupported) {
			return nil, fmt.Errorf("fill: %s: %w", item, err)
		}
		return v, err
	}
	for _, p := range params {
		v, err := convert(p)
		if err != nil {
			return nil, err
		}
		f.params = append(f.params, v)
	}
	var results []*value.Type
	for _, t := range result {
		v, err := convert(t)
		if err != nil {
			return nil, err
		}
		f.result = v
		results = []*value.Type{v}
	}
	cx := canon.Lift
	if export {
		cx = canon.Lower
	}
	f.sig = canon.FlattenFunc(f.params, results, cx)
	return f, f.checkDepth()
}

// core emits the fill's core module: the runtime, the per-function code
// and the descriptors.
func core(fns []*function, export bool) ([]byte, error) {
	rt, err := runtimeFor(export)
	if err != nil {
		return nil, err
	}
	base := rt.memMin * 65536
	bl := newBlob(base)
	addrs := make([]uint32, len(fns))
	for i, f := range fns {
		addrs[i] = bl.fn(f, rpcwit.ErrorCases[:])
	}
	table := bl.words(addrs...)
	arena := alignTo(base+uint32(len(bl.b)), 8)
	pages := (uint64(arena) + 65535) / 65536
	if pages > 65536 {
		return nil, fmt.Errorf("fill: the descriptors take %d bytes", len(bl.b))
	}
	cfg := newBlob(cfgAddr)
	cfg.words(table, uint32(len(fns)), arena, 0)
	var w *moduleWriter
	if export {
		w, err = exportModule(rt, fns)
	} else {
		w, err = importModule(rt, fns)
	}
	if err != nil {
		return nil, err
	}
	return w.encode(rt, uint32(pages), [][]byte{activeData(cfgAddr, cfg.b), activeData(base, bl.b)}), nil
}
