package canon

import (
	"testing"

	"github.com/wasifill/wasifill/value"
)

// The layout cache stays bounded however many distinct types a long-running
// host lays out, and a layout computed after the cache was emptied is the
// same as before.
func TestLayoutCacheBounded(t *testing.T) {
	first := &value.Type{Kind: value.KindRecord, Fields: []value.Field{{Name: "a", Type: value.U8}, {Name: "b", Type: value.U32}}}
	want := *layoutOf(first)
	for i := 0; i < maxCachedLayouts+100; i++ {
		layoutOf(&value.Type{Kind: value.KindTuple, Elems: []*value.Type{value.U8, value.U64}})
	}
	n := 0
	layouts.Range(func(any, any) bool { n++; return true })
	if n > maxCachedLayouts {
		t.Fatalf("%d cached layouts, want at most %d", n, maxCachedLayouts)
	}
	if got := layoutOf(first); got.size != want.size || got.align != want.align || got.fieldOffsets[1] != 4 {
		t.Fatalf("layout after the cache emptied = %+v, want %+v", got, want)
	}
}
