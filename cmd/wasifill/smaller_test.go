package main

import (
	"strings"
	"testing"
)

// A bare name without --wit is no type (it used to be read as a
// resource handle).
func TestDecodeUnknownType(t *testing.T) {
	for _, typ := range []string{"strng", "list<strng>", "option<%strng>"} {
		code, _, errOut := runCLI(t, "decode", "--type", typ, "0161")
		if code != 1 || !strings.Contains(errOut, "unknown type strng") {
			t.Errorf("decode --type %s: exit %d, stderr %q", typ, code, errOut)
		}
	}
}

// Negative numbers are values, typed as they are.
func TestNegativeNumbersArePositional(t *testing.T) {
	cases := []struct {
		args []string
		want string
	}{
		{[]string{"encode", "--type", "s32", "-1"}, "7f"},
		{[]string{"encode", "-1", "--type", "s32"}, "7f"},
		{[]string{"encode", "--type", "s64", "-65"}, "bf7f"},
		{[]string{"encode", "--type", "f64", "-inf"}, "000000000000f0ff"},
		{[]string{"encode", "--type", "f32", "-0.5"}, "000000bf"},
		{[]string{"encode", "--type", "s32", "--", "-1"}, "7f"},
	}
	for _, c := range cases {
		code, out, errOut := runCLI(t, c.args...)
		if code != 0 || strings.TrimSpace(out) != c.want {
			t.Errorf("%v: exit %d, out %q, err %q; want %s", c.args, code, out, errOut, c.want)
		}
	}
	// Flags are still flags, and errors quote arguments as typed.
	if code, _, errOut := runCLI(t, "encode", "--type", "s32", "-x"); code != 1 || !strings.Contains(errOut, "unknown shorthand flag: 'x'") {
		t.Errorf("-x: exit %d, err %q", code, errOut)
	}
	if code, _, errOut := runCLI(t, "version", "-1"); code != 1 || !strings.Contains(errOut, `"-1"`) || strings.Contains(errOut, `\x00`) {
		t.Errorf("version -1: exit %d, err %q", code, errOut)
	}
}

// A deadline in the environment that a time.Duration cannot hold is an
// error, not a wrapped (negative or tiny) deadline.
func TestTimeoutEnvOverflow(t *testing.T) {
	for _, v := range []string{"99999999999999999999", "9223372036855", "18446744073709552", "-5", "0", "2s"} {
		t.Setenv("WASIFILL_RPC_TIMEOUT_MS", v)
		code, _, errOut := runCLI(t, "call", "testdata/none.wasm", "f()")
		if code != 1 || !strings.Contains(errOut, "WASIFILL_RPC_TIMEOUT_MS") || !strings.Contains(errOut, "9223372036854") {
			t.Errorf("WASIFILL_RPC_TIMEOUT_MS=%s: exit %d, err %q", v, code, errOut)
		}
	}
	t.Setenv("WASIFILL_RPC_TIMEOUT_MS", "")
	t.Setenv("WASIFILL_MAX_EXECUTION_MS", "99999999999999999999")
	if code, _, errOut := runCLI(t, "run", "testdata/none.wasm"); code != 1 || !strings.Contains(errOut, "WASIFILL_MAX_EXECUTION_MS") {
		t.Errorf("WASIFILL_MAX_EXECUTION_MS overflow: exit %d, err %q", code, errOut)
	}
}

// proc_exit(256) must not exit 0 (the low byte of 256).
func TestRunProcExit256(t *testing.T) {
	code, _, errOut := runCLI(t, "run", "../../runtime/wasip2/testdata/proc-exit-256.core.wasm")
	if code != 1 || !strings.Contains(errOut, "proc_exit(256)") {
		t.Errorf("exit %d, stderr %q", code, errOut)
	}
}
