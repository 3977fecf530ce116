package main

import (
	"encoding/hex"
	"fmt"
	"strings"

	"github.com/spf13/cobra"

	"github.com/wasifill/wasifill/value"
	"github.com/wasifill/wasifill/value/wave"
	"github.com/wasifill/wasifill/value/wire"
)

func newEncodeCommand() *cobra.Command {
	var typeExpr string
	cmd := &cobra.Command{
		Use:   "encode --type TYPE VALUE",
		Short: "Encode a WAVE value in the wasifill:rpc wire format; print it as hex",
		Long: "encode reads VALUE as WAVE text of the WIT type TYPE (for example\n" +
			"'list<tuple<string, u32>>' or 'option<result<u8, string>>') and prints its wire\n" +
			"encoding as lowercase hex. Put -- before a VALUE that starts with '-'.\n" +
			"See docs/wire-format.md.",
		Example: `  wasifill encode --type 'list<tuple<string, u32>>' '[("a", 1)]'
  wasifill encode --type s64 -- -65`,
		Args: cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			t, err := parseTypeFlag(typeExpr)
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
	cmd.Flags().StringVar(&typeExpr, "type", "", "the WIT type of the value (required)")
	_ = cmd.MarkFlagRequired("type")
	return cmd
}

func newDecodeCommand() *cobra.Command {
	var typeExpr string
	cmd := &cobra.Command{
		Use:   "decode --type TYPE HEX",
		Short: "Decode wasifill:rpc wire bytes given as hex; print the value as WAVE",
		Long: "decode reads HEX (whitespace allowed) as the wire encoding of a value of the WIT\n" +
			"type TYPE and prints the value as WAVE text. Malformed or trailing bytes are errors.",
		Example: `  wasifill decode --type 'option<string>' 01026869`,
		Args:    cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			t, err := parseTypeFlag(typeExpr)
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
	cmd.Flags().StringVar(&typeExpr, "type", "", "the WIT type of the value (required)")
	_ = cmd.MarkFlagRequired("type")
	return cmd
}

func parseTypeFlag(expr string) (*value.Type, error) {
	t, err := value.ParseType(expr)
	if err != nil {
		return nil, inputError("--type %q: %v", expr, err)
	}
	return t, nil
}

// inputError is a failure caused by the user's input: exit code 1.
func inputError(format string, args ...any) error {
	return &exitError{code: 1, msg: "wasifill: " + fmt.Sprintf(format, args...)}
}
