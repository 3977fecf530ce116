package rust_test

import (
	"testing"

	"github.com/wasifill/wasifill/gen/rust"
)

// BenchmarkGenerate writes the stress world's import and export fills
// (long names, nested variants, fixed-length lists, spilled params): the
// generator alone, the WIT already loaded.
func BenchmarkGenerate(b *testing.B) {
	for _, g := range goldens {
		if g.dir != "stress-import" && g.dir != "stress-export" && g.dir != "types-export" {
			continue
		}
		b.Run(g.dir, func(b *testing.B) {
			r, w := g.load(b)
			gen := rust.GenerateImportFill
			if g.kind == "export" {
				gen = rust.GenerateExportFill
			}
			b.ReportAllocs()
			for b.Loop() {
				if _, err := gen(r, w); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}
