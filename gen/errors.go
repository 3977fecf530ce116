package gen

import "fmt"

// UnsupportedError is a WIT construct a generator does not handle yet,
// named as docs/gen.md's support matrix names it.
type UnsupportedError struct {
	Generator string // "gen go", "gen rust"
	Item      string // e.g. "acme:kv/store@1.0.0: function watch"
	What      string // e.g. "resources"
	Why       string // why not, when there is more to say
}

func (e *UnsupportedError) Error() string {
	msg := fmt.Sprintf("%s: %s: %s are not supported yet", e.Generator, e.Item, e.What)
	if e.Why != "" {
		msg += " (" + e.Why + ")"
	}
	return msg
}

// NoHandlesOverRPC is why fills refuse resources.
const NoHandlesOverRPC = "fills carry calls over wasifill:rpc, and resource handles do not cross wasifill:rpc yet"
