package value_test

import (
	"errors"
	"math"
	"testing"

	"github.com/wasifill/wasifill/value"
)

func TestParseTypeRoundTrip(t *testing.T) {
	for _, s := range []string{
		"bool", "s8", "u64", "f32", "char", "string",
		"list<u8>", "list<list<string>>", "list<u32, 4>",
		"option<option<u8>>", "result", "result<u8>", "result<_, string>", "result<u8, string>",
		"tuple<u8, string, f64>", "r", "borrow<r>",
		"record { a: u8, b: list<string> }", "variant { a(u8), b, c(option<s16>) }",
		"enum { x, y }", "flags { read, write }",
	} {
		typ, err := value.ParseType(s)
		if err != nil {
			t.Errorf("ParseType(%q): %v", s, err)
			continue
		}
		if got := typ.String(); got != s {
			t.Errorf("ParseType(%q).String() = %q", s, got)
		}
	}
}

func TestParseTypeShapes(t *testing.T) {
	typ, err := value.ParseType("result<_, list<u8, 3>>")
	if err != nil {
		t.Fatal(err)
	}
	if typ.Kind != value.KindResult || typ.Ok != nil || typ.Err.Kind != value.KindList || typ.Err.Len != 3 {
		t.Fatalf("got %+v", typ)
	}
	typ, err = value.ParseType("own<%record>")
	if err != nil || typ.Kind != value.KindOwn || typ.Resource != "record" {
		t.Fatalf("own<%%record>: %+v, %v", typ, err)
	}
}

func TestParseTypeErrors(t *testing.T) {
	for s, offset := range map[string]int{
		"list<":                   5,
		"list<u8":                 7,
		"tuple<>":                 7,
		"list<u8, 0>":             9,
		"record { a: u8, a: u8 }": 16,
		"enum { }":                8,
		"u8 u8":                   3,
		"result<_>":               8,
	} {
		_, err := value.ParseType(s)
		var pe *value.ParseError
		if !errors.As(err, &pe) {
			t.Errorf("ParseType(%q) = %v, want a ParseError", s, err)
			continue
		}
		if pe.Offset != offset {
			t.Errorf("ParseType(%q): offset %d, want %d (%v)", s, pe.Offset, offset, err)
		}
	}
	deep := ""
	for i := 0; i < 200; i++ {
		deep += "list<"
	}
	if _, err := value.ParseType(deep + "u8"); err == nil {
		t.Fatal("200 nested lists parsed")
	}
}

func TestEqual(t *testing.T) {
	nan := float32(math.NaN())
	cases := []struct {
		typ  *value.Type
		a, b value.Value
		want bool
	}{
		{value.F32, nan, value.CanonicalNaN32, true},
		{value.F64, 0.0, math.Copysign(0, -1), false},
		{value.ListOf(value.U8), []byte{1, 2}, []value.Value{uint8(1), uint8(2)}, true},
		{value.ListOf(value.U8), []byte{1, 2}, []byte{1}, false},
		{value.OptionOf(value.U8), value.None, value.Option{Some: false, Value: uint8(3)}, true},
		{value.ResultOf(value.U8, nil), value.Ok(uint8(1)), value.Err(nil), false},
		{value.FlagsOf("", "a", "b"), value.Flags{true, false}, value.Flags{true, false}, true},
		{value.U8, uint8(1), int8(1), false},
	}
	for _, c := range cases {
		if got := value.Equal(c.typ, c.a, c.b); got != c.want {
			t.Errorf("Equal(%s, %#v, %#v) = %v", c.typ, c.a, c.b, got)
		}
	}
}
