package witparse_test

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/wasifill/wasifill/internal/testenv"
	"github.com/wasifill/wasifill/witparse"
	"github.com/wasifill/wasifill/witparse/token"
)

// conformanceOptions are the reference run's: feature `active` enabled.
var conformanceOptions = witparse.Options{Features: []string{"active"}}

// TestConformanceSuccess resolves every success case of the wasm-tools UI
// corpus and compares the JSON with wasm-tools' expected output.
func TestConformanceSuccess(t *testing.T) {
	root := testenv.WITCorpus(t)
	expected, _ := filepath.Glob(filepath.Join(root, "*.wit.json"))
	if len(expected) == 0 {
		t.Fatalf("no cases in %s", root)
	}
	pass := 0
	for _, exp := range expected {
		input := strings.TrimSuffix(exp, ".wit.json")
		if _, err := os.Stat(input + ".wit"); err == nil {
			input += ".wit"
		}
		name := filepath.Base(input)
		if _, err := os.Stat(input + ".wat"); err == nil {
			input += ".wat"
		}
		want, err := os.ReadFile(exp)
		if err != nil {
			t.Fatal(err)
		}
		r, _, err := witparse.Load(input, conformanceOptions)
		if err != nil {
			t.Errorf("%s: %v", name, err)
			continue
		}
		got, err := witparse.EncodeJSON(r)
		if err != nil {
			t.Errorf("%s: encode: %v", name, err)
			continue
		}
		gc, err := canonicalize(got)
		if err != nil {
			t.Fatalf("%s: our JSON does not decode: %v", name, err)
		}
		wc, err := canonicalize(want)
		if err != nil {
			t.Fatalf("%s: expected JSON does not decode: %v", name, err)
		}
		if d := firstDiff("", gc, wc); d != "" {
			t.Errorf("%s: %s", name, d)
			continue
		}
		pass++
	}
	t.Logf("success cases: %d/%d agree with wasm-tools", pass, len(expected))
}

// TestConformanceFailure: every failure case is rejected with a positioned
// error; the test counts how many messages match wasm-tools' exactly.
func TestConformanceFailure(t *testing.T) {
	root := filepath.Join(testenv.WITCorpus(t), "parse-fail")
	results, _ := filepath.Glob(filepath.Join(root, "*.wit.result"))
	rejected, positioned, sameMsg, samePos, withPos, stale := 0, 0, 0, 0, 0, 0
	posRE := regexp.MustCompile(`--> (\S+):(\d+):(\d+)`)
	for _, res := range results {
		input := strings.TrimSuffix(res, ".result")
		if _, err := os.Stat(input); err != nil {
			input = strings.TrimSuffix(input, ".wit")
		}
		if _, err := os.Stat(input); err != nil {
			t.Logf("%s: NOT RUN: the corpus has a result but no input", filepath.Base(res))
			stale++
			continue
		}
		want, _ := os.ReadFile(res)
		// The message is everything before the position line.
		wantMsg, _, _ := strings.Cut(string(want), "\n     --> ")
		wantMsg = strings.TrimSpace(wantMsg)
		_, _, err := witparse.Load(input, conformanceOptions)
		if err == nil {
			t.Errorf("%s: accepted; wasm-tools says %q", filepath.Base(input), wantMsg)
			continue
		}
		rejected++
		var list token.ErrorList
		if errors.As(err, &list) {
			positioned++
			if m := posRE.FindStringSubmatch(string(want)); m != nil {
				withPos++
				got := fmt.Sprintf("%s:%d:%d", filepath.Base(list[0].Pos.Filename), list[0].Pos.Line, list[0].Pos.Column)
				if w := filepath.Base(m[1]) + ":" + m[2] + ":" + m[3]; got == w {
					samePos++
				} else {
					t.Logf("%s: position differs: got %s, want %s", filepath.Base(input), got, w)
				}
			}
			if strings.HasSuffix(wantMsg, list[0].Msg) || strings.Contains(wantMsg, list[0].Msg) {
				sameMsg++
			} else {
				t.Logf("%s: message differs: got %q at %s, want %q", filepath.Base(input), list[0].Msg, list[0].Pos, wantMsg)
			}
		} else if strings.Contains(string(want), "-->") {
			t.Errorf("%s: error without a position: %v", filepath.Base(input), err)
		}
	}
	t.Logf("failure cases: %d/%d rejected, %d with a position, %d/%d at wasm-tools' position, %d with wasm-tools' message",
		rejected, len(results)-stale, positioned, samePos, withPos, sameMsg)
	// A ratchet on the corpus shipped in shared/: raise it as messages improve.
	if len(results) == 75 && (positioned < 73 || sameMsg < 73 || samePos < 71) {
		t.Errorf("regression: %d positioned (want 73), %d at wasm-tools' position (want 71), %d messages as wasm-tools' (want 73)",
			positioned, samePos, sameMsg)
	}
}
