package guests_test

import (
	"bytes"
	"context"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/wasifill/wasifill/internal/oracle"
	"github.com/wasifill/wasifill/internal/testenv"
	"github.com/wasifill/wasifill/internal/wasmbin"
)

// components are the committed components, by world, with the interface
// each exports.
var components = map[string]string{
	"all-types": "wasifill:guests/types@0.1.0",
	"resources": "wasifill:guests/counters@0.1.0",
	"faulty":    "wasifill:guests/faults@0.1.0",
}

// TestComponentsWIT checks that the oracle reads back the world each
// component was built for (out/<name>.wit.expected).
func TestComponentsWIT(t *testing.T) {
	for name, iface := range components {
		t.Run(name, func(t *testing.T) {
			comp := testenv.ReadFile(t, "out/"+name+".wasm")
			want := string(testenv.ReadFile(t, "out/"+name+".wit.expected"))
			got, err := oracle.WIT(context.Background(), comp)
			if err != nil {
				t.Fatal(err)
			}
			if got != want {
				t.Errorf("component wit out/%s.wasm:\n%s\nwant (out/%s.wit.expected):\n%s", name, got, name, want)
			}
			if !strings.Contains(got, "export "+iface+";") {
				t.Errorf("WIT does not export %s", iface)
			}
		})
	}
}

// TestRoundTrip decodes every committed C and Rust .wasm and checks that encoding it
// again gives the same bytes, and that each is the kind its name says.
func TestRoundTrip(t *testing.T) {
	// Only the C and Rust fixtures: other builds may add files to out/.
	var files []string
	for _, name := range []string{"all-types", "resources", "faulty"} {
		files = append(files, "out/"+name+".core.wasm", "out/"+name+".wasm")
	}
	files = append(files, "out/c-command.core.wasm")
	for _, f := range files {
		t.Run(filepath.Base(f), func(t *testing.T) {
			b := testenv.ReadFile(t, f)
			bin, err := wasmbin.Decode(b)
			if err != nil {
				t.Fatal(err)
			}
			if got := bin.Encode(); !bytes.Equal(got, b) {
				t.Fatalf("Encode: %d bytes differ from the %d read", len(got), len(b))
			}
			isComponent := b[4] == 0x0d
			if want := !strings.HasSuffix(f, ".core.wasm"); isComponent != want {
				t.Fatalf("component = %v, want %v", isComponent, want)
			}
		})
	}
}

// TestCoreExports checks the canonical ABI names the core modules export.
func TestCoreExports(t *testing.T) {
	want := map[string][]string{
		"all-types": {"memory", "cabi_realloc", "wasifill:guests/types@0.1.0#echo-string",
			"cabi_post_wasifill:guests/types@0.1.0#echo-string", "wasifill:guests/types@0.1.0#sum-many"},
		"resources": {"memory", "cabi_realloc",
			"wasifill:guests/counters@0.1.0#[constructor]counter",
			"wasifill:guests/counters@0.1.0#[method]counter.add",
			"wasifill:guests/counters@0.1.0#[method]counter.get",
			"wasifill:guests/counters@0.1.0#[static]counter.zero",
			"wasifill:guests/counters@0.1.0#[dtor]counter",
			"wasifill:guests/counters@0.1.0#total",
			"wasifill:guests/counters@0.1.0#live"},
		"faulty": {"memory", "cabi_realloc", "wasifill:guests/faults@0.1.0#trap",
			"wasifill:guests/faults@0.1.0#spin", "wasifill:guests/faults@0.1.0#grow",
			"wasifill:guests/faults@0.1.0#alloc-forever"},
		"c-command": {"memory", "_start"},
	}
	for name, names := range want {
		bin, err := wasmbin.Decode(testenv.ReadFile(t, "out/"+name+".core.wasm"))
		if err != nil {
			t.Fatal(err)
		}
		exports, err := bin.CoreExports()
		if err != nil {
			t.Fatal(err)
		}
		var have []string
		for _, e := range exports {
			have = append(have, e.Name)
		}
		for _, n := range names {
			if !slices.Contains(have, n) {
				t.Errorf("%s.core.wasm does not export %q; it exports %q", name, n, have)
			}
		}
	}
}
