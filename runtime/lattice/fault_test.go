package lattice_test

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/nats-io/nats-server/v2/server"
	"github.com/nats-io/nats.go/micro"

	wruntime "github.com/wasifill/wasifill/runtime"
	"github.com/wasifill/wasifill/runtime/lattice"
	"github.com/wasifill/wasifill/runtime/rpc"
)

// Two hosts serve echo (a queue group): both get invocations; one leaves
// while calls keep coming, and no call fails — what it had received it
// answers, the rest go to the other.
func TestQueueGroupFailover(t *testing.T) {
	s := startServer(t, 0)
	a := newHost(t, s.ClientURL(), "A", rpc.Config{DefaultTimeout: 5 * time.Second}, lattice.Options{})
	b1 := newHost(t, s.ClientURL(), "B1", rpc.Config{}, lattice.Options{})
	b2 := newHost(t, s.ClientURL(), "B2", rpc.Config{}, lattice.Options{})
	b1.serve(t, "echo", "echo", 0)
	b2.serve(t, "echo", "echo", 0)
	a.h.AddComponent("app", a.c["relay"], 0)
	a.h.Link("app", "next", "echo", 0)

	call := func(i int) error {
		p := []byte(fmt.Sprint(i))
		out, err := a.h.Call(context.Background(), "app", "i", "f", p)
		if err == nil && !bytes.Equal(out, p) {
			err = fmt.Errorf("answer %q to %q", out, p)
		}
		return err
	}
	for i := range 100 {
		if err := call(i); err != nil {
			t.Fatal(err)
		}
	}
	n1, n2 := b1.l.Stats("echo").OK, b2.l.Stats("echo").OK
	if n1+n2 != 100 || n1 == 0 || n2 == 0 {
		t.Errorf("B1 answered %d, B2 %d of 100: want both, 100 in all", n1, n2)
	}

	// Discovery: echo is a micro service; its stats carry our counts.
	resp, err := a.l.Conn().Request("$SRV.STATS.echo", nil, 5*time.Second)
	if err != nil {
		t.Fatal(err)
	}
	var stats micro.Stats
	if err := json.Unmarshal(resp.Data, &stats); err != nil || len(stats.Endpoints) != 1 || stats.Metadata["lattice"] != "default" {
		t.Fatalf("$SRV.STATS.echo = %s (%v)", resp.Data, err)
	}
	var data lattice.StatsData
	if err := json.Unmarshal(stats.Endpoints[0].Data, &data); err != nil || data.OK == 0 || stats.Endpoints[0].NumRequests < data.OK {
		t.Errorf("endpoint stats %+v, data %s (%v)", stats.Endpoints[0], stats.Endpoints[0].Data, err)
	}

	// B1 leaves under load.
	var wg sync.WaitGroup
	var failed atomic.Int32
	var calls atomic.Int32
	stop := make(chan struct{})
	for w := range 8 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := 0; ; i++ {
				select {
				case <-stop:
					return
				default:
				}
				calls.Add(1)
				if err := call(w*100000 + i); err != nil {
					failed.Add(1)
					t.Errorf("during B1's leaving: %v", err)
				}
			}
		}()
	}
	time.Sleep(200 * time.Millisecond)
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	if err := b1.l.Close(ctx); err != nil {
		t.Errorf("B1 leaving: %v", err)
	}
	before := b2.l.Stats("echo").OK
	time.Sleep(200 * time.Millisecond)
	close(stop)
	wg.Wait()
	if after := b2.l.Stats("echo").OK; after <= before {
		t.Errorf("B2 served nothing after B1 left (%d → %d)", before, after)
	}
	t.Logf("%d calls during the leave, %d failed", calls.Load(), failed.Load())
}

// The NATS server restarts under 1,000 in-flight invocations with mixed
// deadlines (a quarter to a spinning callee on a third host): every call ends by its deadline
// plus slack with ok, transport or deadline-exceeded — nothing is
// retried — and afterwards the clients have reconnected and traffic
// flows again.
func TestServerRestart(t *testing.T) {
	if testing.Short() {
		t.Skip("SKIPPING: fault test in -short mode")
	}
	s, err := lattice.StartServer(lattice.ServerOptions{Listen: "127.0.0.1:0"})
	if err != nil {
		t.Fatal(err)
	}
	addr := s.Addr().String()
	url := s.ClientURL()
	var mu sync.Mutex
	t.Cleanup(func() {
		mu.Lock()
		defer mu.Unlock()
		s.Shutdown()
		s.WaitForShutdown()
	})
	opt := lattice.Options{ReplyGrace: 50 * time.Millisecond}
	a := newHost(t, url, "A", rpc.Config{DefaultTimeout: 5 * time.Second, MaxConcurrent: 64, PoolSize: 16}, opt)
	b := newHost(t, url, "B", rpc.Config{PoolSize: 8}, opt)
	c := newHost(t, url, "C", rpc.Config{MaxConcurrent: 2}, opt) // two spinning guests at a time
	b.serve(t, "echo", "echo", 0)
	c.serve(t, "spin", "spin", 0)
	a.h.AddComponent("fast", a.c["relay"], 0)
	a.h.AddComponent("slow", a.c["relay"], 0)
	a.h.Link("fast", "next", "echo", 0)
	a.h.Link("slow", "next", "spin", 0)

	n := 1000
	if raceEnabled {
		n = 200
	}
	// Slack for a busy 2-core machine: the point is that every call ends,
	// bounded, whatever the lattice does.
	const slack = 2 * time.Second
	var wg sync.WaitGroup
	var outcomes sync.Map
	count := func(k string) {
		v, _ := outcomes.LoadOrStore(k, new(atomic.Int32))
		v.(*atomic.Int32).Add(1)
	}
	errs := make(chan string, n)
	var inFlight atomic.Int32
	for i := range n {
		wg.Add(1)
		go func() {
			defer wg.Done()
			if i%2 == 1 {
				time.Sleep(time.Duration(i%50) * 8 * time.Millisecond) // spread over the restart
			}
			target := "fast"
			if i%4 == 1 {
				target = "slow"
			}
			ctx, cancel := context.WithTimeout(context.Background(), time.Duration(300+i%5*200)*time.Millisecond)
			defer cancel()
			p := []byte{byte(i)}
			inFlight.Add(1)
			out, err := a.h.Call(ctx, target, "i", "f", p)
			inFlight.Add(-1)
			if dl, _ := ctx.Deadline(); time.Now().After(dl.Add(opt.ReplyGrace + slack)) {
				errs <- fmt.Sprintf("a call ended %v after its deadline", time.Since(dl).Round(time.Millisecond))
			}
			var re *rpc.Error
			switch {
			case err == nil && target == "slow":
				errs <- "a spinning callee answered"
			case err == nil && !bytes.Equal(out, p):
				errs <- fmt.Sprintf("answer %x to %x", out, p)
			case err == nil:
				count("ok")
			case !errors.As(err, &re) || (re.Kind != rpc.DeadlineExceeded && re.Kind != rpc.TransportFailed):
				errs <- "an unexpected error: " + err.Error()
			default:
				count(target + " " + (&rpc.Error{Kind: re.Kind}).Error())
			}
		}()
	}
	time.Sleep(150 * time.Millisecond)
	mu.Lock()
	t.Logf("restarting the NATS server under %d calls in flight", inFlight.Load())
	s.Shutdown()
	s.WaitForShutdown()
	if s, err = lattice.StartServer(lattice.ServerOptions{Listen: addr}); err != nil {
		mu.Unlock()
		t.Fatal(err)
	}
	mu.Unlock()
	wg.Wait()
	close(errs)
	for e := range errs {
		t.Error(e)
	}
	outcomes.Range(func(k, v any) bool { t.Logf("%4d %s", v.(*atomic.Int32).Load(), k); return true })

	// Traffic recovers: within 10 s the echo answers again, then 50 in a row.
	deadline := time.Now().Add(10 * time.Second)
	for {
		ctx, cancel := context.WithTimeout(context.Background(), time.Second)
		_, err := a.h.Call(ctx, "fast", "i", "f", []byte("x"))
		cancel()
		if err == nil {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("no recovery 10 s after the restart: %v", err)
		}
		time.Sleep(50 * time.Millisecond)
	}
	for i := range 50 {
		if out, err := a.h.Call(context.Background(), "fast", "i", "f", []byte{byte(i)}); err != nil || !bytes.Equal(out, []byte{byte(i)}) {
			t.Fatalf("after recovery, call %d: %x, %v", i, out, err)
		}
	}
}

// Close drains: an invocation in flight on the leaving host runs to its
// deadline and its caller gets that host's deadline-exceeded, with the
// chain; afterwards nobody serves the component.
func TestCloseDrainsInFlight(t *testing.T) {
	s := startServer(t, 0)
	opt := lattice.Options{ReplyGrace: 2 * time.Second} // the drained host's reply, not the caller's own timeout
	a := newHost(t, s.ClientURL(), "A", rpc.Config{}, opt)
	b := newHost(t, s.ClientURL(), "B", rpc.Config{}, opt)
	b.serve(t, "spin", "spin", 0)
	a.h.Link("", "next", "spin", 0)
	errc := make(chan error, 1)
	go func() {
		ctx, cancel := context.WithTimeout(context.Background(), 600*time.Millisecond)
		defer cancel()
		_, err := a.h.Invoke(ctx, "", "next", "f", nil)
		errc <- err
	}()
	time.Sleep(200 * time.Millisecond)
	start := time.Now()
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	if err := b.l.Close(ctx); err != nil {
		t.Errorf("close: %v", err)
	}
	err := <-errc
	var rerr *rpc.RemoteError
	if !errors.As(err, &rerr) || rerr.Err.Kind != rpc.DeadlineExceeded || len(rerr.Chain) == 0 || rerr.Chain[0].Host != "B" {
		t.Errorf("the in-flight call: %v (%+v), want B's deadline-exceeded with its chain", err, rerr)
	}
	if took := time.Since(start); took < 100*time.Millisecond {
		t.Errorf("close returned after %v, before the in-flight invocation's deadline", took)
	}
	_, err = a.h.Invoke(context.Background(), "", "next", "f", nil)
	if re := rpcError(t, err); re.Kind != rpc.NotFound {
		t.Errorf("after B left: %v", err)
	}
}

// Credentials in the URL reach the server; the error for wrong ones does
// not print them.
func TestTokenAuth(t *testing.T) {
	srv, err := server.NewServer(&server.Options{Host: "127.0.0.1", Port: server.RANDOM_PORT, NoLog: true, NoSigs: true, Authorization: "s3cret"})
	if err != nil {
		t.Fatal(err)
	}
	go srv.Start()
	if !srv.ReadyForConnections(10 * time.Second) {
		t.Fatal("server not ready")
	}
	defer srv.Shutdown()
	addr := srv.Addr().String()
	rt, h := newRPCHost(t)
	defer rt.Close(context.Background())
	_, err = lattice.Connect("nats://wrong@"+addr, h, lattice.Options{})
	if err == nil || strings.Contains(err.Error(), "wrong") || !strings.Contains(err.Error(), "***@"+addr) {
		t.Errorf("a wrong token: %v", err)
	}
	l, err := lattice.Connect("nats://s3cret@"+addr, h, lattice.Options{})
	if err != nil {
		t.Fatal(err)
	}
	l.Close(context.Background())
}

// raceEnabled is set under the race detector (race_test.go).
var raceEnabled bool

func newRPCHost(t *testing.T) (*wruntime.Runtime, *rpc.Host) {
	rt, err := wruntime.New(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	return rt, rpc.New(rt, rpc.Config{})
}
