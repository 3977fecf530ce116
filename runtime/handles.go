package runtime

import (
	"context"
	"fmt"
	"sync"

	"github.com/wasifill/wasifill/canon"
	"github.com/wasifill/wasifill/value"
)

// Resources. Each resource type has a runtime identity (a *resourceType):
// one per resource definition per component instance, or one per resource
// a host defines. Each component instance keeps a table of the handles its
// core code holds; Go code (host functions, callers of Instance.Call)
// holds handles in the runtime's host table, as value.Handle indices.
// Lifting an own handle moves it out of a table, lowering one moves it in;
// a borrow lowered into the instance that defines the resource is its rep.

// resourceType is a resource type's runtime identity.
type resourceType struct {
	name  string
	owner *handleTable // the instance that defines it; nil for host resources
	dtor  func(ctx context.Context, rep uint32) error
}

type handleEntry struct {
	res   *resourceType
	rep   uint32
	own   bool
	inUse bool
}

// handleTable is one component instance's (or the host's) handles.
type handleTable struct {
	mu      sync.Mutex
	entries []handleEntry
	free    []uint32
}

func newHandleTable() *handleTable { return &handleTable{} }

// HandleError is a handle that does not exist, has the wrong type, or is
// used against the own/borrow rules.
type HandleError struct{ Msg string }

func (e *HandleError) Error() string { return "runtime: handle: " + e.Msg }

func (t *handleTable) add(e handleEntry) uint32 {
	t.mu.Lock()
	defer t.mu.Unlock()
	e.inUse = true
	if n := len(t.free); n > 0 {
		i := t.free[n-1]
		t.free = t.free[:n-1]
		t.entries[i] = e
		return i
	}
	t.entries = append(t.entries, e)
	return uint32(len(t.entries) - 1)
}

func (t *handleTable) get(i uint32, res *resourceType) (handleEntry, error) {
	t.mu.Lock()
	defer t.mu.Unlock()
	if int(i) >= len(t.entries) || !t.entries[i].inUse {
		return handleEntry{}, &HandleError{fmt.Sprintf("no handle %d", i)}
	}
	e := t.entries[i]
	if res != nil && e.res != res {
		return handleEntry{}, &HandleError{fmt.Sprintf("handle %d is a %s, not a %s", i, e.res.name, res.name)}
	}
	return e, nil
}

func (t *handleTable) remove(i uint32, res *resourceType) (handleEntry, error) {
	e, err := t.get(i, res)
	if err != nil {
		return e, err
	}
	t.mu.Lock()
	t.entries[i] = handleEntry{}
	t.free = append(t.free, i)
	t.mu.Unlock()
	return e, nil
}

// callHandles implements canon.HandleTable for one call: between a guest
// table and the host table, with the resource types resolved through the
// converter's resource map.
type callHandles struct {
	guest *handleTable
	host  *handleTable
	types func(t *value.Type) *resourceType
	// borrowed are handles lent for the duration of the call, removed
	// when it ends.
	borrowed []lent
}

type lent struct {
	table *handleTable
	index uint32
}

func (h *callHandles) typeOf(t *value.Type) (*resourceType, error) {
	res := h.types(t)
	if res == nil {
		return nil, &HandleError{fmt.Sprintf("resource %s has no runtime type here", t.Resource)}
	}
	return res, nil
}

// LiftOwn moves an own handle from the guest to the host.
func (h *callHandles) LiftOwn(t *value.Type, index uint32) (value.Value, error) {
	res, err := h.typeOf(t)
	if err != nil {
		return nil, err
	}
	e, err := h.guest.remove(index, res)
	if err != nil {
		return nil, err
	}
	if !e.own {
		return nil, &HandleError{fmt.Sprintf("handle %d is borrowed; it cannot be given away", index)}
	}
	return value.Handle(h.host.add(e)), nil
}

// LiftBorrow lends a guest's handle to the host for the call.
func (h *callHandles) LiftBorrow(t *value.Type, index uint32) (value.Value, error) {
	res, err := h.typeOf(t)
	if err != nil {
		return nil, err
	}
	e, err := h.guest.get(index, res)
	if err != nil {
		return nil, err
	}
	e.own = false
	i := h.host.add(e)
	h.borrowed = append(h.borrowed, lent{h.host, i})
	return value.Handle(i), nil
}

// hostHandle checks that v is a handle of t's resource.
func (h *callHandles) hostHandle(t *value.Type, v value.Value) (*resourceType, value.Handle, error) {
	res, err := h.typeOf(t)
	if err != nil {
		return nil, 0, err
	}
	hv, ok := v.(value.Handle)
	if !ok {
		return nil, 0, &HandleError{fmt.Sprintf("%T is not a handle", v)}
	}
	return res, hv, nil
}

// LowerOwn moves a host handle into the guest.
func (h *callHandles) LowerOwn(t *value.Type, v value.Value) (uint32, error) {
	res, hv, err := h.hostHandle(t, v)
	if err != nil {
		return 0, err
	}
	e, err := h.host.remove(uint32(hv), res)
	if err != nil {
		return 0, err
	}
	if !e.own {
		return 0, &HandleError{fmt.Sprintf("handle %d is borrowed; it cannot be given away", hv)}
	}
	return h.guest.add(e), nil
}

// LowerBorrow lends a host handle to the guest for the call: the rep, if
// the guest defines the resource, else a handle removed after the call.
func (h *callHandles) LowerBorrow(t *value.Type, v value.Value) (uint32, error) {
	res, hv, err := h.hostHandle(t, v)
	if err != nil {
		return 0, err
	}
	e, err := h.host.get(uint32(hv), res)
	if err != nil {
		return 0, err
	}
	if res.owner == h.guest {
		return e.rep, nil
	}
	e.own = false
	i := h.guest.add(e)
	h.borrowed = append(h.borrowed, lent{h.guest, i})
	return i, nil
}

// done ends the call's borrows.
func (h *callHandles) done() {
	for _, b := range h.borrowed {
		b.table.remove(b.index, nil)
	}
	h.borrowed = nil
}

var _ canon.HandleTable = (*callHandles)(nil)

// dropOwn drops an own handle's resource: its destructor runs.
func dropOwn(ctx context.Context, e handleEntry) error {
	if !e.own || e.res.dtor == nil {
		return nil
	}
	return e.res.dtor(ctx, e.rep)
}
