package golang_test

import (
	"bufio"
	"context"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/wasifill/wasifill/gen/golang"
	"github.com/wasifill/wasifill/internal/oracle"
	"github.com/wasifill/wasifill/internal/testenv"
	"github.com/wasifill/wasifill/witparse"
)

// wasiHTTP holds world http-guest (wasi:http/proxy@0.2.12) with the WASI
// 0.2.12 WIT jco bundles as its deps/.
const wasiHTTP = guests + "wasi-http"

// goWasip1 runs the go tool for GOOS=wasip1 in dir.
func goWasip1(t *testing.T, dir string, args ...string) {
	t.Helper()
	cmd := exec.Command("go", args...)
	cmd.Dir = dir
	cmd.Env = append(os.Environ(), "GOOS=wasip1", "GOARCH=wasm", "GOFLAGS=-buildvcs=false", "CGO_ENABLED=0")
	if out, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("go %v: %v\n%s", args, err, out)
	}
}

// Guest bindings of every world of the WASI 0.2.12 tree (cli command and
// imports, filesystem, sockets, http proxy and imports, io, clocks,
// random) are written without a refusal, cover every function of every
// interface the world has, and compile and vet for wasip1.
func TestGuestWASIWorlds(t *testing.T) {
	r, _, err := witparse.Load(wasiHTTP, witparse.Options{})
	if err != nil {
		t.Fatal(err)
	}
	if len(r.Worlds) < 10 {
		t.Fatalf("the WASI tree has only %d worlds", len(r.Worlds))
	}
	files := map[string][]byte{}
	for i, w := range r.Worlds {
		pkg := fmt.Sprintf("w%d", i)
		out, err := golang.GenerateGuest(r, witparse.WorldID(i), pkg)
		if err != nil {
			t.Fatalf("world %s: %v", w.Name, err)
		}
		// Every function of every interface of the world is bound: an
		// import as a function or method calling it, an export as the
		// //go:wasmexport of its name.
		src := string(out["bindings.go"])
		for _, e := range append(append([]witparse.WorldEntry{}, w.Imports...), w.Exports...) {
			if e.Item.Kind != witparse.ItemInterface {
				continue
			}
			name := r.InterfaceName(e.Item.Interface)
			for _, fn := range r.Interfaces[e.Item.Interface].Functions {
				want := "//go:wasmimport " + name + " " + fn.Name + "\n"
				if isExport(w, e) {
					want = "//go:wasmexport " + name + "#" + fn.Name + "\n"
				}
				if !strings.Contains(src, want) {
					t.Errorf("world %s: no binding of %s#%s (%q)", w.Name, name, fn.Name, strings.TrimSpace(want))
				}
			}
		}
		for name, b := range out {
			files[pkg+"/"+name] = b
		}
	}
	files["go.mod"] = []byte("module wasi\n\ngo 1.26\n")
	dir := testenv.WriteFiles(t, files)
	goWasip1(t, dir, "vet", "./...")
	goWasip1(t, dir, "build", "./...")
}

func isExport(w *witparse.World, e witparse.WorldEntry) bool {
	for _, x := range w.Exports {
		if x.Item.Kind == witparse.ItemInterface && x.Item.Interface == e.Item.Interface {
			return true
		}
	}
	return false
}

// handlerSource is a plain-Go component on the guest bindings of world
// http-guest: it implements wasi:http/incoming-handler, reading the
// request (method, path, a header, the body through wasi:io streams) and
// answering with a status, headers and a body it writes to the outgoing
// body's stream.
const handlerSource = `package main

import (
	"strings"

	"example.com/httpguest/bindings"
)

type handler struct{}

func (handler) Handle(req bindings.IncomingRequest, out bindings.ResponseOutparam) {
	method := methodName(req.Method())
	path := req.PathWithQuery().Value
	var agent string
	headers := req.Headers()
	if v := headers.Get("user-agent"); len(v) > 0 {
		agent = string(v[0])
	}
	headers.Drop()
	body := readBody(req)
	req.Drop()
	if path == "/outgoing" { // not requested: it links wasi:http/outgoing-handler in
		r := bindings.OutgoingHandlerHandle(bindings.NewOutgoingRequest(bindings.NewFields()), bindings.Option[bindings.RequestOptions]{})
		if !r.IsErr {
			r.Ok.Drop()
		}
	}

	h := bindings.NewFields()
	if r := h.Append("content-type", []byte("text/plain")); r.IsErr {
		panic("content-type refused")
	}
	h.Append("x-guest", []byte("go"))
	resp := bindings.NewOutgoingResponse(h)
	resp.SetStatusCode(201)
	rb := resp.Body()
	if rb.IsErr {
		panic("no response body")
	}
	bindings.ResponseOutparamSet(out, bindings.Result[bindings.OutgoingResponse, bindings.ErrorCode]{Ok: resp})
	w := rb.Ok.Write().Ok
	msg := method + " " + path + " agent=" + agent + " body=" + strings.ToUpper(body)
	for len(msg) > 0 { // at most 4096 bytes per blocking-write-and-flush
		n := min(len(msg), 4096)
		if r := w.BlockingWriteAndFlush([]byte(msg[:n])); r.IsErr {
			panic("write failed")
		}
		msg = msg[n:]
	}
	w.Drop()
	if r := bindings.OutgoingBodyFinish(rb.Ok, bindings.Option[bindings.Fields]{}); r.IsErr {
		panic("finish failed")
	}
}

// readBody reads the request's body to its end.
func readBody(req bindings.IncomingRequest) string {
	c := req.Consume()
	if c.IsErr {
		return ""
	}
	s := c.Ok.Stream()
	if s.IsErr {
		return ""
	}
	var b []byte
	for {
		r := s.Ok.BlockingRead(64 << 10)
		if r.IsErr {
			if r.Err.Case != bindings.StreamErrorCaseClosed {
				panic("read failed")
			}
			break
		}
		b = append(b, r.Ok...)
	}
	s.Ok.Drop()
	bindings.IncomingBodyFinish(c.Ok).Drop()
	return string(b)
}

func methodName(m bindings.Method) string {
	switch m.Case {
	case bindings.MethodCaseGet:
		return "GET"
	case bindings.MethodCasePost:
		return "POST"
	case bindings.MethodCaseOther:
		return m.Other
	}
	return "?"
}

func init() { bindings.RegisterIncomingHandler(handler{}) }

func main() {}
`

// httpGuest builds the handler on freshly generated bindings for wasip1
// and componentizes it with the preview1 reactor adapter.
func httpGuest(t *testing.T) []byte {
	t.Helper()
	r, pkg, err := witparse.Load(wasiHTTP, witparse.Options{})
	if err != nil {
		t.Fatal(err)
	}
	var world witparse.WorldID = -1
	for _, w := range r.Packages[pkg].Worlds {
		if w.Name == "http-guest" {
			world = w.ID
		}
	}
	return goGuest(t, r, world, "example.com/httpguest", handlerSource)
}

// A plain-Go component implementing wasi:http/incoming-handler on the
// generated bindings is a valid component (wasm-tools decodes it: it
// imports wasi:http/types and exports the handler), and it serves HTTP
// under jco (node): request method, path, header and body in, status,
// headers and body out.
func TestGuestWASIHTTP(t *testing.T) {
	comp := httpGuest(t)
	ctx, cancel := context.WithTimeout(context.Background(), 4*time.Minute)
	defer cancel()
	wit, err := oracle.WIT(ctx, comp)
	if err != nil {
		t.Fatalf("wasm-tools refuses the component: %v", err)
	}
	for _, want := range []string{"import wasi:http/types@0.2.12;", "import wasi:io/streams@0.2.12;",
		"import wasi:http/outgoing-handler@0.2.12;", "export wasi:http/incoming-handler@0.2.12;"} {
		if !strings.Contains(wit, want) {
			t.Errorf("the component's world lacks %q:\n%s", want, wit)
		}
	}

	jco := jcoBin(t)
	dir := t.TempDir()
	path := filepath.Join(dir, "guest.wasm")
	if err := os.WriteFile(path, comp, 0o644); err != nil {
		t.Fatal(err)
	}
	port := freePort(t)
	cmd := exec.CommandContext(ctx, jco, "serve", "--port", port, "--host", "127.0.0.1", "--jco-dir", filepath.Join(dir, "js"), path)
	cmd.SysProcAttr = &syscall.SysProcAttr{Setpgid: true}
	cmd.Cancel = func() error { return syscall.Kill(-cmd.Process.Pid, syscall.SIGKILL) }
	pr, pw := io.Pipe()
	cmd.Stdout, cmd.Stderr = pw, pw
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	defer func() {
		syscall.Kill(-cmd.Process.Pid, syscall.SIGKILL) // the server and anything it started
		cmd.Wait()
		pw.Close()
	}()
	// The server's output: until it listens, then whatever it says later
	// (a trap's message), for the failure reports.
	var log safeBuffer
	ready := make(chan bool, 1)
	go func() {
		sc := bufio.NewScanner(pr)
		for sc.Scan() {
			log.add(sc.Text())
			if strings.Contains(sc.Text(), "listening") {
				ready <- true
			}
		}
		ready <- false
	}()
	select {
	case ok := <-ready:
		if !ok {
			t.Fatalf("jco serve stopped before listening:\n%s", log.String())
		}
	case <-ctx.Done():
		t.Fatalf("jco serve is not listening after 4 minutes:\n%s", log.String())
	}

	client := &http.Client{Timeout: time.Minute}
	body := strings.Repeat("abc", 30000) // more than one read and one write
	req, _ := http.NewRequestWithContext(ctx, "POST", "http://127.0.0.1:"+port+"/echo?x=1", strings.NewReader(body))
	req.Header.Set("User-Agent", "wasifill-test")
	resp, err := client.Do(req)
	if err != nil {
		t.Fatalf("POST: %v\n%s", err, log.String())
	}
	got, err := io.ReadAll(resp.Body)
	resp.Body.Close()
	if err != nil {
		t.Fatal(err)
	}
	want := "POST /echo?x=1 agent=wasifill-test body=" + strings.ToUpper(body)
	if resp.StatusCode != 201 || resp.Header.Get("X-Guest") != "go" || resp.Header.Get("Content-Type") != "text/plain" || string(got) != want {
		t.Fatalf("POST answered %d %v, %d bytes (want 201, x-guest go, %d bytes)\n%.200s\n%s",
			resp.StatusCode, resp.Header, len(got), len(want), got, log.String())
	}
	resp, err = client.Get("http://127.0.0.1:" + port + "/")
	if err != nil {
		t.Fatalf("GET: %v\n%s", err, log.String())
	}
	got, _ = io.ReadAll(resp.Body)
	resp.Body.Close()
	if want := "GET / agent=Go-http-client/1.1 body="; string(got) != want {
		t.Fatalf("GET answered %q, want %q", got, want)
	}
}

// jcoBin finds jco in .tools (scripts/install-tools.sh puts it there) and
// node in PATH. In CI a missing one fails the test; elsewhere the test is
// skipped, saying why.
func jcoBin(t *testing.T) string {
	t.Helper()
	if _, err := exec.LookPath("node"); err == nil {
		if p := testenv.ToolsPath(filepath.Join("node_modules", ".bin", "jco")); p != "" {
			return p
		}
	}
	if os.Getenv("CI") != "" {
		t.Fatal("node or jco (.tools/node_modules/.bin/jco) is missing; run scripts/install-tools.sh")
	}
	t.Skip("SKIPPING: node or jco is not installed (run scripts/install-tools.sh); the component validated but did not run")
	return ""
}

// freePort returns a TCP port on 127.0.0.1 that was free a moment ago.
func freePort(t *testing.T) string {
	t.Helper()
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer l.Close()
	_, port, _ := net.SplitHostPort(l.Addr().String())
	return port
}

// safeBuffer collects lines from one goroutine for another to print.
type safeBuffer struct {
	mu    sync.Mutex
	lines []string
}

func (b *safeBuffer) add(line string) {
	b.mu.Lock()
	defer b.mu.Unlock()
	if len(b.lines) < 200 {
		b.lines = append(b.lines, line)
	}
}

func (b *safeBuffer) String() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return strings.Join(b.lines, "\n")
}
