package wave_test

import (
	"errors"
	"math"
	"math/rand/v2"
	"strings"
	"testing"

	"github.com/wasifill/wasifill/internal/valuetest"
	"github.com/wasifill/wasifill/value"
	"github.com/wasifill/wasifill/value/wave"
)

// The examples in wasm-wave's README (crates/wasm-wave/README.md): input
// text, and how wasm-wave's writer prints the same value.
func TestREADMEExamples(t *testing.T) {
	cases := []struct{ typ, in, out string }{
		{"bool", "true", "true"},
		{"s32", "-9", "-9"},
		{"u32", "123", "123"},
		{"f64", "3.14", "3.14"},
		{"f64", "6.022e+23", "602200000000000000000000"},
		{"f32", "nan", "nan"},
		{"f32", "-inf", "-inf"},
		{"char", "'x'", "'x'"},
		{"char", "'☃'", "'☃'"},
		{"char", `'\''`, `'\''`},
		{"char", `'\u{0}'`, `'\u{0}'`},
		{"string", `"abc\t123"`, `"abc\t123"`},
		{"tuple<string, u32>", `("abc", 123)`, `("abc", 123)`},
		{"list<u32>", "[1, 2, 3]", "[1, 2, 3]"},
		{"list<char>", "[]", "[]"},
		{"record { field-a: u32, field-b: string }", `{field-a: 1, field-b: "two"}`, `{field-a: 1, field-b: "two"}`},
		{"record { field-b: string, field-a: u32 }", `{field-a: 1, field-b: "two"}`, `{field-b: "two", field-a: 1}`},
		{"variant { days(u32), forever }", "days(30)", "days(30)"},
		{"variant { days(u32), forever }", "forever", "forever"},
		{"enum { north, east, south, west }", "south", "south"},
		{"option<string>", `"flat some"`, `some("flat some")`},
		{"option<string>", `some("explicit some")`, `some("explicit some")`},
		{"option<string>", "none", "none"},
		{"result<string, string>", `"flat ok"`, `ok("flat ok")`},
		{"result<string, string>", `ok("explicit ok")`, `ok("explicit ok")`},
		{"result<string, string>", `err("oops")`, `err("oops")`},
		{"flags { read, write, exec }", "{read, write}", "{read, write}"},
		{"flags { read, write, exec }", "{write, read,}", "{read, write}"},
		{"flags { read, write, exec }", "{}", "{}"},
		{"record { must-have: u8, optional: option<u8> }", "{must-have: 123}", "{must-have: 123}"},
		{"record { must-have: u8, optional: option<u8> }", "{must-have: 123, optional: none,}", "{must-have: 123}"},
		{"record { optional: option<u8> }", "{:}", "{:}"},
		{"record { optional: option<u8> }", "{optional: none}", "{:}"},
		{"variant { empty, body(list<u8>), err(string) }", "empty", "empty"},
		{"variant { empty, body(list<u8>), err(string) }", "body([79, 75])", "body([79, 75])"},
		{"variant { empty, body(list<u8>), err(string) }", `%err("oops")`, `%err("oops")`},
		{"enum { ok, not-found }", "%ok", "%ok"},
		{"enum { ok, not-found }", "not-found", "not-found"},
		{"option<u8>", "123", "some(123)"},
		{"result<u8>", "123", "ok(123)"},
		{"result<_, string>", "ok", "ok"},
		{"result<_, string>", `err("oops")`, `err("oops")`},
		{"result", "ok", "ok"},
		{"result", "err", "err"},
		{"string", "\"\"\"\nA single line\n\"\"\"", `"A single line"`},
		{"string", "\"\"\"\n    Indentation determined\n      by ending delimiter\n  \"\"\"", `"  Indentation determined\n    by ending delimiter"`},
		{"string", "\"\"\"\n  Must escape carriage return at end of line: \\r\n  Must break up double quote triplets: \"\"\\\"\"\n  \"\"\"",
			`"Must escape carriage return at end of line: \r\nMust break up double quote triplets: \"\"\"\""`},
		{"u8", "// a comment\n 7 // another", "7"},
	}
	for _, c := range cases {
		typ := valuetest.MustType(t, c.typ)
		v, err := wave.Parse(typ, c.in)
		if err != nil {
			t.Errorf("Parse(%s, %q): %v", c.typ, c.in, err)
			continue
		}
		got, err := wave.Format(typ, v)
		if err != nil || got != c.out {
			t.Errorf("Format(%s, Parse(%q)) = %q, %v; want %q", c.typ, c.in, got, err, c.out)
		}
	}
}

// Printing follows wasm-wave's writer: Rust's Display for numbers (no
// exponent), escape_default for \\ \" \' \t \r \n, \u{...} for controls.
func TestFormat(t *testing.T) {
	cases := []struct {
		typ  *value.Type
		v    value.Value
		want string
	}{
		{value.F32, float32(math.MaxFloat32), "340282350000000000000000000000000000000"},
		{value.F32, float32(0.1), "0.1"},
		{value.F64, 1.0, "1"},
		{value.F64, math.Copysign(0, -1), "-0"},
		{value.F64, 1e-7, "0.0000001"},
		{value.F32, value.CanonicalNaN32, "nan"},
		{value.S64, int64(math.MinInt64), "-9223372036854775808"},
		{value.U64, uint64(math.MaxUint64), "18446744073709551615"},
		{value.String, "it's \"q\"\\\n", `"it\'s \"q\"\\\n"`},
		{value.String, "\x00\x7f\u200b", `"\u{0}\u{7f}\u{200b}"`},
		{value.Char, '"', `'\"'`},
		{value.Char, '\u0301', `'\u{301}'`},
		{value.ListOf(value.U8), []byte{1, 2}, "[1, 2]"},
		{value.EnumOf("", "none", "b"), value.Enum(0), "%none"},
		{value.OptionOf(value.OptionOf(value.U8)), value.Some(value.None), "some(none)"},
	}
	for _, c := range cases {
		got, err := wave.Format(c.typ, c.v)
		if err != nil || got != c.want {
			t.Errorf("Format(%s, %#v) = %q, %v; want %q", c.typ, c.v, got, err, c.want)
		}
	}
}

func TestParseErrors(t *testing.T) {
	cases := []struct{ typ, in, want string }{
		{"u8", "256", "not a valid u8"},
		{"u8", "-1", "not a valid u8"},
		{"s8", "-129", "not a valid s8"},
		{"u32", "1.5", "not a valid u32"},
		{"u32", "007", "leading zero"},
		{"string", `"\q"`, "invalid escape"},
		{"string", `"\u{d800}"`, "not a Unicode scalar value"},
		{"string", `"open`, "unterminated string"},
		{"char", "'ab'", "exactly one char"},
		{"char", "''", "exactly one char"},
		{"enum { a, b }", "c", "no case"},
		{"enum { ok, b }", "ok", "keyword"},
		{"variant { a(u8), b }", "a", `expected "("`},
		{"variant { a(u8), b }", "b(1)", "no payload"},
		{"tuple<u8, u8>", "(1)", "needs 2 elements"},
		{"tuple<u8, u8>", "(1, 2, 3)", "only 2 elements"},
		{"record { a: u8, b: u8 }", "{a: 1}", `missing field "b"`},
		{"record { a: u8 }", "{a: 1, a: 2}", "twice"},
		{"record { a: u8 }", "{c: 1}", `no field "c"`},
		{"flags { r, w }", "{x}", `no flag "x"`},
		{"flags { r, w }", "{r, r}", "twice"},
		{"option<option<u8>>", "3", "some(...) or none"},
		{"list<u8, 2>", "[1]", "exactly 2 elements"},
		{"bool", "true false", `expected the end of the value, found "false"`},
		{"u32", `1 "x"`, "expected the end of the value, found a string"},
		{"bool", "yes", "true or false"},
		{"own<r>", "1", "no syntax for resource"},
	}
	for _, c := range cases {
		v, err := wave.Parse(valuetest.MustType(t, c.typ), c.in)
		var se *wave.SyntaxError
		if !errors.As(err, &se) {
			t.Errorf("Parse(%s, %q) = %#v, %v; want a SyntaxError", c.typ, c.in, v, err)
			continue
		}
		if !strings.Contains(err.Error(), c.want) {
			t.Errorf("Parse(%s, %q): error %q does not mention %q", c.typ, c.in, err, c.want)
		}
	}
}

func TestParseValues(t *testing.T) {
	types := []*value.Type{value.String, value.OptionOf(value.U8), value.OptionOf(value.U8)}
	for _, in := range []string{`"a", some(1)`, `"a", some(1), none`, `"a", 1, none,`} {
		vs, err := wave.ParseValues(types, in)
		if err != nil {
			t.Fatalf("%q: %v", in, err)
		}
		want := []value.Value{"a", value.Some(uint8(1)), value.None}
		for i := range want {
			if !value.Equal(types[i], vs[i], want[i]) {
				t.Fatalf("%q: arg %d = %#v, want %#v", in, i, vs[i], want[i])
			}
		}
	}
	if _, err := wave.ParseValues(types, ""); err == nil {
		t.Fatal("a missing string argument parsed")
	}
}

func TestRoundTripRandom(t *testing.T) {
	r := rand.New(rand.NewPCG(3, 4))
	for i := 0; i < 3000; i++ {
		typ := valuetest.Type(r, 3)
		v := valuetest.Value(r, typ)
		text, err := wave.Format(typ, v)
		if err != nil {
			t.Fatalf("%s: format %#v: %v", typ, v, err)
		}
		back, err := wave.Parse(typ, text)
		if err != nil {
			t.Fatalf("%s: parse %q: %v", typ, text, err)
		}
		if !value.Equal(typ, v, back) {
			t.Fatalf("%s: %q parsed as %#v, want %#v", typ, text, back, v)
		}
	}
}

func FuzzParse(f *testing.F) {
	f.Add([]byte{0, 1, 2}, `{a: 1}`)
	f.Add([]byte{9, 9, 9}, `some([1, 2])`)
	f.Add([]byte{0, 4}, "\"\"\"\n  x\n  \"\"\"")
	f.Fuzz(func(t *testing.T, typeSeed []byte, text string) {
		typ := valuetest.Type(&valuetest.FromBytes{B: typeSeed}, 3)
		v, err := wave.Parse(typ, text)
		if err != nil {
			return
		}
		out, err := wave.Format(typ, v)
		if err != nil {
			t.Fatalf("%s: parsed %#v from %q but cannot format it: %v", typ, v, text, err)
		}
		back, err := wave.Parse(typ, out)
		if err != nil || !value.Equal(typ, v, back) {
			t.Fatalf("%s: %q → %q → %#v, %v", typ, text, out, back, err)
		}
	})
}
