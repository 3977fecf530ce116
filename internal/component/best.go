package component

import (
	"slices"

	"github.com/wasifill/wasifill/internal/semver"
)

// BestExtern returns the extern of es that serves an import named want
// under the Component Model's semver-compatible resolution (semver.Best
// over their names).
func BestExtern(want string, es []Extern) (Extern, bool) {
	names := make([]string, len(es))
	for i, e := range es {
		names[i] = e.Name
	}
	name, ok := semver.Best(want, names)
	if !ok {
		return Extern{}, false
	}
	return es[slices.Index(names, name)], true
}
