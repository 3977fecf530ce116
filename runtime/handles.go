package runtime

import "github.com/wasifill/wasifill/canon"

// handleTable is a component instance's table of resource handles.
type handleTable struct{}

func newHandleTable() *handleTable { return &handleTable{} }

// forCall returns the canon.HandleTable one call lifts and lowers through.
func (t *handleTable) forCall() canon.HandleTable { return nil }
