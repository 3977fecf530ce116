package wasmbin_test

import (
	"bytes"
	"context"
	"errors"
	"testing"

	"github.com/wasifill/wasifill/internal/oracle"
	"github.com/wasifill/wasifill/internal/wasmbin"
)

// addModule is a core module written by hand: it exports add(i32, i32) -> i32.
var addModule = []byte{
	0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00,
	0x01, 0x07, 0x01, 0x60, 0x02, 0x7f, 0x7f, 0x01, 0x7f, // type
	0x03, 0x02, 0x01, 0x00, // function
	0x07, 0x07, 0x01, 0x03, 'a', 'd', 'd', 0x00, 0x00, // export
	0x0a, 0x09, 0x01, 0x07, 0x00, 0x20, 0x00, 0x20, 0x01, 0x6a, 0x0b, // code
}

func TestCoreModule(t *testing.T) {
	bin, err := wasmbin.Decode(addModule)
	if err != nil {
		t.Fatal(err)
	}
	if bin.Kind != wasmbin.KindCoreModule || len(bin.Sections) != 4 {
		t.Fatalf("kind %s, %d sections", bin.Kind, len(bin.Sections))
	}
	ids := []byte{1, 3, 7, 10}
	offsets := []int{8, 17, 21, 30}
	for i, s := range bin.Sections {
		if s.ID != ids[i] || s.Offset != offsets[i] {
			t.Errorf("section %d: id %d at %d, want id %d at %d", i, s.ID, s.Offset, ids[i], offsets[i])
		}
	}
	if !bytes.Equal(bin.Encode(), addModule) {
		t.Fatal("round trip changed the bytes")
	}
}

// A component made by wasm-tools (the oracle) from the hand-written module
// decodes, nests its core module, and encodes back to the same bytes.
func TestOracleComponentRoundTrip(t *testing.T) {
	comp, err := oracle.ComponentNew(context.Background(), addModule, "../oracle/testdata/min", "min")
	if err != nil {
		t.Fatal(err)
	}
	bin, err := wasmbin.Decode(comp)
	if err != nil {
		t.Fatal(err)
	}
	if bin.Kind != wasmbin.KindComponent {
		t.Fatalf("kind %s", bin.Kind)
	}
	var core *wasmbin.Binary
	seen := map[byte]bool{}
	for _, s := range bin.Sections {
		seen[s.ID] = true
		if s.ID == wasmbin.SecCoreModule {
			core = s.Nested
		}
	}
	if core == nil || core.Kind != wasmbin.KindCoreModule {
		t.Fatal("no nested core module")
	}
	// wasm-tools keeps the module's code: our add function is in there.
	if !bytes.Contains(core.Encode(), []byte{0x20, 0x00, 0x20, 0x01, 0x6a, 0x0b}) {
		t.Fatal("the nested module lost the add body")
	}
	exps, err := core.CoreExports()
	if err != nil || len(exps) == 0 || exps[0].Name != "add" || exps[0].Kind != wasmbin.ExternFunc {
		t.Fatalf("nested module exports %+v, %v", exps, err)
	}
	for _, id := range []byte{wasmbin.SecCoreInstance, wasmbin.SecType, wasmbin.SecCanon, wasmbin.SecExport} {
		if !seen[id] {
			t.Errorf("no section %d in a lifted component", id)
		}
	}
	if !bytes.Equal(bin.Encode(), comp) {
		t.Fatal("round trip changed the bytes")
	}
}

// Sections written with non-minimal LEB128 sizes survive a round trip.
func TestNonMinimalSizesSurvive(t *testing.T) {
	in := []byte{0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00,
		0x00, 0x85, 0x80, 0x80, 0x80, 0x00, 0x01, 'x', 'a', 'b', 'c'} // custom "x", size in 5 bytes
	bin, err := wasmbin.Decode(in)
	if err != nil {
		t.Fatal(err)
	}
	s := bin.Sections[0]
	if s.Name != "x" || string(s.Data) != "abc" {
		t.Fatalf("custom section %q %q", s.Name, s.Data)
	}
	if !bytes.Equal(bin.Encode(), in) {
		t.Fatalf("round trip: % x", bin.Encode())
	}
}

// A hand-written component: a custom section and a nested, empty component.
func TestNestedComponent(t *testing.T) {
	inner := []byte{0x00, 0x61, 0x73, 0x6d, 0x0d, 0x00, 0x01, 0x00}
	in := append([]byte{0x00, 0x61, 0x73, 0x6d, 0x0d, 0x00, 0x01, 0x00,
		0x00, 0x05, 0x04, 'n', 'o', 't', 'e',
		0x04, byte(len(inner))}, inner...)
	bin, err := wasmbin.Decode(in)
	if err != nil {
		t.Fatal(err)
	}
	if got := bin.CustomSections("no"); len(got) != 1 || got[0].Name != "note" {
		t.Fatalf("custom sections %v", got)
	}
	nested := bin.Sections[1].Nested
	if nested == nil || nested.Kind != wasmbin.KindComponent || len(nested.Sections) != 0 {
		t.Fatalf("nested %+v", nested)
	}
	// Edit the nested component and re-encode.
	nested.Sections = append(nested.Sections, wasmbin.NewCustomSection("added", []byte{1, 2}))
	bin.Sections[1].SizeBytes = nil
	bin.Sections = append(bin.Sections, wasmbin.NewCustomSection("tail", nil))
	again, err := wasmbin.Decode(bin.Encode())
	if err != nil {
		t.Fatal(err)
	}
	if got := again.Sections[1].Nested.CustomSections("added"); len(got) != 1 || !bytes.Equal(got[0].Data, []byte{1, 2}) {
		t.Fatal("edit of the nested component lost")
	}
	if len(again.CustomSections("tail")) != 1 {
		t.Fatal("appended section lost")
	}
}

func TestMalformed(t *testing.T) {
	pre := []byte{0x00, 0x61, 0x73, 0x6d, 0x0d, 0x00, 0x01, 0x00}
	cases := []struct {
		name    string
		in      []byte
		offset  int
		section string
	}{
		{"bad magic", []byte("\x00asn\x01\x00\x00\x00"), 0, "preamble"},
		{"unknown version", []byte("\x00asm\x02\x00\x00\x00"), 0, "preamble"},
		{"too short", []byte("\x00as"), 0, "preamble"},
		{"section past the end", append(append([]byte{}, pre...), 0x07, 0x05, 0x00), 8, "component section 7 (type)"},
		{"truncated size", append(append([]byte{}, pre...), 0x07, 0x80), 9, "component section 7 (type)"},
		{"unknown section", append(append([]byte{}, pre...), 0x0e, 0x00), 8, "component section 14"},
		{"custom name too long", append(append([]byte{}, pre...), 0x00, 0x02, 0x09, 'a'), 10, "custom section"},
		{"bad nested module", append(append([]byte{}, pre...), 0x01, 0x02, 0x00, 0x61), 10, "preamble"},
	}
	for _, c := range cases {
		_, err := wasmbin.Decode(c.in)
		var de *wasmbin.DecodeError
		if !errors.As(err, &de) || de.Offset != c.offset || de.Section != c.section {
			t.Errorf("%s: got %v, want a DecodeError in %q at %d", c.name, err, c.section, c.offset)
		}
	}
	// Components nested deeper than the limit are refused, not recursed into.
	deep := []byte{0x00, 0x61, 0x73, 0x6d, 0x0d, 0x00, 0x01, 0x00}
	for i := 0; i < 100; i++ {
		next := append([]byte{0x00, 0x61, 0x73, 0x6d, 0x0d, 0x00, 0x01, 0x00, 0x04}, lebU32(uint32(len(deep)))...)
		deep = append(next, deep...)
	}
	if _, err := wasmbin.Decode(deep); err == nil {
		t.Fatal("100 nested components decoded")
	}
}

func lebU32(x uint32) []byte { return wasmbin.AppendULEB32(nil, x) }

func FuzzDecode(f *testing.F) {
	f.Add(addModule)
	f.Add([]byte{0x00, 0x61, 0x73, 0x6d, 0x0d, 0x00, 0x01, 0x00, 0x04, 0x08, 0x00, 0x61, 0x73, 0x6d, 0x0d, 0x00, 0x01, 0x00})
	f.Fuzz(func(t *testing.T, in []byte) {
		bin, err := wasmbin.Decode(in)
		if err != nil {
			var de *wasmbin.DecodeError
			if !errors.As(err, &de) {
				t.Fatalf("error of type %T", err)
			}
			return
		}
		if out := bin.Encode(); !bytes.Equal(out, in) {
			t.Fatalf("round trip changed % x into % x", in, out)
		}
		// Item readers fail cleanly on whatever the sections hold.
		bin.CoreImports()
		bin.CoreExports()
		bin.ComponentImports()
		bin.ComponentExports()
	})
}

func TestCoreImportsExports(t *testing.T) {
	// (import "env" "f" (func (type 0))) (import "env" "mem" (memory 1 2))
	// (export "add" (func 0)) (export "memory" (memory 0))
	in := []byte{0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00,
		0x02, 0x15, 0x02,
		0x03, 'e', 'n', 'v', 0x01, 'f', 0x00, 0x00,
		0x03, 'e', 'n', 'v', 0x03, 'm', 'e', 'm', 0x02, 0x01, 0x01, 0x02,
		0x07, 0x10, 0x02,
		0x03, 'a', 'd', 'd', 0x00, 0x00,
		0x06, 'm', 'e', 'm', 'o', 'r', 'y', 0x02, 0x00,
	}
	bin, err := wasmbin.Decode(in)
	if err != nil {
		t.Fatal(err)
	}
	imps, err := bin.CoreImports()
	if err != nil {
		t.Fatal(err)
	}
	if len(imps) != 2 || imps[0].Module != "env" || imps[0].Name != "f" || imps[0].Kind != wasmbin.ExternFunc ||
		imps[1].Module != "env" || imps[1].Name != "mem" || imps[1].Kind != wasmbin.ExternMemory {
		t.Fatalf("imports %+v", imps)
	}
	// Desc is the kind byte and the type, ready to copy.
	if imps[0].Desc[0] != byte(wasmbin.ExternFunc) || imps[1].Desc[0] != byte(wasmbin.ExternMemory) {
		t.Fatalf("descs % x, % x", imps[0].Desc, imps[1].Desc)
	}
	exps, err := bin.CoreExports()
	if err != nil {
		t.Fatal(err)
	}
	if len(exps) != 2 || exps[1] != (wasmbin.CoreExport{Name: "memory", Kind: wasmbin.ExternMemory, Index: 0}) {
		t.Fatalf("exports %+v", exps)
	}
	// A count that cannot fit is refused before anything is allocated.
	bad := append([]byte{}, in[:8]...)
	bad = append(bad, 0x02, 0x05, 0xff, 0xff, 0xff, 0xff, 0x0f)
	bin, err = wasmbin.Decode(bad)
	if err != nil {
		t.Fatal(err)
	}
	var de *wasmbin.DecodeError
	if _, err := bin.CoreImports(); !errors.As(err, &de) || de.Offset != 15 {
		t.Fatalf("got %v", err)
	}
}

// loggerModule imports $root.log(i32, i32) and exports add and memory.
var loggerModule = []byte{
	0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00,
	0x01, 0x0c, 0x02, 0x60, 0x02, 0x7f, 0x7f, 0x01, 0x7f, 0x60, 0x02, 0x7f, 0x7f, 0x00, // types
	0x02, 0x0d, 0x01, 0x05, '$', 'r', 'o', 'o', 't', 0x03, 'l', 'o', 'g', 0x00, 0x01, // import
	0x03, 0x02, 0x01, 0x00, // function
	0x05, 0x03, 0x01, 0x00, 0x01, // memory 1
	0x07, 0x10, 0x02, 0x03, 'a', 'd', 'd', 0x00, 0x01, 0x06, 'm', 'e', 'm', 'o', 'r', 'y', 0x02, 0x00, // exports
	0x0a, 0x09, 0x01, 0x07, 0x00, 0x20, 0x00, 0x20, 0x01, 0x6a, 0x0b, // code
}

func TestComponentImportsExports(t *testing.T) {
	comp, err := oracle.ComponentNew(context.Background(), loggerModule, "../oracle/testdata/logger", "logger")
	if err != nil {
		t.Fatal(err)
	}
	bin, err := wasmbin.Decode(comp)
	if err != nil {
		t.Fatal(err)
	}
	imps, err := bin.ComponentImports()
	if err != nil {
		t.Fatal(err)
	}
	if len(imps) != 1 || imps[0].Name != "log" || imps[0].Sort != "func" {
		t.Fatalf("imports %+v", imps)
	}
	exps, err := bin.ComponentExports()
	if err != nil {
		t.Fatal(err)
	}
	if len(exps) != 1 || exps[0].Name != "add" || exps[0].Sort != "func" {
		t.Fatalf("exports %+v", exps)
	}
	if !bytes.Equal(bin.Encode(), comp) {
		t.Fatal("round trip changed the bytes")
	}
}

// Hand-written import and export sections in each name encoding.
func TestExternNames(t *testing.T) {
	pre := []byte{0x00, 0x61, 0x73, 0x6d, 0x0d, 0x00, 0x01, 0x00}
	imports := []byte{0x03,
		0x00, 0x01, 'a', 0x01, 0x05, // a: func type 5
		0x01, 0x01, 'b', 0x05, '1', '.', '2', '.', '3', 0x05, 0x02, // b with version 1.2.3: instance type 2
		0x02, 0x01, 'c', 0x02, 0x00, 0x01, 'i', 0x01, 0x01, '2', 0x03, 0x01, // c implements i, version 2: type (sub resource)
	}
	exports := []byte{0x01, 0x00, 0x01, 'x', 0x00, 0x11, 0x07, 0x00} // x: core module 7, no ascribed type
	in := append(append([]byte{}, pre...), 0x0a, byte(len(imports)))
	in = append(in, imports...)
	in = append(in, 0x0b, byte(len(exports)))
	in = append(in, exports...)
	bin, err := wasmbin.Decode(in)
	if err != nil {
		t.Fatal(err)
	}
	imps, err := bin.ComponentImports()
	if err != nil {
		t.Fatal(err)
	}
	want := []wasmbin.Extern{
		{Name: "a", Sort: "func", Index: 5},
		{Name: "b", Version: "1.2.3", Sort: "instance", Index: 2},
		{Name: "c", Implements: "i", Version: "2", Sort: "type"},
	}
	for i := range want {
		if i >= len(imps) || imps[i] != want[i] {
			t.Fatalf("imports %+v, want %+v", imps, want)
		}
	}
	exps, err := bin.ComponentExports()
	if err != nil || len(exps) != 1 || exps[0] != (wasmbin.Extern{Name: "x", Sort: "core module", Index: 7}) {
		t.Fatalf("exports %+v, %v", exps, err)
	}
	// A bad name encoding is positioned at the byte after it.
	in[len(pre)+3] = 0x07
	bin, _ = wasmbin.Decode(in)
	var de *wasmbin.DecodeError
	if _, err := bin.ComponentImports(); !errors.As(err, &de) || de.Section != "component section 10 (import)" {
		t.Fatalf("got %v", err)
	}
}
