package main

import (
	"fmt"
	"os"

	"github.com/spf13/cobra"

	"github.com/wasifill/wasifill/fill"
	"github.com/wasifill/wasifill/witparse"
)

func newFillCommand() *cobra.Command {
	var witPath, world, out string
	var imp, exp bool
	cmd := &cobra.Command{
		Use:   "fill --wit PATH [--world W] (--import | --export) -o FILL.wasm",
		Short: "Write a ready fill component for a WIT world, with no compiler",
		Long: "fill writes the fill component itself: no Go or Rust toolchain, adapter or network. --import:\n" +
			"the fill exports each custom interface the world imports (all but wasi:* and wasifill:rpc) and\n" +
			"forwards every call to wasifill:rpc/transport.invoke. --export: it exports wasifill:rpc/handler\n" +
			"and serves each call by calling the custom interfaces the world exports. The world may also be\n" +
			"the fill's own (importing wasifill:rpc/transport, or exporting wasifill:rpc/handler). Same wire\n" +
			"encoding, rpc-error mapping and refusals as `gen go|rust --fill`.",
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			if witPath == "" || out == "" {
				return inputError("fill: give --wit and -o")
			}
			if imp == exp {
				return inputError("fill: give exactly one of --import and --export")
			}
			r, p, err := witparse.Load(witPath, witparse.Options{})
			if err != nil {
				return witError(err)
			}
			id, err := pickWorld(r, p, world)
			if err != nil {
				return inputError("fill: %v", err)
			}
			var b []byte
			if exp {
				b, err = fill.Export(r, id)
			} else {
				b, err = fill.Import(r, id)
			}
			if err != nil {
				return inputError("%v", err)
			}
			if err := os.WriteFile(out, b, 0o644); err != nil {
				return inputError("fill: %v", err)
			}
			fmt.Fprintf(cmd.ErrOrStderr(), "wrote %s (%d bytes)\n", out, len(b))
			return nil
		},
	}
	cmd.Flags().StringVar(&witPath, "wit", "", "WIT file or package directory")
	cmd.Flags().StringVar(&world, "world", "", "the world (default: the package's only world)")
	cmd.Flags().BoolVar(&imp, "import", false, "an import fill: serves the world's imports over wasifill:rpc")
	cmd.Flags().BoolVar(&exp, "export", false, "an export fill: serves the world's exports to wasifill:rpc")
	cmd.Flags().StringVarP(&out, "output", "o", "", "where to write the fill component")
	return cmd
}
