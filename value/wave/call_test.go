package wave_test

import (
	"testing"

	"github.com/wasifill/wasifill/value/wave"
)

func TestParseCall(t *testing.T) {
	cases := []struct {
		in   string
		want wave.Call
	}{
		{`acme:kv/store@1.0.0#get("k")`, wave.Call{Interface: "acme:kv/store@1.0.0", Function: "get", Args: `"k"`}},
		{`greet("a, b", [1, 2])`, wave.Call{Function: "greet", Args: `"a, b", [1, 2]`}},
		{` run() `, wave.Call{Function: "run"}},
		{`wasi:cli/run@0.2.0#run()`, wave.Call{Interface: "wasi:cli/run@0.2.0", Function: "run"}},
		{`a:b/c#[method]blob.read(3)`, wave.Call{Interface: "a:b/c", Function: "[method]blob.read", Args: "3"}},
		{`%type(1)`, wave.Call{Function: "type", Args: "1"}},
	}
	for _, c := range cases {
		got, err := wave.ParseCall(c.in)
		if err != nil || got != c.want {
			t.Errorf("ParseCall(%q) = %+v, %v; want %+v", c.in, got, err, c.want)
		}
	}
	for _, bad := range []string{"get", "get(", "#get()", "a:b/c#()", "Get-x()", "a#b#c()x"} {
		if got, err := wave.ParseCall(bad); err == nil {
			t.Errorf("ParseCall(%q) = %+v, want an error", bad, got)
		}
	}
}
