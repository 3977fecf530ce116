package main

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"

	"github.com/spf13/cobra"

	"github.com/wasifill/wasifill/runtime/rpc"
	"github.com/wasifill/wasifill/witparse"
	"github.com/wasifill/wasifill/witparse/token"
)

func newWitCommand() *cobra.Command {
	var (
		asJSON      bool
		features    []string
		allFeatures bool
	)
	cmd := &cobra.Command{
		Use:   "wit [--json] [--features a,b] [--all-features] PATH",
		Short: "Parse and resolve WIT; print the root package as WIT, or the whole resolve as JSON",
		Long: "wit parses PATH (a .wit file, a WIT package encoded as a .wasm component, or a package\n" +
			"directory with an optional deps/ folder of packages: directories, .wit or .wasm files),\n" +
			"resolves it like wasm-tools does, and prints the root package as WIT text. With --json it\n" +
			"prints the whole resolve in the JSON form of `wasm-tools component wit -j`.\n" +
			"Invalid input exits 1 with every error, each as path:line:col.",
		Args: cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			r, root, err := witparse.Load(args[0], witparse.Options{Features: features, AllFeatures: allFeatures})
			if err != nil {
				return witError(err)
			}
			var out []byte
			if asJSON {
				out, err = witparse.EncodeJSON(r)
			} else {
				var text string
				text, err = witparse.FormatPackage(r, root)
				out = []byte(text)
			}
			if err != nil {
				return err
			}
			_, err = cmd.OutOrStdout().Write(out)
			return err
		},
	}
	cmd.AddCommand(newWitDepsCommand())
	cmd.Flags().BoolVar(&asJSON, "json", false, "print the whole resolve as wasm-tools JSON")
	cmd.Flags().StringSliceVar(&features, "features", nil, "enable these @unstable feature gates (comma separated)")
	cmd.Flags().BoolVar(&allFeatures, "all-features", false, "enable every @unstable feature gate")
	return cmd
}

// witError reports WIT errors, one per position, with exit code 1.
func witError(err error) error {
	var list token.ErrorList
	if errors.As(err, &list) {
		return &exitError{code: 1, msg: fmt.Sprintf("%v\nwasifill: %d WIT error(s)", list, len(list))}
	}
	return &exitError{code: 1, msg: "wasifill: " + err.Error()}
}

func newWitDepsCommand() *cobra.Command {
	return &cobra.Command{
		Use:   "deps WITDIR",
		Short: "Write the wasifill:rpc contract into WITDIR/deps/wasifill-rpc/rpc.wit",
		Long: "deps writes the wasifill:rpc WIT package this binary implements into a project's WIT\n" +
			"folder, so its worlds can import wasifill:rpc/transport and export wasifill:rpc/handler.",
		Args: cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			dir := filepath.Join(args[0], "deps", "wasifill-rpc")
			if err := os.MkdirAll(dir, 0o755); err != nil {
				return inputError("wit deps: %v", err)
			}
			path := filepath.Join(dir, "rpc.wit")
			if err := os.WriteFile(path, []byte(rpc.WIT), 0o644); err != nil {
				return inputError("wit deps: %v", err)
			}
			fmt.Fprintf(cmd.ErrOrStderr(), "wrote %s\n", path)
			return nil
		},
	}
}
