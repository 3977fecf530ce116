package main

import (
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"strings"

	"github.com/spf13/cobra"

	"github.com/wasifill/wasifill/compose"
	"github.com/wasifill/wasifill/internal/safeio"
)

func newComposeCommand() *cobra.Command {
	var plugs []string
	var out string
	var fillImports, fillExports bool
	cmd := &cobra.Command{
		Use:   "compose USER.wasm (--plug FILL.wasm [--plug ...] | --fill-imports | --fill-exports) [-o APP.wasm]",
		Short: "Plug components' exports into a component's imports (like wac plug)",
		Long: "compose satisfies each import of USER that a plug exports (same interface, semver-compatible\n" +
			"version) with that plug. The plugs' imports and USER's unmatched imports become imports of\n" +
			"the result; USER's exports are its exports. Each wired pair is type-checked first.\n" +
			"--fill-imports: plug an import fill made from USER's own type for every custom interface it\n" +
			"imports (all but wasi:* and wasifill:rpc), so the result reaches them over wasifill:rpc.\n" +
			"--fill-exports: wrap USER's custom exports behind wasifill:rpc/handler with an export fill.\n" +
			"With a fill flag, -o defaults to USER with .filled.wasm for .wasm.",
		Args: cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			if len(plugs) == 0 && !fillImports && !fillExports {
				return inputError("compose: give at least one --plug, or --fill-imports or --fill-exports")
			}
			if out == "" && (fillImports || fillExports) {
				out = strings.TrimSuffix(args[0], ".wasm") + ".filled.wasm"
			}
			if out == "" {
				return inputError("compose: give the output file with -o")
			}
			user, err := readPart(args[0])
			if err != nil {
				return err
			}
			var parts []compose.Part
			for _, p := range plugs {
				part, err := readPart(p)
				if err != nil {
					return err
				}
				parts = append(parts, part)
			}
			res, err := composeFilled(cmd, user, parts, fillImports, fillExports)
			if err != nil {
				return err
			}
			if err := os.WriteFile(out, res.Bytes, 0o644); err != nil {
				return inputError("compose: %v", err)
			}
			w := cmd.ErrOrStderr()
			for _, wr := range res.Wired {
				fmt.Fprintf(w, "plugged %s into %s (from %s)\n", wr.Export, wr.Import, wr.Plug)
			}
			if len(res.Imports) > 0 {
				fmt.Fprintf(w, "%s imports %d interface(s) still\n", out, len(res.Imports))
			}
			fmt.Fprintf(w, "wrote %s (%d bytes)\n", out, len(res.Bytes))
			return nil
		},
	}
	cmd.Flags().StringArrayVar(&plugs, "plug", nil, "a component whose exports satisfy USER's imports (repeatable)")
	cmd.Flags().StringVarP(&out, "output", "o", "", "where to write the composed component")
	cmd.Flags().BoolVar(&fillImports, "fill-imports", false, "plug an import fill for USER's custom imports, made from its own type")
	cmd.Flags().BoolVar(&fillExports, "fill-exports", false, "wrap USER's custom exports behind wasifill:rpc/handler with an export fill")
	return cmd
}

func readPart(path string) (compose.Part, error) {
	b, err := safeio.ReadFile(path, safeio.Wasm)
	if err != nil {
		return compose.Part{}, inputError("%v", err)
	}
	return compose.Part{Name: filepath.Base(path), Bytes: b}, nil
}

func newInspectCommand() *cobra.Command {
	var asJSON bool
	cmd := &cobra.Command{
		Use:   "inspect FILE.wasm",
		Short: "Show a wasm file's kind, imports, exports, embedded WIT and producers",
		Args:  cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			b, err := safeio.ReadFile(args[0], safeio.Wasm)
			if err != nil {
				return inputError("%v", err)
			}
			r, err := compose.Inspect(b)
			if err != nil {
				return inputError("inspect %s: %v", args[0], err)
			}
			if asJSON {
				enc := json.NewEncoder(cmd.OutOrStdout())
				enc.SetIndent("", "  ")
				return enc.Encode(r)
			}
			fmt.Fprint(cmd.OutOrStdout(), r.Text())
			return nil
		},
	}
	cmd.Flags().BoolVar(&asJSON, "json", false, "print the report as JSON")
	return cmd
}
