package wasmtime_test

import (
	"context"
	"errors"
	"os"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/wasifill/wasifill/interop/wasmtime"
)

const guestsDir = "../../testdata/guests/out"

func guest(t *testing.T, name string) []byte {
	t.Helper()
	b, err := os.ReadFile(guestsDir + "/" + name)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// TestComponentReuse: one compiled component, several instances (each its
// own store, with its own state), usable after the Component is closed.
func TestComponentReuse(t *testing.T) {
	ctx := context.Background()
	c, err := wasmtime.Compile(guest(t, "all-types.wasm"))
	if err != nil {
		t.Fatal(err)
	}
	const echo = "wasifill:guests/types@0.1.0#echo-string"
	if ft, err := c.FuncType(echo); err != nil || len(ft.Params) != 1 {
		t.Fatalf("FuncType: %v, %v", ft, err)
	}
	var insts []*wasmtime.Instance
	for k := range 3 {
		inst, err := c.Instantiate(ctx, &wasmtime.Options{DiscardOutput: k%2 == 0})
		if err != nil {
			t.Fatal(err)
		}
		insts = append(insts, inst)
	}
	c.Close()
	if _, err := c.Instantiate(ctx, nil); err == nil {
		t.Error("Instantiate of a closed Component succeeded")
	}
	s := strings.Repeat("é", 300)
	for k, inst := range insts {
		out, err := inst.Call(ctx, echo, s)
		if err != nil || out[0] != s {
			t.Errorf("instance %d: %v, %v", k, out, err)
		}
		inst.Close()
	}
}

// TestComponentInterruptIsolation: instances of one Component share an
// engine, so an epoch tick for one cancelled call reaches all; only the
// cancelled call may stop.
func TestComponentInterruptIsolation(t *testing.T) {
	c, err := wasmtime.Compile(guest(t, "faulty.wasm"))
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	const spin = "wasifill:guests/faults@0.1.0#spin"
	timeouts := []time.Duration{100 * time.Millisecond, 200 * time.Millisecond, 1200 * time.Millisecond}
	var wg sync.WaitGroup
	for _, d := range timeouts {
		inst, err := c.Instantiate(context.Background(), nil)
		if err != nil {
			t.Fatal(err)
		}
		defer inst.Close()
		wg.Go(func() {
			start := time.Now() // before the deadline is set: took >= d however late this goroutine runs
			ctx, cancel := context.WithTimeout(context.Background(), d)
			defer cancel()
			_, err := inst.Call(ctx, spin)
			if took := time.Since(start); !errors.Is(err, context.DeadlineExceeded) || took < d {
				t.Errorf("spin with a %v timeout: %v after %v", d, err, took)
			}
		})
	}
	wg.Wait()
}
