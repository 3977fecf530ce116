package runtime_test

import (
	"context"
	"os"
	"strconv"
	"strings"
	"testing"

	"github.com/wasifill/wasifill/runtime"
)

// rss is the process's resident set, from /proc/self/status.
func rss(t *testing.T) uint64 {
	t.Helper()
	b, err := os.ReadFile("/proc/self/status")
	if err != nil {
		t.Fatal(err)
	}
	for _, line := range strings.Split(string(b), "\n") {
		if v, ok := strings.CutPrefix(line, "VmRSS:"); ok {
			kb, err := strconv.ParseUint(strings.TrimSuffix(strings.TrimSpace(v), " kB"), 10, 64)
			if err != nil {
				t.Fatal(err)
			}
			return kb << 10
		}
	}
	t.Fatal("no VmRSS in /proc/self/status")
	return 0
}

// Growing a memory by almost 1 GiB does not make the host hold it: pages
// take RAM only when the guest touches them.
func TestGrowCommitsNothing(t *testing.T) {
	rt := newRuntime(t)
	inst, err := grower(t, rt, "grower")
	if err != nil {
		t.Fatal(err)
	}
	before := rss(t)
	if got := grow(t, context.Background(), inst, runtime.DefaultMemoryLimitPages-1); got != 1 {
		t.Fatalf("grow(16383) = %d", got)
	}
	if after := rss(t); after > before+256<<20 {
		t.Errorf("RSS went from %d MiB to %d MiB on growth alone", before>>20, after>>20)
	}
}
