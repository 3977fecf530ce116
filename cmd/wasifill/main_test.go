package main

import (
	"bytes"
	"io"
	"math"
	"os"
	"path/filepath"
	"runtime/debug"
	"strings"
	"testing"
	"time"
)

// runCLI runs the CLI in process and returns its exit code, stdout and
// stderr.
func runCLI(t *testing.T, args ...string) (int, string, string) {
	t.Helper()
	oldOut, oldErr := os.Stdout, os.Stderr
	outR, outW, _ := os.Pipe()
	errR, errW, _ := os.Pipe()
	os.Stdout, os.Stderr = outW, errW
	var stdout, stderr bytes.Buffer
	done := make(chan struct{})
	go func() { io.Copy(&stdout, outR); close(done) }()
	errDone := make(chan struct{})
	go func() { io.Copy(&stderr, errR); close(errDone) }()
	code := run(args)
	outW.Close()
	errW.Close()
	<-done
	<-errDone
	os.Stdout, os.Stderr = oldOut, oldErr
	return code, stdout.String(), stderr.String()
}

func TestVersion(t *testing.T) {
	code, out, _ := runCLI(t, "version")
	if code != 0 || !strings.HasPrefix(out, "wasifill ") {
		t.Fatalf("exit %d, output %q", code, out)
	}
}

func TestEncodeDecode(t *testing.T) {
	cases := []struct{ typ, wave, hex string }{
		{"list<tuple<string, u32>>", `[("a", 1), ("bc", 300)]`, "020161010262 63ac02"},
		{"option<result<u8, string>>", `some(err("x"))`, "01010178"},
		{"s64", "-65", "bf7f"},
		{"record { name: string, tags: list<string> }", `{name: "k", tags: []}`, "016b00"},
	}
	for _, c := range cases {
		want := strings.ReplaceAll(c.hex, " ", "")
		code, out, errOut := runCLI(t, "encode", "--type", c.typ, "--", c.wave)
		if code != 0 || strings.TrimSpace(out) != want {
			t.Errorf("encode %s %s: exit %d, out %q, err %q; want %s", c.typ, c.wave, code, out, errOut, want)
		}
		code, out, errOut = runCLI(t, "decode", "--type", c.typ, c.hex)
		if code != 0 || strings.TrimSpace(out) != c.wave {
			t.Errorf("decode %s %s: exit %d, out %q, err %q; want %s", c.typ, c.hex, code, out, errOut, c.wave)
		}
	}
}

func TestEncodeDecodeErrors(t *testing.T) {
	cases := []struct {
		args []string
		want string
	}{
		{[]string{"encode", "--type", "u8", "256"}, "not a valid u8"},
		{[]string{"encode", "--type", "list<", "[]"}, "--type"},
		{[]string{"decode", "--type", "u8", "0102"}, "trailing"},
		{[]string{"decode", "--type", "string", "zz"}, "hex"},
		{[]string{"decode", "--type", "bool", "02"}, "0 or 1"},
	}
	for _, c := range cases {
		code, _, errOut := runCLI(t, c.args...)
		if code != 1 || !strings.Contains(errOut, c.want) {
			t.Errorf("%v: exit %d, stderr %q; want exit 1 mentioning %q", c.args, code, errOut, c.want)
		}
	}
}

func TestWit(t *testing.T) {
	code, out, errOut := runCLI(t, "wit", "../../docs/examples/kv/wit")
	if code != 0 || !strings.Contains(out, "package acme:kv@1.0.0;") || !strings.Contains(out, "get: func(key: string) -> result<option<list<u8>>, error>;") {
		t.Fatalf("exit %d, stdout:\n%s\nstderr: %s", code, out, errOut)
	}
	code, out, _ = runCLI(t, "wit", "--json", "../../docs/examples/kv/wit")
	if code != 0 || !strings.Contains(out, `"name": "acme:kv@1.0.0"`) || !strings.Contains(out, `"worlds": [`) {
		t.Fatalf("--json: exit %d, stdout:\n%s", code, out)
	}
}

func TestWitErrors(t *testing.T) {
	dir := t.TempDir()
	bad := dir + "/bad.wit"
	if err := os.WriteFile(bad, []byte("package a:b;\ninterface i {\n  x: func() -> nope;\n  y: func(a: u32 b: u32);\n}\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	code, _, errOut := runCLI(t, "wit", bad)
	if code != 1 || !strings.Contains(errOut, bad+":4:18: expected ')', found an identifier") {
		t.Fatalf("exit %d, stderr:\n%s", code, errOut)
	}
	if err := os.WriteFile(bad, []byte("package a:b;\ninterface i {\n  x: func() -> nope;\n}\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	code, _, errOut = runCLI(t, "wit", bad)
	if code != 1 || !strings.Contains(errOut, bad+":3:16: name `nope` does not exist") {
		t.Fatalf("exit %d, stderr:\n%s", code, errOut)
	}
	code, _, errOut = runCLI(t, "wit", dir+"/missing.wit")
	if code != 1 || !strings.Contains(errOut, "missing.wit") {
		t.Fatalf("missing file: exit %d, stderr:\n%s", code, errOut)
	}
}

func TestEncodeWithNamedTypes(t *testing.T) {
	wit := "../../docs/examples/kv/wit"
	code, out, errOut := runCLI(t, "encode", "--wit", wit, "--interface", "acme:kv/store@1.0.0",
		"--type", "result<option<list<u8>>, error>", `err(not-found("k"))`)
	if code != 0 || strings.TrimSpace(out) != "0100016b" {
		t.Fatalf("exit %d, out %q, err %q; want 0100016b", code, out, errOut)
	}
	code, out, _ = runCLI(t, "decode", "--wit", wit, "--interface", "acme:kv/store", "--type", "error", "01")
	if code != 0 || strings.TrimSpace(out) != "unavailable" {
		t.Fatalf("decode: exit %d, out %q", code, out)
	}
	code, _, errOut = runCLI(t, "decode", "--wit", wit, "--interface", "acme:kv/store", "--type", "nope", "01")
	if code != 1 || !strings.Contains(errOut, "no type `nope`") {
		t.Fatalf("unknown name: exit %d, err %q", code, errOut)
	}
}

func TestComposeAndInspect(t *testing.T) {
	out := filepath.Join(t.TempDir(), "app.wasm")
	fixtures := "../../testdata/guests/out/"
	code, _, errOut := runCLI(t, "compose", fixtures+"client.wasm", "--plug", fixtures+"all-types.wasm", "-o", out)
	if code != 0 || !strings.Contains(errOut, "plugged wasifill:guests/types@0.1.0") {
		t.Fatalf("compose: exit %d, stderr %q", code, errOut)
	}
	code, text, errOut := runCLI(t, "inspect", out)
	if code != 0 || !strings.Contains(text, "kind: component") || !strings.Contains(text, "export run: func(x: u32) -> u32;") {
		t.Fatalf("inspect: exit %d, out %q, err %q", code, text, errOut)
	}
	code, text, _ = runCLI(t, "inspect", "--json", fixtures+"client.core.wasm")
	if code != 0 || !strings.Contains(text, `"kind": "core module"`) || !strings.Contains(text, "func wasifill:guests/types@0.1.0.echo-u32") {
		t.Fatalf("inspect --json: exit %d, out %q", code, text)
	}
	// Bad input: exit 1 with a message, nothing written.
	bad := filepath.Join(t.TempDir(), "bad.wasm")
	code, _, errOut = runCLI(t, "compose", fixtures+"client.core.wasm", "--plug", fixtures+"all-types.wasm", "-o", bad)
	if code != 1 || !strings.Contains(errOut, "core module, not a component") {
		t.Errorf("compose core module: exit %d, stderr %q", code, errOut)
	}
	if _, err := os.Stat(bad); err == nil {
		t.Error("a failed compose wrote its output")
	}
	code, _, errOut = runCLI(t, "inspect", "main_test.go")
	if code != 1 || !strings.Contains(errOut, "not a wasm binary") {
		t.Errorf("inspect text file: exit %d, stderr %q", code, errOut)
	}
}

func TestCallAndRun(t *testing.T) {
	fixtures := "../../testdata/guests/out/"
	code, out, errOut := runCLI(t, "call", fixtures+"all-types.wasm",
		`wasifill:guests/types@0.1.0#describe({name: "ann", age: 7, tags: ["a", "bee"], home: some({x: -1, y: 2})})`)
	if code != 0 || out != "\"ann (7) [a, bee] at (-1, 2)\"\n" {
		t.Errorf("call describe: exit %d, out %q, err %q", code, out, errOut)
	}
	code, out, _ = runCLI(t, "call", fixtures+"all-types.wasm", `wasifill:guests/types@0.1.0#echo-shape(rect({x: 1, y: -2}))`)
	if code != 0 || out != "rect({x: 1, y: -2})\n" {
		t.Errorf("call echo-shape: exit %d, out %q", code, out)
	}
	start := time.Now()
	code, _, errOut = runCLI(t, "call", "--timeout", "200ms", fixtures+"faulty.wasm", `wasifill:guests/faults@0.1.0#spin()`)
	if code != 1 || !strings.Contains(errOut, "deadline exceeded") || time.Since(start) > 10*time.Second {
		t.Errorf("call spin: exit %d, stderr %q after %v", code, errOut, time.Since(start))
	}
	code, _, errOut = runCLI(t, "call", fixtures+"faulty.wasm", `wasifill:guests/faults@0.1.0#trap("boom")`)
	if code != 1 || !strings.Contains(errOut, "unreachable") || !strings.Contains(errOut, "faults@0.1.0#trap") {
		t.Errorf("call trap: exit %d, stderr %q", code, errOut)
	}
	code, _, errOut = runCLI(t, "call", fixtures+"all-types.wasm", `wasifill:guests/types@0.1.0#echo-u8(300)`)
	if code != 1 || !strings.Contains(errOut, "arguments of") {
		t.Errorf("call with a bad argument: exit %d, stderr %q", code, errOut)
	}
	code, out, errOut = runCLI(t, "run", "../../internal/wasmbin/testdata/hello.wasm")
	if code != 0 || out != "hello\n" {
		t.Errorf("run hello: exit %d, out %q, err %q", code, out, errOut)
	}
	code, _, errOut = runCLI(t, "run", fixtures+"all-types.wasm")
	if code != 1 || !strings.Contains(errOut, "wasi:cli/run") {
		t.Errorf("run a reactor: exit %d, stderr %q", code, errOut)
	}
}

func TestGenGoHost(t *testing.T) {
	out := t.TempDir()
	wit := "../../testdata/guests/wit"
	code, _, errOut := runCLI(t, "gen", "go", "--wit", wit, "--world", "go-reactor", "--host", "--out", out)
	if code != 0 {
		t.Fatalf("gen go: exit %d, stderr %q", code, errOut)
	}
	golden, err := os.ReadFile("../../gen/golang/internal/golden/goreactor/host.go")
	if err != nil {
		t.Fatal(err)
	}
	got, err := os.ReadFile(filepath.Join(out, "host.go"))
	if err != nil || !bytes.Equal(got, golden) {
		t.Errorf("gen go wrote something else than the golden host.go (%v)", err)
	}
	if code, _, errOut := runCLI(t, "gen", "go", "--wit", wit, "--world", "go-reactor", "--host", "--out", out, "--check"); code != 0 {
		t.Errorf("--check on fresh output: exit %d, %q", code, errOut)
	}
	if err := os.WriteFile(filepath.Join(out, "host.go"), []byte("package stale\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	code, _, errOut = runCLI(t, "gen", "go", "--wit", wit, "--world", "go-reactor", "--host", "--out", out, "--check")
	if code != 1 || !strings.Contains(errOut, "stale generated files") || !strings.Contains(errOut, "host.go") {
		t.Errorf("--check on stale output: exit %d, %q", code, errOut)
	}
	if code, _, errOut := runCLI(t, "gen", "go", "--wit", wit, "--world", "resources", "--host", "--out", t.TempDir()); code != 0 {
		t.Errorf("resources, host bindings: exit %d, %q", code, errOut)
	}
	code, _, errOut = runCLI(t, "gen", "go", "--wit", wit, "--world", "resources", "--fill", "export", "--out", t.TempDir())
	if code != 1 || !strings.Contains(errOut, "resources are not supported yet") || !strings.Contains(errOut, "do not cross wasifill:rpc yet") {
		t.Errorf("resources, export fill: exit %d, %q", code, errOut)
	}
}

func TestCallWithConfig(t *testing.T) {
	dir := t.TempDir()
	rpcOut, err := filepath.Abs("../../testdata/guests/rpc/out")
	if err != nil {
		t.Fatal(err)
	}
	cfg := filepath.Join(dir, "wasifill.yaml")
	write := func(text string) {
		if err := os.WriteFile(cfg, []byte(strings.ReplaceAll(text, "OUT", rpcOut)), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	write(`timeout: 3s
components:
  a: {path: OUT/relay.wasm}
  echo: {path: OUT/echo.wasm}
  spin: {path: OUT/spin.wasm}
links:
  - {caller: a, interface: next, target: echo}
`)
	handle := `wasifill:rpc/handler@0.1.0#handle("i", "f", [1, 2])`
	code, out, errOut := runCLI(t, "call", "--config", cfg, "a", handle)
	if code != 0 || out != "ok([1, 2])\n" {
		t.Errorf("a → echo: exit %d, out %q, err %q", code, out, errOut)
	}
	write(`components:
  a: {path: OUT/relay.wasm}
  spin: {path: OUT/spin.wasm}
links:
  - {caller: a, interface: next, target: spin, timeout: 200ms}
`)
	start := time.Now()
	code, out, errOut = runCLI(t, "call", "--config", cfg, "a", handle)
	if code != 0 || out != "err(deadline-exceeded)\n" || time.Since(start) > 5*time.Second {
		t.Errorf("a → spin: exit %d, out %q, err %q after %v", code, out, errOut, time.Since(start))
	}
	// An entry point has the host default deadline too (--timeout here).
	code, _, errOut = runCLI(t, "call", "--config", cfg, "--timeout", "300ms", "spin", handle)
	if code != 1 || !strings.Contains(errOut, "deadline exceeded") {
		t.Errorf("spin as the entry point: exit %d, err %q", code, errOut)
	}
	write("components:\n  a: {path: OUT/relay.wasm, bogus: 1}\n")
	code, _, errOut = runCLI(t, "call", "--config", cfg, "a", handle)
	if code != 1 || !strings.Contains(errOut, "line 2") || !strings.Contains(errOut, "bogus") {
		t.Errorf("unknown key: exit %d, err %q", code, errOut)
	}
}

func TestWitDeps(t *testing.T) {
	dir := t.TempDir()
	if code, _, errOut := runCLI(t, "wit", "deps", dir); code != 0 {
		t.Fatalf("wit deps: exit %d, %q", code, errOut)
	}
	// A world using the contract now resolves.
	world := "package acme:app;\nworld app {\n  import wasifill:rpc/transport@0.1.0;\n  export wasifill:rpc/handler@0.1.0;\n}\n"
	if err := os.WriteFile(filepath.Join(dir, "app.wit"), []byte(world), 0o644); err != nil {
		t.Fatal(err)
	}
	code, out, errOut := runCLI(t, "wit", dir)
	if code != 0 || !strings.Contains(out, "import wasifill:rpc/transport@0.1.0;") {
		t.Errorf("wit of a world using the contract: exit %d, out %q, err %q", code, out, errOut)
	}
}

// The host default deadline: --timeout over WASIFILL_RPC_TIMEOUT_MS over
// the file's timeout over 2 s.
func TestTimeoutPrecedence(t *testing.T) {
	dir := t.TempDir()
	rpcOut, err := filepath.Abs("../../testdata/guests/rpc/out")
	if err != nil {
		t.Fatal(err)
	}
	cfg := filepath.Join(dir, "wasifill.yaml")
	if err := os.WriteFile(cfg, []byte("timeout: 1500ms\ncomponents:\n  spin: {path: "+rpcOut+"/spin.wasm}\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	handle := `wasifill:rpc/handler@0.1.0#handle("i", "f", [])`
	// took runs the call, checks that the error names the deadline and
	// what set it, and says how long the call took.
	took := func(want string, args ...string) time.Duration {
		t.Helper()
		start := time.Now()
		code, _, errOut := runCLI(t, append([]string{"call", "--config", cfg}, args...)...)
		if code != 1 || !strings.Contains(errOut, "deadline exceeded") || !strings.Contains(errOut, want) {
			t.Fatalf("%v: exit %d, %q; want %q", args, code, errOut, want)
		}
		return time.Since(start)
	}
	if d := took("its deadline was 1500 ms, set by the file's timeout", "spin", handle); d < 1400*time.Millisecond || d > 4*time.Second {
		t.Errorf("file timeout 1500ms: stopped after %v", d)
	}
	t.Setenv("WASIFILL_RPC_TIMEOUT_MS", "400")
	if d := took("its deadline was 400 ms, set by WASIFILL_RPC_TIMEOUT_MS", "spin", handle); d < 350*time.Millisecond || d > 1300*time.Millisecond {
		t.Errorf("WASIFILL_RPC_TIMEOUT_MS=400 over the file: stopped after %v", d)
	}
	took("its deadline was 200 ms, set by --rpc-timeout", "--rpc-timeout", "200ms", "spin", handle)
	if d := took("its deadline was 150 ms, set by --timeout", "--timeout", "150ms", "spin", handle); d < 100*time.Millisecond || d > 1*time.Second {
		t.Errorf("--timeout 150ms over the environment: stopped after %v", d)
	}
}

// One-shot commands run with the collector off (bounded by a memory
// limit); run, call and serve, and unknown commands, keep it on.
func TestTuneGC(t *testing.T) {
	t.Setenv("GOGC", "")
	t.Setenv("GOMEMLIMIT", "")
	old := debug.SetGCPercent(100)
	oldLimit := debug.SetMemoryLimit(math.MaxInt64)
	defer func() { debug.SetGCPercent(old); debug.SetMemoryLimit(oldLimit) }()
	for _, c := range []struct {
		args []string
		off  bool
	}{
		{[]string{"gen", "go", "--wit", "x"}, true},
		{[]string{"wit", "x"}, true},
		{[]string{"compose", "a.wasm"}, true},
		{[]string{"call", "x.wasm", "f()"}, false},
		{[]string{"serve"}, false},
		{[]string{"run", "x.wasm"}, false},
		{[]string{"no-such-command"}, false},
	} {
		debug.SetGCPercent(100)
		debug.SetMemoryLimit(math.MaxInt64)
		tuneGC(newRootCommand(), c.args)
		off := debug.SetGCPercent(100) == -1
		limit := debug.SetMemoryLimit(math.MaxInt64)
		if off != c.off || (off && limit != oneShotMemoryLimit) {
			t.Errorf("%v: collector off %v (memory limit %d), want off %v", c.args, off, limit, c.off)
		}
	}
}
