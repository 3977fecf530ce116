package compose_test

import (
	"errors"
	"strings"
	"testing"

	"github.com/wasifill/wasifill/compose"
	"github.com/wasifill/wasifill/internal/component"
	"github.com/wasifill/wasifill/internal/componentize"
	"github.com/wasifill/wasifill/internal/hostile"
	"github.com/wasifill/wasifill/internal/wasmbin"
)

// TestHostileModulesRefused: inspect and componentize refuse every hostile
// core module, and compose every component carrying one, with the
// validator's *wasmbin.DecodeError instead of reporting on it or wrapping
// it into a component.
func TestHostileModulesRefused(t *testing.T) {
	empty := &component.Type{Kind: component.KindComponent}
	for _, c := range hostile.Modules() {
		t.Run(c.Name, func(t *testing.T) {
			var de *wasmbin.DecodeError
			if _, err := compose.Inspect(c.Wasm); !errors.As(err, &de) || !strings.Contains(err.Error(), c.Want) {
				t.Errorf("inspect: want a DecodeError saying %q, got %v", c.Want, err)
			}
			_, err := componentize.New(c.Wasm, componentize.Options{World: empty})
			if !errors.As(err, &de) || !strings.Contains(err.Error(), c.Want) {
				t.Errorf("componentize: want a DecodeError saying %q, got %v", c.Want, err)
			}
			wrapped := append([]byte{0x00, 0x61, 0x73, 0x6d, 0x0d, 0x00, 0x01, 0x00}, hostile.Sec(wasmbin.SecCoreModule, c.Wasm)...)
			_, err = compose.Plug(compose.Part{Name: "user", Bytes: wrapped}, nil)
			if !errors.As(err, &de) || !strings.Contains(err.Error(), c.Want) {
				t.Errorf("compose: want a DecodeError saying %q, got %v", c.Want, err)
			}
		})
	}
}
