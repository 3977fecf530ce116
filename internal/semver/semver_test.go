package semver

import (
	"slices"
	"testing"
)

// The precedence example of semver.org, section 11.
func TestPrecedence(t *testing.T) {
	ordered := []string{"1.0.0-alpha", "1.0.0-alpha.1", "1.0.0-alpha.beta", "1.0.0-beta", "1.0.0-beta.2",
		"1.0.0-beta.11", "1.0.0-rc.1", "1.0.0", "1.0.1", "1.1.0", "2.0.0"}
	for i := range ordered {
		for j := range ordered {
			a, b := ordered[i], ordered[j]
			if got := Less(a, b); got != (i < j) {
				t.Errorf("Less(%s, %s) = %v", a, b, got)
			}
		}
	}
	va, _ := Parse("1.0.0+build.1")
	vb, _ := Parse("1.0.0+build.2")
	if Compare(va, vb) != 0 {
		t.Error("build metadata counted in precedence")
	}
}

func TestParse(t *testing.T) {
	for _, s := range []string{"0.0.0", "1.2.3", "1.0.0-0.3.7", "1.0.0-x-y.z", "1.0.0+20130313144700", "18446744073709551615.0.0"} {
		v, err := Parse(s)
		if err != nil || v.String() != s {
			t.Errorf("Parse(%q) = %v, %v", s, v, err)
		}
	}
	for _, s := range []string{"", "1", "1.0", "1.0.0.0", "01.0.0", "1.00.0", "v1.0.0", "1.0.0-", "1.0.0-01",
		"1.0.0+", "1.0.0-a..b", "1.0.0-a_b", "18446744073709551616.0.0", string(make([]byte, 300))} {
		if _, err := Parse(s); err == nil {
			t.Errorf("Parse(%q) accepted", s)
		}
	}
}

func TestSatisfies(t *testing.T) {
	cases := []struct {
		want, have string
		ok         bool
	}{
		{"a:b/c@1.0.0", "a:b/c@1.2.0", true},
		{"a:b/c@1.2.0", "a:b/c@1.1.0", false}, // an older definition cannot serve a newer import
		{"a:b/c@1.2.0", "a:b/c@2.0.0", false},
		{"a:b/c@0.2.0", "a:b/c@0.2.5", true},
		{"a:b/c@0.2.0", "a:b/c@0.3.0", false},
		{"a:b/c@0.0.1", "a:b/c@0.0.2", false}, // 0.0.x: every patch is its own
		{"a:b/c@1.0.0-rc.1", "a:b/c@1.0.0", false},
		{"a:b/c@1.0.0", "a:b/c@1.0.1-rc.1", false},
		{"a:b/c@1.0.0-rc.1", "a:b/c@1.0.0-rc.1", true},
		{"a:b/c@1.0.0", "a:b/d@1.0.0", false},
		{"a:b/c", "a:b/c", true},
		{"a:b/c@1.0.0", "a:b/c", false},
		{"a:b/c@1.0", "a:b/c@1.0.1", false}, // not a version
	}
	for _, c := range cases {
		if got := Satisfies(c.want, c.have); got != c.ok {
			t.Errorf("Satisfies(%s, %s) = %v, want %v", c.want, c.have, got, c.ok)
		}
	}
}

func TestNameKey(t *testing.T) {
	for name, want := range map[string]string{
		"a:b/c@1.2.3":      "a:b/c@1",
		"a:b/c@0.2.3":      "a:b/c@0.2",
		"a:b/c@0.0.3":      "a:b/c@0.0.3",
		"a:b/c@1.0.0-rc.1": "a:b/c@1.0.0-rc.1",
		"a:b/c":            "a:b/c",
		"a:b/c@x":          "a:b/c@x",
	} {
		if got := NameKey(name); got != want {
			t.Errorf("NameKey(%s) = %s, want %s", name, got, want)
		}
	}
}

// Best is the exact name, else the highest compatible version, whatever
// the order of the candidates.
func TestBest(t *testing.T) {
	names := []string{"a:b/c@1.1.0", "a:b/c@1.3.0", "a:b/c@1.2.0", "a:b/c@2.0.0", "a:b/c@1.0.0-rc.1", "a:b/d@1.9.0"}
	for range 20 {
		if got, ok := Best("a:b/c@1.0.0", names); !ok || got != "a:b/c@1.3.0" {
			t.Fatalf("Best(a:b/c@1.0.0, %v) = %s, %v", names, got, ok)
		}
		if got, ok := Best("a:b/c@1.1.0", names); !ok || got != "a:b/c@1.1.0" {
			t.Fatalf("exact: %s, %v", got, ok)
		}
		if _, ok := Best("a:b/c@1.4.0", names); ok {
			t.Fatal("a newer import served by older definitions")
		}
		names = slices.Concat(names[1:], names[:1])
	}
}
