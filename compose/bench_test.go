package compose_test

import (
	"testing"

	"github.com/wasifill/wasifill/compose"
)

// BenchmarkPlug composes two components. The oracle build of wasm-tools
// has no composition command, so there is no side-by-side number here;
// docs/benchmarks.md says so.
func BenchmarkPlug(b *testing.B) {
	user, plug := fixture(b, "client.wasm"), fixture(b, "all-types.wasm")
	for b.Loop() {
		if _, err := compose.Plug(user, []compose.Part{plug}); err != nil {
			b.Fatal(err)
		}
	}
}
