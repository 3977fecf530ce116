// Package rust generates wasi-fills in Rust from WIT: self-contained
// no_std crates (no wit-bindgen, no crates) that build with plain rustc for
// wasm32-unknown-unknown into fills a fraction of the Go fills' size.
//
// An import fill exports the custom interfaces a world imports with their
// canonical-ABI flat signatures and forwards each call to
// wasifill:rpc/transport.invoke; an export fill serves
// wasifill:rpc/handler by calling the interfaces a world exports. Values
// go straight between the canonical ABI (flat values and linear memory)
// and the wire encoding through code emitted per type, with no
// intermediate Rust types. The output is formatted as rustfmt formats it
// and is deterministic. Types are read in witparse's resolved model and
// laid out by internal/canon (through gen/internal/abi). Resources, async
// functions, maps, futures, streams and error-context are refused with an
// *UnsupportedError naming the item (docs/gen.md lists what each
// generator covers).
package rust

import (
	"bytes"
	"embed"
	"fmt"
	"maps"
	"regexp"
	"strings"
	"sync"
	"text/template"

	"github.com/wasifill/wasifill/gen"
	"github.com/wasifill/wasifill/gen/internal/abi"
	"github.com/wasifill/wasifill/internal/canon"
	"github.com/wasifill/wasifill/internal/guard"
	"github.com/wasifill/wasifill/witparse"
)

//go:embed rt.rs invoke.rs handle.rs lib.rs.tmpl Cargo.toml.tmpl
var files embed.FS

// templates parses the embedded templates on first use (not at every
// process's start-up).
var templates = sync.OnceValue(func() *template.Template {
	return template.Must(template.ParseFS(files, "lib.rs.tmpl", "Cargo.toml.tmpl"))
})

// UnsupportedError is a WIT construct the generator does not handle yet
// (Generator "gen rust").
type UnsupportedError = gen.UnsupportedError

// unsupported is the error for what in item; fills say why they refuse
// resources.
func unsupported(item, what string) *UnsupportedError {
	e := &UnsupportedError{Generator: "gen rust", Item: item, What: what}
	if what == "resources" {
		e.Why = gen.NoHandlesOverRPC
	}
	return e
}

// GenerateImportFill writes the import fill of world: lib.rs, its modules
// rt.rs and invoke.rs, and a Cargo.toml. world is the user's world (its
// imported custom interfaces are filled) or the fill's own world (it
// imports wasifill:rpc/transport; its exports are filled).
func GenerateImportFill(r *witparse.Resolve, world witparse.WorldID) (_ map[string][]byte, err error) {
	defer guard.Recover("gen rust: import fill", &err)
	return generate(r, world, importFill)
}

// GenerateExportFill writes the export fill of world: lib.rs, its modules
// rt.rs and handle.rs, and a Cargo.toml. world is the user's world (its
// exported custom interfaces are served) or the fill's own world (it
// exports wasifill:rpc/handler; its imports are served).
func GenerateExportFill(r *witparse.Resolve, world witparse.WorldID) (_ map[string][]byte, err error) {
	defer guard.Recover("gen rust: export fill", &err)
	return generate(r, world, exportFill)
}

// mode is which fill is generated.
type mode uint8

const (
	importFill mode = iota + 1 // forwards the world's imports to wasifill:rpc/transport
	exportFill                 // serves wasifill:rpc/handler with the world's exports
)

func (m mode) String() string { return map[mode]string{importFill: "import", exportFill: "export"}[m] }

// export reports whether m is the export fill (gen's fill functions'
// flag).
func (m mode) export() bool { return m == exportFill }

// runtime is the fixed Rust the fill's crate carries beside lib.rs.
func (m mode) runtime() []string {
	if m == exportFill {
		return []string{"rt.rs", "handle.rs"}
	}
	return []string{"rt.rs", "invoke.rs"}
}

func generate(r *witparse.Resolve, world witparse.WorldID, m mode) (map[string][]byte, error) {
	if int(world) < 0 || int(world) >= len(r.Worlds) {
		return nil, fmt.Errorf("gen rust: no world %d", world)
	}
	if err := gen.CheckSizes(r, world); err != nil {
		return nil, fmt.Errorf("gen rust: %w", err)
	}
	w := r.Worlds[world]
	// An interface with no functions (one whose types another uses) is
	// in the fill's world but has nothing in its code.
	var ifaces []gen.Interface
	for _, ifc := range gen.FillInterfaces(r, world, m.export()) {
		if len(r.Interfaces[ifc.ID].Functions) > 0 {
			ifaces = append(ifaces, ifc)
		}
	}
	if len(ifaces) == 0 {
		return nil, fmt.Errorf("gen rust: %w", &gen.NothingToFillError{World: w.Name, Export: m.export()})
	}
	a := abi.New(r)
	f := &fill{r: a.Resolve(), abi: a, cs: newCodecs(a), used: map[string]bool{}, errFns: map[string]string{}, fnNames: map[string]int{}}
	for _, ifc := range ifaces {
		for _, fun := range r.Interfaces[ifc.ID].Functions {
			f.fnNames[fun.Name]++
		}
	}
	var err error
	if m == importFill {
		err = f.importFill(ifaces)
	} else {
		err = f.exportFill(ifaces)
	}
	if err == nil {
		err = f.cs.err
	}
	if err != nil {
		return nil, err
	}
	body := f.body.b.String()
	if codecs := f.cs.out.b.String(); codecs != "" {
		body += "\n// Wire codecs.\n\n" + codecs
	}
	crate := w.Name + "-" + m.String() + "-fill"
	if strings.HasSuffix(w.Name, "fill") { // the fill's own world
		crate = w.Name
	}
	data := map[string]string{
		"Kind":  m.String(),
		"World": w.Name,
		"Body":  strings.TrimRight(body, "\n"),
		"Crate": crate,
	}
	out := map[string][]byte{}
	for _, t := range []struct{ tmpl, file string }{{"lib.rs.tmpl", "lib.rs"}, {"Cargo.toml.tmpl", "Cargo.toml"}} {
		var b bytes.Buffer
		if err := templates().ExecuteTemplate(&b, t.tmpl, data); err != nil {
			return nil, fmt.Errorf("gen rust: %s: %w", t.file, err)
		}
		out[t.file] = b.Bytes()
	}
	for _, name := range m.runtime() {
		b, err := files.ReadFile(name)
		if err != nil {
			return nil, fmt.Errorf("gen rust: %w", err)
		}
		out[name] = b
	}
	wit, err := gen.FillWorld(r, world, m.export())
	if err != nil {
		return nil, fmt.Errorf("gen rust: %w", err)
	}
	maps.Copy(out, wit)
	return out, nil
}

// fill is one fill being generated.
type fill struct {
	r       *witparse.Resolve // abi's resolve
	abi     *abi.Types
	cs      *codecs
	body    code
	used    map[string]bool   // Rust names taken by interfaces and error mappings
	errFns  map[string]string // error type key → its rpc_to_ function
	fnNames map[string]int    // how many of the fill's interfaces have a function of a name
}

// ident returns a Rust name for an interface ("store" for
// acme:kv/store@1.0.0), unique in the fill.
func (f *fill) ident(ifc gen.Interface) string {
	base := snake(f.r.Interfaces[ifc.ID].Name)
	if base == "" {
		base = snake(ifc.Name)
	}
	n := base
	for i := 2; f.used[n]; i++ {
		n = fmt.Sprintf("%s%d", base, i)
	}
	f.used[n] = true
	return n
}

// fnIdent is the Rust name of function name of the interface whose Rust
// name is iface: the function's own name when no other interface of the
// fill has one of that name, else prefixed with the interface's. A name
// that could clash with a keyword, the runtime's names, the locals of the
// generated code or the generated helpers' prefixes gets a trailing "_".
func (f *fill) fnIdent(iface, name string) string {
	id := snake(name)
	if f.fnNames[name] > 1 {
		id = iface + "_" + id
	}
	if reserved[id] || regexp.MustCompile(`^[pf][0-9]+$`).MatchString(id) {
		return id + "_"
	}
	for _, p := range []string{"w_", "enc_", "dec_", "serve_", "result_", "post_", "rpc_to_"} {
		if strings.HasPrefix(id, p) {
			return id + "_"
		}
	}
	return id
}

// reserved are Rust keywords and the names the generated code uses.
var reserved = map[string]bool{}

func init() {
	for _, n := range strings.Fields(`as break const continue crate else enum extern false fn for if impl in let loop
		match mod move mut pub ref return self static struct super trait true type unsafe use where while async await
		dyn abstract become box do final macro override priv typeof unsized virtual yield try union
		alloc alloc_n reset mark check fail put bytes cabi_realloc invoke handle handle_post dispatch
		ld8 ld16 ld32 ld64 st8 st16 st32 st64 sys panic rt core a c e n p q r v w ret`) {
		reserved[n] = true
	}
}

// function is one function of a fill: its WIT types, checked to be ones
// the fill carries.
type function struct {
	iface, name string // WIT names
	ident       string // Rust name: <interface>_<function>
	docs        string
	params      []witparse.Type
	result      *witparse.Type // nil: none
}

// function checks that the fill can carry fun: a freestanding function
// whose types all have a value form and a canonical-ABI layout.
func (f *fill) function(iface, ident string, fun *witparse.Function) (*function, error) {
	item := iface + ": function " + fun.Name
	switch fun.Kind {
	case witparse.Freestanding:
	case witparse.AsyncFreestanding, witparse.AsyncMethod, witparse.AsyncStatic:
		return nil, unsupported(item, "async functions")
	default:
		return nil, unsupported(item, "resources")
	}
	fn := &function{iface: iface, name: fun.Name, ident: f.fnIdent(ident, fun.Name), docs: fun.Docs, result: fun.Result}
	for _, p := range fun.Params {
		fn.params = append(fn.params, p.Type)
	}
	check := func(t witparse.Type) error {
		if what := gen.FillUnsupported(f.r, t); what != "" {
			return unsupported(item, what)
		}
		if _, err := f.abi.Value(t); err != nil {
			return fmt.Errorf("gen rust: %s: %w", item, err)
		}
		return nil
	}
	for _, p := range fn.params {
		if err := check(p); err != nil {
			return nil, err
		}
	}
	if fn.result != nil {
		if err := check(*fn.result); err != nil {
			return nil, err
		}
	}
	return fn, nil
}

// signature is fn's core signature for cx (canon.Lift: the import fill's
// exports; canon.Lower: the export fill's imports). Its types were checked
// by function; a failure is recorded in the codecs' error.
func (f *fill) signature(fn *function, cx canon.Context) canon.Signature {
	sig, err := f.abi.Signature(fn.params, fn.result, cx)
	if err != nil && f.cs.err == nil {
		f.cs.err = err
	}
	return sig
}
