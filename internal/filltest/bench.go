package filltest

import (
	"context"
	"testing"

	"github.com/wasifill/wasifill/runtime/rpc"
	"github.com/wasifill/wasifill/value"
)

// Person is echo-person's argument in the fill benchmarks.
var Person = []value.Value{"zoë", uint8(30), []value.Value{"x", "yz"}, value.Some([]value.Value{int32(-1), int32(2)})}

// EchoPerson returns one call of echo-person(Person) through importFill, a
// component of wasifill:guests/types, on a runtime whose rpc host is
// configured by cfg. Behind the rpc host is a Go provider that echoes the
// wire params when exportFill is nil, or else exportFill composed with the
// C all-types guest.
func EchoPerson(t testing.TB, cfg rpc.Config, importFill, exportFill []byte) func() error {
	t.Helper()
	ctx := context.Background()
	rt, h := RuntimeConfig(t, cfg)
	if exportFill == nil {
		h.AddProvider("types", func(_ context.Context, _, _ string, params []byte) ([]byte, error) {
			return params, nil
		}, 0)
	} else {
		ServeAllTypes(ctx, t, rt, h, exportFill)
	}
	h.Link("", Types, "types", 0)
	f, ok := Instantiate(ctx, t, rt, importFill).Func(Types + "#echo-person")
	if !ok {
		t.Fatal("the import fill has no echo-person")
	}
	return func() error {
		_, err := f.Call(ctx, Person)
		return err
	}
}

// BenchCall runs one sub-benchmark "path/kind" per path and kind, each
// timing EchoPerson through fill(b, kind, "import"). The paths: "import",
// the import fill alone in front of the echoing provider; "roundtrip",
// behind it fill(b, kind, "export") and all-types with the served instance
// pooled; "roundtrip-fresh", the same instantiated for every invocation
// (the rpc host's default).
func BenchCall(b *testing.B, paths, kinds []string, fill func(t testing.TB, kind, side string) []byte) {
	for _, path := range paths {
		for _, kind := range kinds {
			b.Run(path+"/"+kind, func(b *testing.B) {
				cfg := rpc.Config{}
				var export []byte
				switch path {
				case "import":
				case "roundtrip":
					cfg.PoolSize = 2
					export = fill(b, kind, "export")
				case "roundtrip-fresh":
					export = fill(b, kind, "export")
				default:
					b.Fatalf("unknown path %q", path)
				}
				echo := EchoPerson(b, cfg, fill(b, kind, "import"), export)
				b.ResetTimer()
				for b.Loop() {
					if err := echo(); err != nil {
						b.Fatal(err)
					}
				}
			})
		}
	}
}
