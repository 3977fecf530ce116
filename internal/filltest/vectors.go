package filltest

import (
	"encoding/json"
	"path/filepath"
	"testing"

	"github.com/wasifill/wasifill/internal/testenv"
	"github.com/wasifill/wasifill/value"
)

// Vectors is testdata/wire/vectors.json, the wire contract: values with
// their wire bytes, and byte strings that must not decode.
type Vectors struct {
	Vectors []struct{ Type, Value, Hex string } `json:"vectors"`
	Invalid []struct{ Type, Hex string }        `json:"invalid"`
}

// WireVectors reads testdata/wire/vectors.json. types are the distinct
// vector types, valid vectors' first, in the order they first appear;
// index maps a type's text to its place in types.
func WireVectors(t testing.TB) (vs Vectors, types []*value.Type, index map[string]int) {
	t.Helper()
	b := testenv.ReadFile(t, filepath.Join(Root(t), "testdata", "wire", "vectors.json"))
	if err := json.Unmarshal(b, &vs); err != nil {
		t.Fatalf("vectors.json: %v", err)
	}
	index = map[string]int{}
	add := func(s string) {
		if _, ok := index[s]; ok {
			return
		}
		typ, err := value.ParseType(s)
		if err != nil {
			t.Fatalf("vector type %s: %v", s, err)
		}
		index[s] = len(types)
		types = append(types, typ)
	}
	for _, v := range vs.Vectors {
		add(v.Type)
	}
	for _, v := range vs.Invalid {
		add(v.Type)
	}
	return vs, types, index
}
