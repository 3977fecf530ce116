package canon_test

import (
	"context"
	"strings"
	"testing"

	"github.com/wasifill/wasifill/internal/canon"
	"github.com/wasifill/wasifill/value"
)

// BenchmarkLowerLift lowers values into a guest memory and lifts them back,
// as a host call into a guest export and its result do.
func BenchmarkLowerLift(b *testing.B) {
	record, err := value.ParseType(`record { id: string, tags: list<string>, score: option<f64>,
		items: list<record { sku: string, qty: u32 }> }`)
	if err != nil {
		b.Fatal(err)
	}
	items := make([]value.Value, 16)
	for i := range items {
		items[i] = []value.Value{"SKU-000123-BLUE", uint32(i)}
	}
	cases := []struct {
		name string
		typ  *value.Type
		v    value.Value
	}{
		{"string-1KiB", value.String, strings.Repeat("wasifill", 128)},
		{"record", record, []value.Value{"ord-0001", []value.Value{"a", "bb", "ccc"}, value.Some(0.5), items}},
	}
	ctx := context.Background()
	for _, c := range cases {
		b.Run(c.name, func(b *testing.B) {
			m := newMemory(1 << 20)
			opts := options(m, canon.UTF8)
			types := []*value.Type{c.typ}
			vals := []value.Value{c.v}
			b.ReportAllocs()
			for b.Loop() {
				m.next = 8
				flat, err := canon.LowerValues(ctx, opts, canon.MaxFlatParams, types, vals, nil)
				if err != nil {
					b.Fatal(err)
				}
				if _, err := canon.LiftValues(ctx, opts, canon.MaxFlatParams, types, flat); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}
