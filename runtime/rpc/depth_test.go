package rpc_test

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/wasifill/wasifill/runtime/rpc"
)

// TestLinkCycleDepth: a relay linked to itself invokes itself, each hop on
// a fresh instance, until the chain reaches MaxDepth: the hop that would
// go deeper is denied, the denial travels back out through every relay,
// and no instance stays open.
func TestLinkCycleDepth(t *testing.T) {
	for _, tc := range []struct{ cfg, want int }{{5, 5}, {0, rpc.DefaultMaxDepth}} {
		rt, h, c := setup(t, rpc.Config{MaxDepth: tc.cfg})
		h.AddComponent("a", c["relay"], 0)
		h.Link("a", "next", "a", 0)
		ctx, release, err := h.Enter(context.Background(), "a")
		if err != nil {
			t.Fatal(err)
		}
		_, err = h.Invoke(ctx, "a", "next", "f", nil)
		chain := rpc.Chain(ctx)
		release()
		re := rpcError(t, err)
		if re.Kind != rpc.Denied || !strings.Contains(re.Msg, "nest deeper than") {
			t.Fatalf("MaxDepth %d: err = %v, want denied for depth", tc.cfg, err)
		}
		deepest := 0
		for _, hop := range chain {
			deepest = max(deepest, hop.Depth)
		}
		if deepest != tc.want {
			t.Errorf("MaxDepth %d: the deepest hop is %d, want %d", tc.cfg, deepest, tc.want)
		}
		if n := rt.OpenInstances(); n != 0 {
			t.Errorf("MaxDepth %d: %d instances open after the chain", tc.cfg, n)
		}
	}
}

// TestMaxDepthConfig: wasifill.yaml's max-depth reaches the host's Config.
func TestMaxDepthConfig(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "wasifill.yaml")
	if err := os.WriteFile(path, []byte("max-depth: 3\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	fc, err := rpc.LoadConfig(path)
	if err != nil {
		t.Fatal(err)
	}
	if got := fc.HostConfig(rpc.Config{}).MaxDepth; got != 3 {
		t.Errorf("MaxDepth = %d, want 3", got)
	}
	if err := os.WriteFile(path, []byte("max-depth: -1\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	if _, err := rpc.LoadConfig(path); err == nil || !strings.Contains(err.Error(), "max-depth") {
		t.Errorf("a negative max-depth: %v", err)
	}
}
