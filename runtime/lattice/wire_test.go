package lattice

import (
	"encoding/json"
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/wasifill/wasifill/runtime/rpc"
)

// A chain crosses the wire with each hop's bound as hosts have always
// worded it ("the link timeout + extend() to 500 ms"), and comes back
// typed.
func TestWireDeadlineOrigin(t *testing.T) {
	in := &rpc.RemoteError{Err: &rpc.Error{Kind: rpc.DeadlineExceeded}, Chain: []rpc.Hop{
		{Depth: 0, Target: "a", Deadline: time.Second, DeadlineFrom: rpc.OriginHostDefault},
		{Depth: 1, Target: "b", Deadline: time.Second, DeadlineFrom: rpc.OriginCaller},
		{Depth: 2, Target: "c", Deadline: 500 * time.Millisecond, DeadlineFrom: rpc.OriginLinkTimeout, DeadlineExtended: true},
		{Depth: 3, Target: "d", Deadline: time.Second, DeadlineFrom: rpc.OriginComponentTimeout},
	}}
	body := encodeError(in)
	if !strings.Contains(string(body), `"deadline_from":"the link timeout + extend() to 500 ms"`) {
		t.Errorf("the wire does not carry the extended link timeout as worded: %s", body)
	}
	var out *rpc.RemoteError
	if err := decodeError("", "", body); !errors.As(err, &out) {
		t.Fatalf("decodeError = %v", err)
	}
	if len(out.Chain) != len(in.Chain) {
		t.Fatalf("%d hops came back, want %d", len(out.Chain), len(in.Chain))
	}
	for i, h := range out.Chain {
		if h.DeadlineFrom != in.Chain[i].DeadlineFrom || h.DeadlineExtended != in.Chain[i].DeadlineExtended {
			t.Errorf("hop %d: %v extended=%v, want %v extended=%v", i, h.DeadlineFrom, h.DeadlineExtended,
				in.Chain[i].DeadlineFrom, in.Chain[i].DeadlineExtended)
		}
	}
}

// A bound the receiving host does not know — a newer peer's wording, or
// hostile text of any length — becomes rpc.OriginUnknown: nothing of it
// is shown.
func TestWireUnknownDeadlineOrigin(t *testing.T) {
	for _, from := range []string{
		"the moon's phase",
		"the host default + extend() to many ms",
		"the host default + extend() to 99999999999999999999999 ms",
		"\x1b[2J" + strings.Repeat("x", 1<<20),
		"the host default ",
	} {
		body := `{"kind":"deadline-exceeded","chain":[{"depth":0,"target":"a","deadline_us":1000,"deadline_from":` +
			quote(from) + `,"elapsed_us":1000}]}`
		var out *rpc.RemoteError
		if err := decodeError("", "", []byte(body)); !errors.As(err, &out) || len(out.Chain) != 1 {
			t.Fatalf("decodeError(%.40q) = %v", from, err)
		}
		hop := out.Chain[0]
		if hop.DeadlineFrom != rpc.OriginUnknown || hop.DeadlineExtended {
			t.Errorf("%.40q read as %v extended=%v", from, hop.DeadlineFrom, hop.DeadlineExtended)
		}
		if got := hop.DeadlineSetBy(); got != rpc.OriginUnknown.String() {
			t.Errorf("%.40q shown as %q", from, got)
		}
	}
}

func quote(s string) string {
	b, _ := json.Marshal(s)
	return string(b)
}

// FuzzDecodeError reads hostile error replies as a caller does: every
// body gives a typed error with its texts clipped, at most maxHops hops
// and bounded durations, and a decoded chain survives being sent on
// unchanged (what a relaying host does).
func FuzzDecodeError(f *testing.F) {
	f.Add("", "", []byte(`{"kind":"deadline-exceeded","msg":"m","chain":[{"depth":1,"target":"a","deadline_us":5,"deadline_from":"the link timeout"}]}`))
	f.Add("503", "no responders", []byte("not json"))
	f.Add("", "", []byte(`{"kind":"trap","chain":[{"depth":-7,"elapsed_us":-1,"kind":"nope"}]}`))
	f.Add("", "", []byte(`{"kind":"trap","msg":"a`+strings.Repeat("é", 1500)+`"}`))
	f.Fuzz(func(t *testing.T, code, desc string, body []byte) {
		err := decodeError(code, desc, body)
		var re *rpc.RemoteError
		if !errors.As(err, &re) {
			var e *rpc.Error
			if !errors.As(err, &e) {
				t.Fatalf("%T is not an rpc-error", err)
			}
			if len(e.Msg) > maxText+len("…") {
				t.Fatalf("message of %d bytes", len(e.Msg))
			}
			return
		}
		if len(re.Chain) > maxHops || len(re.Err.Msg) > maxText+len("…") {
			t.Fatalf("%d hops, message of %d bytes", len(re.Chain), len(re.Err.Msg))
		}
		for _, h := range re.Chain {
			if h.Depth < 0 || h.Depth > maxDepth || h.Deadline < 0 || h.Deadline > maxRemaining || h.Elapsed < 0 || h.Elapsed > maxRemaining {
				t.Fatalf("hop out of bounds: %+v", h)
			}
		}
		again := decodeError("", "", encodeError(re))
		var re2 *rpc.RemoteError
		if !errors.As(again, &re2) || re2.Err.Kind != re.Err.Kind || re2.Err.Msg != re.Err.Msg || len(re2.Chain) != len(re.Chain) {
			t.Fatalf("sent on: %v, then %v", err, again)
		}
		for i := range re.Chain {
			a, b := re.Chain[i], re2.Chain[i]
			if a.Depth != b.Depth || a.Target != b.Target || a.Host != b.Host || a.Deadline != b.Deadline ||
				a.DeadlineFrom != b.DeadlineFrom || (a.Err == nil) != (b.Err == nil) {
				t.Fatalf("hop %d sent on: %+v, then %+v", i, a, b)
			}
		}
	})
}
