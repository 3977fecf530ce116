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
	"github.com/wasifill/wasifill/internal/safeio"
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

// genFlags are the flags every gen subcommand takes.
type genFlags struct {
	witPath, world, out string
	check               bool
}

func (g *genFlags) add(cmd *cobra.Command) {
	cmd.Flags().StringVar(&g.witPath, "wit", "", "WIT file or package directory")
	cmd.Flags().StringVar(&g.world, "world", "", "the world (default: the package's only world)")
	cmd.Flags().StringVar(&g.out, "out", "", "directory to write into")
	cmd.Flags().BoolVar(&g.check, "check", false, "compare with what is in --out; exit 1 listing stale files")
}

// load parses --wit and picks --world; lang names the subcommand in errors.
func (g *genFlags) load(lang string) (*witparse.Resolve, witparse.WorldID, error) {
	if g.witPath == "" || g.out == "" {
		return nil, 0, inputError("gen %s: give --wit and --out", lang)
	}
	r, p, err := witparse.Load(g.witPath, witparse.Options{})
	if err != nil {
		return nil, 0, witError(err)
	}
	id, err := pickWorld(r, p, g.world)
	if err != nil {
		return nil, 0, inputError("gen %s: %v", lang, err)
	}
	return r, id, nil
}

// write writes the generated files into --out, or checks them.
func (g *genFlags) write(cmd *cobra.Command, files map[string][]byte) error {
	return writeGenerated(cmd, g.out, files, g.check)
}

func newGenGoCommand() *cobra.Command {
	var g genFlags
	var pkg, fill string
	var host, guest bool
	cmd := &cobra.Command{
		Use:   "go --wit PATH [--world W] --out DIR (--host | --guest | --fill import|export) [--package P] [--check]",
		Short: "Generate Go: host bindings, guest bindings or fills",
		Long: "gen go writes Go for a WIT world. --host: typed Go for the runtime side — an interface a Go\n" +
			"provider of each imported interface implements with its Register function, and a typed client for\n" +
			"each exported interface. --fill import: a Go main package (GOOS=wasip1, -buildmode=c-shared) that\n" +
			"exports the world's imported interfaces and forwards each call to wasifill:rpc/transport.invoke.\n" +
			"--fill export: one that serves wasifill:rpc/handler by calling the world's exported interfaces.\n" +
			"--guest: a package for a component written in plain Go (imports as functions, exports as interfaces).\n" +
			"A fill comes with its world in wit/ (componentize --wit DIR/wit needs nothing else).\n" +
			"--check compares instead of writing and exits 1 listing stale files.",
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			if !host && !guest && fill == "" {
				return inputError("gen go: choose --host, --guest or --fill import|export")
			}
			if fill != "" && fill != "import" && fill != "export" {
				return inputError("gen go: --fill is import or export, not %q", fill)
			}
			r, id, err := g.load("go")
			if err != nil {
				return err
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
				files, err = golang.GenerateHost(r, id, pkg)
			}
			if err != nil {
				return inputError("%v", err)
			}
			return g.write(cmd, files)
		},
	}
	g.add(cmd)
	cmd.Flags().StringVar(&pkg, "package", "", "Go package name (default: from the world's name)")
	cmd.Flags().BoolVar(&host, "host", false, "generate host bindings")
	cmd.Flags().BoolVar(&guest, "guest", false, "generate guest bindings (a package for a component written in plain Go)")
	cmd.Flags().StringVar(&fill, "fill", "", "generate a fill: import (serves the world's imports over wasifill:rpc) or export (serves its exports to wasifill:rpc)")
	return cmd
}

func newGenRustCommand() *cobra.Command {
	var g genFlags
	var fill string
	cmd := &cobra.Command{
		Use:   "rust --wit PATH [--world W] --out DIR [--fill import|export] [--check]",
		Short: "Generate a Rust fill",
		Long: "gen rust writes a fill as a self-contained no_std Rust crate (lib.rs, its modules, Cargo.toml) that\n" +
			"builds with plain rustc for wasm32-unknown-unknown. --fill import (the default): it exports the custom\n" +
			"interfaces the world imports and forwards each call to wasifill:rpc/transport.invoke. --fill export: it\n" +
			"serves wasifill:rpc/handler by calling the interfaces the world exports. The world may also be the\n" +
			"fill's own (importing wasifill:rpc/transport, or exporting wasifill:rpc/handler). The fill's world is\n" +
			"written in wit/ (componentize --wit DIR/wit needs nothing else).\n" +
			"--check compares instead of writing and exits 1 listing stale files.",
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			if fill != "import" && fill != "export" {
				return inputError("gen rust: --fill is import or export, not %q", fill)
			}
			r, id, err := g.load("rust")
			if err != nil {
				return err
			}
			generate := rust.GenerateImportFill
			if fill == "export" {
				generate = rust.GenerateExportFill
			}
			files, err := generate(r, id)
			if err != nil {
				return inputError("%v", err)
			}
			return g.write(cmd, files)
		},
	}
	g.add(cmd)
	cmd.Flags().StringVar(&fill, "fill", "import", "import (serves the world's imports over wasifill:rpc) or export (serves its exports to wasifill:rpc)")
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
			if old, err := safeio.ReadFileLimit(path, int64(len(files[n]))); err != nil || !bytes.Equal(old, files[n]) {
				stale = append(stale, path)
			}
			continue
		}
		if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
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
