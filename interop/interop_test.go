package interop_test

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/wasifill/wasifill/interop"
	"github.com/wasifill/wasifill/interop/jco"
	"github.com/wasifill/wasifill/interop/wasmtime"
	"github.com/wasifill/wasifill/value"
	"github.com/wasifill/wasifill/value/wave"
)

const types = "wasifill:guests/types@0.1.0#"

// callCases are calls of kitchen.wasm: arguments and the expected result,
// both in WAVE. Most are echo functions, so each checks one WIT type both
// ways through the canonical ABI.
var callCases = []struct{ export, args, want string }{
	{"add", "2, 40", "42"},
	{"add", "4294967295, 2", "1"},
	{"noop", "", ""},
	{types + "echo-bool", "true", "true"},
	{types + "echo-bool", "false", "false"},
	{types + "echo-s8", "-128", "-128"},
	{types + "echo-u8", "255", "255"},
	{types + "echo-s16", "-32768", "-32768"},
	{types + "echo-u16", "65535", "65535"},
	{types + "echo-s32", "-2147483648", "-2147483648"},
	{types + "echo-u32", "4294967295", "4294967295"},
	{types + "echo-s64", "-9223372036854775808", "-9223372036854775808"},
	{types + "echo-u64", "18446744073709551615", "18446744073709551615"},
	{types + "echo-f32", "1.5", "1.5"},
	{types + "echo-f32", "-inf", "-inf"},
	{types + "echo-f32", "nan", "nan"},
	{types + "echo-f64", "-0.1", "-0.1"},
	{types + "echo-f64", "1048576.5", "1048576.5"},
	{types + "echo-char", "'x'", "'x'"},
	{types + "echo-char", "'😀'", "'😀'"},
	{types + "echo-string", `"héllo, wörld"`, `"héllo, wörld"`},
	{types + "echo-string", `""`, `""`},
	{types + "echo-bytes", "[0, 1, 255]", "[0, 1, 255]"},
	{types + "echo-bytes", "[]", "[]"},
	{types + "echo-list", "[1, 2, 4294967295]", "[1, 2, 4294967295]"},
	{types + "echo-strings", `["a", "", "ccc"]`, `["a", "", "ccc"]`},
	{types + "echo-point", "{x-coord: 1, y: -2}", "{x-coord: 1, y: -2}"},
	{types + "echo-tuple", `(7, "seven")`, `(7, "seven")`},
	{types + "echo-shape", "circle(2.5)", "circle(2.5)"},
	{types + "echo-shape", "rect({x-coord: 3, y: 4})", "rect({x-coord: 3, y: 4})"},
	{types + "echo-shape", "empty", "empty"},
	{types + "echo-color", "blue-ish", "blue-ish"},
	{types + "echo-color", "red", "red"},
	{types + "echo-perms", "{read, exec-all}", "{read, exec-all}"},
	{types + "echo-perms", "{}", "{}"},
	{types + "echo-option", `some("x")`, `some("x")`},
	{types + "echo-option", "none", "none"},
	{types + "echo-result", "ok(5)", "ok(5)"},
	{types + "echo-result", `err("bad")`, `err("bad")`},
	{types + "sum", "[1, 2, 4294967295]", "4294967298"},
}

func readComponent(t *testing.T, name string) []byte {
	t.Helper()
	return readFile(t, filepath.Join("testdata", name))
}

// runtime makes a batch of calls of one component.
type runtime struct {
	name  string
	batch func(ctx context.Context, component []byte, reqs []jco.Request) ([]jco.Response, error)
}

func runtimes(t *testing.T) []runtime {
	rts := []runtime{{"wasmtime", func(ctx context.Context, c []byte, reqs []jco.Request) ([]jco.Response, error) {
		// A fresh instance for every call, as jco.Call would do.
		out := make([]jco.Response, len(reqs))
		for k, r := range reqs {
			out[k].Results, out[k].Err = wasmtime.Call(ctx, c, r.Export, r.Args)
		}
		return out, nil
	}}}
	if jcoAvailable(t) {
		rts = append(rts, runtime{"jco", jco.CallBatch})
	}
	return rts
}

// jcoAvailable reports whether node and jco are installed. Without them the
// jco half is skipped loudly, or fails when CI is set.
func jcoAvailable(t *testing.T) bool {
	t.Helper()
	if err := jco.Available(); err != nil {
		if os.Getenv("CI") != "" {
			t.Fatalf("jco is required in CI (run scripts/install-tools.sh): %v", err)
		}
		t.Logf("SKIPPING the jco half of this test: %v (run scripts/install-tools.sh)", err)
		return false
	}
	return true
}

// TestCall makes every call of callCases in each runtime; jco makes them
// in one batch (one node process), each on a fresh instance.
func TestCall(t *testing.T) {
	kitchen := readComponent(t, "kitchen.wasm")
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	reqs := make([]jco.Request, len(callCases))
	for k, c := range callCases {
		fn, err := wasmtime.FuncType(kitchen, c.export)
		if err != nil {
			t.Fatal(err)
		}
		args, err := wave.ParseValues(paramTypes(fn), c.args)
		if err != nil {
			t.Fatalf("%s(%s): %v", c.export, c.args, err)
		}
		reqs[k] = jco.Request{Export: c.export, Func: fn, Args: args, Fresh: true}
	}
	for _, rt := range runtimes(t) {
		t.Run(rt.name, func(t *testing.T) {
			resps, err := rt.batch(ctx, kitchen, reqs)
			if err != nil {
				t.Fatal(err)
			}
			for k, c := range callCases {
				fn, r := reqs[k].Func, resps[k]
				name := strings.TrimPrefix(c.export, types) + "(" + c.args + ")"
				t.Run(name, func(t *testing.T) {
					if r.Err != nil {
						t.Fatal(r.Err)
					}
					got := ""
					if fn.Result != nil {
						if len(r.Results) != 1 {
							t.Fatalf("got %d results, want 1", len(r.Results))
						}
						if got, err = wave.Format(fn.Result, r.Results[0]); err != nil {
							t.Fatal(err)
						}
					} else if len(r.Results) != 0 {
						t.Fatalf("got %d results, want none", len(r.Results))
					}
					if got != c.want {
						t.Errorf("%s(%s) = %s, want %s", c.export, c.args, got, c.want)
					}
				})
			}
		})
	}
}

func paramTypes(fn *interop.Func) []*value.Type {
	ts := make([]*value.Type, len(fn.Params))
	for i, p := range fn.Params {
		ts[i] = p.Type
	}
	return ts
}

func TestFuncType(t *testing.T) {
	kitchen := readComponent(t, "kitchen.wasm")
	for export, want := range map[string]string{
		"add":                  "func(a: u32, b: u32) -> u32",
		"noop":                 "func()",
		types + "echo-point":   "func(x: record { x-coord: s32, y: s32 }) -> record { x-coord: s32, y: s32 }",
		types + "echo-shape":   "func(x: variant { circle(f32), rect(record { x-coord: s32, y: s32 }), empty }) -> variant { circle(f32), rect(record { x-coord: s32, y: s32 }), empty }",
		types + "echo-result":  "func(x: result<u32, string>) -> result<u32, string>",
		types + "echo-perms":   "func(x: flags { read, write, exec-all }) -> flags { read, write, exec-all }",
		types + "echo-bytes":   "func(x: list<u8>) -> list<u8>",
		types + "echo-tuple":   "func(x: tuple<u8, string>) -> tuple<u8, string>",
		types + "echo-option":  "func(x: option<string>) -> option<string>",
		types + "echo-color":   "func(x: enum { red, green, blue-ish }) -> enum { red, green, blue-ish }",
		types + "echo-char":    "func(x: char) -> char",
		types + "sum":          "func(x: list<u32>) -> u64",
		types + "boom":         "func(x: u32) -> u32",
		types + "echo-strings": "func(x: list<string>) -> list<string>",
		types + "echo-s64":     "func(x: s64) -> s64",
		types + "echo-f32":     "func(x: f32) -> f32",
		types + "echo-bool":    "func(x: bool) -> bool",
		types + "echo-string":  "func(x: string) -> string",
		types + "echo-u16":     "func(x: u16) -> u16",
		types + "echo-list":    "func(x: list<u32>) -> list<u32>",
		types + "echo-f64":     "func(x: f64) -> f64",
		types + "echo-u8":      "func(x: u8) -> u8",
		types + "echo-s8":      "func(x: s8) -> s8",
		types + "echo-s16":     "func(x: s16) -> s16",
		types + "echo-s32":     "func(x: s32) -> s32",
		types + "echo-u32":     "func(x: u32) -> u32",
		types + "echo-u64":     "func(x: u64) -> u64",
	} {
		fn, err := wasmtime.FuncType(kitchen, export)
		if err != nil {
			t.Fatal(err)
		}
		if got := fn.String(); got != want {
			t.Errorf("%s: got %s\nwant %s", export, got, want)
		}
	}
	exports, err := wasmtime.Exports(kitchen)
	if err != nil {
		t.Fatal(err)
	}
	if len(exports) != 28 {
		t.Errorf("Exports: %d functions, want 28: %v", len(exports), exports)
	}
	if _, err := wasmtime.FuncType(kitchen, "nope"); err == nil {
		t.Error("FuncType of a missing export: no error")
	}
}

func TestValidate(t *testing.T) {
	for _, name := range []string{"kitchen.wasm", "hello.wasm", "fail.wasm"} {
		if err := wasmtime.Validate(readComponent(t, name)); err != nil {
			t.Errorf("%s: %v", name, err)
		}
	}
	bad := readComponent(t, "kitchen.wasm")
	bad = bad[:len(bad)/2]
	var ce *wasmtime.CompileError
	if err := wasmtime.Validate(bad); !errors.As(err, &ce) {
		t.Errorf("truncated component: got %v, want a *CompileError", err)
	}
	// A core module is not a component.
	if err := wasmtime.Validate([]byte("\x00asm\x01\x00\x00\x00")); !errors.As(err, &ce) {
		t.Errorf("core module: got %v, want a *CompileError", err)
	}
}

func TestTrap(t *testing.T) {
	kitchen := readComponent(t, "kitchen.wasm")
	ctx := context.Background()
	_, err := wasmtime.Call(ctx, kitchen, types+"boom", []value.Value{uint32(1)})
	var trap *wasmtime.Trap
	if !errors.As(err, &trap) || !strings.Contains(trap.Message, "unreachable") {
		t.Errorf("wasmtime: got %v, want a *wasmtime.Trap about unreachable", err)
	}
	if jcoAvailable(t) {
		fn, err := wasmtime.FuncType(kitchen, types+"boom")
		if err != nil {
			t.Fatal(err)
		}
		_, err = jco.Call(ctx, kitchen, types+"boom", fn, []value.Value{uint32(1)})
		var jtrap *jco.Trap
		if !errors.As(err, &jtrap) || !strings.Contains(jtrap.Message, "unreachable") {
			t.Errorf("jco: got %v, want a *jco.Trap about unreachable", err)
		}
	}
}

func TestCallErrors(t *testing.T) {
	kitchen := readComponent(t, "kitchen.wasm")
	ctx := context.Background()
	if _, err := wasmtime.Call(ctx, kitchen, types+"nope", nil); err == nil {
		t.Error("missing function: no error")
	}
	if _, err := wasmtime.Call(ctx, kitchen, "nope:nope/nope#f", nil); err == nil {
		t.Error("missing instance: no error")
	}
	if _, err := wasmtime.Call(ctx, kitchen, "add", []value.Value{uint32(1)}); err == nil {
		t.Error("too few arguments: no error")
	}
	var te *value.TypeError
	if _, err := wasmtime.Call(ctx, kitchen, "add", []value.Value{uint32(1), "two"}); !errors.As(err, &te) {
		t.Errorf("mistyped argument: got %v, want a *value.TypeError", err)
	}
}

// TestInstance calls one instance several times and reads its type.
func TestInstance(t *testing.T) {
	ctx := context.Background()
	inst, err := wasmtime.Instantiate(ctx, readComponent(t, "kitchen.wasm"), nil)
	if err != nil {
		t.Fatal(err)
	}
	defer inst.Close()
	for i := range uint32(100) {
		res, err := inst.Call(ctx, "add", i, uint32(1))
		if err != nil {
			t.Fatal(err)
		}
		if res[0] != i+1 {
			t.Fatalf("add(%d, 1) = %v", i, res[0])
		}
		if _, err := inst.Call(ctx, types+"echo-strings", []value.Value{"abc", "de"}); err != nil {
			t.Fatal(err)
		}
	}
	fn, err := inst.Type(types + "echo-option")
	if err != nil {
		t.Fatal(err)
	}
	if got := fn.String(); got != "func(x: option<string>) -> option<string>" {
		t.Errorf("Type = %s", got)
	}
}

func TestRun(t *testing.T) {
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	rts := runners(t)
	for _, rt := range rts {
		for _, c := range []struct {
			file string
			code int
		}{{"hello.wasm", 0}, {"fail.wasm", 1}} {
			stdout, stderr, code, err := rt.run(ctx, readComponent(t, c.file), []string{"prog", "arg"})
			if err != nil {
				t.Errorf("%s %s: %v", rt.name, c.file, err)
				continue
			}
			// jco run also prints the error of a failed run to stderr.
			if string(stdout) != "hello from wasm\n" || !strings.HasPrefix(string(stderr), "a line on stderr\n") || code != c.code {
				t.Errorf("%s %s: stdout %q, stderr %q, exit code %d; want %q, %q, %d",
					rt.name, c.file, stdout, stderr, code, "hello from wasm\n", "a line on stderr\n", c.code)
			}
		}
	}
}

func TestCancel(t *testing.T) {
	ctx, cancel := context.WithTimeout(context.Background(), 300*time.Millisecond)
	defer cancel()
	start := time.Now()
	_, err := wasmtime.Call(ctx, readComponent(t, "kitchen.wasm"), types+"spin", nil)
	if !errors.Is(err, context.DeadlineExceeded) {
		t.Errorf("got %v, want context.DeadlineExceeded", err)
	}
	if d := time.Since(start); d > 10*time.Second {
		t.Errorf("interrupting took %v", d)
	}
}
