package main

import (
	"io"
	"net/http"
	"regexp"
	"strings"
	"testing"
)

var adminRE = regexp.MustCompile(`admin=(\S+)`)

// get fetches an admin endpoint.
func get(t *testing.T, url string) (int, string) {
	t.Helper()
	resp, err := http.Get(url)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(io.LimitReader(resp.Body, 1<<20))
	if err != nil {
		t.Fatal(err)
	}
	return resp.StatusCode, string(b)
}

// `serve --admin`: health and readiness, and metrics and logs that match
// the invocations made — 2 answered by kv, 1 of kv-short ended by its
// 1.5 s timeout (logged with its chain); successes are not logged.
func TestServeAdmin(t *testing.T) {
	if testing.Short() {
		t.Skip("SKIPPING: multi-process test in -short mode")
	}
	build := "../../docs/examples/kv/build/"
	s := startServe(t, "--component", "kv="+build+"kv.wasm@5s", "--component", "kv-short="+build+"kv.wasm@1500ms,max-instances=2,idle=1m",
		"--nats-listen", "127.0.0.1:0", "--admin", "127.0.0.1:0", "--host-name", "ops1")
	m := adminRE.FindStringSubmatch(s.ready)
	if m == nil || s.nats == "" {
		t.Fatalf("the ready line names no admin address or NATS URL: %q", s.ready)
	}
	base := "http://" + m[1]
	if code, body := get(t, base+"/healthz"); code != 200 || strings.TrimSpace(body) != "ok" {
		t.Errorf("/healthz: %d %q", code, body)
	}
	if code, body := get(t, base+"/readyz"); code != 200 || strings.TrimSpace(body) != "ready" {
		t.Errorf("/readyz: %d %q", code, body)
	}
	call := func(target string, args ...string) (int, string, string) {
		return runCLI(t, append([]string{"call", "--nats", s.nats, "--component", "app=" + build + "app.wasm",
			"--link", "app:acme:kv/store@1.0.0=" + target}, args...)...)
	}
	for range 2 {
		if code, out, errOut := call("kv", "app", `greet("ann")`); code != 0 || strings.TrimSpace(out) != `"hello, ann: likes green tea"` {
			t.Fatalf("greet ann: exit %d, stdout %q, stderr %q", code, out, errOut)
		}
	}
	if code, out, errOut := call("kv-short", "--rpc-timeout", "20s", "app", `greet("slow")`); code != 0 || !strings.Contains(out, "deadline-exceeded") {
		t.Fatalf("greet slow: exit %d, stdout %q, stderr %q", code, out, errOut)
	}
	code, metrics := get(t, base+"/metrics")
	if code != 200 || !strings.Contains(metrics, "\ngo_goroutines ") {
		t.Fatalf("/metrics: %d", code)
	}
	for _, want := range []string{
		`wasifill_invocations_total{component="kv",function="get",interface="acme:kv/store@1.0.0",outcome="ok"} 2`,
		`wasifill_invocations_total{component="kv-short",function="get",interface="acme:kv/store@1.0.0",outcome="deadline-exceeded"} 1`,
		`wasifill_invocation_duration_seconds_count{component="kv",function="get",interface="acme:kv/store@1.0.0"} 2`,
		// kv keeps no idle instance (no pool, no keep-alive): 2 cold starts.
		`wasifill_instance_starts_total{component="kv"} 2`,
		`wasifill_instance_starts_total{component="kv-short"} 1`,
		`wasifill_instances{component="kv-short",state="busy"} 0`,
		`wasifill_instances{component="kv-short",state="idle"} 0`,
		`wasifill_queue_wait_seconds_count{component="kv"} 2`,
	} {
		if !strings.Contains(metrics, want+"\n") {
			t.Errorf("/metrics lacks %q", want)
		}
	}
	rest := s.stop(t)
	var failed []string
	for _, line := range rest {
		if strings.Contains(line, "invocation") && !strings.Contains(line, "wasifill serve:") {
			failed = append(failed, line)
		}
	}
	if len(failed) != 1 || !strings.Contains(failed[0], `msg="invocation failed"`) || !strings.Contains(failed[0], "component=kv-short") ||
		!strings.Contains(failed[0], "outcome=deadline-exceeded") || !strings.Contains(failed[0], "chain=") {
		t.Errorf("invocation log lines = %q, want one for kv-short's failure", failed)
	}
}

// The log flags are checked.
func TestServeLogFlags(t *testing.T) {
	for _, args := range [][]string{{"--log-format", "xml"}, {"--log-level", "loud"}} {
		code, _, errOut := runCLI(t, append([]string{"serve", "--component", "x=nowhere.wasm"}, args...)...)
		if code != 1 || !strings.Contains(errOut, args[0]) {
			t.Errorf("serve %v: exit %d, stderr %q", args, code, errOut)
		}
	}
	if got := adminAddr("9090"); got != "127.0.0.1:9090" {
		t.Errorf("adminAddr(9090) = %s", got)
	}
	if got := adminAddr(":9090"); got != "127.0.0.1:9090" {
		t.Errorf("adminAddr(:9090) = %s", got)
	}
	if got := adminAddr("0.0.0.0:9090"); got != "0.0.0.0:9090" {
		t.Errorf("adminAddr(0.0.0.0:9090) = %s", got)
	}
}
