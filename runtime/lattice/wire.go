package lattice

import (
	"encoding/json"
	"fmt"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/nats-io/nats.go/micro"

	"github.com/wasifill/wasifill/runtime/rpc"
)

// The headers of a request. The body is the wire-encoded params.
const (
	hdrInterface = "Wasifill-Interface"
	hdrFunction  = "Wasifill-Function"
	// hdrCaller is the calling target's name: a claim, not an identity.
	hdrCaller = "Wasifill-Caller"
	// hdrRemaining is the caller's remaining time in milliseconds
	// (rounded up), measured just before the request is published (so
	// hosts need no clock agreement); the serving host counts it from
	// receipt.
	hdrRemaining = "Wasifill-Remaining-Ms"
	// hdrDepth is the invocation's depth in its chain.
	hdrDepth = "Wasifill-Depth"
	// hdrChain is the chain so far: "caller@host" entries, outermost
	// first, comma-separated.
	hdrChain = "Wasifill-Chain"
)

// A failed invocation's reply carries micro's error headers (code: the
// rpc-error case, description: its message) and a JSON body: the error
// and the chain as the serving hosts saw it.

// Bounds on what comes from the network.
const (
	// maxDepth bounds a chain's depth across hosts: a deeper request is
	// refused with denied (a loop between hosts ends there).
	maxDepth = 64
	// maxHops bounds the hops an error reply carries.
	maxHops = 32
	// maxText bounds every string of an error reply.
	maxText = 2048
	// maxRemaining bounds the time a request may ask for (the host
	// default and MaxExecution bound it further).
	maxRemaining = 24 * time.Hour
	// maxChainHeader bounds the chain header.
	maxChainHeader = 4096
)

// validName reports whether s can be a lattice or component name on the
// lattice: a NATS subject token and a micro service name, 1–128 of
// [A-Za-z0-9_-]. (Written out: the equivalent regexp costs ~2 ms of every
// process's start-up to compile.)
func validName(s string) bool {
	if len(s) == 0 || len(s) > 128 {
		return false
	}
	for i := 0; i < len(s); i++ {
		c := s[i]
		if !('a' <= c && c <= 'z' || 'A' <= c && c <= 'Z' || '0' <= c && c <= '9' || c == '_' || c == '-') {
			return false
		}
	}
	return true
}

// subject is where target is served on lattice.
func subject(lattice, target string) string { return "wasifill." + lattice + "." + target }

type wireHop struct {
	Depth        int    `json:"depth"`
	Target       string `json:"target"`
	Call         string `json:"call,omitempty"`
	Host         string `json:"host,omitempty"`
	DeadlineUs   int64  `json:"deadline_us"`
	DeadlineFrom string `json:"deadline_from,omitempty"`
	ElapsedUs    int64  `json:"elapsed_us"`
	Kind         string `json:"kind,omitempty"`
	Msg          string `json:"msg,omitempty"`
}

type wireError struct {
	Kind  string    `json:"kind"`
	Msg   string    `json:"msg,omitempty"`
	Chain []wireHop `json:"chain,omitempty"`
}

var kinds = map[string]rpc.ErrorKind{}

func init() {
	for k := rpc.DeadlineExceeded; k <= rpc.Denied; k++ {
		kinds[kindName(k)] = k
	}
}

// kindName is the rpc-error case's name ("deadline-exceeded", …).
func kindName(k rpc.ErrorKind) string {
	name, _, _ := strings.Cut(strings.TrimPrefix((&rpc.Error{Kind: k}).Error(), "rpc: "), ":")
	return name
}

func clip(s string) string {
	if len(s) <= maxText {
		return s
	}
	n := maxText
	for n > maxText-utf8.UTFMax && !utf8.RuneStart(s[n]) {
		n-- // never cut a character in two
	}
	return s[:n] + "…"
}

// encodeError is the body of an error reply.
func encodeError(err *rpc.RemoteError) []byte {
	w := wireError{Kind: kindName(err.Err.Kind), Msg: clip(err.Err.Msg)}
	for i, h := range err.Chain {
		if i == maxHops {
			break
		}
		wh := wireHop{Depth: h.Depth, Target: clip(h.Target), Call: clip(h.Call), Host: clip(h.Host),
			DeadlineUs: h.Deadline.Microseconds(), DeadlineFrom: h.DeadlineSetBy(), ElapsedUs: h.Elapsed.Microseconds()}
		if re := asRPC(h.Err); re != nil {
			wh.Kind, wh.Msg = kindName(re.Kind), clip(re.Msg)
		}
		w.Chain = append(w.Chain, wh)
	}
	b, _ := json.Marshal(w)
	return b
}

// decodeError reads an error reply; what it cannot read becomes a decode
// error naming code and description from the headers.
func decodeError(code, desc string, body []byte) error {
	var w wireError
	if err := json.Unmarshal(body, &w); err != nil {
		if k, ok := kinds[code]; ok {
			return &rpc.Error{Kind: k, Msg: clip(desc)}
		}
		return &rpc.Error{Kind: rpc.Decode, Msg: clip(fmt.Sprintf("an error reply that does not decode (%s: %s)", clip(code), clip(desc)))}
	}
	k, ok := kinds[w.Kind]
	if !ok {
		return &rpc.Error{Kind: rpc.Decode, Msg: clip(fmt.Sprintf("an error reply of unknown case %q", clip(w.Kind)))}
	}
	out := &rpc.RemoteError{Err: &rpc.Error{Kind: k, Msg: clip(w.Msg)}}
	for i, h := range w.Chain {
		if i == maxHops {
			break
		}
		hop := rpc.Hop{Depth: min(max(h.Depth, 0), maxDepth), Target: clip(h.Target), Call: clip(h.Call), Host: clip(h.Host),
			Deadline: micros(h.DeadlineUs), Elapsed: micros(h.ElapsedUs)}
		// The wording DeadlineSetBy gives, as hosts have always sent it: a
		// bound this host does not know is OriginUnknown.
		hop.DeadlineFrom, hop.DeadlineExtended = rpc.ParseDeadlineSetBy(h.DeadlineFrom)
		if hk, ok := kinds[h.Kind]; ok {
			hop.Err = &rpc.Error{Kind: hk, Msg: clip(h.Msg)}
		}
		out.Chain = append(out.Chain, hop)
	}
	return out
}

func micros(us int64) time.Duration {
	return time.Duration(min(max(us, 0), int64(maxRemaining/time.Microsecond))) * time.Microsecond
}

// parseRemaining reads the remaining-time header.
func parseRemaining(s string) (time.Duration, error) {
	ms, err := strconv.ParseUint(s, 10, 64)
	if err != nil {
		return 0, fmt.Errorf("%s %q is not a count of milliseconds", hdrRemaining, clip(s))
	}
	return min(time.Duration(min(ms, uint64(maxRemaining/time.Millisecond)))*time.Millisecond, maxRemaining), nil
}

// errorHeaders are micro's error headers, so `nats micro` tools and
// plain NATS clients see a failed request as one.
func errorHeaders(err *rpc.RemoteError) micro.Headers {
	desc := clip(err.Err.Msg)
	if desc == "" {
		desc = kindName(err.Err.Kind)
	}
	return micro.Headers{micro.ErrorCodeHeader: {kindName(err.Err.Kind)}, micro.ErrorHeader: {desc}}
}
