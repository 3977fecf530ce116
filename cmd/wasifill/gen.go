package main

import (
	"bytes"
	"fmt"
	"os"
	"path/filepath"
	"sort"

	"github.com/spf13/cobra"

	"github.com/wasifill/wasifill/gen/golang"
	"github.com/wasifill/wasifill/gen/rust"
	"github.com/wasifill/wasifill/witparse"
)

func newGenCommand() *cobra.Command {
	cmd := &cobra.Command{
		Use:   "gen",
		Short: "Generate bindings and fills from WIT",
	}
	cmd.AddCommand(newGenGoCommand(), newGenRustCommand())
	return cmd
}

func newGenGoCommand() *cobra.Command {
	var witPath, world, out, pkg, fill string
	var host, guest, check bool
	cmd := &cobra.Command{
		Use:   "go --wit PATH [--world W] --out DIR (--host | --guest | --fill import|export) [--package P] [--check]",
		Short: "Generate Go: host bindings, guest bindings or fills",
		Long: "gen go writes Go for a WIT world. --host: typed Go for the runtime side — an interface a Go\n" +
			"provider of each imported interface implements with its Register function, and a typed client for\n" +
			"each exported interface. --fill import: a Go main package (GOOS=wasip1, -buildmode=c-shared) that\n" +
			"exports the world's imported interfaces and forwards each call to wasifill:rpc/transport.invoke.\n" +
			"--fill export: one that serves wasifill:rpc/handler by calling the world's exported interfaces.\n" +
			"--guest: a package for a component written in plain Go (imports as functions, exports as interfaces).\n" +
			"--check compares instead of writing and exits 1 listing stale files.",
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			if witPath == "" || out == "" {
				return inputError("gen go: give --wit and --out")
			}
			if !host && !guest && fill == "" {
				return inputError("gen go: choose --host, --guest or --fill import|export")
			}
			if fill != "" && fill != "import" && fill != "export" {
				return inputError("gen go: --fill is import or export, not %q", fill)
			}
			r, p, err := witparse.Load(witPath, witparse.Options{})
			if err != nil {
				return witError(err)
			}
			id, err := pickWorld(r, p, world)
			if err != nil {
				return inputError("gen go: %v", err)
			}
			var files map[string][]byte
			switch fill {
			case "import":
				files, err = golang.GenerateImportFill(r, id)
			case "export":
				files, err = golang.GenerateExportFill(r, id)
			default:
				if guest {
					files, err = golang.GenerateGuest(r, id, pkg)
					break
				}
				files, err = golang.Generate(r, id, golang.Options{Package: pkg, Host: host})
			}
			if err != nil {
				return inputError("%v", err)
			}
			return writeGenerated(cmd, out, files, check)
		},
	}
	cmd.Flags().StringVar(&witPath, "wit", "", "WIT file or package directory")
	cmd.Flags().StringVar(&world, "world", "", "the world (default: the package's only world)")
	cmd.Flags().StringVar(&out, "out", "", "directory to write into")
	cmd.Flags().StringVar(&pkg, "package", "", "Go package name (default: from the world's name)")
	cmd.Flags().BoolVar(&host, "host", false, "generate host bindings")
	cmd.Flags().BoolVar(&guest, "guest", false, "generate guest bindings (a package for a component written in plain Go)")
	cmd.Flags().StringVar(&fill, "fill", "", "generate a fill: import (serves the world's imports over wasifill:rpc) or export (serves its exports to wasifill:rpc)")
	cmd.Flags().BoolVar(&check, "check", false, "compare with what is in --out; exit 1 listing stale files")
	return cmd
}

func newGenRustCommand() *cobra.Command {
	var witPath, world, out, fill string
	var check bool
	cmd := &cobra.Command{
		Use:   "rust --wit PATH [--world W] --out DIR [--fill import|export] [--check]",
		Short: "Generate a Rust fill",
		Long: "gen rust writes a fill as a self-contained no_std Rust crate (lib.rs, its modules, Cargo.toml) that\n" +
			"builds with plain rustc for wasm32-unknown-unknown. --fill import (the default): it exports the custom\n" +
			"interfaces the world imports and forwards each call to wasifill:rpc/transport.invoke. --fill export: it\n" +
			"serves wasifill:rpc/handler by calling the interfaces the world exports. The world may also be the\n" +
			"fill's own (importing wasifill:rpc/transport, or exporting wasifill:rpc/handler).\n" +
			"--check compares instead of writing and exits 1 listing stale files.",
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			if witPath == "" || out == "" {
				return inputError("gen rust: give --wit and --out")
			}
			if fill != "import" && fill != "export" {
				return inputError("gen rust: --fill is import or export, not %q", fill)
			}
			r, p, err := witparse.Load(witPath, witparse.Options{})
			if err != nil {
				return witError(err)
			}
			id, err := pickWorld(r, p, world)
			if err != nil {
				return inputError("gen rust: %v", err)
			}
			generate := rust.GenerateImportFill
			if fill == "export" {
				generate = rust.GenerateExportFill
			}
			files, err := generate(r, id)
			if err != nil {
				return inputError("%v", err)
			}
			return writeGenerated(cmd, out, files, check)
		},
	}
	cmd.Flags().StringVar(&witPath, "wit", "", "WIT file or package directory")
	cmd.Flags().StringVar(&world, "world", "", "the world (default: the package's only world)")
	cmd.Flags().StringVar(&out, "out", "", "directory to write into")
	cmd.Flags().StringVar(&fill, "fill", "import", "import (serves the world's imports over wasifill:rpc) or export (serves its exports to wasifill:rpc)")
	cmd.Flags().BoolVar(&check, "check", false, "compare with what is in --out; exit 1 listing stale files")
	return cmd
}

// writeGenerated writes files into dir, or with check lists the ones
// that differ and fails.
func writeGenerated(cmd *cobra.Command, dir string, files map[string][]byte, check bool) error {
	var names []string
	for n := range files {
		names = append(names, n)
	}
	sort.Strings(names)
	var stale []string
	for _, n := range names {
		path := filepath.Join(dir, n)
		if check {
			if old, err := os.ReadFile(path); err != nil || !bytes.Equal(old, files[n]) {
				stale = append(stale, path)
			}
			continue
		}
		if err := os.MkdirAll(dir, 0o755); err != nil {
			return inputError("gen: %v", err)
		}
		if err := os.WriteFile(path, files[n], 0o644); err != nil {
			return inputError("gen: %v", err)
		}
		fmt.Fprintf(cmd.ErrOrStderr(), "wrote %s\n", path)
	}
	if len(stale) > 0 {
		msg := "wasifill gen: stale generated files (run without --check):"
		for _, s := range stale {
			msg += "\n  " + s
		}
		return &exitError{code: 1, msg: msg}
	}
	return nil
}
