package wasip2

import (
	"context"
	"fmt"

	"github.com/wasifill/wasifill/runtime"
	"github.com/wasifill/wasifill/value"
)

// sockets are not granted: every function that can fail answers
// err(access-denied); the others trap saying so.
var socketInterfaces = []string{"network", "instance-network", "tcp", "tcp-create-socket", "udp",
	"udp-create-socket", "ip-name-lookup"}

func (h *host) defineSockets() {
	for _, iface := range socketInterfaces {
		h.rt.DefineInstanceMaker(name("wasi:sockets/"+iface), notPermitted)
	}
}

func notPermitted(fn string, _, results []*value.Type) runtime.HostFunc {
	if len(results) == 1 && results[0].Kind == value.KindResult && results[0].Err != nil && results[0].Err.Kind == value.KindEnum {
		for i, l := range results[0].Err.Labels {
			if l == "access-denied" {
				return func(context.Context, []value.Value) ([]value.Value, error) {
					return ret(value.Err(value.Enum(i)))
				}
			}
		}
	}
	return func(context.Context, []value.Value) ([]value.Value, error) {
		return nil, fmt.Errorf("wasi: sockets are not permitted (%s)", fn)
	}
}
