package fill

import (
	"fmt"
	"strings"

	"github.com/wasifill/wasifill/gen"
	"github.com/wasifill/wasifill/internal/component"
	"github.com/wasifill/wasifill/witparse"
)

// fillWorld returns the component type of the fill's own world, the one
// `wasifill gen` writes beside a generated fill (gen.FillWorld): the
// served interfaces with the structural types world gives them, and the
// wasifill:rpc side (transport imported, or handler exported).
func fillWorld(r *witparse.Resolve, world witparse.WorldID, export bool) (*component.Type, error) {
	ifaces := gen.FillInterfaces(r, world, export)
	want := map[string]bool{}
	for _, ifc := range ifaces {
		if !strings.Contains(ifc.Name, "/") {
			return nil, fmt.Errorf("fill: interface %s is declared inline in world %s; a fill's world can name only interfaces declared in a package", ifc.Name, r.Worlds[world].Name)
		}
		want[ifc.Name] = true
	}
	wt, err := component.FromWorld(r, world)
	if err != nil {
		return nil, fmt.Errorf("fill: world %s: %w", r.Worlds[world].Name, err)
	}
	var served []component.Extern
	for _, e := range append(append([]component.Extern(nil), wt.Imports...), wt.Exports...) {
		name := e.Name
		if e.Version != "" {
			name += "@" + e.Version
		}
		if e.Kind == component.ExternInstance && want[name] {
			served = append(served, e)
			delete(want, name)
		}
	}
	if len(want) > 0 {
		return nil, fmt.Errorf("fill: world %s: the served interfaces %v have no component type", r.Worlds[world].Name, want)
	}
	return fillType(served, export)
}
