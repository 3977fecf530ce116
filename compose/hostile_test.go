package compose_test

import (
	"errors"
	"strings"
	"testing"

	"github.com/wasifill/wasifill/component"
	"github.com/wasifill/wasifill/compose"
	"github.com/wasifill/wasifill/internal/hostile"
	"github.com/wasifill/wasifill/wasmbin"
)

// TestHostileModulesRefused: inspect and componentize refuse every hostile
// core module with the validator's *wasmbin.DecodeError instead of
// reporting on it or wrapping it into a component.
func TestHostileModulesRefused(t *testing.T) {
	empty := &component.Type{Kind: component.KindComponent}
	for _, c := range hostile.Modules() {
		t.Run(c.Name, func(t *testing.T) {
			var de *wasmbin.DecodeError
			if _, err := compose.Inspect(c.Wasm); !errors.As(err, &de) || !strings.Contains(err.Error(), c.Want) {
				t.Errorf("inspect: want a DecodeError saying %q, got %v", c.Want, err)
			}
			_, err := compose.Componentize(c.Wasm, compose.ComponentizeOptions{World: empty})
			if !errors.As(err, &de) || !strings.Contains(err.Error(), c.Want) {
				t.Errorf("componentize: want a DecodeError saying %q, got %v", c.Want, err)
			}
		})
	}
}
