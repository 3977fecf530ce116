package main

import (
	"context"
	"fmt"

	"github.com/wasifill/wasifill/runtime/rpc"
)

// describeCallError says what stopped a call made with --config: for a
// missed deadline, the chain of invocations it ended — which component,
// which function, how long each ran and which bound set its deadline;
// the guest's stack trace is left out, it only shows where it was stopped.
func (f *runFlags) describeCallError(ctx context.Context, fn string, err error) string {
	chain := rpc.Chain(ctx)
	if len(chain) == 0 || !chain[0].DeadlineExceeded() {
		return describeRunError(ctx, err)
	}
	return "deadline exceeded\n" + rpc.FormatChain(chain, func(hop rpc.Hop) string {
		call, from := hop.Call, hop.DeadlineSetBy()
		if hop.Depth == 0 {
			call = fn
			if hop.DeadlineFrom == rpc.OriginHostDefault && !hop.DeadlineExtended && f.timeoutFrom != "" {
				from = f.timeoutFrom
			}
		}
		return fmt.Sprintf("%s: %s stopped after %d ms; its deadline was %d ms, set by %s", describeHop(hop), call,
			hop.Elapsed.Milliseconds(), hop.Deadline.Milliseconds(), from)
	})
}
