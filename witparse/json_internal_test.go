package witparse

import (
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// Strings are quoted as encoding/json quotes them.
func TestJSONStrings(t *testing.T) {
	for _, s := range []string{"", "plain", "quote\" back\\ <tag> & ctl\x01\x1f \b\f\n\r\t", "bad\xff\xfe", "sep\u2028\u2029 é 😀"} {
		want, _ := json.Marshal(s)
		if got := appendJSONString(nil, s); string(got) != string(want) {
			t.Errorf("%q: got %s, want %s", s, got, want)
		}
	}
}

// EncodeJSON writes the same bytes as the encoder on encoding/json, for a
// hand-written package and (when WASIFILL_WIT_CORPUS is set) every
// success case of the corpus.
func TestEncodeJSONMatchesOracle(t *testing.T) {
	src := `package a:b@1.0.0;
/// docs with <html> & "quotes"
interface i {
  record r { a: u8, b: list<string> }
  variant v { x(r), y }
  enum e { p, q }
  flags fl { m }
  resource res { constructor(); m: func() -> option<u32>; s: static func(); }
  type m = map<string, list<u8, 4>>;
  type s = stream<future>;
  @since(version = 1.0.0) @deprecated(version = 1.0.0)
  f: func(a: r, b: borrow<res>) -> result<v, tuple<u8, s64>>;
}
world w { import i; export g: func(); import j: interface { h: func(); } }
`
	inputs := map[string]*Resolve{}
	r, _, err := LoadSource("t.wit", []byte(src), Options{})
	if err != nil {
		t.Fatal(err)
	}
	inputs["hand-written"] = r
	if dir := os.Getenv("WASIFILL_WIT_CORPUS"); dir != "" {
		cases, _ := filepath.Glob(filepath.Join(dir, "*.wit.json"))
		for _, c := range cases {
			in := strings.TrimSuffix(c, ".json")
			if _, err := os.Stat(in); err != nil {
				in = strings.TrimSuffix(in, ".wit")
			}
			if r, _, err := Load(in, Options{Features: []string{"active"}}); err == nil {
				inputs[filepath.Base(in)] = r
			}
		}
	}
	for name, r := range inputs {
		got, _ := EncodeJSON(r)
		want, err := oracleJSON(r)
		if err != nil {
			t.Fatal(err)
		}
		if string(got) != string(want) {
			t.Errorf("%s: output differs from encoding/json's\n got %.300s\nwant %.300s", name, got, want)
		}
	}
	t.Logf("compared %d inputs", len(inputs))
}
