package fill

import (
	"fmt"
	"os"
	"path/filepath"

	"github.com/wasifill/wasifill/gen"
	"github.com/wasifill/wasifill/internal/component"
	"github.com/wasifill/wasifill/witparse"
)

// fillWorld returns the component type of the fill's own world, the one
// `wasifill gen` writes beside a generated fill (gen.FillWorld): resolved
// from those same WIT files, so a fill from here and a generated one have
// the same type.
func fillWorld(r *witparse.Resolve, world witparse.WorldID, export bool) (*component.Type, error) {
	files, err := gen.FillWorld(r, world, export)
	if err != nil {
		return nil, fmt.Errorf("fill: %w", err)
	}
	dir, err := os.MkdirTemp("", "wasifill-fill-")
	if err != nil {
		return nil, fmt.Errorf("fill: %w", err)
	}
	defer os.RemoveAll(dir)
	for name, b := range files {
		p := filepath.Join(dir, filepath.FromSlash(name))
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			return nil, fmt.Errorf("fill: %w", err)
		}
		if err := os.WriteFile(p, b, 0o644); err != nil {
			return nil, fmt.Errorf("fill: %w", err)
		}
	}
	fr, pkg, err := witparse.Load(filepath.Join(dir, "wit"), witparse.Options{AllFeatures: true})
	if err != nil {
		return nil, fmt.Errorf("fill: the fill's world: %w", err)
	}
	for _, w := range fr.Packages[pkg].Worlds {
		if w.Name == gen.FillWorldName(export) {
			ct, err := component.FromWorld(fr, w.ID)
			if err != nil {
				return nil, fmt.Errorf("fill: the fill's world: %w", err)
			}
			return ct, nil
		}
	}
	return nil, fmt.Errorf("fill: the fill's world %s is missing", gen.FillWorldName(export))
}
