package runtime

import (
	"context"
	"fmt"
	goruntime "runtime"
	"strings"
	"sync"

	"github.com/tetratelabs/wazero"

	"github.com/wasifill/wasifill/internal/component"
	"github.com/wasifill/wasifill/internal/dwarfcheck"
	"github.com/wasifill/wasifill/internal/guard"
	"github.com/wasifill/wasifill/internal/instrument"
	"github.com/wasifill/wasifill/internal/wasmbin"
)

// Compiled is a component decoded, type-checked and with every core module
// compiled: instantiate it as often as needed.
type Compiled struct {
	comp    *wasmbin.Component
	index   *component.Index
	modules map[*wasmbin.Binary]*compiledModule
	core    *coreProgram // set for a core module (CompileCore)
	vt      *valueTypes  // shared by its instances (valuetypes.go)
	sizes   *sync.Map    // *wasmbin.Component → *walkSizes, *wasmbin.CoreInlineExport → bundle names (walksizes.go)
}

type compiledModule struct {
	compiled wazero.CompiledModule
	imports  []wasmbin.CoreImport
	// byModule groups imports by module name; exports are the module's
	// exports as a core instance shows them (the snapshot ones left out).
	// Both are computed once here, not per instance.
	byModule map[string][]wasmbin.CoreImport
	exports  []wasmbin.CoreExport
	kinds    map[string]wasmbin.ExternKind // exports by name
	layout   *snapLayout                   // what instrumentation for snapshots added
	image    *image                        // set in a Compiled that Preinitialize made
}

// Exports returns the names of the component's exports, in order:
// interfaces (with their versions), functions and types.
func (c *Compiled) Exports() []string { return exportNames(c.index.Type) }

func exportNames(t *component.Type) []string {
	var out []string
	for _, e := range t.Exports {
		out = append(out, externName(e))
	}
	return out
}

// externName is an import's or export's name with its version.
func externName(e component.Extern) string {
	if e.Version != "" {
		return e.Name + "@" + e.Version
	}
	return e.Name
}

// CompileError is a component that cannot be compiled: malformed, with
// types that do not resolve, or with a core module wazero rejects.
type CompileError struct{ Err error }

func (e *CompileError) Error() string { return "runtime: compile: " + e.Err.Error() }

func (e *CompileError) Unwrap() error { return e.Err }

// Compile decodes a component binary and compiles its core modules. A
// core module is compiled as by CompileCore, with its embedded world.
func (r *Runtime) Compile(ctx context.Context, b []byte) (_ *Compiled, err error) {
	defer guard.Recover("runtime: compile", &err)
	if k, ok := wasmbin.KindOf(b); ok && k == wasmbin.KindCoreModule {
		return r.compileCore(ctx, b, nil, 0)
	}
	comp, err := wasmbin.DecodeComponent(b)
	if err != nil {
		return nil, &CompileError{err}
	}
	index, err := component.IndexComponent(comp)
	if err != nil {
		return nil, &CompileError{err}
	}
	if err := checkExportTypes(index); err != nil {
		return nil, &CompileError{err}
	}
	if err := checkReservedNames(comp); err != nil {
		return nil, &CompileError{err}
	}
	c := &Compiled{comp: comp, index: index, modules: map[*wasmbin.Binary]*compiledModule{}, vt: newValueTypes(), sizes: &sync.Map{}}
	if err := r.compileModules(ctx, c, comp); err != nil {
		return nil, err
	}
	if err := checkCanonOptions(comp, index, c.modules); err != nil {
		return nil, &CompileError{err}
	}
	return c, nil
}

// compileModules prepares and compiles every core module of comp and its
// nested components, up to GOMAXPROCS at once (wazero compiles, or reads
// its cache, concurrently); the first module's error in definition order
// is the one returned.
func (r *Runtime) compileModules(ctx context.Context, c *Compiled, comp *wasmbin.Component) error {
	var mods []*wasmbin.Binary
	var collect func(*wasmbin.Component)
	collect = func(comp *wasmbin.Component) {
		for _, d := range comp.Defs {
			switch d := d.(type) {
			case *wasmbin.CoreModuleDef:
				mods = append(mods, d.Module)
			case *wasmbin.ComponentDef:
				collect(d.Component)
			}
		}
	}
	collect(comp)
	out := make([]*compiledModule, len(mods))
	errs := make([]error, len(mods))
	sem := make(chan struct{}, goruntime.GOMAXPROCS(0))
	var wg sync.WaitGroup
	for i, m := range mods {
		sem <- struct{}{}
		wg.Go(func() {
			defer func() { <-sem }()
			defer guard.Recover("runtime: compile", &errs[i])
			out[i], errs[i] = r.compileModule(ctx, m)
		})
	}
	wg.Wait()
	for i, m := range mods {
		if errs[i] != nil {
			return errs[i]
		}
		c.modules[m] = out[i]
	}
	return nil
}

func (r *Runtime) compileModule(ctx context.Context, m *wasmbin.Binary) (*compiledModule, error) {
	wasm, layout, err := r.prepare(m)
	if err != nil {
		return nil, &CompileError{err}
	}
	cm, err := r.wz.CompileModule(ctx, wasm)
	if err != nil {
		return nil, &CompileError{fmt.Errorf("core module: %w", err)}
	}
	imports, err := m.CoreImports()
	if err != nil {
		return nil, &CompileError{err}
	}
	byModule := map[string][]wasmbin.CoreImport{}
	for _, im := range imports {
		byModule[im.Module] = append(byModule[im.Module], im)
	}
	exports, err := m.CoreExports()
	if err != nil {
		return nil, &CompileError{err}
	}
	cme := &compiledModule{compiled: cm, imports: imports, layout: layout, byModule: byModule,
		exports: instanceExports(cm, exports)}
	cme.kinds = make(map[string]wasmbin.ExternKind, len(cme.exports))
	for _, e := range cme.exports {
		cme.kinds[e.Name] = e.Kind
	}
	return cme, nil
}

// instanceExports lists what a core instance of cm exports: its functions
// and memories as wazero reports them (the ones instrumentation added left
// out), then the module's other exports.
func instanceExports(cm wazero.CompiledModule, exports []wasmbin.CoreExport) []wasmbin.CoreExport {
	var out []wasmbin.CoreExport
	seen := map[string]bool{}
	add := func(name string, kind wasmbin.ExternKind) {
		if !seen[name] && !strings.HasPrefix(name, snapPrefix) {
			seen[name] = true
			out = append(out, wasmbin.CoreExport{Name: name, Kind: kind})
		}
	}
	for name := range cm.ExportedFunctions() {
		add(name, wasmbin.ExternFunc)
	}
	for name := range cm.ExportedMemories() {
		add(name, wasmbin.ExternMemory)
	}
	for _, e := range exports {
		add(e.Name, e.Kind)
	}
	return out
}

// emptyModuleName stands in for the import module name "" (which
// components use and wazero refuses).
const emptyModuleName = "\x00"

// runnable validates a core module (bounding every count and index before
// wazero allocates by them) and returns its bytes as wazero will run them:
// with interruption checks (unless interruption is off; with them on the
// DWARF goes, since the rewrite moves code), its tables capped at the table
// limit, the import module name "" renamed, its name section checked
// (wasmbin.RewriteNames) and its DWARF dropped if it would make wazero
// panic formatting a trap (dwarfcheck). These
// bytes are what wazero compiles, and what its compilation cache keys on.
func (r *Runtime) runnable(m *wasmbin.Binary) ([]byte, error) {
	if err := wasmbin.Validate(m); err != nil {
		return nil, err
	}
	imports, err := m.CoreImports()
	if err != nil {
		return nil, err
	}
	empty := false
	for _, im := range imports {
		empty = empty || im.Module == ""
	}
	tableLimit := r.cfg.tableLimit
	badDWARF := false
	if !r.cfg.interrupt {
		if s, found := dwarfcheck.Collect(m); found {
			badDWARF = dwarfcheck.Check(s) != nil
		}
	}
	if !empty && tableLimit == 0 && !r.cfg.interrupt && !m.HasNames() && !badDWARF {
		return m.Encode(), nil
	}
	// A copy: m belongs to the component, which is encoded as it was read.
	c, err := wasmbin.Decode(m.Encode())
	if err != nil {
		return nil, err
	}
	if tableLimit > 0 {
		if err := c.LimitTables(tableLimit); err != nil {
			return nil, err
		}
	}
	if empty {
		err = c.RenameImportModules(func(s string) string {
			if s == "" {
				return emptyModuleName
			}
			return s
		})
		if err != nil {
			return nil, err
		}
	}
	if badDWARF {
		c.RemoveCustomSections(".debug_")
	}
	if r.cfg.interrupt {
		if err := instrument.AddInterruptChecks(c); err != nil {
			return nil, err
		}
	} else {
		c.RewriteNames(nil) // the rewrite does it when interruption is on
	}
	return c.Encode(), nil
}
