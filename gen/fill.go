package gen

import (
	"fmt"
	"strings"

	"github.com/wasifill/wasifill/internal/rpcwit"
	"github.com/wasifill/wasifill/witparse"
)

// Interface is a custom interface a fill serves: its full name
// ("acme:kv/store@1.0.0", or the world's key for an inline one) and ID.
type Interface struct {
	Name string
	ID   witparse.InterfaceID
}

// FillInterfaces returns the custom interfaces (all but wasi:* and
// wasifill:rpc) that a fill of world serves, in the world's order. An
// import fill (export false) serves what the user's world imports; an
// export fill what it exports. world may also be the fill's own world:
// one that imports wasifill:rpc/transport is an import fill's, and its
// exports are served; one that exports wasifill:rpc/handler is an export
// fill's, and its imports are served.
func FillInterfaces(r *witparse.Resolve, world witparse.WorldID, export bool) []Interface {
	w := r.Worlds[world]
	entries := w.Imports
	if export {
		entries = w.Exports
	}
	if !export && hasInterface(r, w.Imports, rpcwit.Transport) {
		entries = w.Exports
	}
	if export && hasInterface(r, w.Exports, rpcwit.Handler) {
		entries = w.Imports
	}
	var out []Interface
	for _, e := range entries {
		if e.Item.Kind != witparse.ItemInterface {
			continue
		}
		name := entryName(r, e)
		if strings.HasPrefix(name, "wasi:") || strings.HasPrefix(name, "wasifill:rpc/") {
			continue
		}
		out = append(out, Interface{Name: name, ID: e.Item.Interface})
	}
	return out
}

func entryName(r *witparse.Resolve, e witparse.WorldEntry) string {
	if e.Name != "" {
		return e.Name
	}
	return r.InterfaceName(e.Item.Interface)
}

func hasInterface(r *witparse.Resolve, entries []witparse.WorldEntry, name string) bool {
	for _, e := range entries {
		if e.Item.Kind == witparse.ItemInterface && entryName(r, e) == name {
			return true
		}
	}
	return false
}

// NothingToFillError is a world whose fill would serve no function: an
// import fill serves the custom interfaces a world imports (or, for a world
// that imports wasifill:rpc/transport, the ones it exports), an export fill
// the ones it exports (or, for a world that exports wasifill:rpc/handler,
// the ones it imports).
type NothingToFillError struct {
	World  string
	Export bool // an export fill
}

func (e *NothingToFillError) Error() string {
	kind := "an import"
	if e.Export {
		kind = "an export"
	}
	return fmt.Sprintf("world %s has no custom interface functions for %s fill to serve", e.World, kind)
}
