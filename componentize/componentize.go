// Package componentize turns a core module into a component, the job of
// `wasm-tools component new`: the module's imports are lowered from its
// world's imported interfaces (or served by adapter modules such as the
// WASI preview1 adapter), its exports lifted into the world's exports.
// Plain `GOOS=wasip1 go build` modules need no manual steps.
package componentize

import (
	"github.com/wasifill/wasifill/internal/componentize"
	"github.com/wasifill/wasifill/witparse"
)

// Options configures New.
type Options struct {
	// WIT and WorldID name the world the module targets (witparse.Load);
	// with WIT nil, the world embedded in the module's component-type
	// custom section.
	WIT     *witparse.Resolve
	WorldID witparse.WorldID
	// Adapters maps an import module name (wasi_snapshot_preview1) to an
	// adapter core module that implements it on top of WIT interfaces.
	Adapters map[string][]byte
}

// Error is a core module that cannot become a component: a missing
// world, an import nothing provides, an export the world lacks.
type Error = componentize.Error

// New makes a component of a core module (the job of
// `wasm-tools component new`): its imports are lowered from the world's
// imported interfaces (or served by adapters), its exports lifted into
// the world's exports. Go modules get a private region for the adapter's
// allocations, so a plain `go build` module needs no manual steps.
func New(core []byte, opts Options) ([]byte, error) {
	return componentize.New(core, componentize.Options{WIT: opts.WIT, WorldID: opts.WorldID, Adapters: opts.Adapters})
}
