package main

import (
	"bufio"
	"context"
	"os"
	"os/exec"
	"regexp"
	"strings"
	"syscall"
	"testing"
	"time"
)

// TestMain lets a test run this binary as the CLI (serve in its own
// process): with WASIFILL_CLI_MAIN=1 the arguments go to the CLI.
func TestMain(m *testing.M) {
	if os.Getenv("WASIFILL_CLI_MAIN") == "1" {
		os.Exit(run(os.Args[1:]))
	}
	os.Exit(m.Run())
}

// serveProc is a `wasifill serve` in its own process.
type serveProc struct {
	cmd   *exec.Cmd
	lines chan string
	nats  string // the URL from its ready line
	ready string // its ready line
}

var natsURLRE = regexp.MustCompile(`nats=(nats://\S+)`)

// startServe runs `wasifill serve args...` and waits for its ready line.
func startServe(t *testing.T, args ...string) *serveProc {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute) // the process ends by then whatever happens
	t.Cleanup(cancel)
	cmd := exec.CommandContext(ctx, os.Args[0], append([]string{"serve"}, args...)...)
	cmd.Env = append(os.Environ(), "WASIFILL_CLI_MAIN=1")
	stderr, err := cmd.StderrPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	p := &serveProc{cmd: cmd, lines: make(chan string, 100)}
	go func() {
		sc := bufio.NewScanner(stderr)
		for sc.Scan() {
			select {
			case p.lines <- sc.Text():
			default:
			}
		}
		close(p.lines)
	}()
	t.Cleanup(func() {
		if cmd.ProcessState == nil {
			cmd.Process.Kill()
			cmd.Wait()
		}
	})
	timeout := time.After(time.Minute)
	for {
		select {
		case line, ok := <-p.lines:
			if !ok {
				t.Fatalf("serve %v ended before it was ready", args)
			}
			if strings.Contains(line, "wasifill serve: ready") {
				p.ready = line
				if m := natsURLRE.FindStringSubmatch(line); m != nil {
					p.nats = m[1]
				}
				return p
			}
			t.Logf("serve: %s", line)
		case <-timeout:
			t.Fatalf("serve %v: no ready line within a minute", args)
		}
	}
}

// stop sends SIGTERM and wants exit 0 after draining; it returns the
// lines logged after the ready line.
func (p *serveProc) stop(t *testing.T) []string {
	t.Helper()
	if err := p.cmd.Process.Signal(syscall.SIGTERM); err != nil {
		t.Fatal(err)
	}
	var rest []string
	for line := range p.lines {
		rest = append(rest, line)
	}
	if err := p.cmd.Wait(); err != nil {
		t.Errorf("serve after SIGTERM: %v; stderr %q", err, rest)
	}
	if !strings.Contains(strings.Join(rest, "\n"), "wasifill serve: draining") {
		t.Errorf("serve did not say it drained: %q", rest)
	}
	return rest
}

// The kv example across processes: the store served by two `wasifill
// serve` (one with the embedded NATS server, one joining it), the app
// called by `wasifill call --nats`; the deadline chain crosses hosts; a
// store host leaving loses nothing; both exit 0 on SIGTERM.
func TestServeCLI(t *testing.T) {
	if testing.Short() {
		t.Skip("SKIPPING: multi-process test in -short mode")
	}
	build := "../../docs/examples/kv/build/"
	// Timeouts leave room for a busy machine: instantiating the Go store
	// takes a good part of 300 ms there.
	s1 := startServe(t, "--component", "kv="+build+"kv.wasm@5s", "--component", "kv-short="+build+"kv.wasm@1500ms",
		"--nats-listen", "127.0.0.1:0", "--host-name", "store1")
	if s1.nats == "" {
		t.Fatal("the ready line names no NATS URL")
	}
	s2 := startServe(t, "--component", "kv="+build+"kv.wasm@5s", "--nats", s1.nats, "--host-name", "store2")

	call := func(args ...string) (int, string, string) {
		target := "kv"
		if args[0] == "kv-short" {
			target, args = args[0], args[1:]
		}
		return runCLI(t, append([]string{"call", "--nats", s1.nats, "--component", "app=" + build + "app.wasm",
			"--link", "app:acme:kv/store@1.0.0=" + target}, args...)...)
	}
	for range 4 {
		if code, out, errOut := call("app", `greet("ann")`); code != 0 || strings.TrimSpace(out) != `"hello, ann: likes green tea"` {
			t.Fatalf("greet ann over the lattice: exit %d, stdout %q, stderr %q", code, out, errOut)
		}
	}
	// kv-short's 1.5 s timeout holds on the serving host; the app handles it.
	code, out, errOut := call("kv-short", "--rpc-timeout", "20s", "app", `greet("slow")`)
	if code != 0 || strings.TrimSpace(out) != `"hello, slow (the store did not answer in time: deadline-exceeded)"` {
		t.Errorf("greet slow: exit %d, stdout %q, stderr %q", code, out, errOut)
	}
	// The app's own deadline is the shorter: the chain names the store's host.
	code, _, errOut = call("--rpc-timeout", "2s", "app", `greet("slow")`)
	for _, want := range []string{"deadline exceeded", "app: greet stopped after", "its deadline was 2000 ms, set by --rpc-timeout",
		"└ kv (on store", "acme:kv/store@1.0.0#get stopped after", "set by the caller's deadline"} {
		if code != 1 || !strings.Contains(errOut, want) {
			t.Errorf("a 2 s call: exit %d, stderr %q; want exit 1 mentioning %q", code, errOut, want)
		}
	}
	// A lattice with nobody serving kv: not-found at once, which the
	// store's fill maps onto the store's own not-found (the app prints it).
	start := time.Now()
	code, out, errOut = call("--lattice", "empty", "app", `greet("ann")`)
	if code != 0 || !strings.Contains(out, "nobody serves kv on lattice empty") || time.Since(start) > 10*time.Second {
		t.Errorf("nobody serving: exit %d, stdout %q, stderr %q", code, out, errOut)
	}

	// --allow: a host on lattice guarded serves the caller app only.
	s3 := startServe(t, "--component", "kv="+build+"kv.wasm@5s", "--nats", s1.nats, "--lattice", "guarded", "--allow", "app")
	if code, out, errOut := call("--lattice", "guarded", "app", `greet("ann")`); code != 0 || strings.TrimSpace(out) != `"hello, ann: likes green tea"` {
		t.Errorf("an allowed caller: exit %d, stdout %q, stderr %q", code, out, errOut)
	}
	// The rpc fixture relay shows the rpc-error it gets (the kv fill has no
	// case for denied).
	code, out, errOut = runCLI(t, "call", "--nats", s1.nats, "--lattice", "guarded", "--component", "other=../../testdata/guests/rpc/out/relay.wasm",
		"--link", "other:next=kv", "other", `wasifill:rpc/handler@0.1.0#handle("i", "f", [])`)
	if code != 0 || !strings.HasPrefix(out, "err(denied(") || !strings.Contains(out, `does not serve caller \"other\"`) {
		t.Errorf("a caller not allowed: exit %d, stdout %q, stderr %q", code, out, errOut)
	}
	s3.stop(t)

	s2.stop(t)
	if code, out, errOut := call("app", `greet("ann")`); code != 0 || strings.TrimSpace(out) != `"hello, ann: likes green tea"` {
		t.Errorf("after store2 left: exit %d, stdout %q, stderr %q", code, out, errOut)
	}
	s1.stop(t)
}

// A serving host that dies mid-invocation (SIGKILL: no drain, no reply)
// leaves its caller waiting only until the deadline: the call ends then
// with deadline-exceeded and its chain, and nothing is retried on another
// host behind its back.
func TestServeHostDiesMidCall(t *testing.T) {
	if testing.Short() {
		t.Skip("SKIPPING: multi-process test in -short mode")
	}
	build := "../../docs/examples/kv/build/"
	s1 := startServe(t, "--component", "idle="+build+"kv.wasm", "--nats-listen", "127.0.0.1:0", "--host-name", "broker")
	s2 := startServe(t, "--component", "kv="+build+"kv.wasm@20s", "--nats", s1.nats, "--host-name", "doomed")
	const deadline = 4 * time.Second
	go func() {
		time.Sleep(deadline / 2) // the slow get is running on doomed by then
		s2.cmd.Process.Kill()
	}()
	start := time.Now()
	code, out, errOut := runCLI(t, "call", "--nats", s1.nats, "--component", "app="+build+"app.wasm",
		"--link", "app:acme:kv/store@1.0.0=kv", "--rpc-timeout", deadline.String(), "app", `greet("slow")`)
	elapsed := time.Since(start)
	for _, want := range []string{"deadline exceeded", "its deadline was 4000 ms, set by --rpc-timeout", "└ kv", "acme:kv/store@1.0.0#get stopped after"} {
		if code != 1 || !strings.Contains(errOut, want) {
			t.Errorf("greet slow on a host that dies: exit %d, stdout %q, stderr %q; want exit 1 mentioning %q", code, out, errOut, want)
		}
	}
	if elapsed > deadline+2*time.Second {
		t.Errorf("the call ended %v after it started; its deadline was %v", elapsed, deadline)
	}
	s2.cmd.Wait()
	s1.stop(t)
}
