package witparse

import (
	"bytes"
	"fmt"
	"os"
	"path/filepath"
	"sort"
	"strings"

	"github.com/wasifill/wasifill/internal/safeio"
	"github.com/wasifill/wasifill/internal/wasmbin"
	"github.com/wasifill/wasifill/witparse/ast"
	"github.com/wasifill/wasifill/witparse/internal/wasmpkg"
	"github.com/wasifill/wasifill/witparse/internal/wat"
	"github.com/wasifill/wasifill/witparse/parser"
	"github.com/wasifill/wasifill/witparse/token"
)

// Options control loading.
type Options struct {
	// Features enables @unstable(feature = ...) items with these names.
	Features []string
	// AllFeatures enables every @unstable item.
	AllFeatures bool
}

func (o Options) enabled(feature string) bool {
	if o.AllFeatures {
		return true
	}
	for _, f := range o.Features {
		if f == feature {
			return true
		}
	}
	return false
}

// srcPackage is one package as written: its name and the files (or nested
// blocks) that make it up.
type srcPackage struct {
	name  PackageName
	pos   token.Pos
	docs  ast.Docs
	parts []pkgPart
	// meta is the package-docs of a package decoded from a component,
	// applied once it is resolved.
	meta *wasmpkg.PackageDocs
	// standalone marks a dependency decoded from a component that uses no
	// other package (it is resolved first, as wasm-tools merges it first).
	standalone bool
}

// pkgPart is the items of one file (or nested block), which share the
// file's top-level `use` names.
type pkgPart struct {
	file  string
	items []ast.Item
	uses  map[string]*ast.Use // by local name; built on first lookup
}

// use returns the file's first top-level `use` that brings in name.
func (p *pkgPart) use(name string) *ast.Use {
	if p.uses == nil {
		p.uses = map[string]*ast.Use{}
		for _, it := range p.items {
			if u, ok := it.(*ast.Use); ok {
				local := u.Path.Interface.Name
				if u.As != nil {
					local = u.As.Name
				}
				if _, dup := p.uses[local]; !dup {
					p.uses[local] = u
				}
			}
		}
	}
	return p.uses[name]
}

// Load reads PATH — a .wit file, or a directory of .wit files forming one
// package with an optional deps/ folder of dependency packages (folders or
// single files) — and resolves everything. It returns the root package.
// Errors are a token.ErrorList (positioned) or a plain error for I/O.
func Load(path string, opts Options) (*Resolve, PackageID, error) {
	l := &loader{fset: token.NewFileSet()}
	info, err := os.Stat(path)
	if err != nil {
		return nil, 0, fmt.Errorf("loading WIT: %w", err)
	}
	var root []*srcPackage
	if info.IsDir() {
		root, err = l.loadDir(path)
		if err == nil {
			err = l.loadDeps(filepath.Join(path, "deps"))
		}
	} else {
		root, _, err = l.loadFile(path)
	}
	if err != nil {
		return nil, 0, err
	}
	if len(l.errs) > 0 {
		l.errs.Sort()
		return nil, 0, l.errs
	}
	return resolveAll(l.fset, l.depPackages(), root, opts)
}

// LoadSource resolves WIT given as text, as if it were a file named name.
func LoadSource(name string, src []byte, opts Options) (*Resolve, PackageID, error) {
	l := &loader{fset: token.NewFileSet()}
	root, err := l.parsed([]string{name}, [][]byte{src}, name)
	if err != nil {
		return nil, 0, err
	}
	if len(l.errs) > 0 {
		return nil, 0, l.errs
	}
	return resolveAll(l.fset, nil, root, opts)
}

type loader struct {
	fset *token.FileSet
	errs token.ErrorList
	deps []*srcPackage
	// wasmDeps are the dependency packages read from .wasm files, and
	// stubs the foreign packages they carry (just the types they use).
	wasmDeps, stubs []*srcPackage
}

// depPackages is every dependency package: those from .wasm files first,
// as wasm-tools merges them while it reads deps/, then the WIT ones, then
// the stubs of foreign packages .wasm files carry, each only when no
// package of that name is there already.
func (l *loader) depPackages() []*srcPackage {
	out := append(append([]*srcPackage(nil), l.wasmDeps...), l.deps...)
	if len(l.stubs) == 0 {
		return out
	}
	have := map[PackageName]bool{}
	for _, p := range out {
		have[p.name] = true
	}
	for _, p := range l.stubs {
		if !have[p.name] {
			have[p.name] = true
			out = append(out, p)
		}
	}
	return out
}

func (l *loader) loadDir(dir string) ([]*srcPackage, error) {
	entries, err := os.ReadDir(dir)
	if err != nil {
		return nil, fmt.Errorf("loading WIT: %w", err)
	}
	var files []string
	for _, e := range entries {
		if !e.IsDir() && strings.HasSuffix(e.Name(), ".wit") {
			files = append(files, filepath.Join(dir, e.Name()))
		}
	}
	sort.Strings(files)
	return l.loadFiles(dir, files)
}

func (l *loader) loadDeps(dir string) error {
	entries, err := os.ReadDir(dir)
	if os.IsNotExist(err) {
		return nil
	}
	if err != nil {
		return fmt.Errorf("loading WIT deps: %w", err)
	}
	for _, e := range entries {
		p := filepath.Join(dir, e.Name())
		var pkgs []*srcPackage
		switch ext := filepath.Ext(e.Name()); {
		case e.IsDir():
			pkgs, err = l.loadDir(p)
		case ext == ".wit" || ext == ".wat" || ext == ".wasm":
			var component bool
			pkgs, component, err = l.loadFile(p)
			if n := len(pkgs); component && n > 0 {
				// The last is the package itself, the others stand in
				// for the foreign packages it uses.
				l.wasmDeps = append(l.wasmDeps, pkgs[n-1])
				l.stubs = append(l.stubs, pkgs[:n-1]...)
				pkgs[n-1].standalone = n == 1
				pkgs = nil
			}
		default:
			continue
		}
		if err != nil {
			return err
		}
		l.deps = append(l.deps, pkgs...)
	}
	return nil
}

// loadFile reads one file: WIT text, or a WIT package encoded as a
// component, binary or text (recognised by its content, as wasm-tools does:
// the binary preamble, or `(` first after whitespace and comments), whose
// WIT is parsed as if it were the file's text. component reports which.
func (l *loader) loadFile(path string) (pkgs []*srcPackage, component bool, err error) {
	kind := safeio.WIT
	if filepath.Ext(path) == ".wasm" {
		kind = safeio.Wasm
	}
	b, err := safeio.ReadFile(path, kind)
	if err != nil {
		return nil, false, fmt.Errorf("loading WIT: %w", err)
	}
	switch {
	case bytes.HasPrefix(b, []byte("\x00asm")):
		c, err := wasmbin.DecodeComponent(b)
		if err != nil {
			return nil, false, fmt.Errorf("loading WIT: %s: decoding WIT package: %w", path, err)
		}
		pkgs, err := l.component(path, c)
		return pkgs, true, err
	case wat.IsText(b):
		c, err := wat.Parse(b)
		if werr, ok := err.(*wat.Error); ok {
			f := l.fset.AddFile(path, b)
			l.errs.Add(l.fset.NewError(f.Pos(werr.Offset), "%s", werr.Msg))
			return nil, true, nil
		}
		if err != nil {
			return nil, false, fmt.Errorf("loading WIT: %s: %w", path, err)
		}
		pkgs, err := l.component(path, c)
		return pkgs, true, err
	}
	pkgs, err = l.parsed([]string{path}, [][]byte{b}, path)
	return pkgs, false, err
}

// component parses the WIT of an encoded package; the last package is the
// package itself (the others stand for foreign packages it uses) and
// carries the package's docs.
func (l *loader) component(path string, c *wasmbin.Component) ([]*srcPackage, error) {
	text, meta, err := wasmpkg.Decode(c)
	if err != nil {
		return nil, fmt.Errorf("loading WIT: %s: %w", path, err)
	}
	pkgs, err := l.parsed([]string{path}, [][]byte{text}, path)
	if n := len(pkgs); n > 0 {
		pkgs[n-1].meta = meta
	}
	return pkgs, err
}

func (l *loader) loadFiles(where string, files []string) ([]*srcPackage, error) {
	srcs := make([][]byte, len(files))
	for i, f := range files {
		b, err := safeio.ReadFile(f, safeio.WIT)
		if err != nil {
			return nil, fmt.Errorf("loading WIT: %w", err)
		}
		srcs[i] = b
	}
	return l.parsed(files, srcs, where)
}

// parsed parses the files of one package (plus the nested packages they
// declare) and groups their items by package.
func (l *loader) parsed(files []string, srcs [][]byte, where string) ([]*srcPackage, error) {
	var main *srcPackage
	var nested []*srcPackage
	var headerless []pkgPart
	for i, file := range files {
		f, err := parser.ParseFile(l.fset, file, srcs[i])
		if err != nil {
			if list, ok := err.(token.ErrorList); ok {
				l.errs = append(l.errs, list...)
				continue
			}
			return nil, err
		}
		for _, n := range f.Nested {
			nested = append(nested, &srcPackage{name: pkgName(n.Name), pos: n.Name.Pos, docs: n.Docs,
				parts: []pkgPart{{file: file, items: n.Items}}})
		}
		if f.Package == nil {
			if len(f.Items) > 0 {
				headerless = append(headerless, pkgPart{file: file, items: f.Items})
			}
			continue
		}
		name := pkgName(f.Package)
		switch {
		case main == nil:
			main = &srcPackage{name: name, pos: f.Package.Pos}
		case main.name != name:
			l.errs.Add(l.fset.NewError(f.Package.Namespace.Pos, "package identifier `%s` does not match previous package name of `%s`", name, main.name))
			continue
		}
		if len(f.Docs.Comments) > 0 {
			if len(main.docs.Comments) > 0 {
				l.errs.Add(l.fset.NewError(f.Docs.Pos, "found doc comments on multiple 'package' items"))
				continue
			}
			main.docs = f.Docs
		}
		main.parts = append(main.parts, pkgPart{file: file, items: f.Items})
	}
	if len(l.errs) > 0 {
		return nil, nil
	}
	if main == nil && len(headerless) > 0 {
		return nil, fmt.Errorf("%s: no `package` header was found in any WIT file for this package", where)
	}
	if main != nil {
		main.parts = append(main.parts, headerless...)
	}
	out := nested
	if main != nil {
		out = append(out, main)
	}
	if len(out) == 0 {
		return nil, fmt.Errorf("%s: no `package` header was found in any WIT file for this package", where)
	}
	return out, nil
}

func pkgName(n *ast.PackageName) PackageName {
	p := PackageName{Namespace: n.Namespace.Name, Name: n.Name.Name}
	if n.Version != nil {
		p.Version = n.Version.Text
	}
	return p
}
