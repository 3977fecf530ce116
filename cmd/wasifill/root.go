package main

import (
	"fmt"
	"os"
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

// oneShotMemoryLimit is the heap size past which a one-shot command
// collects garbage after all.
const oneShotMemoryLimit = 512 << 20

// tuneGC turns the garbage collector off for the commands that read their
// inputs, write their outputs and exit (wit, gen, compose, fill, …),
// unless GOGC or GOMEMLIMIT says otherwise: their inputs are bounded, most
// of what they allocate lives until they exit, and a collection there
// costs more than the memory it frees (a third of `gen` on a large world).
// Past oneShotMemoryLimit the collector runs anyway. run, call and serve
// keep it on: guests run for as long as they like. Only main calls it: a
// process running the CLI in process (tests) keeps its own settings.
func tuneGC(root *cobra.Command, args []string) {
	cmd, _, err := root.Find(args)
	if err != nil {
		return
	}
	for c := cmd; c != nil; c = c.Parent() {
		switch c.Name() {
		case "run", "call", "serve":
			return
		}
	}
	if os.Getenv("GOGC") == "" && os.Getenv("GOMEMLIMIT") == "" {
		debug.SetGCPercent(-1)
		debug.SetMemoryLimit(oneShotMemoryLimit)
	}
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
