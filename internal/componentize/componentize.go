// Package componentize is the implementation of the public package of the
// same name (core module → component). It also takes a world as a
// component type, for wasifill's own packages that derive a world without
// WIT (a fill for a component's own imports) and for tests.
package componentize

import (
	"fmt"
	"strings"

	"github.com/wasifill/wasifill/internal/component"
	"github.com/wasifill/wasifill/internal/guard"
	"github.com/wasifill/wasifill/internal/wasmbin"
	"github.com/wasifill/wasifill/witparse"
)

// Options configures New.
type Options struct {
	// WIT and WorldID name the world the module targets (witparse.Load);
	// with WIT nil, World, else the world embedded in the module's
	// component-type custom section.
	WIT     *witparse.Resolve
	WorldID witparse.WorldID
	// World is the world as a component type, for wasifill's own packages
	// that derive a world without WIT (a fill for a component's own
	// imports); ignored when WIT is set.
	World *component.Type
	// Adapters maps an import module name (wasi_snapshot_preview1) to an
	// adapter core module that implements it on top of WIT interfaces.
	Adapters map[string][]byte
}

// Error is a core module that cannot become a component: a missing
// world, an import nothing provides, an export the world lacks.
type Error struct{ Msg string }

func (e *Error) Error() string { return "componentize: " + e.Msg }

func cfail(format string, args ...any) error {
	return &Error{Msg: fmt.Sprintf(format, args...)}
}

// coreModule is a core module taking part: the main module or an adapter.
type coreModule struct {
	label   string
	bin     *wasmbin.Binary
	imports []coreImport
	exports map[string]wasmbin.CoreExport
	world   *component.Type
}

type coreImport struct {
	module, name string
	// field is the import's name in the module: name, or name#N for a
	// repeated import renamed to keep core imports unique.
	field string
	kind  wasmbin.ExternKind
	typ   wasmbin.CoreFuncType
}

func loadCore(label string, b []byte) (*coreModule, error) {
	bin, err := wasmbin.Decode(append([]byte(nil), b...))
	if err != nil {
		return nil, fmt.Errorf("componentize: %s: %w", label, err)
	}
	if bin.Kind != wasmbin.KindCoreModule {
		return nil, cfail("%s is a component already, not a core module", label)
	}
	if err := wasmbin.Validate(bin); err != nil {
		return nil, fmt.Errorf("componentize: %s: %w", label, err)
	}
	m := &coreModule{label: label, bin: bin, exports: map[string]wasmbin.CoreExport{}}
	renamed, err := bin.RenameDuplicateImports()
	if err != nil {
		return nil, fmt.Errorf("componentize: %s: %w", label, err)
	}
	imports, err := bin.CoreImports()
	if err != nil {
		return nil, fmt.Errorf("componentize: %s: %w", label, err)
	}
	types, err := bin.CoreFuncTypes()
	if err != nil {
		return nil, fmt.Errorf("componentize: %s: %w", label, err)
	}
	funcTypes, err := bin.FuncTypeIndices()
	if err != nil {
		return nil, fmt.Errorf("componentize: %s: %w", label, err)
	}
	nf := 0
	for _, im := range imports {
		ci := coreImport{module: im.Module, name: im.Name, field: im.Name, kind: im.Kind}
		if orig, ok := renamed[im.Module+"\x00"+im.Name]; ok {
			ci.name = orig
		}
		if im.Kind == wasmbin.ExternFunc {
			if nf >= len(funcTypes) || int(funcTypes[nf]) >= len(types) {
				return nil, cfail("%s: import %s.%s has no valid type", label, im.Module, im.Name)
			}
			ci.typ = types[funcTypes[nf]]
			nf++
		}
		m.imports = append(m.imports, ci)
	}
	exports, err := bin.CoreExports()
	if err != nil {
		return nil, fmt.Errorf("componentize: %s: %w", label, err)
	}
	for _, e := range exports {
		m.exports[e.Name] = e
	}
	return m, nil
}

// embeddedWorld reads the world in a module's component-type sections and
// removes them from the module.
func (m *coreModule) embeddedWorld() (*component.Type, error) {
	w, err := component.WorldOfModule(m.bin)
	if err != nil {
		return nil, cfail("%s: %v", m.label, err)
	}
	kept := m.bin.Sections[:0]
	for _, s := range m.bin.Sections {
		if s.ID != wasmbin.SecCustom || !strings.HasPrefix(s.Name, "component-type") {
			kept = append(kept, s)
		}
	}
	m.bin.Sections = kept
	return w, nil
}

// New makes a component of a core module (the job of
// `wasm-tools component new`): its imports are lowered from the world's
// imported interfaces (or served by adapters), its exports lifted into
// the world's exports. Go modules get a private region for the adapter's
// allocations, so a plain `go build` module needs no manual steps.
func New(core []byte, opts Options) (_ []byte, err error) {
	defer guard.Recover("componentize", &err)
	main, err := loadCore("main module", core)
	if err != nil {
		return nil, err
	}
	embedded, err := main.embeddedWorld()
	if err != nil {
		return nil, err
	}
	main.world = opts.World
	if opts.WIT != nil {
		if main.world, err = component.FromWorld(opts.WIT, opts.WorldID); err != nil {
			return nil, &Error{Msg: err.Error()}
		}
	}
	if main.world == nil {
		main.world = embedded
	}
	if main.world == nil {
		main.world = &component.Type{Kind: component.KindComponent}
	}
	c := &componentizer{main: main, enc: component.NewEncoder(), adapters: map[string]*coreModule{}}
	for name, b := range opts.Adapters {
		a, err := loadCore("adapter "+name, b)
		if err != nil {
			return nil, err
		}
		if a.world, err = a.embeddedWorld(); err != nil {
			return nil, err
		}
		if a.world == nil {
			return nil, cfail("adapter %s carries no component-type section with its world", name)
		}
		c.adapters[name] = a
	}
	out, err := c.build()
	if err != nil {
		return nil, err
	}
	// Nothing New makes may be refused by inspect (or the runtime):
	// decode and resolve it as they do.
	if err := decodes(out); err != nil {
		return nil, cfail("the component made does not decode (%v)", err)
	}
	return out, nil
}

// decodes checks a component as inspect and the runtime read it:
// decoded, validated, its type resolved.
func decodes(b []byte) error {
	bin, err := wasmbin.Decode(b)
	if err != nil {
		return err
	}
	if err := wasmbin.Validate(bin); err != nil {
		return err
	}
	c, err := wasmbin.DecodeComponent(b)
	if err != nil {
		return err
	}
	_, err = component.Resolve(c)
	return err
}
