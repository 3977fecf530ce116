package rust

import (
	"context"
	"encoding/hex"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/tetratelabs/wazero"

	"github.com/wasifill/wasifill/gen/internal/abi"
	"github.com/wasifill/wasifill/internal/canon"
	"github.com/wasifill/wasifill/internal/filltest"
	"github.com/wasifill/wasifill/internal/valuetest"
	"github.com/wasifill/wasifill/value"
	"github.com/wasifill/wasifill/value/wave"
	"github.com/wasifill/wasifill/witparse"
)

// harness writes a crate around the generated codecs of types: for type i,
// dec_<i>(p, n) decodes the wire bytes at p into a fresh area in the
// canonical-ABI memory form and returns it (0: they do not decode);
// enc_<i>(area) encodes that area again; flat_<i>(p, n) decodes into the
// flat form and encodes from it. The encoders return start<<32 | length
// (u64::MAX: did not decode).
func harness(tb testing.TB, vtypes []*value.Type) map[string][]byte {
	r, types := witTypes(tb, vtypes)
	cs := newCodecs(abi.New(r))
	var c code
	for i, t := range types {
		alloc := fmt.Sprintf("let a = alloc(%d, %d);", canon.Size(vtypes[i]), canon.Alignment(vtypes[i]))
		entry(&c, fmt.Sprintf("dec_%d", i), "usize", alloc, fmt.Sprintf("dec_in_%d(&mut r, a)", i), "Ok(()) => a", "0")
		c.line("")
		c.open("unsafe fn dec_in_%d(r: &mut R, a: usize) -> Res<()> {", i)
		cs.mem(&c, t, "a", fromWire)
		c.line("r.end()")
		c.close("}")
		c.line("")
		c.line("#[no_mangle]")
		c.open("pub unsafe extern \"C\" fn enc_%d(a: usize) -> u64 {", i)
		c.line("let w = mark();")
		cs.mem(&c, t, "a", toWire)
		c.line("((w as u64) << 32) | (mark() - w) as u64")
		c.close("}")
		entry(&c, fmt.Sprintf("flat_%d", i), "u64", "", fmt.Sprintf("flat_in_%d(&mut r)", i),
			"Ok(w) => ((w as u64) << 32) | (mark() - w) as u64", "u64::MAX")
		c.line("")
		c.open("unsafe fn flat_in_%d(r: &mut R) -> Res<usize> {", i)
		var slots []slot
		for k, ft := range canon.Flatten(vtypes[i]) {
			s := slot{fmt.Sprintf("f%d", k), ft}
			slots = append(slots, s)
			c.line("let %s: %s;", s.name, rustType(ft))
		}
		cs.flatDec(&c, t, slots)
		c.line("r.end()?;")
		c.line("let w = mark();")
		cs.flatEnc(&c, t, slots)
		c.line("Ok(w)")
		c.close("}")
	}
	c.line("")
	c.line("#[no_mangle]")
	c.open("pub unsafe extern \"C\" fn empty() {")
	c.line("reset();")
	c.close("}")
	rt, _ := files.ReadFile("rt.rs")
	lib := "#![no_std]\n\nmod rt;\n\nuse rt::*;\n" + c.b.String() + "\n" + cs.out.b.String()
	if cs.err != nil {
		tb.Fatal(cs.err)
	}
	return map[string][]byte{"lib.rs": []byte(lib), "rt.rs": rt}
}

// entry writes the export name(p, n) -> ret: after pre, it reads the
// wire bytes at p..p+n with inner, answering as the ok arm says, or fail
// when they do not decode.
func entry(c *code, name, ret, pre, inner, ok, fail string) {
	c.line("")
	c.line("#[no_mangle]")
	c.open("pub unsafe extern \"C\" fn %s(p: usize, n: usize) -> %s {", name, ret)
	if pre != "" {
		c.line("%s", pre)
	}
	c.line("let mut r = R { p, end: p + n };")
	c.open("match %s {", inner)
	c.line("%s,", ok)
	c.line("Err(_) => %s,", fail)
	c.close("}")
	c.close("}")
}

// witTypes declares the value types as WIT (`type t<i> = …;` in an
// interface, each record, variant, enum and flags a named type of its
// own, as WIT wants them) and loads them with witparse.
func witTypes(tb testing.TB, types []*value.Type) (*witparse.Resolve, []witparse.Type) {
	tb.Helper()
	w := &valuetest.WIT{Prefix: "n"}
	for i, t := range types {
		e := w.Expr(t)
		w.Decls = append(w.Decls, fmt.Sprintf("type t%d = %s;", i, e))
	}
	decls := w.Decls
	src := "package test:vectors;\n\ninterface v {\n  " + strings.Join(decls, "\n  ") + "\n}\n"
	path := filepath.Join(tb.TempDir(), "v.wit")
	if err := os.WriteFile(path, []byte(src), 0o644); err != nil {
		tb.Fatal(err)
	}
	r, _, err := witparse.Load(path, witparse.Options{})
	if err != nil {
		tb.Fatalf("%v\n%s", err, src)
	}
	iface, ok := r.LookupInterface("test:vectors/v")
	if !ok {
		tb.Fatal("no interface test:vectors/v")
	}
	out := make([]witparse.Type, len(types))
	for i := range types {
		if out[i], ok = r.LookupType(iface, fmt.Sprintf("t%d", i)); !ok {
			tb.Fatalf("no type t%d", i)
		}
	}
	return r, out
}

// The generated codecs pass every shared wire vector byte for byte, in
// both directions and both canonical-ABI forms, and refuse every invalid
// one: decoded into memory, the value is what canon.Load reads back as
// the vector's value; encoded from memory and from flat values, the bytes
// are the vector's.
func TestWireVectors(t *testing.T) {
	vs, types, index := filltest.WireVectors(t)
	mod := buildHarness(t, harness(t, types))
	ctx := context.Background()
	r := wazero.NewRuntime(ctx)
	defer r.Close(ctx)
	inst, err := r.Instantiate(ctx, mod)
	if err != nil {
		t.Fatal(err)
	}
	mem := inst.Memory()
	call := func(name string, args ...uint64) uint64 {
		t.Helper()
		out, err := inst.ExportedFunction(name).Call(ctx, args...)
		if err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		if len(out) == 0 {
			return 0
		}
		return out[0]
	}
	// put copies wire bytes into the fill's memory through cabi_realloc.
	put := func(b []byte) (uint64, uint64) {
		p := call("cabi_realloc", 0, 0, 1, uint64(len(b)))
		mem.Write(uint32(p), b)
		return p, uint64(len(b))
	}
	read := func(r uint64) string {
		b, _ := mem.Read(uint32(r>>32), uint32(r))
		return hex.EncodeToString(b)
	}
	for _, v := range vs.Vectors {
		i := index[v.Type]
		typ := types[i]
		want, err := wave.Parse(typ, v.Value)
		if err != nil {
			t.Fatal(err)
		}
		wire, _ := hex.DecodeString(v.Hex)
		p, n := put(wire)
		area := call(fmt.Sprintf("dec_%d", i), p, n)
		if area == 0 {
			t.Errorf("%s %s: %s does not decode", v.Type, v.Value, v.Hex)
			continue
		}
		got, err := canon.Load(ctx, &canon.Options{Memory: mem}, typ, uint32(area))
		if err != nil || !value.Equal(typ, got, want) {
			t.Errorf("%s: %s decodes to %v (%v), want %s", v.Type, v.Hex, got, err, v.Value)
		}
		if e := read(call(fmt.Sprintf("enc_%d", i), area)); e != v.Hex {
			t.Errorf("%s %s: encodes from memory to %s, want %s", v.Type, v.Value, e, v.Hex)
		}
		if e := read(call(fmt.Sprintf("flat_%d", i), p, n)); e != v.Hex {
			t.Errorf("%s %s: encodes from flat values to %s, want %s", v.Type, v.Value, e, v.Hex)
		}
		call("empty")
	}
	for _, v := range vs.Invalid {
		i := index[v.Type]
		wire, _ := hex.DecodeString(v.Hex)
		p, n := put(wire)
		if area := call(fmt.Sprintf("dec_%d", i), p, n); area != 0 {
			t.Errorf("%s: invalid %s decodes into memory", v.Type, v.Hex)
		}
		if call(fmt.Sprintf("flat_%d", i), p, n) != ^uint64(0) {
			t.Errorf("%s: invalid %s decodes into flat values", v.Type, v.Hex)
		}
		call("empty")
	}
}

// buildHarness compiles the harness like a fill, for wasm32.
func buildHarness(t *testing.T, files map[string][]byte) []byte {
	t.Helper()
	rustc := filltest.Tool(t, "/usr/bin/rustc", "scripts/install-tools.sh installs Debian's rustc and libstd-rust-dev-wasm32")
	dir := filltest.WriteFiles(t, files)
	cmd := exec.Command(rustc, "--edition", "2021", "--crate-type", "cdylib", "--target", "wasm32-unknown-unknown",
		"-O", "-C", "panic=abort", "-o", "harness.wasm", "lib.rs")
	cmd.Dir = dir
	if out, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("rustc: %v\n%s", err, out)
	}
	b, err := os.ReadFile(filepath.Join(dir, "harness.wasm"))
	if err != nil {
		t.Fatal(err)
	}
	return b
}
