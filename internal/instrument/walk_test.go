package instrument

import (
	"bufio"
	"bytes"
	"os"
	"os/exec"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"testing"

	"github.com/wasifill/wasifill/internal/wasmbin"
)

// objdumpLine is one instruction line of wasm-objdump -d: its offset, its
// bytes and its text (empty on the lines that continue a long encoding).
var objdumpLine = regexp.MustCompile(`^ ([0-9a-f]{6}): [0-9a-f ]+\| ?(.*)$`)

// objdumpOffsets returns the file offsets at which wasm-objdump -d starts
// an instruction (local declarations are not instructions).
func objdumpOffsets(t *testing.T, dump []byte) []int {
	t.Helper()
	var out []int
	sc := bufio.NewScanner(bytes.NewReader(dump))
	for sc.Scan() {
		m := objdumpLine.FindStringSubmatch(sc.Text())
		if m == nil || strings.TrimSpace(m[2]) == "" || strings.HasPrefix(m[2], "local[") {
			continue
		}
		off, err := strconv.ParseInt(m[1], 16, 64)
		if err != nil {
			t.Fatal(err)
		}
		out = append(out, int(off))
	}
	if len(out) == 0 {
		t.Fatal("no instructions in the disassembly")
	}
	return out
}

// walkOffsets returns the file offsets at which the walker starts an
// instruction in every function body of module b.
func walkOffsets(t *testing.T, b []byte) []int {
	t.Helper()
	m, err := wasmbin.Decode(b)
	if err != nil {
		t.Fatal(err)
	}
	var out []int
	for _, s := range m.Sections {
		if s.ID != secCode {
			continue
		}
		base := s.Offset + 1 + len(s.SizeBytes)
		r := &reader{b: s.Payload}
		n, err := r.count(1)
		if err != nil {
			t.Fatal(err)
		}
		for i := 0; i < n; i++ {
			size, err := r.u32()
			if err != nil {
				t.Fatal(err)
			}
			body := s.Payload[r.pos : r.pos+int(size)]
			at := base + r.pos
			r.pos += int(size)
			br := &reader{b: body}
			groups, err := br.count(2)
			if err != nil {
				t.Fatal(err)
			}
			for j := 0; j < groups; j++ {
				if _, err := br.u32(); err != nil {
					t.Fatal(err)
				}
				if err := br.valType(); err != nil {
					t.Fatal(err)
				}
			}
			err = Expr(body, br.pos, func(in Instr) error {
				out = append(out, at+in.Offset)
				return nil
			})
			if err != nil {
				t.Fatalf("function %d: %v", i, err)
			}
		}
	}
	return out
}

// The walker finds the same instruction boundaries as wabt's disassembler
// on a module using every family of immediates.
func TestWalkAgreesWithObjdump(t *testing.T) {
	wasm, err := os.ReadFile("testdata/ops.wasm")
	if err != nil {
		t.Fatal(err)
	}
	dump, err := os.ReadFile("testdata/ops.objdump")
	if err != nil {
		t.Fatal(err)
	}
	// The committed disassembly is what wasm-objdump prints today.
	if _, err := exec.LookPath("wasm-objdump"); err == nil {
		fresh, err := exec.Command("wasm-objdump", "-d", "testdata/ops.wasm").Output()
		if err != nil {
			t.Fatal(err)
		}
		if !bytes.Equal(fresh, dump) {
			t.Error("testdata/ops.objdump is stale: regenerate it with wasm-objdump -d testdata/ops.wasm")
		}
	}
	want, got := objdumpOffsets(t, dump), walkOffsets(t, wasm)
	if !slices.Equal(got, want) {
		for i := range min(len(got), len(want)) {
			if got[i] != want[i] {
				t.Fatalf("instruction %d: walker at %#x, wasm-objdump at %#x", i, got[i], want[i])
			}
		}
		t.Fatalf("walker found %d instructions, wasm-objdump %d", len(got), len(want))
	}
}

// Instructions wabt 1.0.32 cannot assemble (typed function references,
// try_table, multi-memory memargs, non-minimal LEB128), encoded by hand
// from the specifications.
func TestWalkHandEncoded(t *testing.T) {
	cases := []struct {
		name  string
		code  []byte
		sizes []int // the length of each instruction
	}{
		{"call_ref/return_call_ref", []byte{0x14, 0x81, 0x01, 0x15, 0x02}, []int{3, 2}},
		{"ref.as_non_null, br_on_null, br_on_non_null", []byte{0xd4, 0xd5, 0x00, 0xd6, 0x80, 0x00}, []int{1, 2, 3}},
		{"block (result (ref null 3))", []byte{0x02, 0x63, 0x03, 0x0b}, []int{3, 1}},
		{"loop (result (ref func))", []byte{0x03, 0x64, 0x70, 0x0b}, []int{3, 1}},
		{"block type index 200", []byte{0x02, 0xc8, 0x01, 0x0b}, []int{3, 1}},
		{"select (result (ref null 1))", []byte{0x1c, 0x01, 0x63, 0x01}, []int{4}},
		{"ref.null of a type index", []byte{0xd0, 0x05, 0xd0, 0x6f}, []int{2, 2}},
		// try_table (result i32) with catch 0 0, catch_ref 1 2, catch_all 3, catch_all_ref 4.
		{"try_table", []byte{0x1f, 0x7f, 0x04, 0x00, 0x00, 0x00, 0x01, 0x01, 0x02, 0x02, 0x03, 0x03, 0x04, 0x0b}, []int{13, 1}},
		{"throw, throw_ref", []byte{0x08, 0x00, 0x0a}, []int{2, 1}},
		// i32.load with the multi-memory bit: align 0x42, memory 1, offset 8.
		{"memarg with memory index", []byte{0x28, 0x42, 0x01, 0x08}, []int{4}},
		{"non-minimal LEB128", []byte{0x20, 0x80, 0x80, 0x00, 0x41, 0xff, 0xff, 0xff, 0xff, 0x7f}, []int{4, 6}},
		{"memory.init with a wide index", []byte{0xfc, 0x08, 0x81, 0x80, 0x00, 0x00}, []int{6}},
		{"relaxed SIMD", []byte{0xfd, 0x80, 0x02}, []int{3}},
	}
	for _, c := range cases {
		var got []int
		err := Expr(c.code, 0, func(in Instr) error {
			got = append(got, in.End-in.Offset)
			return nil
		})
		if err != nil || !slices.Equal(got, c.sizes) {
			t.Errorf("%s: sizes %v, err %v; want %v", c.name, got, err, c.sizes)
		}
	}
}

// Truncated and unknown instructions are errors with an offset, never a
// panic or a silent skip.
func TestWalkRejects(t *testing.T) {
	for _, code := range [][]byte{
		{0x41}, // i32.const without its value
		{0x41, 0x80, 0x80, 0x80, 0x80, 0x80, 0x00}, // 6-byte s32
		{0x44, 0x00, 0x00},                         // f64.const short
		{0x0e, 0xff, 0xff, 0xff, 0xff, 0x0f},       // br_table longer than the body
		{0x27},                                     // not an opcode
		{0xfb, 0x00},                               // GC prefix: not supported
		{0xfc, 0x12},                               // past table.fill
		{0xfe, 0x04},                               // a hole in the atomics
		{0x1f, 0x40, 0x01, 0x07},                   // an unknown catch clause
		{0xfd, 0x0c, 0x00},                         // v128.const short
		{0x28, 0x02, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x01}, // offset past 64 bits
	} {
		err := Expr(code, 0, func(Instr) error { return nil })
		if _, ok := err.(*DecodeError); !ok {
			t.Errorf("% x: err = %v, want a DecodeError", code, err)
		}
	}
}
