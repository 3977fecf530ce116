package abi_test

import (
	"os"
	"path/filepath"
	"slices"
	"testing"

	"github.com/wasifill/wasifill/gen/internal/abi"
	"github.com/wasifill/wasifill/internal/canon"
	"github.com/wasifill/wasifill/witparse"
)

func load(t *testing.T, src string) (*witparse.Resolve, witparse.InterfaceID) {
	t.Helper()
	path := filepath.Join(t.TempDir(), "a.wit")
	if err := os.WriteFile(path, []byte(src), 0o644); err != nil {
		t.Fatal(err)
	}
	r, _, err := witparse.Load(path, witparse.Options{})
	if err != nil {
		t.Fatal(err)
	}
	iface, ok := r.LookupInterface("a:b/i")
	if !ok {
		t.Fatal("no a:b/i")
	}
	return r, iface
}

func lookup(t *testing.T, r *witparse.Resolve, iface witparse.InterfaceID, name string) witparse.Type {
	t.Helper()
	typ, ok := r.LookupType(iface, name)
	if !ok {
		t.Fatalf("no type %s", name)
	}
	return typ
}

// Layouts are canon's, by hand from CanonicalABI.md: an alias is its
// target, a record's fields sit at aligned offsets, a spilled-params tuple
// is laid out as a tuple; Tuple leaves the resolve it was given alone.
func TestLayout(t *testing.T) {
	r, iface := load(t, `package a:b;
interface i {
  record p { x: u8, y: u64, z: u16 }
  type q = p;
  variant v { a(u8), b(tuple<u32, u64>) }
}
`)
	a := abi.New(r)
	q := lookup(t, r, iface, "q")
	if d := abi.Deref(r, q); d.IsPrim() || r.Types[d.ID].Name != "p" {
		t.Fatalf("q derefs to %+v, want p", d)
	}
	l, err := a.Layout(q)
	if err != nil {
		t.Fatal(err)
	}
	if l.Size != 24 || l.Align != 8 || !slices.Equal(l.FieldOffsets, []uint32{0, 8, 16}) {
		t.Errorf("p: %+v, want size 24 align 8 fields at 0, 8, 16", l)
	}
	l, err = a.Layout(lookup(t, r, iface, "v"))
	if err != nil {
		t.Fatal(err)
	}
	if l.DiscSize != 1 || l.PayloadOffset != 8 || l.Size != 24 || !slices.Equal(l.Flat, []canon.ValType{canon.I32, canon.I32, canon.I64}) {
		t.Errorf("v: %+v, want disc 1, payload at 8, size 24, flat i32 i32 i64 (the joined payloads)", l)
	}
	n := len(r.Types)
	tup := a.Tuple([]witparse.Type{{Prim: "u8"}, q})
	if a.Tuple([]witparse.Type{{Prim: "u8"}, q}) != tup {
		t.Error("the same tuple twice is two types")
	}
	if len(r.Types) != n || len(a.Resolve().Types) != n+1 {
		t.Errorf("Tuple: %d types in the given resolve (want %d), %d in its own (want %d)", len(r.Types), n, len(a.Resolve().Types), n+1)
	}
	if l, err = a.Layout(tup); err != nil || !slices.Equal(l.FieldOffsets, []uint32{0, 8}) || l.Size != 32 {
		t.Errorf("tuple<u8, p>: %+v, %v; want fields at 0, 8, size 32", l, err)
	}
	sig, err := a.Signature(slices.Repeat([]witparse.Type{q}, 6), &witparse.Type{Prim: "string"}, canon.Lower)
	if err != nil || !sig.ParamsSpilled || !sig.ResultsSpilled || len(sig.Params) != 2 {
		t.Errorf("6 × p → string lowered: %+v, %v; want spilled params and an out-pointer", sig, err)
	}
}

// A type without a value form is an error, not a layout.
func TestNoValueForm(t *testing.T) {
	r, iface := load(t, "package a:b;\ninterface i {\n  type m = map<string, u8>;\n}\n")
	if _, err := abi.New(r).Layout(lookup(t, r, iface, "m")); err == nil {
		t.Error("map: a layout, want an error")
	}
}
