package scanner_test

import (
	"strings"
	"testing"

	"github.com/wasifill/wasifill/witparse/scanner"
)

func kinds(t *testing.T, src string) ([]scanner.Kind, []string) {
	t.Helper()
	s := scanner.New([]byte(src))
	var ks []scanner.Kind
	var texts []string
	for {
		tok, err := s.Next()
		if err != nil {
			t.Fatalf("%q: %v", src, err)
		}
		if tok.Kind == scanner.EOF {
			return ks, texts
		}
		if tok.Kind == scanner.Whitespace {
			continue
		}
		ks = append(ks, tok.Kind)
		texts = append(texts, src[tok.Start:tok.End])
	}
}

func TestTokens(t *testing.T) {
	ks, texts := kinds(t, "package a:b@1.0.0; %type error-context -> /* a /* nested */ c */ x-y // end\n=,.;(){}<>*+-_")
	want := []scanner.Kind{scanner.Package, scanner.Ident, scanner.Colon, scanner.Ident, scanner.At, scanner.Integer,
		scanner.Period, scanner.Integer, scanner.Period, scanner.Integer, scanner.Semicolon, scanner.ExplicitID,
		scanner.ErrorContext, scanner.Arrow, scanner.Comment, scanner.Ident, scanner.Comment, scanner.Equals,
		scanner.Comma, scanner.Period, scanner.Semicolon, scanner.LParen, scanner.RParen, scanner.LBrace,
		scanner.RBrace, scanner.Less, scanner.Greater, scanner.Star, scanner.Plus, scanner.Minus, scanner.Underscore}
	if len(ks) != len(want) {
		t.Fatalf("got %d tokens %q, want %d", len(ks), texts, len(want))
	}
	for i := range want {
		if ks[i] != want[i] {
			t.Errorf("token %d %q: %s, want %s", i, texts[i], ks[i], want[i])
		}
	}
	if texts[14] != "/* a /* nested */ c */" {
		t.Errorf("nested block comment: %q", texts[14])
	}
}

func TestIdentifierRules(t *testing.T) {
	for _, ok := range []string{"a", "abc-def", "HTTP", "http3", "method-GET", "a1-B2"} {
		if err := scanner.ValidateID(ok); err != nil {
			t.Errorf("%s: %v", ok, err)
		}
	}
	for id, want := range map[string]string{
		"Foo":     "lowercase or all uppercase",
		"a--b":    "between '-'s",
		"a-":      "between '-'s",
		"1a":      "start with an ASCII letter",
		"a-1":     "start with an ASCII letter",
		"café":    "illegal character",
		"":        "empty",
		"a_b":     "illegal character",
		"fooBAR":  "lowercase or all uppercase",
		"x-yZ-qq": "lowercase or all uppercase",
	} {
		err := scanner.ValidateID(id)
		if err == nil || !strings.Contains(err.Error(), want) {
			t.Errorf("%q: got %v, want an error mentioning %q", id, err, want)
		}
	}
}

func TestErrorsMoveOn(t *testing.T) {
	s := scanner.New([]byte("$ a"))
	if _, err := s.Next(); err == nil {
		t.Fatal("$ scanned")
	}
	tok, err := s.Next()
	if err != nil || tok.Kind != scanner.Whitespace {
		t.Fatalf("after the error: %v, %v", tok, err)
	}
}

func TestKindString(t *testing.T) {
	if got := scanner.Type.String(); got != "keyword `type`" {
		t.Errorf("got %q", got)
	}
	if got := scanner.Greater.String(); got != "'>'" {
		t.Errorf("got %q", got)
	}
}

// Every keyword of the WIT grammar is recognised, as a word and in a
// scan; near misses are identifiers.
func TestKeywords(t *testing.T) {
	words := strings.Fields(`use type func u8 u16 u32 u64 s8 s16 s32 s64 f32 f64 float32 float64 char resource own
		borrow record flags variant enum bool string option result future stream error-context list map _ as from
		static interface tuple import export world package constructor async include with`)
	for _, w := range words {
		k, ok := scanner.Keyword(w)
		if !ok || k.String() != "keyword `"+w+"`" {
			t.Errorf("Keyword(%q) = %v, %v", w, k, ok)
		}
		if ks, _ := kinds(t, w); len(ks) != 1 || ks[0] != k {
			t.Errorf("scanning %q: %v, want [%v]", w, ks, k)
		}
	}
	for _, w := range []string{"", "x", "types", "Type", "u128", "error-contexts", "error", "_x", "with-", "mapp", "a"} {
		if k, ok := scanner.Keyword(w); ok {
			t.Errorf("Keyword(%q) = %v, want none", w, k)
		}
	}
}
