package fill

import (
	"fmt"
	"strings"
	"sync"

	"github.com/wasifill/wasifill/gen"
	"github.com/wasifill/wasifill/internal/component"
	"github.com/wasifill/wasifill/internal/componentize"
	"github.com/wasifill/wasifill/internal/guard"
	"github.com/wasifill/wasifill/internal/rpcwit"
	"github.com/wasifill/wasifill/internal/wasmbin"
	"github.com/wasifill/wasifill/value"
	"github.com/wasifill/wasifill/witparse"
)

// ForComponent returns the fill of a component's own custom interfaces,
// read from its component type (no WIT needed): for export false, the
// import fill of every custom interface app imports (all but wasi:* and
// wasifill:rpc); for export true, the export fill of every custom
// interface it exports. It also returns the names of those interfaces.
func ForComponent(app []byte, export bool) (_ []byte, served []string, err error) {
	defer guard.Recover("fill: from a component", &err)
	c, err := wasmbin.DecodeComponent(app)
	if err != nil {
		return nil, nil, fmt.Errorf("fill: %w", err)
	}
	ct, err := component.Resolve(c)
	if err != nil {
		return nil, nil, fmt.Errorf("fill: %w", err)
	}
	externs := ct.Imports
	if export {
		externs = ct.Exports
	}
	var ifaces []component.Extern
	var fns []*function
	vt := component.NewValueTypes()
	for _, e := range externs {
		name := e.Name
		if e.Version != "" {
			name += "@" + e.Version
		}
		if e.Kind != component.ExternInstance || !strings.Contains(name, "/") ||
			strings.HasPrefix(name, "wasi:") || strings.HasPrefix(name, "wasifill:rpc/") {
			continue
		}
		ifaces = append(ifaces, e)
		served = append(served, name)
		for _, x := range e.Type.Exports {
			if x.Kind != component.ExternFunc {
				continue
			}
			f, err := componentFunction(vt, name, x, export)
			if err != nil {
				return nil, nil, err
			}
			fns = append(fns, f)
		}
	}
	if len(fns) == 0 {
		return nil, nil, fmt.Errorf("fill: %w", &gen.NothingToFillError{World: "of the component", Export: export})
	}
	mod, err := core(fns, export)
	if err != nil {
		return nil, nil, err
	}
	ft, err := fillType(ifaces, export)
	if err != nil {
		return nil, nil, err
	}
	comp, err := componentize.New(mod, componentize.Options{World: ft})
	if err != nil {
		return nil, nil, fmt.Errorf("fill: %w", err)
	}
	return comp, served, nil
}

// componentFunction reads function x of interface iface from its
// component type, refusing what fills cannot carry.
func componentFunction(vt *component.ValueTypes, iface string, x component.Extern, export bool) (*function, error) {
	item := iface + ": function " + x.Name
	ft := x.Type
	if ft == nil || ft.Kind != component.KindFunc {
		return nil, fmt.Errorf("fill: %s is not a function", item)
	}
	if ft.Async {
		return nil, &UnsupportedError{Item: item, What: "async functions"}
	}
	if strings.HasPrefix(x.Name, "[") {
		return nil, &UnsupportedError{Item: item, What: "resources"}
	}
	params := make([]*component.Type, len(ft.Fields))
	for i, p := range ft.Fields {
		params[i] = p.Type
	}
	var results []*component.Type
	if ft.Result != nil {
		results = []*component.Type{ft.Result}
	}
	return buildFunction(iface, x.Name, export, params, results,
		func(t *component.Type) (*value.Type, error) {
			if what := unsupportedComponent(t, 0); what != "" {
				return nil, &UnsupportedError{Item: item, What: what}
			}
			return vt.Of(t)
		})
}

// unsupportedComponent is gen.FillUnsupported for a resolved component type.
func unsupportedComponent(t *component.Type, depth int) string {
	if t == nil || depth > 100 {
		return ""
	}
	switch t.Kind {
	case component.KindOwn, component.KindBorrow, component.KindResource:
		return "resources"
	case component.KindMap:
		return "maps"
	case component.KindStream:
		return "streams"
	case component.KindFuture:
		return "futures"
	}
	parts := append([]*component.Type{t.Elem, t.Ok, t.Err}, t.Elems...)
	for _, f := range t.Fields {
		parts = append(parts, f.Type)
	}
	for _, c := range t.Cases {
		parts = append(parts, c.Type)
	}
	for _, p := range parts {
		if what := unsupportedComponent(p, depth+1); what != "" {
			return what
		}
	}
	return ""
}

var (
	rpcOnce   sync.Once
	rpcWorlds [3]*component.Type
	rpcErr    error
)

// fillType is the component type of a fill serving the interfaces
// served: an import fill exports them and imports wasifill:rpc/transport;
// an export fill imports them and exports wasifill:rpc/handler.
func fillType(served []component.Extern, export bool) (*component.Type, error) {
	rpc, err := rpcWorld(export)
	if err != nil {
		return nil, err
	}
	ft := &component.Type{Kind: component.KindComponent}
	if export {
		ft.Imports = append(append(ft.Imports, rpc.Imports...), served...)
		ft.Exports = rpc.Exports
	} else {
		ft.Imports = rpc.Imports
		ft.Exports = served
	}
	return ft, nil
}

// rpcWorld returns the wasifill:rpc side of a fill's world: importing
// transport (import fill) or exporting handler (export fill).
func rpcWorld(export bool) (*component.Type, error) {
	if export {
		return rpcWorldAt(1)
	}
	return rpcWorldAt(0)
}

// rpcWorldAt returns world i of the contract: import-side, export-side or
// loopback.
func rpcWorldAt(i int) (*component.Type, error) {
	rpcOnce.Do(func() {
		src := rpcwit.WIT + "\nworld import-side { import transport; }\nworld export-side { export handler; }\n" +
			"world loopback { import handler; export transport; }\n"
		r, pkg, err := witparse.LoadSource("rpc.wit", []byte(src), witparse.Options{})
		if err != nil {
			rpcErr = fmt.Errorf("fill: the wasifill:rpc contract: %w", err)
			return
		}
		for _, w := range r.Packages[pkg].Worlds {
			i := map[string]int{"import-side": 0, "export-side": 1, "loopback": 2}[w.Name]
			if rpcWorlds[i], err = component.FromWorld(r, w.ID); err != nil {
				rpcErr = fmt.Errorf("fill: the wasifill:rpc contract: %w", err)
				return
			}
		}
	})
	if rpcErr != nil {
		return nil, rpcErr
	}
	return rpcWorlds[i], nil
}
