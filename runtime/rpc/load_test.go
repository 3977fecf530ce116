package rpc_test

import (
	"context"
	"errors"
	"fmt"
	"runtime"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/wasifill/wasifill/runtime/rpc"
)

// 1,000 concurrent invocations with mixed deadlines through a relay:
// half reach echo, half a spinning callee behind a short link. Every call
// ends by its deadline plus slack, and afterwards no instance and no
// goroutine is left behind.
func TestLoad(t *testing.T) {
	if testing.Short() {
		t.Skip("SKIPPING: load test in -short mode")
	}
	rt, h, c := setup(t, rpc.Config{DefaultTimeout: 3 * time.Second, PoolSize: 8})
	h.AddComponent("fast", c["relay"], 0)
	h.AddComponent("slow", c["relay"], 0)
	h.AddComponent("echo", c["echo"], 0)
	h.AddComponent("spin", c["spin"], 0)
	defer h.Close(context.Background())
	h.Link("fast", "next", "echo", 0)
	h.Link("slow", "next", "spin", 100*time.Millisecond)
	goroutines := runtime.NumGoroutine()

	const n = 1000
	const slack = 500 * time.Millisecond
	var wg sync.WaitGroup
	var ok atomic.Int32
	errs := make(chan string, n)
	for i := 0; i < n; i++ {
		wg.Add(1)
		go func(i int) {
			defer wg.Done()
			target := "fast"
			if i%2 == 1 {
				target = "slow"
			}
			ctx, cancel := context.WithTimeout(context.Background(), time.Duration(300+i%5*100)*time.Millisecond)
			defer cancel()
			out, err := h.Call(ctx, target, "i", "f", []byte{byte(i)})
			if dl, _ := ctx.Deadline(); time.Now().After(dl.Add(slack)) {
				errs <- fmt.Sprintf("a call ended %v after its deadline (slack %v)", time.Since(dl).Round(time.Millisecond), slack)
			}
			if err == nil && target == "fast" {
				ok.Add(1)
			}
			var re *rpc.Error
			switch {
			case err != nil && (!errors.As(err, &re) || re.Kind != rpc.DeadlineExceeded):
				errs <- "an error other than deadline-exceeded: " + err.Error()
			case target == "fast" && err == nil && (len(out) != 1 || out[0] != byte(i)):
				errs <- "fast: wrong echo"
			case target == "slow" && err == nil:
				errs <- "slow: a spinning callee answered"
			}
		}(i)
	}
	wg.Wait()
	close(errs)
	// At most MaxConcurrent entry invocations run at once; the rest wait
	// for a slot until their deadline, and slow ones hold their slot for
	// 100 ms: many calls end with deadline-exceeded. What must hold is
	// that every call ends in time, and that the host serves meanwhile.
	t.Logf("%d of %d echo calls answered within their deadlines", ok.Load(), n/2)
	if ok.Load() == 0 {
		t.Error("no echo call was answered")
	}
	for e := range errs {
		t.Error(e)
	}
	h.Close(context.Background()) // the pool's idle instances
	if open := rt.OpenInstances(); open != 0 {
		t.Errorf("%d instances still open", open)
	}
	// Goroutines wind down (timers, wazero's watchers).
	deadline := time.Now().Add(5 * time.Second)
	for runtime.NumGoroutine() > goroutines+2 && time.Now().Before(deadline) {
		time.Sleep(50 * time.Millisecond)
	}
	if g := runtime.NumGoroutine(); g > goroutines+2 {
		t.Errorf("%d goroutines after the load, %d before", g, goroutines)
	}
}
