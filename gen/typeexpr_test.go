package gen

import (
	"errors"
	"fmt"
	"strings"
	"testing"

	"github.com/wasifill/wasifill/value"
)

// A bare name in a type expression is the interface's type of that name,
// wherever it sits in the expression; an unknown name is an error naming
// it and the interface.
func TestParseInterfaceType(t *testing.T) {
	r, _ := kvWorld(t, "wit", "app")
	store, ok := r.LookupInterface("acme:kv/store@1.0.0")
	if !ok {
		t.Fatal("no acme:kv/store@1.0.0")
	}
	got, err := ParseInterfaceType(r, store, "list<result<u8, error>>")
	if err != nil {
		t.Fatal(err)
	}
	// error is the store's variant: not-found(string), unavailable,
	// deadline-exceeded, other(string).
	e := got.Elem.Err
	if got.Kind != value.KindList || got.Elem.Kind != value.KindResult || got.Elem.Ok.Kind != value.KindU8 || e.Kind != value.KindVariant {
		t.Fatalf("got %s (%v), want list<result<u8, the store's error variant>>", got, e)
	}
	var cases []string
	for _, c := range e.Cases {
		cases = append(cases, fmt.Sprintf("%s:%v", c.Name, c.Type != nil && c.Type.Kind == value.KindString))
	}
	if want := "not-found:true unavailable:false deadline-exceeded:false other:true"; strings.Join(cases, " ") != want {
		t.Errorf("error cases %v, want %s", cases, want)
	}
	_, err = ParseInterfaceType(r, store, "option<nope>")
	if err == nil || !strings.Contains(err.Error(), "no type `nope` in interface acme:kv/store@1.0.0") {
		t.Errorf("unknown name: %v", err)
	}
	var tl *TypeTooLargeError
	if errors.As(err, &tl) {
		t.Errorf("unknown name reported as too large: %v", err)
	}
}
