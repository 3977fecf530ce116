package compose

import (
	"strconv"
	"strings"
)

// compatibleNames reports whether an export named have can satisfy an
// import named want: both are interface names of the same package and
// interface, and have's version is semver-compatible with want's (same
// major version, or the same minor for 0.x, and the same patch for 0.0.x)
// and not older.
func compatibleNames(want, have string) bool {
	wb, wv, wok := strings.Cut(want, "@")
	hb, hv, hok := strings.Cut(have, "@")
	if !wok || !hok || wb != hb {
		return false
	}
	w, ok1 := parseVersion(wv)
	h, ok2 := parseVersion(hv)
	if !ok1 || !ok2 || w.pre != "" || h.pre != "" {
		return false
	}
	switch {
	case w.major != h.major:
		return false
	case w.major == 0 && w.minor != h.minor:
		return false
	case w.major == 0 && w.minor == 0 && w.patch != h.patch:
		return false
	}
	return h.compare(w) >= 0
}

type version struct {
	major, minor, patch uint64
	pre                 string
}

func parseVersion(s string) (version, bool) {
	var v version
	s, _, _ = strings.Cut(s, "+")
	s, v.pre, _ = strings.Cut(s, "-")
	parts := strings.Split(s, ".")
	if len(parts) != 3 {
		return v, false
	}
	nums := make([]uint64, 3)
	for i, p := range parts {
		n, err := strconv.ParseUint(p, 10, 64)
		if err != nil {
			return v, false
		}
		nums[i] = n
	}
	v.major, v.minor, v.patch = nums[0], nums[1], nums[2]
	return v, true
}

func (v version) compare(o version) int {
	for _, d := range [][2]uint64{{v.major, o.major}, {v.minor, o.minor}, {v.patch, o.patch}} {
		if d[0] != d[1] {
			if d[0] < d[1] {
				return -1
			}
			return 1
		}
	}
	return 0
}
