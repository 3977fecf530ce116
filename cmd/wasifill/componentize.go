package main

import (
	"fmt"
	"os"
	"strings"

	"github.com/spf13/cobra"

	"github.com/wasifill/wasifill/componentize"
	"github.com/wasifill/wasifill/internal/safeio"
	"github.com/wasifill/wasifill/witparse"
)

func newComponentizeCommand() *cobra.Command {
	var adapts []string
	var witPath, world, out string
	cmd := &cobra.Command{
		Use:   "componentize CORE.wasm [--adapt wasi_snapshot_preview1=ADAPTER.wasm] [--wit PATH --world W] -o OUT.wasm",
		Short: "Turn a core module carrying its WIT into a component (like wasm-tools component new)",
		Long: "componentize makes a component of a core module: the world comes from the module's\n" +
			"component-type custom section, or from --wit/--world (a fill's wit/, written by gen, has\n" +
			"one world: --wit alone). Imports of wasi_snapshot_preview1\n" +
			"are served by the adapter given with --adapt. Go modules (GOOS=wasip1) need no extra steps.",
		Args: cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			if out == "" {
				return inputError("componentize: give the output file with -o")
			}
			core, err := safeio.ReadFile(args[0], safeio.Wasm)
			if err != nil {
				return inputError("%v", err)
			}
			opts := componentize.Options{Adapters: map[string][]byte{}}
			for _, a := range adapts {
				name, path, ok := strings.Cut(a, "=")
				if !ok || name == "" || path == "" {
					return inputError("componentize: --adapt wants NAME=ADAPTER.wasm, got %q", a)
				}
				if opts.Adapters[name], err = safeio.ReadFile(path, safeio.Wasm); err != nil {
					return inputError("%v", err)
				}
			}
			if witPath != "" {
				r, pkg, err := witparse.Load(witPath, witparse.Options{})
				if err != nil {
					return witError(err)
				}
				if opts.WorldID, err = pickWorld(r, pkg, world); err != nil {
					return inputError("componentize: %v", err)
				}
				opts.WIT = r
			} else if world != "" {
				return inputError("componentize: --world needs --wit")
			}
			b, err := componentize.New(core, opts)
			if err != nil {
				return inputError("%v", err)
			}
			if err := os.WriteFile(out, b, 0o644); err != nil {
				return inputError("componentize: %v", err)
			}
			fmt.Fprintf(cmd.ErrOrStderr(), "wrote %s (%d bytes)\n", out, len(b))
			return nil
		},
	}
	cmd.Flags().StringArrayVar(&adapts, "adapt", nil, "NAME=ADAPTER.wasm: an adapter serving import module NAME (repeatable)")
	cmd.Flags().StringVar(&witPath, "wit", "", "WIT file or package directory with the world")
	cmd.Flags().StringVar(&world, "world", "", "the world to target (default: the package's only world)")
	cmd.Flags().StringVarP(&out, "output", "o", "", "where to write the component")
	return cmd
}

// pickWorld finds world name in package pkg, or its only world.
func pickWorld(r *witparse.Resolve, pkg witparse.PackageID, name string) (witparse.WorldID, error) {
	p := r.Packages[pkg]
	if name == "" {
		if len(p.Worlds) == 1 {
			return p.Worlds[0].ID, nil
		}
		var names []string
		for _, w := range p.Worlds {
			names = append(names, w.Name)
		}
		return 0, fmt.Errorf("package %s has %d worlds (%s); choose one with --world", p.Name, len(p.Worlds), strings.Join(names, ", "))
	}
	for _, w := range p.Worlds {
		if w.Name == name {
			return w.ID, nil
		}
	}
	return 0, fmt.Errorf("package %s has no world %q", p.Name, name)
}
