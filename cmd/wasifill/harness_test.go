package main

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/wasifill/wasifill/internal/hostile"
)

// The bounded-memory harness runs the CLI as a subprocess (this test
// binary, re-executed as TestHelperProcess) under an address-space cap,
// over hostile inputs, and checks that each ends in exit code 1 with a
// typed message, a peak RSS under harnessMaxRSS and a wall time within its
// deadline plus harnessSlack.
const (
	harnessCapKiB  = 3 << 20 // ulimit -v: 3 GiB of address space
	harnessMaxRSS  = 1 << 30 // bytes
	harnessSlack   = time.Second
	harnessTimeout = 2 * time.Second // the CLI's default call deadline
	// harnessCompile is what a hostile input may take where no deadline
	// applies (decoding, validating, compiling before the call starts).
	harnessCompile = 2 * time.Second
)

// TestHelperProcess is the CLI when re-executed by the harness (with
// WASIFILL_HARNESS_CHILD set); otherwise it does nothing.
func TestHelperProcess(t *testing.T) {
	if os.Getenv("WASIFILL_HARNESS_CHILD") != "1" {
		return
	}
	args := os.Args
	for i, a := range args {
		if a == "--" {
			args = args[i+1:]
			break
		}
	}
	os.Exit(run(args))
}

type harnessCase struct {
	name string
	args []string
	// deadline is the run's own deadline (0: none, only compiling).
	deadline time.Duration
	// want is a substring of stderr: the typed message.
	want string
}

// harnessResult is one subprocess run as measured.
type harnessResult struct {
	code    int
	stderr  string
	maxRSS  int64 // bytes
	elapsed time.Duration
}

// runCapped runs the CLI with args under the cap; a run still going after
// killAfter is killed (and fails the case through its elapsed time).
func runCapped(t *testing.T, killAfter time.Duration, args ...string) harnessResult {
	t.Helper()
	bash, err := exec.LookPath("bash")
	if err != nil {
		if os.Getenv("CI") != "" {
			t.Fatal("bash is needed for the memory cap (ulimit -v)")
		}
		t.Skip("SKIPPED LOUDLY: no bash for ulimit -v; the bounded-memory harness did not run")
	}
	script := fmt.Sprintf(`ulimit -v %d && exec "$@"`, harnessCapKiB)
	full := append([]string{"-c", script, "harness", os.Args[0], "-test.run=^TestHelperProcess$", "--"}, args...)
	ctx, cancel := context.WithTimeout(context.Background(), killAfter)
	defer cancel()
	cmd := exec.CommandContext(ctx, bash, full...)
	cmd.Env = append(os.Environ(), "WASIFILL_HARNESS_CHILD=1")
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	start := time.Now()
	err = cmd.Run()
	res := harnessResult{stderr: stderr.String(), elapsed: time.Since(start)}
	var exit *exec.ExitError
	switch {
	case err == nil:
	case errors.As(err, &exit):
		res.code = exit.ExitCode()
	default:
		t.Fatalf("%v: %v", args, err)
	}
	if ru, ok := cmd.ProcessState.SysUsage().(*syscall.Rusage); ok {
		res.maxRSS = ru.Maxrss * 1024 // KiB on Linux
	}
	return res
}

// growModule is a wasip1 command whose _start grows its memory 256 pages
// at a time, writing to the last page, and traps (unreachable) once
// memory.grow fails.
func growModule() []byte {
	body := []byte{0x00, // no locals
		0x03, 0x40, // loop
		0x41, 0x80, 0x02, 0x40, 0x00, // memory.grow 256
		0x41, 0x7f, 0x46, // i32.const -1; i32.eq
		0x04, 0x40, 0x00, 0x0b, // if unreachable end
		0x3f, 0x00, 0x41, 0x10, 0x74, 0x41, 0x04, 0x6b, // memory.size << 16 - 4
		0x41, 0x01, 0x36, 0x02, 0x00, // i32.store 1
		0x0c, 0x00, // br 0
		0x0b, 0x0b}
	return hostile.Module(
		hostile.Sec(1, []byte{1, 0x60, 0, 0}),
		hostile.Sec(3, []byte{1, 0}),
		hostile.Sec(5, []byte{1, 0, 1}),
		hostile.Sec(7, []byte{2, 6}, []byte("_start"), []byte{0, 0, 6}, []byte("memory"), []byte{2, 0}),
		hostile.Sec(10, []byte{1, byte(len(body))}, body))
}

// spinModule is a wasip1 command whose _start loops forever.
func spinModule() []byte {
	return hostile.Module(
		hostile.Sec(1, []byte{1, 0x60, 0, 0}),
		hostile.Sec(3, []byte{1, 0}),
		hostile.Sec(7, []byte{1, 6}, []byte("_start"), []byte{0, 0}),
		hostile.Sec(10, []byte{1, 7, 0, 0x03, 0x40, 0x0c, 0x00, 0x0b, 0x0b}))
}

// deepTypeComponent is a component whose one type is a component type
// declaring a component type declaring ... n levels deep.
func deepTypeComponent(n int) []byte {
	payload := []byte{1}
	for i := 0; i < n; i++ {
		payload = append(payload, 0x41, 0x01, 0x01) // componenttype with one type decl
	}
	payload = append(payload, 0x41, 0x00)
	out := []byte{0x00, 0x61, 0x73, 0x6d, 0x0d, 0x00, 0x01, 0x00}
	return append(out, hostile.Sec(7, payload)...)
}

func harnessCases(t *testing.T) []harnessCase {
	dir := t.TempDir()
	write := func(name string, b []byte) string {
		p := filepath.Join(dir, name)
		if err := os.WriteFile(p, b, 0o644); err != nil {
			t.Fatal(err)
		}
		return p
	}
	var cases []harnessCase
	for _, h := range hostile.Modules() {
		p := write(h.Name+".wasm", h.Wasm)
		cases = append(cases,
			harnessCase{name: "inspect/" + h.Name, args: []string{"inspect", p}, want: h.Want},
			harnessCase{name: "run/" + h.Name, args: []string{"run", p}, want: h.Want},
			harnessCase{name: "componentize/" + h.Name, args: []string{"componentize", p, "-o", filepath.Join(dir, "out.wasm")}, want: h.Want})
	}
	grow := write("grow.wasm", growModule())
	spin := write("spin.wasm", spinModule())
	deep := write("deep.wasm", deepTypeComponent(100000))
	deepWIT := write("deep.wit", []byte("package a:b;\ninterface i {\n  type t = "+strings.Repeat("list<", 100000)+"u8"+strings.Repeat(">", 100000)+";\n}\n"))
	cases = append(cases,
		// 64 MiB: even a copy of the whole memory on its last growth
		// stays under harnessMaxRSS. The aggregate budget across memories
		// is the runtime's; this checks that the cap holds and ends in a trap.
		harnessCase{name: "run/memory-growth", args: []string{"run", "--timeout", "20s", "--max-memory-pages", "1024", grow},
			deadline: 20 * time.Second, want: "unreachable"},
		harnessCase{name: "run/spin", args: []string{"run", "--timeout", "2s", spin}, deadline: harnessTimeout, want: "deadline"},
		harnessCase{name: "call/spin", args: []string{"call", "../../testdata/guests/out/faulty.wasm", "wasifill:guests/faults@0.1.0#spin()"},
			deadline: harnessTimeout, want: "deadline"},
		harnessCase{name: "inspect/deep-types", args: []string{"inspect", deep}, want: "nest deeper"},
		harnessCase{name: "run/deep-types", args: []string{"run", deep}, want: "nest deeper"},
		harnessCase{name: "wit/deep-types", args: []string{"wit", deepWIT}, want: "deep"},
	)
	return cases
}

// TestBoundedMemoryHarness: no hostile input takes the CLI past 1 GiB of
// RSS or its deadline by more than a second, and each ends in exit code 1
// with the typed message that names the fault.
func TestBoundedMemoryHarness(t *testing.T) {
	if testing.Short() {
		t.Skip("SKIPPED LOUDLY: -short; the bounded-memory harness did not run")
	}
	var worst harnessResult
	for _, c := range harnessCases(t) {
		t.Run(c.name, func(t *testing.T) {
			limit := harnessCompile + c.deadline + harnessSlack
			r := runCapped(t, limit+5*time.Second, c.args...)
			if r.code != 1 || !strings.Contains(r.stderr, c.want) {
				t.Errorf("exit %d, stderr %q: want exit 1 saying %q", r.code, tail(r.stderr), c.want)
			}
			if r.maxRSS >= harnessMaxRSS {
				t.Errorf("peak RSS %d MiB, over %d MiB", r.maxRSS>>20, harnessMaxRSS>>20)
			}
			if r.elapsed > limit {
				t.Errorf("took %v, over %v", r.elapsed, limit)
			}
			if r.maxRSS > worst.maxRSS {
				worst = r
			}
		})
	}
	t.Logf("largest peak RSS %d MiB", worst.maxRSS>>20)
}

// TestHarnessControl: the harness measures: a well-behaved guest run the
// same way exits 0 under the cap.
func TestHarnessControl(t *testing.T) {
	r := runCapped(t, time.Minute, "run", "../../testdata/guests/out/c-command.core.wasm")
	if r.code != 0 || r.maxRSS == 0 {
		t.Fatalf("c-command: exit %d, RSS %d, stderr %q", r.code, r.maxRSS, tail(r.stderr))
	}
}

func tail(s string) string {
	if len(s) > 400 {
		return "..." + s[len(s)-400:]
	}
	return s
}
