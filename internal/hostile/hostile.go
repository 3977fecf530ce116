// Package hostile holds hand-made hostile core modules, one per section
// kind and count or index field a decoder trusts: vectors declaring
// 0xffffffff entries in a few bytes, indices past their index space,
// locals that sum past any sane bound. The wasmbin validator's tests, the
// runtime's and the CLI's bounded-memory harness all run this one table,
// and the fuzz targets seed from it.
package hostile

import "github.com/wasifill/wasifill/internal/wasmbin"

// Case is one hostile module and the phrase its rejection must contain.
type Case struct {
	Name string
	Wasm []byte
	// Want is a substring of the validator's error message.
	Want string
}

// huge is 0xffffffff as LEB128.
var huge = []byte{0xff, 0xff, 0xff, 0xff, 0x0f}

func cat(parts ...[]byte) []byte {
	var out []byte
	for _, p := range parts {
		out = append(out, p...)
	}
	return out
}

func leb(x uint32) []byte { return wasmbin.AppendULEB32(nil, x) }

// Sec returns a section with id and payload.
func Sec(id byte, payload ...[]byte) []byte {
	p := cat(payload...)
	return cat([]byte{id}, leb(uint32(len(p))), p)
}

// Module returns a core module made of sections.
func Module(sections ...[]byte) []byte {
	return cat([]byte{0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00}, cat(sections...))
}

// Common sections: one type () -> (), one function of it, a memory.
var (
	typeVoid  = Sec(1, []byte{1, 0x60, 0, 0})
	funcOne   = Sec(3, []byte{1, 0})
	codeEmpty = Sec(10, []byte{1, 2, 0, 0x0b})
	memOne    = Sec(5, []byte{1, 0, 1})
	tableOne  = Sec(4, []byte{1, 0x70, 0, 1})
)

// Modules returns the hostile modules. Every one is at most a few dozen
// bytes; decoded naively, most ask for gigabytes.
func Modules() []Case {
	return []Case{
		{"type-count", Module(Sec(1, huge, []byte{0x60, 0, 0})), "entries cannot fit"},
		{"type-params", Module(Sec(1, []byte{1, 0x60}, huge, []byte{0})), "entries cannot fit"},
		{"type-results", Module(Sec(1, []byte{1, 0x60, 0}, huge)), "entries cannot fit"},
		{"type-params-many", Module(Sec(1, []byte{1, 0x60}, leb(1001), make7f(1001), []byte{0})), "parameters"},
		{"type-not-func", Module(Sec(1, []byte{1, 0x5f, 0, 0})), "not a function type"},
		// Two parameters in two bytes, the first of which, (ref null func), takes both.
		{"type-params-reftype", Module(Sec(1, []byte{1, 0x60, 2, 0x63, 0x70})), "unexpected end"},
		{"import-count", Module(typeVoid, Sec(2, huge, []byte{1, 'm', 1, 'f', 0, 0})), "entries cannot fit"},
		{"import-name", Module(Sec(2, []byte{1}, huge, []byte{'m'})), "runs past the section"},
		{"import-func-type", Module(typeVoid, Sec(2, []byte{1, 1, 'm', 1, 'f', 0, 7})), "type index 7"},
		{"import-table-min", Module(Sec(2, []byte{1, 1, 'm', 1, 't', 1, 0x70, 0}, huge)), "table"},
		{"import-memory-min", Module(Sec(2, []byte{1, 1, 'm', 1, 'm', 2, 0}, huge)), "pages"},
		{"import-kind", Module(Sec(2, []byte{1, 1, 'm', 1, 'x', 9, 0})), "import kind"},
		{"func-count", Module(typeVoid, Sec(3, huge, []byte{0})), "entries cannot fit"},
		{"func-type", Module(typeVoid, Sec(3, []byte{1, 5}), Sec(10, []byte{1, 2, 0, 0x0b})), "type index 5"},
		{"func-type-called", Module(typeVoid, Sec(3, []byte{2, 0, 9}),
			Sec(10, []byte{2, 4, 0, 0x10, 1, 0x0b, 2, 0, 0x0b})), "type index 9"},
		{"table-count", Module(Sec(4, huge, []byte{0x70, 0, 1})), "entries cannot fit"},
		{"table-min", Module(Sec(4, []byte{1, 0x70, 0}, huge)), "table"},
		{"table-max-below-min", Module(Sec(4, []byte{1, 0x70, 1, 5, 2})), "below its minimum"},
		{"memory-count", Module(Sec(5, huge, []byte{0, 1})), "entries cannot fit"},
		{"memory-min", Module(Sec(5, []byte{1, 0}, huge)), "pages"},
		{"memory-flags", Module(Sec(5, []byte{1, 0x04, 1})), "memory flags"},
		{"global-count", Module(Sec(6, huge, []byte{0x7f, 0, 0x41, 0, 0x0b})), "entries cannot fit"},
		{"global-get", Module(Sec(6, []byte{1, 0x7f, 0, 0x23, 3, 0x0b})), "global index 3"},
		{"global-init-op", Module(Sec(6, []byte{1, 0x7f, 0, 0x10, 0, 0x0b})), "constant expression"},
		{"export-count", Module(typeVoid, funcOne, Sec(7, huge, []byte{1, 'f', 0, 0}), codeEmpty), "entries cannot fit"},
		{"export-name", Module(Sec(7, []byte{1}, huge)), "runs past the section"},
		{"export-func", Module(Sec(7, []byte{1, 1, 'f', 0, 4})), "function index 4"},
		{"export-memory", Module(Sec(7, []byte{1, 1, 'm', 2, 0})), "memory index 0"},
		{"export-duplicate", Module(typeVoid, funcOne, Sec(7, []byte{2, 1, 'f', 0, 0, 1, 'f', 0, 0}), codeEmpty), "duplicate export"},
		{"start-func", Module(Sec(8, []byte{3})), "function index 3"},
		{"elem-count", Module(typeVoid, funcOne, tableOne, Sec(9, huge, []byte{0, 0x41, 0, 0x0b, 0}), codeEmpty), "entries cannot fit"},
		{"elem-funcs", Module(typeVoid, funcOne, tableOne, Sec(9, []byte{1, 0, 0x41, 0, 0x0b}, huge, []byte{0}), codeEmpty), "entries cannot fit"},
		{"elem-func-index", Module(typeVoid, funcOne, tableOne, Sec(9, []byte{1, 0, 0x41, 0, 0x0b, 1, 6}), codeEmpty), "function index 6"},
		{"elem-exprs", Module(typeVoid, funcOne, tableOne, Sec(9, []byte{1, 5, 0x70}, huge, []byte{0xd0, 0x70, 0x0b}), codeEmpty), "entries cannot fit"},
		{"elem-table", Module(typeVoid, funcOne, Sec(9, []byte{1, 2, 4, 0x41, 0, 0x0b, 0, 1, 0}), codeEmpty), "table index 4"},
		{"datacount", Module(memOne, Sec(12, huge)), "data count"},
		{"code-count", Module(typeVoid, funcOne, Sec(10, huge, []byte{2, 0, 0x0b})), "entries cannot fit"},
		{"code-mismatch", Module(typeVoid, funcOne, Sec(10, []byte{2, 2, 0, 0x0b, 2, 0, 0x0b})), "function section declares 1"},
		{"code-size", Module(typeVoid, funcOne, Sec(10, []byte{1}, huge, []byte{0, 0x0b})), "runs past the section"},
		{"code-locals-count", Module(typeVoid, funcOne, Sec(10, []byte{1, 8}, huge, []byte{1, 0x7f, 0x0b})), "entries cannot fit"},
		{"code-locals-total", Module(typeVoid, funcOne, Sec(10, []byte{1, 8, 1}, huge, []byte{0x7f, 0x0b})), "locals"},
		{"code-locals-sum", Module(typeVoid, funcOne, Sec(10, []byte{1, 13, 2, 0x80, 0x80, 0x80, 0x80, 0x08, 0x7f,
			0x80, 0x80, 0x80, 0x80, 0x08, 0x7f, 0x0b})), "locals"},
		{"code-no-end", Module(typeVoid, funcOne, Sec(10, []byte{1, 2, 0, 0x01})), "end"},
		{"code-call", Module(typeVoid, funcOne, Sec(10, []byte{1, 4, 0, 0x10, 9, 0x0b})), "function index 9"},
		{"code-call-indirect-type", Module(typeVoid, funcOne, tableOne, Sec(10, []byte{1, 7, 0, 0x41, 0, 0x11, 8, 0, 0x0b})), "type index 8"},
		{"code-global", Module(typeVoid, funcOne, Sec(10, []byte{1, 4, 0, 0x23, 2, 0x0b})), "global index 2"},
		{"code-local", Module(typeVoid, funcOne, Sec(10, []byte{1, 4, 0, 0x20, 0, 0x0b})), "local index 0"},
		{"code-memory", Module(typeVoid, funcOne, Sec(10, []byte{1, 8, 0, 0x41, 0, 0x28, 2, 0, 0x1a, 0x0b})), "memory"},
		{"code-br-table", Module(typeVoid, funcOne, Sec(10, []byte{1, 11, 0, 0x41, 0, 0x0e}, huge, []byte{0, 0x0b})), "entries cannot fit"},
		{"code-opcode", Module(typeVoid, funcOne, Sec(10, []byte{1, 3, 0, 0xff, 0x0b})), "opcode"},
		{"data-count", Module(memOne, Sec(11, huge, []byte{0, 0x41, 0, 0x0b, 0})), "entries cannot fit"},
		{"data-bytes", Module(memOne, Sec(11, []byte{1, 0, 0x41, 0, 0x0b}, huge, []byte{0})), "runs past the section"},
		{"data-memory", Module(Sec(11, []byte{1, 0, 0x41, 0, 0x0b, 0})), "memory index 0"},
		{"data-datacount-mismatch", Module(memOne, Sec(12, []byte{2}), Sec(11, []byte{1, 1, 0})), "data count"},
		{"tag-count", Module(typeVoid, Sec(13, huge, []byte{0, 0})), "entries cannot fit"},
		{"section-twice", Module(typeVoid, typeVoid), "out of order"},
		{"section-order", Module(memOne, typeVoid), "out of order"},
		{"section-id", Module(Sec(14, []byte{0})), "unknown section"},
	}
}

// NameSections returns valid modules (one function, exported as "f")
// whose name section is hostile: what they declare would make a naive
// decoder allocate gigabytes. Names are not semantics, so each must
// compile and run, with the hostile parts of its names dropped. Want is
// the function name that survives, "" when none does.
func NameSections() []Case {
	names := func(subsections ...[]byte) []byte {
		return Sec(0, leb(4), []byte("name"), cat(subsections...))
	}
	sub := func(id byte, payload ...[]byte) []byte { return Sec(id, payload...) }
	fname := sub(1, []byte{1, 0, 4}, []byte("good"))
	module := func(name []byte) []byte {
		return Module(typeVoid, funcOne, Sec(7, []byte{1, 1, 'f', 0, 0}), codeEmpty, name)
	}
	return []Case{
		{"module-name-length", module(names(sub(0, huge), fname)), ""},
		{"function-names-count", module(names(fname, sub(1, huge, []byte{0, 1, 'x'}))), ""},
		{"function-name-length", module(names(sub(1, []byte{1, 0}, huge))), ""},
		{"local-names-count", module(names(fname, sub(2, huge))), "good"},
		{"local-names-inner-count", module(names(fname, sub(2, []byte{1, 0}, huge))), "good"},
		{"subsection-size", module(names(fname, []byte{2}, huge)), ""},
		{"unknown-subsection", module(names(fname, sub(9, huge, huge))), "good"},
		{"second-name-section", module(cat(names(fname), names(sub(2, huge)))), "good"},
	}
}

func make7f(n int) []byte {
	b := make([]byte, n)
	for i := range b {
		b[i] = 0x7f
	}
	return b
}
