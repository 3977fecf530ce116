package golang_test

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"

	"github.com/wasifill/wasifill/gen/golang"
	"github.com/wasifill/wasifill/internal/filltest"
	"github.com/wasifill/wasifill/value"
	"github.com/wasifill/wasifill/witparse"
)

// fixedWIT has fixed-length lists as parameters, in a record, nested, and
// in the result; the parameters spill (18 flat values).
const fixedWIT = `package test:fixed;

interface types {
  record rgb { c: list<u8, 3>, w: list<u32, 2> }
}

interface arrays {
  use types.{rgb};
  mix: func(a: list<u8, 3>, b: list<u32, 2>, c: rgb, d: list<list<string, 2>, 2>) -> tuple<list<s16, 4>, rgb>;
}

world fixed {
  export arrays;
}
`

const fixedSource = `package main

import "user/bindings"

type fixed struct{}

func (fixed) Mix(a [3]uint8, b [2]uint32, c bindings.Rgb, d [2][2]string) bindings.Tuple2[[4]int16, bindings.Rgb] {
	out := [4]int16{int16(a[0]) - int16(a[2]), int16(b[1]), int16(len(d[1][0])), -1}
	c.C[0], c.W[1] = a[1], b[0]
	return bindings.Tuple2[[4]int16, bindings.Rgb]{F0: out, F1: c}
}

func init() { bindings.RegisterArrays(fixed{}) }

func main() {}
`

// loadWIT loads the WIT package src and returns its first world.
func loadWIT(t *testing.T, src string) (*witparse.Resolve, witparse.WorldID) {
	t.Helper()
	dir := t.TempDir()
	if err := os.WriteFile(filepath.Join(dir, "t.wit"), []byte(src), 0o644); err != nil {
		t.Fatal(err)
	}
	r, pkg, err := witparse.Load(dir, witparse.Options{})
	if err != nil {
		t.Fatal(err)
	}
	return r, r.Packages[pkg].Worlds[0].ID
}

// Fixed-length lists are Go arrays in guest and host bindings alike (as
// the fills carry them): a Go component on the guest bindings gets and
// returns them as the runtime passes them (the elements of list<T, N>,
// list<u8, N> as bytes), through a spilled parameter list.
func TestFixedLengthLists(t *testing.T) {
	r, world := loadWIT(t, fixedWIT)
	if _, err := golang.GenerateHost(r, world, "host"); err != nil {
		t.Fatalf("host bindings: %v", err)
	}
	comp := goGuest(t, r, world, "user", fixedSource)
	ctx := context.Background()
	rt := filltest.WASIRuntime(t)
	inst := filltest.Instantiate(ctx, t, rt, comp)
	defer inst.Close(ctx)
	out, err := inst.Call(ctx, "test:fixed/arrays#mix",
		[]byte{10, 20, 3},
		[]value.Value{uint32(7), uint32(9)},
		[]value.Value{[]byte{1, 2, 3}, []value.Value{uint32(4), uint32(5)}},
		[]value.Value{[]value.Value{"a", "b"}, []value.Value{"xyz", ""}})
	if err != nil {
		t.Fatal(err)
	}
	want := []value.Value{[]value.Value{
		[]value.Value{int16(7), int16(9), int16(3), int16(-1)},
		[]value.Value{[]byte{20, 2, 3}, []value.Value{uint32(4), uint32(7)}},
	}}
	if !reflect.DeepEqual(out, want) {
		t.Fatalf("mix = %#v, want %#v", out, want)
	}
}

// What the Go generator still refuses it names: the interface, the
// function or type, the construct and why.
func TestGuestRefusalsNamed(t *testing.T) {
	r, world := loadWIT(t, `package test:refuse;

interface feed {
  subscribe: func(topic: string) -> stream<u8>;
}

world w { import feed; }
`)
	_, err := golang.GenerateGuest(r, world, "bindings")
	var ue *golang.UnsupportedError
	if !errors.As(err, &ue) {
		t.Fatalf("err = %v, want an *UnsupportedError", err)
	}
	for _, want := range []string{"test:refuse/feed", "function subscribe", "streams", "async ABI"} {
		if !strings.Contains(err.Error(), want) {
			t.Errorf("%q does not say %q", err, want)
		}
	}
}
