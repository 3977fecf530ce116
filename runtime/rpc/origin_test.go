package rpc_test

import (
	"testing"
	"time"

	"github.com/wasifill/wasifill/runtime/rpc"
)

// Every bound reads back from the wording DeadlineSetBy gives it, with
// and without an extension; the wording is what messages have always said.
func TestDeadlineSetByRoundTrip(t *testing.T) {
	want := map[rpc.DeadlineOrigin]string{
		rpc.OriginHostDefault:      "the host default",
		rpc.OriginComponentTimeout: "the component timeout",
		rpc.OriginLinkTimeout:      "the link timeout",
		rpc.OriginCaller:           "the caller's deadline",
	}
	for o, text := range want {
		for _, extended := range []bool{false, true} {
			hop := rpc.Hop{Deadline: 1500 * time.Millisecond, DeadlineFrom: o, DeadlineExtended: extended}
			s := hop.DeadlineSetBy()
			if wantText := text + map[bool]string{false: "", true: " + extend() to 1500 ms"}[extended]; s != wantText {
				t.Errorf("%v extended=%v worded %q, want %q", o, extended, s, wantText)
			}
			if got, ext := rpc.ParseDeadlineSetBy(s); got != o || ext != extended {
				t.Errorf("%q read as %v extended=%v", s, got, ext)
			}
		}
	}
	if s := rpc.DeadlineOrigin(200).String(); s != rpc.OriginUnknown.String() {
		t.Errorf("an out-of-range origin is worded %q", s)
	}
}
