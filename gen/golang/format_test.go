package golang_test

import (
	"bytes"
	"go/format"
	"strings"
	"testing"

	"github.com/wasifill/wasifill/gen/golang"
	"github.com/wasifill/wasifill/witparse"
)

// Every Go file every generator writes is gofmt-clean as written, the
// embedded runtimes included. A generator may refuse a world only for a
// documented reason, and every generator must write something.
func TestGeneratedIsGofmtClean(t *testing.T) {
	refusals := []string{
		"no custom interface functions for", // a fill of a world with nothing to carry
		"resources are not supported yet",   // fills do not carry resource handles
	}
	written := map[string]int{}
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
					return golang.GenerateHost(r, w.ID, "host")
				},
			}
			for kind, generate := range outputs {
				files, err := generate()
				if err != nil {
					if !containsAny(err.Error(), refusals) {
						t.Errorf("%s world %s, %s: unexpected error: %v", dir, w.Name, kind, err)
					}
					continue
				}
				goFiles := 0
				for name, src := range files {
					if !strings.HasSuffix(name, ".go") {
						continue // a fill's world (WIT)
					}
					goFiles++
					formatted, err := format.Source(src)
					if err != nil {
						t.Errorf("%s world %s, %s: %s does not parse: %v", dir, w.Name, kind, name, err)
					} else if !bytes.Equal(formatted, src) {
						t.Errorf("%s world %s, %s: %s is not gofmt-clean", dir, w.Name, kind, name)
					}
				}
				if goFiles == 0 {
					t.Errorf("%s world %s, %s: no error and no Go file", dir, w.Name, kind)
				}
				written[kind]++
			}
		}
	}
	for _, kind := range []string{"guest", "import", "export", "host"} {
		if written[kind] == 0 {
			t.Errorf("generator %s wrote nothing for any world", kind)
		}
	}
}

func containsAny(s string, subs []string) bool {
	for _, sub := range subs {
		if strings.Contains(s, sub) {
			return true
		}
	}
	return false
}
