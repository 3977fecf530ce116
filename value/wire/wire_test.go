package wire_test

import (
	"encoding/hex"
	"encoding/json"
	"errors"
	"math/rand/v2"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/wasifill/wasifill/internal/valuetest"
	"github.com/wasifill/wasifill/value"
	"github.com/wasifill/wasifill/value/wave"
	"github.com/wasifill/wasifill/value/wire"
)

// vectorsFile is the shared contract: the runtime codec, generated Go fills
// and generated Rust fills must all pass it byte for byte.
type vectorsFile struct {
	Vectors []struct {
		Type  string `json:"type"`
		Value string `json:"value"`
		Hex   string `json:"hex"`
		Note  string `json:"note"`
	} `json:"vectors"`
	Invalid []struct {
		Type  string `json:"type"`
		Hex   string `json:"hex"`
		Error string `json:"error"`
	} `json:"invalid"`
}

func loadVectors(t *testing.T) vectorsFile {
	t.Helper()
	b, err := os.ReadFile(filepath.Join("..", "..", "testdata", "wire", "vectors.json"))
	if err != nil {
		t.Fatal(err)
	}
	var f vectorsFile
	if err := json.Unmarshal(b, &f); err != nil {
		t.Fatal(err)
	}
	if len(f.Vectors) < 50 || len(f.Invalid) < 20 {
		t.Fatalf("vectors.json looks truncated: %d vectors, %d invalid", len(f.Vectors), len(f.Invalid))
	}
	return f
}

func TestVectors(t *testing.T) {
	f := loadVectors(t)
	for _, vec := range f.Vectors {
		name := vec.Type + "=" + vec.Value
		if len(name) > 60 {
			name = name[:60]
		}
		t.Run(name, func(t *testing.T) {
			typ, err := value.ParseType(vec.Type)
			if err != nil {
				t.Fatal(err)
			}
			v, err := wave.Parse(typ, vec.Value)
			if err != nil {
				t.Fatal(err)
			}
			got, err := wire.Encode(typ, v)
			if err != nil {
				t.Fatal(err)
			}
			if hex.EncodeToString(got) != vec.Hex {
				t.Fatalf("encode %s:\n got %x\nwant %s (%s)", vec.Value, got, vec.Hex, vec.Note)
			}
			want, _ := hex.DecodeString(vec.Hex)
			back, err := wire.Decode(typ, want)
			if err != nil {
				t.Fatal(err)
			}
			if !value.Equal(typ, v, back) {
				t.Fatalf("decode %s: got %#v, want %#v", vec.Hex, back, v)
			}
		})
	}
}

func TestInvalid(t *testing.T) {
	f := loadVectors(t)
	for _, vec := range f.Invalid {
		t.Run(vec.Type+"/"+vec.Hex, func(t *testing.T) {
			typ, err := value.ParseType(vec.Type)
			if err != nil {
				t.Fatal(err)
			}
			b, _ := hex.DecodeString(vec.Hex)
			v, err := wire.Decode(typ, b)
			var de *wire.DecodeError
			if !errors.As(err, &de) {
				t.Fatalf("decoded %#v, want a DecodeError containing %q", v, vec.Error)
			}
			if !strings.Contains(err.Error(), vec.Error) {
				t.Fatalf("error %q does not mention %q", err, vec.Error)
			}
		})
	}
}

func TestHandles(t *testing.T) {
	for _, typ := range []*value.Type{value.OwnOf("r"), value.BorrowOf("r")} {
		b, err := wire.Encode(typ, value.Handle(0x01020304))
		if err != nil {
			t.Fatal(err)
		}
		if hex.EncodeToString(b) != "0404030201" {
			t.Fatalf("%s: got %x, want a 4-byte blob 0404030201", typ, b)
		}
		if v, err := wire.Decode(typ, b); err != nil || v != value.Handle(0x01020304) {
			t.Fatalf("decode: %v, %v", v, err)
		}
		if _, err := wire.Decode(typ, []byte{3, 1, 2, 3}); err == nil {
			t.Fatal("a 3-byte handle blob decoded")
		}
	}
}

func TestEncodeRejectsMismatches(t *testing.T) {
	cases := []struct {
		typ *value.Type
		v   value.Value
	}{
		{value.U8, 1},
		{value.String, "\xff"},
		{value.Char, rune(0xD800)},
		{value.FixedListOf(value.U8, 2), []byte{1}},
		{value.EnumOf("", "a"), value.Enum(1)},
		{value.FlagsOf("", "a", "b"), value.Flags{true}},
		{value.VariantOf("", value.Case{Name: "a"}), value.Variant{Case: 0, Payload: uint8(1)}},
		{value.RecordOf("", value.Field{Name: "a", Type: value.U8}), []value.Value{}},
	}
	for _, c := range cases {
		if b, err := wire.Encode(c.typ, c.v); err == nil {
			t.Errorf("%s: encoded %#v as %x, want an error", c.typ, c.v, b)
		}
	}
}

func TestRoundTripRandom(t *testing.T) {
	r := rand.New(rand.NewPCG(1, 2))
	for i := 0; i < 3000; i++ {
		typ := valuetest.Type(r, 3)
		v := valuetest.Value(r, typ)
		b, err := wire.Encode(typ, v)
		if err != nil {
			t.Fatalf("%s: encode %#v: %v", typ, v, err)
		}
		back, err := wire.Decode(typ, b)
		if err != nil {
			t.Fatalf("%s: decode %x: %v", typ, b, err)
		}
		if !value.Equal(typ, v, back) {
			t.Fatalf("%s: round trip of %#v gave %#v", typ, v, back)
		}
	}
}

func TestHugeCountDoesNotAllocate(t *testing.T) {
	// A list claiming 2^32-1 elements in five bytes must fail fast.
	typ := value.ListOf(value.ListOf(value.String))
	allocs := testing.AllocsPerRun(10, func() {
		if _, err := wire.Decode(typ, []byte{0xff, 0xff, 0xff, 0xff, 0x0f}); err == nil {
			t.Fatal("decoded")
		}
	})
	if allocs > 10 {
		t.Fatalf("%v allocations for a lying count", allocs)
	}
}

func FuzzDecode(f *testing.F) {
	f.Add([]byte{1, 2, 3, 4}, []byte{0})
	f.Add([]byte{9, 9, 0, 1, 7}, []byte{3, 0x80, 0x01, 0xff})
	f.Add([]byte{0, 0, 0, 5, 5, 5}, []byte{0xff, 0xff, 0xff, 0xff, 0x0f})
	f.Fuzz(func(t *testing.T, typeSeed, input []byte) {
		typ := valuetest.Type(&valuetest.FromBytes{B: typeSeed}, 3)
		v, err := wire.Decode(typ, input)
		if err != nil {
			return
		}
		again, err := wire.Encode(typ, v)
		if err != nil {
			t.Fatalf("%s: decoded %#v does not re-encode: %v", typ, v, err)
		}
		// Decoding is strict, so the encoding is canonical: the only bytes
		// that may change are NaN payloads, which decode as the canonical NaN.
		back, err := wire.Decode(typ, again)
		if err != nil || !value.Equal(typ, v, back) {
			t.Fatalf("%s: re-encoded %x decodes as %#v, %v; want %#v", typ, again, back, err, v)
		}
		if len(again) != len(input) {
			t.Fatalf("%s: input %x decoded and re-encoded as %x", typ, input, again)
		}
	})
}
