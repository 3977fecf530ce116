package golang_test

import (
	"bytes"
	"go/format"
	"testing"

	"github.com/wasifill/wasifill/gen/golang"
	"github.com/wasifill/wasifill/witparse"
)

// Every file every generator writes is gofmt-clean as written, the
// embedded runtimes included.
func TestGeneratedIsGofmtClean(t *testing.T) {
	for _, dir := range []string{guests + "wit", "../../docs/examples/kv/wit"} {
		r, pkg, err := witparse.Load(dir, witparse.Options{})
		if err != nil {
			t.Fatal(err)
		}
		for _, w := range r.Packages[pkg].Worlds {
			outputs := map[string]func() (map[string][]byte, error){
				"guest":  func() (map[string][]byte, error) { return golang.GenerateGuest(r, w.ID, "bindings") },
				"import": func() (map[string][]byte, error) { return golang.GenerateImportFill(r, w.ID) },
				"export": func() (map[string][]byte, error) { return golang.GenerateExportFill(r, w.ID) },
				"host": func() (map[string][]byte, error) {
					return golang.Generate(r, w.ID, golang.Options{Package: "host", Host: true})
				},
			}
			for kind, generate := range outputs {
				files, err := generate()
				if err != nil {
					continue // worlds a generator does not take are tested elsewhere
				}
				for name, src := range files {
					formatted, err := format.Source(src)
					if err != nil {
						t.Errorf("%s world %s, %s: %s does not parse: %v", dir, w.Name, kind, name, err)
					} else if !bytes.Equal(formatted, src) {
						t.Errorf("%s world %s, %s: %s is not gofmt-clean", dir, w.Name, kind, name)
					}
				}
			}
		}
	}
}
