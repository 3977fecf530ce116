package runtime

import (
	"context"
	"fmt"
	"sync"

	"github.com/wasifill/wasifill/internal/canon"
	"github.com/wasifill/wasifill/value"
)

// Resources. Each resource type has a runtime identity (a *resourceType):
// one per resource definition per component instance, or one per resource
// a host defines. Each component instance keeps a table of the handles its
// core code holds; Go code (host functions, callers of Instance.Call)
// holds handles in the runtime's host table, as value.Handle indices.
// Lifting an own handle moves it out of a table, lowering one moves it in;
// a borrow lowered into the instance that defines the resource is its rep.
//
// The tables follow the spec's Table and ResourceHandle (CanonicalABI.md):
// index 0 is reserved, so the first handle is 1 and a guest passing 0
// traps; a handle lent as a borrow counts its lends (num_lends) and cannot
// be moved or dropped until the call that borrowed it returns; a table
// holds at most MaxHandles handles, and fewer under the runtime's handle
// limit (WithHandleLimit).

// MaxHandles is the spec's Table.MAX_LENGTH: the largest index a handle
// table hands out (2^28-1).
const MaxHandles = 1<<28 - 1

// DefaultHandleLimit is the default number of live handles one table (one
// component instance's, or the host's) may hold.
const DefaultHandleLimit = 1 << 20

// resourceType is a resource type's runtime identity.
type resourceType struct {
	name  string
	owner *handleTable // the instance that defines it; nil for host resources
	dtor  func(ctx context.Context, rep uint32) error
}

type handleEntry struct {
	res    *resourceType
	rep    uint32
	own    bool
	inUse  bool
	lends  uint32 // borrows of this handle by calls in progress
	serial uint64 // which add made the entry, to tell reused indexes apart
}

// handleTable is one component instance's (or the host's) handles.
type handleTable struct {
	mu      sync.Mutex
	entries []handleEntry // entries[0] is reserved, never in use
	free    []uint32
	live    int
	serial  uint64
}

func newHandleTable() *handleTable { return &handleTable{entries: make([]handleEntry, 1)} }

// HandleError is a handle that does not exist, has the wrong type, or is
// used against the own/borrow rules.
type HandleError struct{ Msg string }

func (e *HandleError) Error() string { return "runtime: handle: " + e.Msg }

// HandleLimitError is a handle table that is full: a guest (or the host)
// holds Limit live handles and asked for one more.
type HandleLimitError struct{ Limit int }

func (e *HandleLimitError) Error() string {
	return fmt.Sprintf("runtime: handle table full: %d live handles (the limit)", e.Limit)
}

// add stores e and returns its index, refusing past limit live handles
// (limit 0 or above MaxHandles means MaxHandles).
func (t *handleTable) add(e handleEntry, limit int) (uint32, error) {
	if limit <= 0 || limit > MaxHandles {
		limit = MaxHandles
	}
	t.mu.Lock()
	defer t.mu.Unlock()
	if t.entries == nil {
		t.entries = make([]handleEntry, 1)
	}
	if t.live >= limit {
		return 0, &HandleLimitError{Limit: limit}
	}
	t.serial++
	e.inUse, e.lends, e.serial = true, 0, t.serial
	t.live++
	if n := len(t.free); n > 0 {
		i := t.free[n-1]
		t.free = t.free[:n-1]
		t.entries[i] = e
		return i, nil
	}
	t.entries = append(t.entries, e)
	return uint32(len(t.entries) - 1), nil
}

// lookup returns entry i after checking its resource type; t.mu is held.
func (t *handleTable) lookup(i uint32, res *resourceType) (*handleEntry, error) {
	if i == 0 || int(i) >= len(t.entries) || !t.entries[i].inUse {
		return nil, &HandleError{fmt.Sprintf("no handle %d", i)}
	}
	e := &t.entries[i]
	if res != nil && e.res != res {
		return nil, &HandleError{fmt.Sprintf("handle %d is a %s, not a %s", i, e.res.name, res.name)}
	}
	return e, nil
}

func (t *handleTable) get(i uint32, res *resourceType) (handleEntry, error) {
	t.mu.Lock()
	defer t.mu.Unlock()
	e, err := t.lookup(i, res)
	if err != nil {
		return handleEntry{}, err
	}
	return *e, nil
}

// remove takes handle i out of the table; a handle lent to a call in
// progress stays ("cannot remove owned resource while borrowed").
func (t *handleTable) remove(i uint32, res *resourceType) (handleEntry, error) {
	t.mu.Lock()
	defer t.mu.Unlock()
	e, err := t.lookup(i, res)
	if err != nil {
		return handleEntry{}, err
	}
	if e.lends != 0 {
		return handleEntry{}, &HandleError{fmt.Sprintf("cannot remove owned resource while borrowed (handle %d is lent to a call in progress)", i)}
	}
	out := *e
	t.entries[i] = handleEntry{}
	t.free = append(t.free, i)
	t.live--
	return out, nil
}

// lend marks handle i as borrowed by a call and returns it.
func (t *handleTable) lend(i uint32, res *resourceType) (handleEntry, error) {
	t.mu.Lock()
	defer t.mu.Unlock()
	e, err := t.lookup(i, res)
	if err != nil {
		return handleEntry{}, err
	}
	e.lends++
	return *e, nil
}

// release ends what a call did with entry i made by the add numbered
// serial: one lend returned, or the borrow copy removed. An entry that is
// gone (a callee dropped its borrow) is left alone.
func (t *handleTable) release(l lent) {
	t.mu.Lock()
	defer t.mu.Unlock()
	if int(l.index) >= len(t.entries) {
		return
	}
	e := &t.entries[l.index]
	if !e.inUse || e.serial != l.serial {
		return
	}
	if !l.copy {
		e.lends--
		return
	}
	t.entries[l.index] = handleEntry{}
	t.free = append(t.free, l.index)
	t.live--
}

// callHandles implements canon.HandleTable for one call: between a guest
// table and the host table, with the resource types resolved through the
// converter's resource map.
type callHandles struct {
	guest *handleTable
	host  *handleTable
	types func(t *value.Type) *resourceType
	limit int // live handles per table
	// lent are the handles the call borrowed (their lends end with it)
	// and the borrow copies it made (removed when it ends).
	lent []lent
}

type lent struct {
	table  *handleTable
	index  uint32
	serial uint64
	copy   bool
}

func (h *callHandles) typeOf(t *value.Type) (*resourceType, error) {
	res := h.types(t)
	if res == nil {
		return nil, &HandleError{fmt.Sprintf("resource %s has no runtime type here", t.Resource)}
	}
	return res, nil
}

// move takes an own handle out of from and adds it to to; when to is
// full, from keeps it.
func (h *callHandles) move(from, to *handleTable, res *resourceType, index uint32) (uint32, error) {
	e, err := from.get(index, res)
	if err != nil {
		return 0, err
	}
	if !e.own {
		return 0, &HandleError{fmt.Sprintf("handle %d is borrowed; it cannot be given away", index)}
	}
	i, err := to.add(e, h.limit)
	if err != nil {
		return 0, err
	}
	if _, err := from.remove(index, res); err != nil {
		c, _ := to.get(i, nil)
		to.release(lent{index: i, serial: c.serial, copy: true})
		return 0, err
	}
	return i, nil
}

// borrow lends handle index of from to the call and adds a borrow copy
// of it to to, removed when the call ends.
func (h *callHandles) borrow(from, to *handleTable, res *resourceType, index uint32) (uint32, error) {
	e, err := from.lend(index, res)
	if err != nil {
		return 0, err
	}
	h.lent = append(h.lent, lent{table: from, index: index, serial: e.serial})
	e.own = false
	i, err := to.add(e, h.limit)
	if err != nil {
		return 0, err
	}
	c, _ := to.get(i, nil)
	h.lent = append(h.lent, lent{table: to, index: i, serial: c.serial, copy: true})
	return i, nil
}

// LiftOwn moves an own handle from the guest to the host.
func (h *callHandles) LiftOwn(t *value.Type, index uint32) (value.Value, error) {
	res, err := h.typeOf(t)
	if err != nil {
		return nil, err
	}
	i, err := h.move(h.guest, h.host, res, index)
	return value.Handle(i), err
}

// LiftBorrow lends a guest's handle to the host for the call.
func (h *callHandles) LiftBorrow(t *value.Type, index uint32) (value.Value, error) {
	res, err := h.typeOf(t)
	if err != nil {
		return nil, err
	}
	i, err := h.borrow(h.guest, h.host, res, index)
	return value.Handle(i), err
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
	return h.move(h.host, h.guest, res, uint32(hv))
}

// LowerBorrow lends a host handle to the guest for the call: the rep, if
// the guest defines the resource, else a handle removed after the call.
func (h *callHandles) LowerBorrow(t *value.Type, v value.Value) (uint32, error) {
	res, hv, err := h.hostHandle(t, v)
	if err != nil {
		return 0, err
	}
	if res.owner == h.guest {
		e, err := h.host.lend(uint32(hv), res)
		if err != nil {
			return 0, err
		}
		h.lent = append(h.lent, lent{table: h.host, index: uint32(hv), serial: e.serial})
		return e.rep, nil
	}
	return h.borrow(h.host, h.guest, res, uint32(hv))
}

// done ends the call's borrows, newest first.
func (h *callHandles) done() {
	for i := len(h.lent) - 1; i >= 0; i-- {
		l := h.lent[i]
		l.table.release(l)
	}
	h.lent = nil
}

var _ canon.HandleTable = (*callHandles)(nil)

// dropOwn drops an own handle's resource: its destructor runs.
func dropOwn(ctx context.Context, e handleEntry) error {
	if !e.own || e.res.dtor == nil {
		return nil
	}
	return e.res.dtor(ctx, e.rep)
}
