package parser_test

import (
	"errors"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/wasifill/wasifill/internal/testenv"
	"github.com/wasifill/wasifill/witparse/parser"
	"github.com/wasifill/wasifill/witparse/token"
)

func witFiles(t *testing.T, root string) []string {
	var out []string
	err := filepath.WalkDir(root, func(path string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if !d.IsDir() && strings.HasSuffix(path, ".wit") {
			out = append(out, path)
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	return out
}

// Every .wit file of every success case parses without a syntax error.
func TestCorpusSuccessCasesParse(t *testing.T) {
	root := testenv.WITCorpus(t)
	var files []string
	for _, f := range witFiles(t, root) {
		if !strings.Contains(f, string(filepath.Separator)+"parse-fail"+string(filepath.Separator)) {
			files = append(files, f)
		}
	}
	if len(files) == 0 {
		t.Fatalf("no .wit files under %s", root)
	}
	for _, path := range files {
		src, err := os.ReadFile(path)
		if err != nil {
			t.Fatal(err)
		}
		if _, err := parser.ParseFile(token.NewFileSet(), path, src); err != nil {
			t.Errorf("%v", err)
		}
	}
	t.Logf("parsed %d success-case files", len(files))
}

// Failure cases that are syntax errors are rejected at the position the
// expected wasm-tools output names, with the same message.
func TestCorpusSyntaxErrors(t *testing.T) {
	root := filepath.Join(testenv.WITCorpus(t), "parse-fail")
	results, _ := filepath.Glob(filepath.Join(root, "*.wit.result"))
	syntax, matched := 0, 0
	for _, res := range results {
		want, err := os.ReadFile(res)
		if err != nil {
			t.Fatal(err)
		}
		input := strings.TrimSuffix(res, ".result")
		src, err := os.ReadFile(input)
		if err != nil {
			continue // a directory case: resolver territory
		}
		_, perr := parser.ParseFile(token.NewFileSet(), input, src)
		msg, line, col := expected(string(want))
		if !strings.HasPrefix(msg, "expected ") && !strings.HasPrefix(msg, "nested packages") &&
			!strings.Contains(msg, "fixed-length") {
			continue // not a syntax error
		}
		syntax++
		var list token.ErrorList
		if !errors.As(perr, &list) {
			t.Errorf("%s: accepted, want %q at %d:%d", input, msg, line, col)
			continue
		}
		first := list[0]
		if first.Pos.Line != line || first.Pos.Column != col {
			t.Errorf("%s: error at %d:%d (%s), want %d:%d (%s)", input, first.Pos.Line, first.Pos.Column, first.Msg, line, col, msg)
			continue
		}
		if first.Msg == msg {
			matched++
		} else {
			t.Errorf("%s: message %q, wasm-tools says %q", input, first.Msg, msg)
		}
	}
	t.Logf("syntax-error cases: %d rejected at the right position, %d with the same message", syntax, matched)
	if syntax == 0 {
		t.Fatal("found no syntax-error cases")
	}
}

// expected reads wasm-tools' error text: the message, then "--> path:L:C".
func expected(s string) (msg string, line, col int) {
	lines := strings.Split(s, "\n")
	msg = strings.TrimSpace(lines[0])
	for _, l := range lines {
		l = strings.TrimSpace(l)
		if strings.HasPrefix(l, "--> ") {
			parts := strings.Split(l, ":")
			if len(parts) >= 3 {
				line = atoi(parts[len(parts)-2])
				col = atoi(parts[len(parts)-1])
			}
			break
		}
	}
	return msg, line, col
}

func atoi(s string) int {
	n := 0
	for _, c := range s {
		if c < '0' || c > '9' {
			return n
		}
		n = n*10 + int(c-'0')
	}
	return n
}
