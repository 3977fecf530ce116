package golang

import (
	"bytes"
	"fmt"
	"runtime"
	"slices"
	"strings"
	"sync"

	"github.com/dave/jennifer/jen"

	"github.com/wasifill/wasifill/internal/guard"
)

// goFile is a generated Go file built as a sequence of chunks, each a
// jennifer file of its own. A finished chunk is rendered and gofmt'd by a
// worker while the generator emits the next one, so formatting — most of
// the generators' time — runs on every core; Bytes joins the chunks, one
// blank line apart, under one package clause and one import block. The
// result is what gofmt would write for the same declarations.
//
// A chunk handed to the workers must not change any more: emitters write
// only into File().
type goFile struct {
	pkg  string
	cur  *jen.File
	used bool        // File has been called since the last cut
	out  []*chunkOut // each written by its worker only
	wg   sync.WaitGroup
	sema chan struct{}
}

// declsPerChunk is how many declarations of one kind (types, functions,
// wire codecs) the generators put into one chunk of a goFile: enough to
// keep each chunk's fixed cost small, few enough that the chunks spread
// over the cores.
const declsPerChunk = 8

// chunkOut is one chunk's gofmt'd source, or why it has none.
type chunkOut struct {
	src []byte
	err error
}

// newGoFile starts a file of package pkg with header as its first comment
// (e.g. the "Code generated" line) and doc as the package comment.
func newGoFile(pkg, header, doc string) *goFile {
	g := &goFile{pkg: pkg, sema: make(chan struct{}, runtime.GOMAXPROCS(0))}
	g.cur = jen.NewFile(pkg)
	g.cur.HeaderComment(header)
	g.cur.PackageComment(doc)
	return g
}

// File is the chunk being emitted.
func (g *goFile) File() *jen.File {
	g.used = true
	return g.cur
}

// Cut hands the chunk being emitted to the workers and starts the next;
// it does nothing to a chunk nobody asked for.
func (g *goFile) Cut() {
	if !g.used && len(g.out) > 0 {
		return
	}
	g.used = false
	out := &chunkOut{}
	g.out = append(g.out, out)
	f := g.cur
	g.cur = jen.NewFile(g.pkg)
	g.wg.Add(1)
	go func() {
		defer g.wg.Done()
		g.sema <- struct{}{}
		defer func() { <-g.sema }()
		out.src, out.err = renderChunk(f)
	}()
}

// renderChunk renders and gofmt's f; a panic in jennifer or go/format,
// which the generator's own recover cannot see from this goroutine, is an
// *InternalError.
func renderChunk(f *jen.File) (_ []byte, err error) {
	defer guard.Recover("gen go: rendering", &err)
	var buf bytes.Buffer
	if err := f.Render(&buf); err != nil {
		return nil, err
	}
	return buf.Bytes(), nil
}

// Bytes cuts the last chunk, waits for every chunk and joins them.
func (g *goFile) Bytes() ([]byte, error) {
	g.Cut()
	g.wg.Wait()
	var head []byte
	var imports []string
	bodies := make([][]byte, 0, len(g.out))
	for i, c := range g.out {
		if c.err != nil {
			return nil, fmt.Errorf("gen go: %w", c.err)
		}
		pre, imps, body, err := splitChunk(c.src, g.pkg)
		if err != nil {
			return nil, fmt.Errorf("gen go: chunk %d: %w", i, err)
		}
		if i == 0 {
			head = pre
		}
		imports = append(imports, imps...)
		if len(body) > 0 {
			bodies = append(bodies, body)
		}
	}
	slices.SortFunc(imports, func(a, b string) int {
		_, pa := importSpec(a)
		_, pb := importSpec(b)
		return strings.Compare(pa, pb)
	})
	imports = slices.Compact(imports)
	if err := checkImportNames(imports); err != nil {
		return nil, err
	}
	var out bytes.Buffer
	out.Write(head)
	writeImports(&out, imports)
	for _, b := range bodies {
		out.WriteByte('\n')
		out.Write(b)
	}
	return out.Bytes(), nil
}

// splitChunk cuts a gofmt'd chunk into what precedes its declarations (the
// comments and the package clause), the import paths it quotes, and its
// declarations.
func splitChunk(src []byte, pkg string) (pre []byte, imports []string, body []byte, err error) {
	clause := []byte("package " + pkg + "\n")
	at := 0
	if !bytes.HasPrefix(src, clause) {
		at = bytes.Index(src, append([]byte("\n"), clause...))
		if at < 0 {
			return nil, nil, nil, fmt.Errorf("no package clause")
		}
		at++
	}
	pre = src[:at+len(clause)]
	rest := bytes.TrimLeft(src[at+len(clause):], "\n")
	switch {
	case bytes.HasPrefix(rest, []byte("import (\n")):
		end := bytes.Index(rest, []byte("\n)\n"))
		if end < 0 {
			return nil, nil, nil, fmt.Errorf("unterminated import block")
		}
		for _, line := range strings.Split(string(rest[len("import (\n"):end]), "\n") {
			if line = strings.TrimSpace(line); line != "" {
				imports = append(imports, line)
			}
		}
		rest = rest[end+len("\n)\n"):]
	case bytes.HasPrefix(rest, []byte("import ")):
		end := bytes.IndexByte(rest, '\n')
		imports = append(imports, string(rest[len("import "):end]))
		rest = rest[end+1:]
	}
	return pre, imports, bytes.TrimLeft(rest, "\n"), nil
}

// checkImportNames refuses imports whose names clash: each chunk chose
// its names alone, so the joined file is right only if every package has
// one name and no two packages share one. The generators import a fixed
// set of packages, so this checks them, never their input.
func checkImportNames(imports []string) error {
	byName := map[string]string{}
	byPath := map[string]string{}
	for _, imp := range imports {
		name, path := importSpec(imp)
		if other, ok := byName[name]; ok && other != path {
			return &guard.InternalError{Stage: "gen go", Value: fmt.Errorf("imports %s and %s are both named %s", other, path, name)}
		}
		if other, ok := byPath[path]; ok && other != name {
			return &guard.InternalError{Stage: "gen go", Value: fmt.Errorf("import %s is named both %s and %s", path, other, name)}
		}
		byName[name], byPath[path] = path, name
	}
	return nil
}

// importSpec splits an import line (`"path"` or `name "path"`) into the
// name it gives the package and the path.
func importSpec(imp string) (name, path string) {
	name, quoted, ok := strings.Cut(imp, " ")
	if !ok {
		quoted, name = imp, ""
	}
	path = strings.Trim(quoted, `"`)
	if name == "" {
		name = path[strings.LastIndexByte(path, '/')+1:]
	}
	return name, path
}

// writeImports writes the import declaration of imports (import lines,
// sorted by path) as goimports groups it: the standard library first, then the
// rest, a blank line between.
func writeImports(out *bytes.Buffer, imports []string) {
	switch len(imports) {
	case 0:
		return
	case 1:
		fmt.Fprintf(out, "\nimport %s\n", imports[0])
		return
	}
	var std, other []string
	for _, imp := range imports {
		_, path := importSpec(imp)
		if first, _, _ := strings.Cut(path, "/"); strings.Contains(first, ".") {
			other = append(other, imp)
		} else {
			std = append(std, imp)
		}
	}
	out.WriteString("\nimport (\n")
	for _, imp := range std {
		fmt.Fprintf(out, "\t%s\n", imp)
	}
	if len(std) > 0 && len(other) > 0 {
		out.WriteByte('\n')
	}
	for _, imp := range other {
		fmt.Fprintf(out, "\t%s\n", imp)
	}
	out.WriteString(")\n")
}
