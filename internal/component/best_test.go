package component

import "testing"

// BestExtern picks by the Component Model's semver rule: the highest
// compatible version no older than the one asked for, never another
// interface; the extern returned is the one of that name.
func TestBestExtern(t *testing.T) {
	es := []Extern{{Name: "a:b/c@1.2.0"}, {Name: "a:b/c@1.4.1"}, {Name: "a:b/c@2.0.0"}, {Name: "a:b/d@1.9.0"}}
	for _, c := range []struct {
		want, got string
		ok        bool
	}{
		{"a:b/c@1.3.0", "a:b/c@1.4.1", true},
		{"a:b/c@2.0.0", "a:b/c@2.0.0", true},
		{"a:b/c@1.5.0", "", false},
		{"a:b/e@1.0.0", "", false},
	} {
		e, ok := BestExtern(c.want, es)
		if ok != c.ok || e.Name != c.got {
			t.Errorf("BestExtern(%s) = %q, %v; want %q, %v", c.want, e.Name, ok, c.got, c.ok)
		}
	}
}
