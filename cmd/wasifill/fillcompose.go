package main

import (
	"fmt"

	"github.com/spf13/cobra"

	"github.com/wasifill/wasifill/compose"
	"github.com/wasifill/wasifill/fill"
)

// composeFilled plugs parts into user, first adding an import fill made
// from user's own type (fillImports), then wrapping the result's custom
// exports in an export fill (fillExports).
func composeFilled(cmd *cobra.Command, user compose.Part, parts []compose.Part, fillImports, fillExports bool) (*compose.Result, error) {
	w := cmd.ErrOrStderr()
	if fillImports {
		f, served, err := fill.ForComponent(user.Bytes, false)
		if err != nil {
			return nil, inputError("compose --fill-imports: %s: %v", user.Name, err)
		}
		fmt.Fprintf(w, "made an import fill for %v (%d bytes)\n", served, len(f))
		parts = append([]compose.Part{{Name: "import-fill", Bytes: f}}, parts...)
	}
	var res *compose.Result
	if len(parts) > 0 {
		r, err := compose.Plug(user, parts)
		if err != nil {
			return nil, inputError("%v", err)
		}
		res = r
	}
	if !fillExports {
		return res, nil
	}
	impl := user
	if res != nil {
		for _, wr := range res.Wired {
			fmt.Fprintf(w, "plugged %s into %s (from %s)\n", wr.Export, wr.Import, wr.Plug)
		}
		impl = compose.Part{Name: user.Name, Bytes: res.Bytes}
	}
	f, served, err := fill.ForComponent(impl.Bytes, true)
	if err != nil {
		return nil, inputError("compose --fill-exports: %s: %v", user.Name, err)
	}
	fmt.Fprintf(w, "made an export fill for %v (%d bytes)\n", served, len(f))
	r, err := compose.Plug(compose.Part{Name: "export-fill", Bytes: f}, []compose.Part{impl})
	if err != nil {
		return nil, inputError("%v", err)
	}
	return r, nil
}
