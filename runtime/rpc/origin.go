package rpc

import (
	"fmt"
	"strconv"
	"strings"
)

// DeadlineOrigin says which bound set an invocation's deadline: the
// shortest of the caller's deadline, the link timeout, the component
// timeout and the host default wins (see Config.DefaultTimeout).
type DeadlineOrigin uint8

// The bounds that can set a deadline.
const (
	// OriginUnknown is a bound this host cannot name: a hop reported by
	// another host with a wording it does not know.
	OriginUnknown DeadlineOrigin = iota
	// OriginHostDefault is the host's default (Config.DefaultTimeout).
	OriginHostDefault
	// OriginComponentTimeout is the serving component's own timeout.
	OriginComponentTimeout
	// OriginLinkTimeout is the timeout of the link the call went through.
	OriginLinkTimeout
	// OriginCaller is the caller's deadline, which a nested invocation
	// inherits.
	OriginCaller
)

var originNames = [...]string{
	OriginUnknown:          "a bound the serving host did not name",
	OriginHostDefault:      "the host default",
	OriginComponentTimeout: "the component timeout",
	OriginLinkTimeout:      "the link timeout",
	OriginCaller:           "the caller's deadline",
}

// String is how an error message names the bound ("the host default",
// "the caller's deadline", …).
func (o DeadlineOrigin) String() string {
	if int(o) < len(originNames) {
		return originNames[o]
	}
	return originNames[OriginUnknown]
}

// extendedMark joins a bound and the extension the guest asked for in
// DeadlineSetBy's wording.
const extendedMark = " + extend() to "

// DeadlineSetBy says what set the hop's deadline, as error messages and
// logs word it: the bound, followed by " + extend() to N ms" when the
// guest extended it (N is Deadline).
func (h Hop) DeadlineSetBy() string {
	return setBy(h.DeadlineFrom, h.DeadlineExtended, h.Deadline.Milliseconds())
}

func setBy(o DeadlineOrigin, extended bool, deadlineMS int64) string {
	if !extended {
		return o.String()
	}
	return fmt.Sprintf("%s%s%d ms", o, extendedMark, deadlineMS)
}

// ParseDeadlineSetBy reads DeadlineSetBy's wording back (as another host
// sent it): the bound, and whether the guest extended it. A wording it
// does not know is OriginUnknown, never an error: a peer may name bounds
// this host does not.
func ParseDeadlineSetBy(s string) (origin DeadlineOrigin, extended bool) {
	base, rest, extended := strings.Cut(s, extendedMark)
	if extended {
		ms, ok := strings.CutSuffix(rest, " ms")
		if _, err := strconv.ParseUint(ms, 10, 63); !ok || err != nil {
			return OriginUnknown, false
		}
	}
	for o := OriginHostDefault; int(o) < len(originNames); o++ {
		if originNames[o] == base {
			return o, extended
		}
	}
	return OriginUnknown, false
}
