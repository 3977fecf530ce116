package witparse_test

import (
	"errors"
	"fmt"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/wasifill/wasifill/witparse"
)

// aliasChain is a package with one interface holding n types, each an
// alias of (or a list of) the one before, and functions using the last.
func aliasChain(n int) []byte {
	var b strings.Builder
	b.WriteString("package gen:chain;\ninterface i {\n  record t0 { a: u32 }\n")
	for k := 1; k < n; k++ {
		if k%2 == 0 {
			fmt.Fprintf(&b, "  type t%d = t%d;\n", k, k-1)
		} else {
			fmt.Fprintf(&b, "  type t%d = list<t%d>;\n", k, k-1)
		}
	}
	fmt.Fprintf(&b, "  f: func(x: t%d) -> t%d;\n}\n", n-1, n-1)
	return []byte(b.String())
}

// ifaceChain is a package of n interfaces, each using a type of the one
// before, and a world importing the last and exporting the first.
func ifaceChain(n int) []byte {
	var b strings.Builder
	b.WriteString("package gen:ifaces;\ninterface i0 { resource r; type t = u32; }\n")
	for k := 1; k < n; k++ {
		fmt.Fprintf(&b, "interface i%d { use i%d.{t}; resource r; f: func(a: t) -> r; }\n", k, k-1)
	}
	fmt.Fprintf(&b, "world w { import i%d; export i0; }\n", n-1)
	// Exporting the upper half: each export's dependencies are checked.
	b.WriteString("world x {")
	for k := n / 2; k < n; k++ {
		fmt.Fprintf(&b, " export i%d;", k)
	}
	b.WriteString(" }\n")
	return []byte(b.String())
}

// A chain of 100,000 type aliases and one of 10,000 interfaces resolve;
// with a resolver quadratic in either, this test would run for minutes.
func TestLargeInputs(t *testing.T) {
	r, _, err := witparse.LoadSource("chain.wit", aliasChain(100_000), witparse.Options{})
	if err != nil {
		t.Fatal(err)
	}
	if got := len(r.Interfaces[0].Types); got != 100_000 {
		t.Errorf("%d types, want 100000", got)
	}
	if _, err := witparse.EncodeJSON(r); err != nil {
		t.Fatal(err)
	}
	r, _, err = witparse.LoadSource("ifaces.wit", ifaceChain(10_000), witparse.Options{})
	if err != nil {
		t.Fatal(err)
	}
	if got := len(r.Worlds[0].Imports); got != 10_000 {
		t.Errorf("world w: %d imports, want 10000", got)
	}
	if got := len(r.Worlds[1].Imports); got != 5_000 {
		t.Errorf("world x: %d imports, want 5000", got)
	}
	if _, err := witparse.EncodeJSON(r); err != nil {
		t.Fatal(err)
	}
}

// doubling is an interface of n types, each a tuple of two of the one
// before: 2^n leaves when expanded as a tree.
func doubling(n int) []byte {
	var b strings.Builder
	b.WriteString("package gen:dbl;\ninterface i {\n  type t0 = u8;\n")
	for k := 1; k < n; k++ {
		fmt.Fprintf(&b, "  type t%d = tuple<t%d, t%d>;\n", k, k-1, k-1)
	}
	fmt.Fprintf(&b, "  f: func(x: t%d);\n}\n", n-1)
	return []byte(b.String())
}

// Types that double per level stay a DAG: resolving, encoding and
// printing stay small, and expanding into a value type stops at its bound
// with an error naming the type.
func TestDoublingTypes(t *testing.T) {
	r, pkg, err := witparse.LoadSource("dbl.wit", doubling(64), witparse.Options{})
	if err != nil {
		t.Fatal(err)
	}
	js, err := witparse.EncodeJSON(r)
	if err != nil {
		t.Fatal(err)
	}
	if len(js) > 1<<20 {
		t.Errorf("JSON is %d bytes: types were expanded", len(js))
	}
	if _, err := witparse.FormatPackage(r, pkg); err != nil {
		t.Fatal(err)
	}
	last, _ := r.LookupType(0, "t63")
	_, err = r.ValueType(last)
	var big *witparse.TypeTooLargeError
	if !errors.As(err, &big) {
		t.Fatalf("ValueType of t63: got %v, want a TypeTooLargeError", err)
	}
	if big.Type != "t63" || big.Limit != witparse.MaxValueTypeNodes {
		t.Errorf("error %+v, want type t63 and limit %d", big, witparse.MaxValueTypeNodes)
	}
	small, _ := r.LookupType(0, "t8")
	if _, err := r.ValueType(small); err != nil {
		t.Errorf("ValueType of t8 (256 leaves): %v", err)
	}
}

// BenchmarkLarge resolves and encodes the large inputs of TestLargeInputs
// at two sizes each: time per op should grow in proportion. Besides wall
// time it reports the process's CPU time per op (cpu-ms/op: user + system,
// the garbage collector's background work included).
func BenchmarkLarge(b *testing.B) {
	for _, c := range []struct {
		name string
		src  []byte
	}{
		{"aliases-10k", aliasChain(10_000)}, {"aliases-100k", aliasChain(100_000)},
		{"interfaces-1k", ifaceChain(1_000)}, {"interfaces-10k", ifaceChain(10_000)},
	} {
		b.Run(c.name, func(b *testing.B) {
			b.SetBytes(int64(len(c.src)))
			cpu := cpuClock()
			for b.Loop() {
				r, _, err := witparse.LoadSource("gen.wit", c.src, witparse.Options{})
				if err != nil {
					b.Fatal(err)
				}
				if _, err := witparse.EncodeJSON(r); err != nil {
					b.Fatal(err)
				}
			}
			b.ReportMetric(float64(cpuClock()-cpu)/1e6/float64(b.N), "cpu-ms/op")
		})
	}
}

// cpuClock is the process's user + system time so far.
func cpuClock() time.Duration {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		return 0
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}
