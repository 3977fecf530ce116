package valuetest

import (
	"testing"

	"github.com/wasifill/wasifill/value"
)

// MustType parses the WIT type s, failing the test when it does not parse.
func MustType(t testing.TB, s string) *value.Type {
	t.Helper()
	typ, err := value.ParseType(s)
	if err != nil {
		t.Fatal(err)
	}
	return typ
}
