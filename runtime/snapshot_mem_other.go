//go:build !linux

package runtime

import (
	"github.com/tetratelabs/wazero/api"
	"github.com/tetratelabs/wazero/experimental"
)

// imageFile is unused: instances copy the image.
type imageFile struct{}

func (img *image) share()                                          {}
func (img *image) allocateMapped(uint64) experimental.LinearMemory { return nil }
func (img *image) isMapped(api.Memory) bool                        { return false }
