package gen_test

import (
	"os"
	"regexp"
	"slices"
	"testing"

	"github.com/wasifill/wasifill/internal/rpcwit"
)

// The fixed runtimes the generators ship carry rpc-error's case names (a
// generated fill depends on nothing); they are rpcwit.ErrorCases, in order.
func TestRuntimesCarryTheContractsErrorCases(t *testing.T) {
	quoted := regexp.MustCompile(`"([a-z-]+)"`)
	for _, c := range []struct{ file, table string }{
		{"golang/fillrt.go.txt", `var rpcCases = \[\.\.\.\]string\{([^}]*)\}`},
		{"rust/invoke.rs", `const RPC_CASES: \[&str; \d+\] = \[([^\]]*)\]`},
	} {
		src, err := os.ReadFile(c.file)
		if err != nil {
			t.Fatal(err)
		}
		m := regexp.MustCompile(c.table).FindSubmatch(src)
		if m == nil {
			t.Errorf("%s: no rpc-error table", c.file)
			continue
		}
		var names []string
		for _, q := range quoted.FindAllSubmatch(m[1], -1) {
			names = append(names, string(q[1]))
		}
		if !slices.Equal(names, rpcwit.ErrorCases[:]) {
			t.Errorf("%s: rpc-error cases %v, want %v", c.file, names, rpcwit.ErrorCases)
		}
	}
}
