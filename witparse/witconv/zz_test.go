package witconv_test

import (
	"testing"

	"github.com/wasifill/wasifill/witparse"
)

func BenchmarkZZ(b *testing.B) {
	dir := wasiTree(b)
	b.Run("loadonly", func(b *testing.B) {
		cpu := cpuClock()
		for b.Loop() {
			if _, _, err := witparse.Load(dir, witparse.Options{}); err != nil {
				b.Fatal(err)
			}
		}
		b.ReportMetric(float64(cpuClock()-cpu)/1e6/float64(b.N), "cpu-ms/op")
	})
	r, _, _ := witparse.Load(dir, witparse.Options{})
	b.Run("jsononly", func(b *testing.B) {
		cpu := cpuClock()
		for b.Loop() {
			witparse.EncodeJSON(r)
		}
		b.ReportMetric(float64(cpuClock()-cpu)/1e6/float64(b.N), "cpu-ms/op")
	})
}
