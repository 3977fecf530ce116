package testenv

import (
	"io"
	"os"
	"os/exec"
	"runtime"
	"strconv"
	"sync/atomic"
	"testing"
	"time"
)

// The CPU hog: with WASIFILL_TEST_CPU_HOG=1, tests that call CPUHog run
// with a second, CPU-bound process beside them — the test binary run
// again, spinning on every CPU — as on a machine busy with other work.

const (
	hogEnv      = "WASIFILL_TEST_CPU_HOG"
	hogChildEnv = "WASIFILL_TEST_CPU_HOG_CHILD"
	// hogMax bounds a hog's life should nothing stop it.
	hogMax = 10 * time.Minute
)

// In the hog process (the test binary started by CPUHog), spin instead
// of testing: on every CPU, until the parent closes stdin (or dies), at
// most hogMax.
func init() {
	if os.Getenv(hogChildEnv) == "" {
		return
	}
	var stop atomic.Bool
	for range runtime.NumCPU() {
		go func() {
			x := uint64(1)
			for !stop.Load() {
				x = x*6364136223846793005 + 1442695040888963407
			}
			_ = x
		}()
	}
	done := make(chan struct{})
	go func() {
		io.Copy(io.Discard, os.Stdin)
		close(done)
	}()
	select {
	case <-done:
	case <-time.After(hogMax):
	}
	stop.Store(true)
	os.Exit(0)
}

// CPUHog starts, when WASIFILL_TEST_CPU_HOG=1, a CPU-bound process beside
// the test for its duration, and says so in the test's log.
func CPUHog(t testing.TB) {
	t.Helper()
	if on, _ := strconv.ParseBool(os.Getenv(hogEnv)); !on {
		return
	}
	exe, err := os.Executable()
	if err != nil {
		t.Fatal(err)
	}
	cmd := exec.Command(exe, "-test.run=^$")
	cmd.Env = append(os.Environ(), hogChildEnv+"=1")
	in, err := cmd.StdinPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := cmd.Start(); err != nil {
		t.Fatalf("starting the CPU hog: %v", err)
	}
	t.Logf("CPU hog: process %d spinning on %d CPUs beside the test", cmd.Process.Pid, runtime.NumCPU())
	t.Cleanup(func() {
		in.Close() // the hog stops when its stdin closes
		if err := cmd.Wait(); err != nil {
			t.Errorf("CPU hog: %v", err)
		}
	})
}
