package witparse_test

import (
	"strings"
	"testing"

	"github.com/wasifill/wasifill/value"
	"github.com/wasifill/wasifill/witparse"
)

func TestValueType(t *testing.T) {
	src := `package a:b@1.0.0;
interface i {
  record point { x: s32, y: s32 }
  variant v { a(point), b }
  enum e { p, q }
  flags f { r, w }
  type alias = list<option<point>>;
  type fixed = list<u8, 3>;
  type res = result<_, tuple<e, f>>;
  resource r;
  type h = borrow<r>;
  type m = map<string, u8>;
}
`
	r, _, err := witparse.LoadSource("t.wit", []byte(src), witparse.Options{})
	if err != nil {
		t.Fatal(err)
	}
	iface, ok := r.LookupInterface("a:b/i@1.0.0")
	if !ok {
		t.Fatal("interface not found")
	}
	for name, want := range map[string]string{
		"point": "record { x: s32, y: s32 }",
		"v":     "variant { a(record { x: s32, y: s32 }), b }",
		"alias": "list<option<record { x: s32, y: s32 }>>",
		"fixed": "list<u8, 3>",
		"res":   "result<_, tuple<enum { p, q }, flags { r, w }>>",
		"h":     "borrow<r>",
	} {
		typ, ok := r.LookupType(iface, name)
		if !ok {
			t.Fatalf("no type %s", name)
		}
		got, err := r.ValueType(typ)
		if err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		expected, err := value.ParseType(want)
		if err != nil {
			t.Fatal(err)
		}
		if stripNames(got).String() != expected.String() {
			t.Errorf("%s: got %s, want %s", name, stripNames(got), expected)
		}
	}
	m, _ := r.LookupType(iface, "m")
	if _, err := r.ValueType(m); err == nil || !strings.Contains(err.Error(), "map") {
		t.Fatalf("map: %v", err)
	}
}

// stripNames drops type names so the structure prints.
func stripNames(t *value.Type) *value.Type {
	if t == nil {
		return nil
	}
	out := *t
	out.Name = ""
	out.Elem, out.Ok, out.Err = stripNames(t.Elem), stripNames(t.Ok), stripNames(t.Err)
	out.Elems, out.Fields, out.Cases = nil, nil, nil
	for _, e := range t.Elems {
		out.Elems = append(out.Elems, stripNames(e))
	}
	for _, f := range t.Fields {
		out.Fields = append(out.Fields, value.Field{Name: f.Name, Type: stripNames(f.Type)})
	}
	for _, c := range t.Cases {
		out.Cases = append(out.Cases, value.Case{Name: c.Name, Type: stripNames(c.Type)})
	}
	return &out
}
