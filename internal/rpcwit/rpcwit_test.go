package rpcwit_test

import (
	"os"
	"path/filepath"
	"slices"
	"testing"

	"github.com/wasifill/wasifill/internal/rpcwit"
	"github.com/wasifill/wasifill/witparse"
)

// The names in this package are the ones the WIT declares.
func TestNamesMatchTheWIT(t *testing.T) {
	dir := t.TempDir()
	if err := os.WriteFile(filepath.Join(dir, "rpc.wit"), []byte(rpcwit.WIT), 0o644); err != nil {
		t.Fatal(err)
	}
	r, _, err := witparse.Load(dir, witparse.Options{})
	if err != nil {
		t.Fatal(err)
	}
	for _, name := range []string{rpcwit.Transport, rpcwit.Handler, rpcwit.Deadline, rpcwit.Types} {
		if _, ok := r.LookupInterface(name); !ok {
			t.Errorf("the WIT has no interface %s", name)
		}
	}
	types, _ := r.LookupInterface(rpcwit.Types)
	ty, ok := r.LookupType(types, "rpc-error")
	if !ok {
		t.Fatal("the WIT has no rpc-error")
	}
	var cases []string
	for _, c := range r.Types[ty.ID].Cases {
		cases = append(cases, c.Name)
	}
	if !slices.Equal(cases, rpcwit.ErrorCases[:]) {
		t.Errorf("rpc-error cases in the WIT: %v; ErrorCases: %v", cases, rpcwit.ErrorCases)
	}
}
