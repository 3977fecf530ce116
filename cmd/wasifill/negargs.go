package main

import (
	"regexp"
	"strings"

	"github.com/spf13/cobra"
	"github.com/spf13/pflag"
)

// Values are positional arguments and users type negative numbers as
// they are (`wasifill encode --type s32 -1`), but pflag reads any "-x" as
// a flag. negativesPositional marks each argument that is a negative
// number (and not the value of a flag before it) so pflag passes it
// through; every command's RunE sees it unmarked (unmarkNegatives).

// negMark prefixes a marked argument; no argument typed at a shell
// starts with a NUL byte.
const negMark = "\x00"

// negative matches a negative number as WAVE writes one: -1, -0.5,
// -.5, -1e9, -inf, -nan.
var negative = regexp.MustCompile(`^-(\.?[0-9]|inf$|nan$)`)

// negativesPositional returns args with each negative number that is a
// positional argument of the command args name marked; "--" ends it.
func negativesPositional(root *cobra.Command, args []string) []string {
	cmd, _, err := root.Find(args)
	if err != nil || cmd.RunE == nil {
		return args
	}
	out := make([]string, len(args))
	copy(out, args)
	for i, a := range args {
		if a == "--" {
			break
		}
		if negative.MatchString(a) && (i == 0 || !takesValue(cmd, args[i-1])) {
			out[i] = negMark + a
		}
	}
	return out
}

// takesValue reports whether arg is a flag of cmd that takes the next
// argument as its value (--name or -n without "=", not a boolean).
func takesValue(cmd *cobra.Command, arg string) bool {
	if !strings.HasPrefix(arg, "-") || strings.Contains(arg, "=") || negative.MatchString(arg) {
		return false
	}
	var f *pflag.Flag
	if name, ok := strings.CutPrefix(arg, "--"); ok {
		f = cmd.Flags().Lookup(name)
	} else if len(arg) >= 2 {
		f = cmd.Flags().ShorthandLookup(arg[len(arg)-1:]) // the last of -abc takes the value
	}
	return f != nil && f.NoOptDefVal == ""
}

// unmarkNegatives wraps the RunE of cmd and its subcommands to remove
// negativesPositional's marks.
func unmarkNegatives(cmd *cobra.Command) {
	if run := cmd.RunE; run != nil {
		cmd.RunE = func(c *cobra.Command, args []string) error {
			clean := make([]string, len(args))
			for i, a := range args {
				clean[i] = strings.TrimPrefix(a, negMark)
			}
			return run(c, clean)
		}
	}
	for _, sub := range cmd.Commands() {
		unmarkNegatives(sub)
	}
}

// unmarkMessage removes the marks from an error message that quotes an
// argument (cobra's "unknown command %q").
func unmarkMessage(msg string) string {
	return strings.ReplaceAll(strings.ReplaceAll(msg, negMark, ""), `\x00`, "")
}
