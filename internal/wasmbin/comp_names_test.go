package wasmbin_test

import (
	"bytes"
	"errors"
	"testing"

	"github.com/wasifill/wasifill/internal/wasmbin"
)

// exportComponent is a component with one export section holding one
// export of type 0 whose name is encoded as nameBytes (Binary.md:
// export ::= nameattributes sortidx externtype?), after a type section
// defining an empty instance type.
func exportComponent(nameBytes []byte) []byte {
	b := []byte{0x00, 'a', 's', 'm', 0x0d, 0x00, 0x01, 0x00}
	b = append(b, 0x07, 0x03, 0x01, 0x42, 0x00) // type section: (instance)
	body := append([]byte{0x01}, nameBytes...)
	body = append(body, 0x03, 0x00, 0x00) // sort type, index 0, no ascription
	b = append(b, 0x0b, byte(len(body)))
	return append(b, body...)
}

func TestNameAttributeForms(t *testing.T) {
	cases := []struct {
		name  string
		bytes []byte
		want  string
		attrs []wasmbin.NameAttr
	}{
		// 0x00 and 0x01 are the same production: a plain name, no suffix.
		{"plain", []byte{0x00, 0x05, 'e', ':', 'e', '/', 'e'}, "e:e/e", nil},
		{"0x01 is plain", []byte{0x01, 0x05, 'e', ':', 'e', '/', 'e'}, "e:e/e", nil},
		{"attributes", []byte{0x02, 0x01, 'x', 0x02, 0x01, 0x03, '1', '.', '0', 0x00, 0x05, 'a', ':', 'b', '/', 'c'}, "x",
			[]wasmbin.NameAttr{{Kind: wasmbin.AttrVersion, Value: "1.0"}, {Kind: wasmbin.AttrImplements, Value: "a:b/c"}}},
		{"no attributes", []byte{0x02, 0x01, 'x', 0x00}, "x", nil},
	}
	for _, c := range cases {
		b := exportComponent(c.bytes)
		comp, err := wasmbin.DecodeComponent(b)
		if err != nil {
			t.Errorf("%s: %v", c.name, err)
			continue
		}
		ex := comp.Defs[1].(*wasmbin.ExportDefs).Exports[0]
		if ex.Name.Name != c.want || len(ex.Name.Attrs) != len(c.attrs) {
			t.Errorf("%s: name %q attrs %v, want %q %v", c.name, ex.Name.Name, ex.Name.Attrs, c.want, c.attrs)
			continue
		}
		for i, a := range c.attrs {
			if ex.Name.Attrs[i] != a {
				t.Errorf("%s: attr %d = %v, want %v", c.name, i, ex.Name.Attrs[i], a)
			}
		}
		if again := wasmbin.EncodeComponent(comp); !bytes.Equal(again, b) {
			t.Errorf("%s: re-encoded as % x, want % x", c.name, again, b)
		}
	}
	// A name built with a version attribute is written in the 0x02 form.
	n := wasmbin.Name{Name: "a:b/c", Attrs: []wasmbin.NameAttr{{Kind: wasmbin.AttrVersion, Value: "1.0"}}}
	c := &wasmbin.Component{Version: [4]byte{0x0d, 0x00, 0x01, 0x00}, Defs: []wasmbin.Def{
		&wasmbin.TypeDefs{Types: []wasmbin.Type{{Kind: wasmbin.TypeInstance}}},
		&wasmbin.ExportDefs{Exports: []wasmbin.Export{{Name: n, Sort: wasmbin.SortType}}},
	}}
	want := exportComponent([]byte{0x02, 0x05, 'a', ':', 'b', '/', 'c', 0x01, 0x01, 0x03, '1', '.', '0'})
	if got := wasmbin.EncodeComponent(c); !bytes.Equal(got, want) {
		t.Errorf("version attribute encoded as % x, want % x", got, want)
	}
}

func TestNameAttributeErrors(t *testing.T) {
	for name, nb := range map[string][]byte{
		"unknown form":       {0x03, 0x01, 'x'},
		"unknown attribute":  {0x02, 0x01, 'x', 0x01, 0x03, 0x01, 'y'},
		"duplicate version":  {0x02, 0x01, 'x', 0x02, 0x01, 0x01, 'a', 0x01, 0x01, 'b'},
		"0x01 with a suffix": {0x01, 0x01, 'x', 0x01, 'y'}, // the suffix bytes are not a sort
	} {
		_, err := wasmbin.DecodeComponent(exportComponent(nb))
		var de *wasmbin.DecodeError
		if !errors.As(err, &de) {
			t.Errorf("%s: err = %v, want a *DecodeError", name, err)
		}
	}
}
