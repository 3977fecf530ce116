package main

import (
	"encoding/hex"
	"fmt"
	"strings"

	"github.com/spf13/cobra"

	"github.com/wasifill/wasifill/gen"
	"github.com/wasifill/wasifill/value"
	"github.com/wasifill/wasifill/value/wave"
	"github.com/wasifill/wasifill/value/wire"
	"github.com/wasifill/wasifill/witparse"
)

// typeFlags are the flags that say what type a value has.
type typeFlags struct {
	expr, witPath, iface string
}

func (f *typeFlags) register(cmd *cobra.Command) {
	cmd.Flags().StringVar(&f.expr, "type", "", "the WIT type of the value (required)")
	cmd.Flags().StringVar(&f.witPath, "wit", "", "a WIT file or package directory whose named types --type may use")
	cmd.Flags().StringVar(&f.iface, "interface", "", "with --wit: the interface (ns:pkg/iface) whose types --type names")
	_ = cmd.MarkFlagRequired("type")
}

func newEncodeCommand() *cobra.Command {
	var tf typeFlags
	cmd := &cobra.Command{
		Use:   "encode --type TYPE VALUE",
		Short: "Encode a WAVE value in the wasifill:rpc wire format; print it as hex",
		Long: "encode reads VALUE as WAVE text of the WIT type TYPE (for example\n" +
			"'list<tuple<string, u32>>' or 'option<result<u8, string>>') and prints its wire\n" +
			"encoding as lowercase hex. A negative number is a value, not a flag: -65 needs no --.\n" +
			"See docs/wire-format.md.",
		Example: `  wasifill encode --type 'list<tuple<string, u32>>' '[("a", 1)]'
  wasifill encode --type s64 -65`,
		Args: cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			t, err := tf.resolve()
			if err != nil {
				return err
			}
			v, err := wave.Parse(t, args[0])
			if err != nil {
				return inputError("value: %v", err)
			}
			b, err := wire.Encode(t, v)
			if err != nil {
				return inputError("encode: %v", err)
			}
			fmt.Fprintln(cmd.OutOrStdout(), hex.EncodeToString(b))
			return nil
		},
	}
	tf.register(cmd)
	return cmd
}

func newDecodeCommand() *cobra.Command {
	var tf typeFlags
	cmd := &cobra.Command{
		Use:   "decode --type TYPE HEX",
		Short: "Decode wasifill:rpc wire bytes given as hex; print the value as WAVE",
		Long: "decode reads HEX (whitespace allowed) as the wire encoding of a value of the WIT\n" +
			"type TYPE and prints the value as WAVE text. Malformed or trailing bytes are errors.",
		Example: `  wasifill decode --type 'option<string>' 01026869`,
		Args:    cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			t, err := tf.resolve()
			if err != nil {
				return err
			}
			b, err := hex.DecodeString(strings.Join(strings.Fields(args[0]), ""))
			if err != nil {
				return inputError("hex: %v", err)
			}
			v, err := wire.Decode(t, b)
			if err != nil {
				return inputError("%v", err)
			}
			text, err := wave.Format(t, v)
			if err != nil {
				return inputError("%v", err)
			}
			fmt.Fprintln(cmd.OutOrStdout(), text)
			return nil
		},
	}
	tf.register(cmd)
	return cmd
}

// resolve turns --type into a value type; with --wit and --interface, bare
// names in it are that interface's types.
func (f *typeFlags) resolve() (*value.Type, error) {
	if f.witPath == "" {
		if f.iface != "" {
			return nil, inputError("--interface needs --wit")
		}
		t, err := value.ParseClosedType(f.expr) // no WIT: a bare name is no type
		if err != nil {
			return nil, inputError("--type %q: %v", f.expr, err)
		}
		return t, nil
	}
	if f.iface == "" {
		return nil, inputError("--wit needs --interface ns:pkg/iface")
	}
	r, _, err := witparse.Load(f.witPath, witparse.Options{AllFeatures: true})
	if err != nil {
		return nil, witError(err)
	}
	id, ok := r.LookupInterface(f.iface)
	if !ok {
		return nil, inputError("--interface %s: no such interface in %s", f.iface, f.witPath)
	}
	t, err := gen.ParseInterfaceType(r, id, f.expr)
	if err != nil {
		return nil, inputError("--type %q: %v", f.expr, err)
	}
	return t, nil
}

// inputError is a failure caused by the user's input: exit code 1.
func inputError(format string, args ...any) error {
	return &exitError{code: 1, msg: "wasifill: " + fmt.Sprintf(format, args...)}
}
