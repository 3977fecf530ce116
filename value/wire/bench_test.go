package wire_test

import (
	"encoding/json"
	"fmt"
	"testing"

	"github.com/vmihailenco/msgpack/v5"

	"github.com/wasifill/wasifill/value"
	"github.com/wasifill/wasifill/value/wire"
)

// The realistic record of the benchmarks: an order with nested lists,
// strings and options, about 1 KiB encoded.
type benchItem struct {
	SKU   string  `json:"sku" msgpack:"sku"`
	Qty   uint32  `json:"qty" msgpack:"qty"`
	Price float64 `json:"price" msgpack:"price"`
}

type benchOrder struct {
	ID       string      `json:"id" msgpack:"id"`
	Customer string      `json:"customer" msgpack:"customer"`
	Items    []benchItem `json:"items" msgpack:"items"`
	Note     *string     `json:"note" msgpack:"note"`
	Tags     []string    `json:"tags" msgpack:"tags"`
	Shipped  *uint64     `json:"shipped" msgpack:"shipped"`
}

var orderType = func() *value.Type {
	t, err := value.ParseType(`record { id: string, customer: string,
		items: list<record { sku: string, qty: u32, price: f64 }>,
		note: option<string>, tags: list<string>, shipped: option<u64> }`)
	if err != nil {
		panic(err)
	}
	return t
}()

func benchData() (benchOrder, value.Value) {
	note := "leave at the door, ring twice"
	shipped := uint64(1732406400)
	o := benchOrder{ID: "ord-0001-2024-11-24", Customer: "Ada Lovelace <ada@example.org>", Note: &note,
		Tags: []string{"priority", "gift", "fragile"}, Shipped: &shipped}
	items := []value.Value{}
	for i := 0; i < 24; i++ {
		it := benchItem{SKU: fmt.Sprintf("SKU-%06d-BLUE", i), Qty: uint32(i + 1), Price: 9.99 + float64(i)}
		o.Items = append(o.Items, it)
		items = append(items, []value.Value{it.SKU, it.Qty, it.Price})
	}
	tags := []value.Value{}
	for _, t := range o.Tags {
		tags = append(tags, t)
	}
	v := []value.Value{o.ID, o.Customer, items, value.Some(note), tags, value.Some(shipped)}
	return o, v
}

// BenchmarkCodec compares one encode+decode of the same order in the wire
// format (dynamic values), msgpack and encoding/json (typed structs).
func BenchmarkCodec(b *testing.B) {
	o, v := benchData()
	b.Run("wire", func(b *testing.B) {
		buf, _ := wire.Encode(orderType, v)
		b.ReportAllocs()
		defer b.ReportMetric(float64(len(buf)), "bytes")
		for b.Loop() {
			buf, err := wire.Append(buf[:0], orderType, v)
			if err != nil {
				b.Fatal(err)
			}
			if _, err := wire.Decode(orderType, buf); err != nil {
				b.Fatal(err)
			}
		}
	})
	b.Run("msgpack", func(b *testing.B) {
		buf, _ := msgpack.Marshal(&o)
		b.ReportAllocs()
		defer b.ReportMetric(float64(len(buf)), "bytes")
		for b.Loop() {
			buf, err := msgpack.Marshal(&o)
			if err != nil {
				b.Fatal(err)
			}
			var back benchOrder
			if err := msgpack.Unmarshal(buf, &back); err != nil {
				b.Fatal(err)
			}
		}
	})
	b.Run("json", func(b *testing.B) {
		buf, _ := json.Marshal(&o)
		b.ReportAllocs()
		defer b.ReportMetric(float64(len(buf)), "bytes")
		for b.Loop() {
			buf, err := json.Marshal(&o)
			if err != nil {
				b.Fatal(err)
			}
			var back benchOrder
			if err := json.Unmarshal(buf, &back); err != nil {
				b.Fatal(err)
			}
		}
	})
}
