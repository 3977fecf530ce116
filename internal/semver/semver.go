// Package semver is wasifill's one rule for versions: Semantic Versioning
// 2.0.0 precedence, and the Component Model's semver-compatible matching of
// versioned interface names (`ns:pkg/iface@1.2.3`), which composition, the
// runtime's host definitions and the WIT resolver all use.
package semver

import (
	"fmt"
	"strconv"
	"strings"
)

// Version is a parsed semantic version.
type Version struct {
	Major, Minor, Patch uint64
	Pre                 []string // pre-release identifiers; none for a release
	Build               string   // build metadata (ignored by precedence)
}

// maxLen bounds the text Parse reads: versions come from untrusted WIT and
// binaries.
const maxLen = 256

// Parse reads a version in the strict form of semver.org (no "v" prefix, no
// leading zeros in numbers, non-empty identifiers).
func Parse(s string) (Version, error) {
	var v Version
	if len(s) > maxLen {
		return v, fmt.Errorf("semver: version of %d bytes (at most %d)", len(s), maxLen)
	}
	rest, build, hasBuild := strings.Cut(s, "+")
	if hasBuild {
		if err := identifiers(build, false); err != nil {
			return v, fmt.Errorf("semver: %q: build metadata: %w", s, err)
		}
		v.Build = build
	}
	core, pre, hasPre := strings.Cut(rest, "-")
	if hasPre {
		if err := identifiers(pre, true); err != nil {
			return v, fmt.Errorf("semver: %q: pre-release: %w", s, err)
		}
		v.Pre = strings.Split(pre, ".")
	}
	parts := strings.Split(core, ".")
	if len(parts) != 3 {
		return v, fmt.Errorf("semver: %q is not MAJOR.MINOR.PATCH", s)
	}
	nums := [3]*uint64{&v.Major, &v.Minor, &v.Patch}
	for i, p := range parts {
		n, err := number(p)
		if err != nil {
			return v, fmt.Errorf("semver: %q: %w", s, err)
		}
		*nums[i] = n
	}
	return v, nil
}

func number(p string) (uint64, error) {
	if p == "" || (len(p) > 1 && p[0] == '0') {
		return 0, fmt.Errorf("%q is not a number without leading zeros", p)
	}
	n, err := strconv.ParseUint(p, 10, 64)
	if err != nil {
		return 0, fmt.Errorf("%q is not a number that fits 64 bits", p)
	}
	return n, nil
}

// identifiers checks dot-separated identifiers of [0-9A-Za-z-]; numeric
// pre-release identifiers take no leading zeros.
func identifiers(s string, pre bool) error {
	for _, id := range strings.Split(s, ".") {
		if id == "" {
			return fmt.Errorf("empty identifier")
		}
		numeric := true
		for _, c := range id {
			switch {
			case c >= '0' && c <= '9':
			case c >= 'a' && c <= 'z', c >= 'A' && c <= 'Z', c == '-':
				numeric = false
			default:
				return fmt.Errorf("identifier %q has %q", id, c)
			}
		}
		if pre && numeric && len(id) > 1 && id[0] == '0' {
			return fmt.Errorf("numeric identifier %q has a leading zero", id)
		}
	}
	return nil
}

// String writes v back in its canonical form.
func (v Version) String() string {
	s := fmt.Sprintf("%d.%d.%d", v.Major, v.Minor, v.Patch)
	if len(v.Pre) > 0 {
		s += "-" + strings.Join(v.Pre, ".")
	}
	if v.Build != "" {
		s += "+" + v.Build
	}
	return s
}

// Compare orders versions by semver precedence: -1, 0 or 1. Build metadata
// does not count; a pre-release is lower than its release; pre-release
// identifiers compare numerically when both are numbers, else as text, a
// number below text, a shorter list below a longer one it prefixes.
func Compare(a, b Version) int {
	for _, d := range [][2]uint64{{a.Major, b.Major}, {a.Minor, b.Minor}, {a.Patch, b.Patch}} {
		if d[0] != d[1] {
			return cmp(d[0] < d[1])
		}
	}
	switch {
	case len(a.Pre) == 0 && len(b.Pre) == 0:
		return 0
	case len(a.Pre) == 0:
		return 1
	case len(b.Pre) == 0:
		return -1
	}
	for i := 0; i < len(a.Pre) && i < len(b.Pre); i++ {
		x, y := a.Pre[i], b.Pre[i]
		if x == y {
			continue
		}
		xn, xerr := strconv.ParseUint(x, 10, 64)
		yn, yerr := strconv.ParseUint(y, 10, 64)
		switch {
		case xerr == nil && yerr == nil:
			return cmp(xn < yn)
		case xerr == nil:
			return -1
		case yerr == nil:
			return 1
		default:
			return cmp(x < y)
		}
	}
	switch {
	case len(a.Pre) < len(b.Pre):
		return -1
	case len(a.Pre) > len(b.Pre):
		return 1
	}
	return 0
}

func cmp(less bool) int {
	if less {
		return -1
	}
	return 1
}

// Less reports whether a precedes b; a version that does not parse is
// compared as text after every valid one, so the order stays total.
func Less(a, b string) bool {
	va, ea := Parse(a)
	vb, eb := Parse(b)
	switch {
	case ea == nil && eb == nil:
		return Compare(va, vb) < 0
	case ea == nil:
		return true
	case eb == nil:
		return false
	}
	return a < b
}

// CompatKey is the part of a version that semver-compatible versions share,
// as the Component Model matches imports: the major version from 1.0.0 on,
// 0.MINOR below it, 0.0.PATCH below that; a pre-release is compatible only
// with itself, so its key is the whole version.
func CompatKey(v Version) string {
	switch {
	case len(v.Pre) > 0:
		return Version{Major: v.Major, Minor: v.Minor, Patch: v.Patch, Pre: v.Pre}.String()
	case v.Major > 0:
		return strconv.FormatUint(v.Major, 10)
	case v.Minor > 0:
		return "0." + strconv.FormatUint(v.Minor, 10)
	}
	return "0.0." + strconv.FormatUint(v.Patch, 10)
}

// NameKey is an interface name with its version cut to CompatKey
// (`a:b/c@1.2.3` → `a:b/c@1`): names with equal keys are versions of one
// interface that may stand in for each other. A name without a version, or
// with one that does not parse, is its own key.
func NameKey(name string) string {
	base, ver, ok := strings.Cut(name, "@")
	if !ok {
		return name
	}
	v, err := Parse(ver)
	if err != nil {
		return name
	}
	return base + "@" + CompatKey(v)
}

// Satisfies reports whether something named have (an export, a host
// definition) can serve an import named want: the same name, or versions of
// the same interface that are semver-compatible with have not older than
// want.
func Satisfies(want, have string) bool {
	if want == have {
		return true
	}
	wb, wv, wok := strings.Cut(want, "@")
	hb, hv, hok := strings.Cut(have, "@")
	if !wok || !hok || wb != hb {
		return false
	}
	w, err1 := Parse(wv)
	h, err2 := Parse(hv)
	if err1 != nil || err2 != nil || CompatKey(w) != CompatKey(h) {
		return false
	}
	return Compare(h, w) >= 0
}

// Best picks what serves an import named want among names: want itself if
// present, else the highest version that Satisfies it; ok is false when
// none does. The choice does not depend on the order of names.
func Best(want string, names []string) (best string, ok bool) {
	var bestV Version
	for _, n := range names {
		if n == want {
			return n, true
		}
		if !Satisfies(want, n) {
			continue
		}
		_, ver, _ := strings.Cut(n, "@")
		v, _ := Parse(ver)
		if !ok || Compare(v, bestV) > 0 || (Compare(v, bestV) == 0 && n < best) {
			best, bestV, ok = n, v, true
		}
	}
	return best, ok
}
