package main

import (
	"fmt"
	"runtime/debug"

	"github.com/spf13/cobra"
)

// version is set at link time (-ldflags "-X main.version=...") for releases.
var version = ""

func newRootCommand() *cobra.Command {
	root := &cobra.Command{
		Use:           "wasifill",
		Short:         "Generate, compose and run WebAssembly wasi-fills",
		Long:          "wasifill lets a WebAssembly component use any custom WIT interface: it generates fill\nadapters (gen), plugs them into components (compose) and runs the result with deadlines\nthat hold across every nested call (run, call, serve).",
		SilenceUsage:  true,
		SilenceErrors: true,
	}
	root.AddCommand(
		newVersionCommand(),
		newWitCommand(),
		newEncodeCommand(),
		newDecodeCommand(),
		newGenCommand(),
		newComposeCommand(),
		newFillCommand(),
		newComponentizeCommand(),
		newInspectCommand(),
		newRunCommand(),
		newCallCommand(),
		newServeCommand(),
	)
	unmarkNegatives(root)
	return root
}

func newVersionCommand() *cobra.Command {
	return &cobra.Command{
		Use:   "version",
		Short: "Print wasifill's version",
		Args:  cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			fmt.Fprintln(cmd.OutOrStdout(), "wasifill", buildVersion())
			return nil
		},
	}
}

// buildVersion returns the link-time version, else the module version Go
// recorded, else "devel".
func buildVersion() string {
	if version != "" {
		return version
	}
	if info, ok := debug.ReadBuildInfo(); ok && info.Main.Version != "" && info.Main.Version != "(devel)" {
		return info.Main.Version
	}
	return "devel"
}
