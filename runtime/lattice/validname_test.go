package lattice

import (
	"strings"
	"testing"
)

// TestValidName checks the name rule: 1–128 of [A-Za-z0-9_-].
func TestValidName(t *testing.T) {
	for name, want := range map[string]bool{
		"a": true, "Az09_-": true, strings.Repeat("x", 128): true,
		"": false, strings.Repeat("x", 129): false, "a.b": false, "a b": false, "a*": false, "é": false, "a>": false,
	} {
		if got := validName(name); got != want {
			t.Errorf("validName(%q) = %v, want %v", name, got, want)
		}
	}
}
