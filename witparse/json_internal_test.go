package witparse

import (
	"bytes"
	"encoding/json"
	"testing"
)

// MarshalJSON lets encoding/json, the oracle here, print an object.
func (o object) MarshalJSON() ([]byte, error) {
	var b bytes.Buffer
	b.WriteByte('{')
	for i, m := range o {
		if i > 0 {
			b.WriteByte(',')
		}
		k, _ := json.Marshal(m.key)
		b.Write(k)
		b.WriteByte(':')
		v, err := json.Marshal(m.val)
		if err != nil {
			return nil, err
		}
		b.Write(v)
	}
	b.WriteByte('}')
	return b.Bytes(), nil
}

// The JSON writer prints exactly what encoding/json's MarshalIndent does.
func TestJSONWriterMatchesEncodingJSON(t *testing.T) {
	odd := "quote\" back\\ <tag> & ctl\x01\x1f \b\f\n\r\t bad\xff sep\u2028\u2029 é 😀"
	trees := []any{
		object{},
		[]any{},
		object{{"a", nil}, {"b", []any{1, uint32(7), "x", object{}}}, {odd, odd}},
		[]any{object{{"n", -3}}, []any{[]any{}}},
	}
	src := `package a:b@1.0.0;
/// docs with <html> & "quotes"
interface i {
  record r { a: u8, b: list<string> }
  variant v { x(r), y }
  resource res { constructor(); m: func() -> option<u32>; }
  f: func(a: r, b: borrow<res>) -> result<v, tuple<u8, s64>>;
}
world w { import i; export g: func(); }
`
	r, _, err := LoadSource("t.wit", []byte(src), Options{})
	if err != nil {
		t.Fatal(err)
	}
	trees = append(trees, jsonTree(r))
	for _, tree := range trees {
		want, err := json.MarshalIndent(tree, "", "  ")
		if err != nil {
			t.Fatal(err)
		}
		w := jsonWriter{}
		w.value(tree, 0)
		if string(w.buf) != string(want) {
			t.Errorf("got\n%s\nwant\n%s", w.buf, want)
		}
	}
}
