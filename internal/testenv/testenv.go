// Package testenv finds the outside test data that CI provides.
package testenv

import (
	"os"
	"testing"
)

// WITCorpus returns $WASIFILL_WIT_CORPUS, the wasm-tools WIT UI corpus. In
// CI (CI set) a missing corpus fails the test; elsewhere the test is
// skipped, saying why.
func WITCorpus(t testing.TB) string {
	t.Helper()
	dir := os.Getenv("WASIFILL_WIT_CORPUS")
	if dir == "" {
		if os.Getenv("CI") != "" {
			t.Fatal("WASIFILL_WIT_CORPUS is not set in CI; it must point at shared/conformance/wit")
		}
		t.Skip("SKIPPING: WASIFILL_WIT_CORPUS is not set (point it at ../shared/conformance/wit)")
	}
	return dir
}
