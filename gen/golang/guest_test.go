package golang_test

import (
	"context"
	"testing"
	"time"

	"github.com/wasifill/wasifill/compose"
	"github.com/wasifill/wasifill/internal/filltest"
	"github.com/wasifill/wasifill/runtime/rpc"
)

// userSource is a Go component on the generated guest bindings: check
// calls every function of wasifill:guests/types and compares.
const userSource = `package main

import (
	"fmt"
	"math"

	"user/bindings"
)

type user struct{}

func (user) Check() string {
	p := bindings.Person{Name: "zoë", Age: 30, Tags: []string{"a", "b"},
		Home: bindings.Option[bindings.Point]{Some: true, Value: bindings.Point{X: -1, Y: 2}}}
	checks := []struct {
		name string
		ok   bool
	}{
		{"bool", bindings.TypesEchoBool(true)},
		{"s8", bindings.TypesEchoS8(-128) == -128},
		{"u8", bindings.TypesEchoU8(255) == 255},
		{"s16", bindings.TypesEchoS16(-32768) == -32768},
		{"u16", bindings.TypesEchoU16(65535) == 65535},
		{"s32", bindings.TypesEchoS32(math.MinInt32) == math.MinInt32},
		{"u32", bindings.TypesEchoU32(math.MaxUint32) == math.MaxUint32},
		{"s64", bindings.TypesEchoS64(math.MinInt64) == math.MinInt64},
		{"u64", bindings.TypesEchoU64(math.MaxUint64) == math.MaxUint64},
		{"f32", bindings.TypesEchoF32(-1.5) == -1.5},
		{"f64", bindings.TypesEchoF64(math.Inf(-1)) == math.Inf(-1)},
		{"char", bindings.TypesEchoChar('😀') == '😀'},
		{"string", bindings.TypesEchoString("héllo") == "héllo"},
		{"bytes", string(bindings.TypesEchoBytes([]byte{0, 1, 2})) == "\x00\x01\x02"},
		{"strings", fmt.Sprint(bindings.TypesEchoStrings([]string{"x", "", "yz"})) == "[x  yz]"},
		{"person", fmt.Sprint(bindings.TypesEchoPerson(p)) == fmt.Sprint(p)},
		{"shape", bindings.TypesEchoShape(bindings.Shape{Case: bindings.ShapeCaseLabel, Label: "l"}) == bindings.Shape{Case: bindings.ShapeCaseLabel, Label: "l"}},
		{"shape rect", bindings.TypesEchoShape(bindings.Shape{Case: bindings.ShapeCaseRect, Rect: bindings.Point{X: 3, Y: 4}}).Rect.Y == 4},
		{"color", bindings.TypesEchoColor(bindings.ColorGreen) == bindings.ColorGreen},
		{"perms", bindings.TypesEchoPerms(bindings.PermsRead|bindings.PermsExec) == bindings.PermsRead|bindings.PermsExec},
		{"option", bindings.TypesEchoOption(bindings.Option[string]{Some: true, Value: "v"}).Value == "v"},
		{"result", bindings.TypesEchoResult(bindings.Result[uint32, string]{IsErr: true, Err: "e"}).Err == "e"},
		{"tuple", bindings.TypesEchoTuple(bindings.Tuple3[uint8, string, float64]{F0: 1, F1: "t", F2: 2.5}) == bindings.Tuple3[uint8, string, float64]{F0: 1, F1: "t", F2: 2.5}},
		{"sum-many", bindings.TypesSumMany(1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16, 17, 18, 19, 20) == 210},
		{"describe", bindings.TypesDescribe(p) == "zoë (30) [a, b] at (-1, 2)"},
	}
	bindings.TypesNoResult(7)
	for _, c := range checks {
		if !c.ok {
			return "wrong: " + c.name
		}
	}
	return "ok"
}

func init() { bindings.RegisterGoUser(user{}) }

func main() {}
`

// goUserApp builds the Go component on the generated guest bindings
// (userSource) for wasip1, componentizes it and composes it with the
// generated import fill: its imports of wasifill:guests/types go out
// through wasifill:rpc/transport.
func goUserApp(t *testing.T) []byte {
	t.Helper()
	user := buildGoGuest(t, "go-user", userSource)
	app, err := compose.Plug(compose.Part{Name: "user.wasm", Bytes: user}, []compose.Part{{Name: "import-fill.wasm", Bytes: buildFill(t, "import")}})
	if err != nil {
		t.Fatal(err)
	}
	return app.Bytes
}

// A Go component written on the generated guest bindings calls every
// function of wasifill:guests/types through the generated import fill,
// the rpc host and the generated export fill into the all-types
// component: every value round-trips.
func TestGuestBindingsThroughFills(t *testing.T) {
	app := goUserApp(t)
	ctx := context.Background()
	rt := filltest.WASIRuntime(t)
	// One check call makes every round trip (each a cold start of a Go
	// export fill on a busy machine): values are under test here, not
	// deadlines, so the call gets a minute rather than the 2 s default.
	h := rpc.New(rt, rpc.Config{DefaultTimeout: time.Minute})
	filltest.ServeAllTypes(ctx, t, rt, h, buildFill(t, "export"))
	ac := filltest.Compile(ctx, t, rt, app)
	h.AddComponent("app", ac, 0)
	h.Link("app", "wasifill:guests/types@0.1.0", "types", 0)
	inst, appCtx := filltest.Enter(ctx, t, rt, h, "app", ac)
	out, err := inst.Call(appCtx, "check")
	if err != nil || out[0] != "ok" {
		t.Fatalf("check = %v, %v", out, err)
	}
}
