package lattice_test

import (
	"bytes"
	"context"
	"sort"
	"sync"
	"testing"
	"time"

	"github.com/wasifill/wasifill/runtime/lattice"
	"github.com/wasifill/wasifill/runtime/rpc"
)

// One hop with 1 KiB params, relay → echo: both in process, or echo on a
// second host over an embedded NATS server on loopback. The p50 of each
// is reported (p50-µs) beside ns/op, so the added latency of a remote hop
// is remote p50 − local p50.
func BenchmarkHop(b *testing.B) {
	params := bytes.Repeat([]byte{7}, 1024)
	run := func(b *testing.B, h *rpc.Host) {
		ctx := context.Background()
		lat := make([]time.Duration, 0, b.N)
		b.ReportAllocs()
		b.ResetTimer()
		for range b.N {
			start := time.Now()
			out, err := h.Call(ctx, "app", "i", "f", params)
			lat = append(lat, time.Since(start))
			if err != nil || len(out) != len(params) {
				b.Fatalf("%d bytes, %v", len(out), err)
			}
		}
		b.StopTimer()
		sort.Slice(lat, func(i, j int) bool { return lat[i] < lat[j] })
		b.ReportMetric(float64(lat[len(lat)/2].Microseconds()), "p50-µs")
	}
	b.Run("in-process", func(b *testing.B) {
		s := startServer(b, 0)
		a := newHost(b, s.ClientURL(), "A", rpc.Config{PoolSize: 4}, lattice.Options{})
		a.h.AddComponent("app", a.c["relay"], 0)
		a.h.AddComponent("echo", a.c["echo"], 0)
		a.h.Link("app", "next", "echo", 0)
		run(b, a.h)
	})
	b.Run("remote", func(b *testing.B) {
		s := startServer(b, 0)
		a := newHost(b, s.ClientURL(), "A", rpc.Config{PoolSize: 4}, lattice.Options{})
		e := newHost(b, s.ClientURL(), "B", rpc.Config{PoolSize: 4}, lattice.Options{})
		e.serve(b, "echo", "echo", 0)
		a.h.AddComponent("app", a.c["relay"], 0)
		a.h.Link("app", "next", "echo", 0)
		run(b, a.h)
	})
}

// Throughput of remote invocations (64 concurrent callers, 1 KiB params)
// with one and two hosts serving echo.
func BenchmarkThroughput(b *testing.B) {
	params := bytes.Repeat([]byte{7}, 1024)
	for _, servers := range []int{1, 2} {
		b.Run(map[int]string{1: "1-host", 2: "2-hosts"}[servers], func(b *testing.B) {
			s := startServer(b, 0)
			a := newHost(b, s.ClientURL(), "A", rpc.Config{PoolSize: 64, MaxConcurrent: 64}, lattice.Options{})
			for i := range servers {
				e := newHost(b, s.ClientURL(), "B"+string(rune('0'+i)), rpc.Config{PoolSize: 16}, lattice.Options{})
				e.serve(b, "echo", "echo", 0)
			}
			a.h.Link("", "next", "echo", 0)
			b.ResetTimer()
			start := time.Now()
			var wg sync.WaitGroup
			work := make(chan struct{}, b.N)
			for range b.N {
				work <- struct{}{}
			}
			close(work)
			for range 64 {
				wg.Add(1)
				go func() {
					defer wg.Done()
					for range work {
						if _, err := a.h.Invoke(context.Background(), "", "next", "f", params); err != nil {
							b.Error(err)
							return
						}
					}
				}()
			}
			wg.Wait()
			b.ReportMetric(float64(b.N)/time.Since(start).Seconds(), "calls/s")
		})
	}
}
