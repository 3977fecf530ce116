package wasmpkg

import (
	"errors"
	"os"
	"strings"
	"testing"

	"github.com/wasifill/wasifill/internal/wasmbin"
)

// pkgWith encodes a package holding one interface a:b/i whose instance
// type has the given declarators.
func pkgWith(decls []wasmbin.Decl) []byte {
	inst := wasmbin.Type{Kind: wasmbin.TypeInstance, Decls: decls}
	item := wasmbin.Type{Kind: wasmbin.TypeComponent, Decls: []wasmbin.Decl{
		{Kind: wasmbin.DeclType, Type: &inst},
		{Kind: wasmbin.DeclExport, Name: wasmbin.PlainName("a:b/i"), Extern: wasmbin.ExternType{Kind: wasmbin.ExternTypeInstance}},
	}}
	return wasmbin.EncodeComponent(&wasmbin.Component{
		Version: [4]byte{0x0d, 0x00, 0x01, 0x00},
		Defs: []wasmbin.Def{
			&wasmbin.TypeDefs{Types: []wasmbin.Type{item}},
			&wasmbin.ExportDefs{Exports: []wasmbin.Export{{Name: wasmbin.PlainName("i"), Sort: wasmbin.SortType}}},
		},
	})
}

// TestSmallInterface decodes a hand-built package: a named tuple type.
func TestSmallInterface(t *testing.T) {
	tuple := wasmbin.Type{Kind: wasmbin.TypeTuple, Elems: []wasmbin.ValType{{Prim: wasmbin.PrimU8}, {Prim: wasmbin.PrimString}}}
	b := pkgWith([]wasmbin.Decl{
		{Kind: wasmbin.DeclType, Type: &tuple},
		{Kind: wasmbin.DeclExport, Name: wasmbin.PlainName("pair"), Extern: wasmbin.ExternType{Kind: wasmbin.ExternTypeType, Index: 0}},
	})
	got, err := ToWIT(b)
	if err != nil {
		t.Fatal(err)
	}
	want := "package a:b;\n\ninterface i {\n  type pair = tuple<u8, string>;\n}\n\n"
	if string(got) != want {
		t.Errorf("got\n%s\nwant\n%s", got, want)
	}
}

// TestDoublingTypesBounded: anonymous types that each hold two of the one
// before would expand to 2^64 leaves written inline; decoding stops with
// an error at MaxText instead.
func TestDoublingTypesBounded(t *testing.T) {
	first := wasmbin.Type{Kind: wasmbin.TypeTuple, Elems: []wasmbin.ValType{{Prim: wasmbin.PrimU8}, {Prim: wasmbin.PrimU8}}}
	decls := []wasmbin.Decl{{Kind: wasmbin.DeclType, Type: &first}}
	for i := uint32(1); i < 64; i++ {
		ty := wasmbin.Type{Kind: wasmbin.TypeTuple, Elems: []wasmbin.ValType{{Index: i - 1}, {Index: i - 1}}}
		decls = append(decls, wasmbin.Decl{Kind: wasmbin.DeclType, Type: &ty})
	}
	decls = append(decls, wasmbin.Decl{Kind: wasmbin.DeclExport, Name: wasmbin.PlainName("t"),
		Extern: wasmbin.ExternType{Kind: wasmbin.ExternTypeType, Index: 63}})
	_, err := ToWIT(pkgWith(decls))
	if !errors.Is(err, errTooLarge) {
		t.Fatalf("got %v, want the text-size error", err)
	}
}

// TestDeepTypesBounded: a list nested past MaxDepth is refused.
func TestDeepTypesBounded(t *testing.T) {
	first := wasmbin.Type{Kind: wasmbin.TypeList, Elem: wasmbin.ValType{Prim: wasmbin.PrimU8}}
	decls := []wasmbin.Decl{{Kind: wasmbin.DeclType, Type: &first}}
	for i := uint32(1); i < MaxDepth+5; i++ {
		ty := wasmbin.Type{Kind: wasmbin.TypeList, Elem: wasmbin.ValType{Index: i - 1}}
		decls = append(decls, wasmbin.Decl{Kind: wasmbin.DeclType, Type: &ty})
	}
	decls = append(decls, wasmbin.Decl{Kind: wasmbin.DeclExport, Name: wasmbin.PlainName("t"),
		Extern: wasmbin.ExternType{Kind: wasmbin.ExternTypeType, Index: MaxDepth + 4}})
	_, err := ToWIT(pkgWith(decls))
	if err == nil || !strings.Contains(err.Error(), "nested deeper") {
		t.Fatalf("got %v, want the depth error", err)
	}
}

// FuzzToWIT: any input gives text or an error, never a panic, and the
// text stays within MaxText.
func FuzzToWIT(f *testing.F) {
	b, err := os.ReadFile("../../testdata/wasmdep/root/deps/dep.wasm")
	if err != nil {
		f.Fatal(err)
	}
	f.Add(b)
	f.Add([]byte("\x00asm\x0d\x00\x01\x00"))
	f.Fuzz(func(t *testing.T, b []byte) {
		out, err := ToWIT(b)
		if err == nil && len(out) > MaxText {
			t.Fatalf("%d bytes of text", len(out))
		}
	})
}
