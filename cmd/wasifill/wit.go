package main

import (
	"github.com/spf13/cobra"
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
		Long: "wit parses PATH (a .wit file, or a package directory with an optional deps/ folder),\n" +
			"resolves it like wasm-tools does, and prints the root package as WIT text. With --json it\n" +
			"prints the whole resolve in the JSON form of `wasm-tools component wit -j`.\n" +
			"Invalid input exits 1 with every error, each as path:line:col.",
		Args: cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			return &exitError{code: 2, msg: "wasifill wit: not implemented yet (arrives with witparse, issue 2)"}
		},
	}
	cmd.Flags().BoolVar(&asJSON, "json", false, "print the whole resolve as wasm-tools JSON")
	cmd.Flags().StringSliceVar(&features, "features", nil, "enable these @unstable feature gates (comma separated)")
	cmd.Flags().BoolVar(&allFeatures, "all-features", false, "enable every @unstable feature gate")
	return cmd
}
