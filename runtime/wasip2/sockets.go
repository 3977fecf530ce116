package wasip2

import (
	"context"
	"fmt"

	"github.com/wasifill/wasifill/internal/component"
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

func notPermitted(fn string, ft *component.Type) runtime.HostFunc {
	if r := ft.Result; r != nil && r.Kind == component.KindResult && r.Err != nil && r.Err.Kind == component.KindEnum {
		for i, l := range r.Err.Labels {
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
