package runtime

import (
	"context"
	"errors"
	"testing"

	"github.com/wasifill/wasifill/value"
)

func mustAdd(t *testing.T, table *handleTable, e handleEntry) uint32 {
	t.Helper()
	i, err := table.add(e, 0)
	if err != nil {
		t.Fatal(err)
	}
	return i
}

// The own/borrow rules at the handle-table level: borrows are not
// transferable, handles of another resource type are refused, lent
// handles end with the call, and an own handle moves exactly once.
func TestHandleRules(t *testing.T) {
	guest, host := newHandleTable(), newHandleTable()
	counter := &resourceType{name: "counter", owner: guest}
	other := &resourceType{name: "other"}
	ownT := &value.Type{Kind: value.KindOwn, Resource: "counter"}
	borrowT := &value.Type{Kind: value.KindBorrow, Resource: "counter"}
	types := func(*value.Type) *resourceType { return counter }
	call := &callHandles{guest: guest, host: host, types: types}
	var he *HandleError

	// A guest's own handle lifts to the host once.
	g := mustAdd(t, guest, handleEntry{res: counter, rep: 42, own: true})
	h, err := call.LiftOwn(ownT, g)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := call.LiftOwn(ownT, g); !errors.As(err, &he) {
		t.Errorf("lifting a moved handle again: err = %v", err)
	}
	// Lowering a borrow into the resource's owner passes the rep.
	if rep, err := call.LowerBorrow(borrowT, h); err != nil || rep != 42 {
		t.Errorf("borrow into the owner = %d, %v; want the rep 42", rep, err)
	}
	// A borrow the host received cannot be given away as own.
	g2 := mustAdd(t, guest, handleEntry{res: counter, rep: 7, own: true})
	b, err := call.LiftBorrow(borrowT, g2)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := call.LowerOwn(ownT, b); !errors.As(err, &he) {
		t.Errorf("giving away a borrow: err = %v", err)
	}
	// The borrow ends with the call; the guest keeps its own handle.
	call.done()
	if _, err := host.get(uint32(b.(value.Handle)), nil); err == nil {
		t.Error("a lent handle outlived its call")
	}
	if _, err := guest.get(g2, counter); err != nil {
		t.Errorf("the lender lost its handle: %v", err)
	}
	// A handle of another resource type is refused.
	o := mustAdd(t, guest, handleEntry{res: other, rep: 1, own: true})
	if _, err := call.LiftOwn(ownT, o); !errors.As(err, &he) {
		t.Errorf("wrong resource type: err = %v", err)
	}
	// Dropping an own handle runs the destructor once.
	runs := 0
	counter.dtor = func(context.Context, uint32) error { runs++; return nil }
	e, _ := host.remove(uint32(h.(value.Handle)), counter)
	if err := dropOwn(context.Background(), e); err != nil || runs != 1 {
		t.Errorf("destructor ran %d times, err %v", runs, err)
	}
}

// Index 0 of every table is reserved (the spec's Table starts as [None]):
// the first handle is 1, and 0 is never a handle, before or after frees.
func TestHandleZeroReserved(t *testing.T) {
	r := &resourceType{name: "r"}
	for _, table := range []*handleTable{newHandleTable(), {}} {
		if _, err := table.get(0, nil); err == nil {
			t.Error("handle 0 exists in an empty table")
		}
		first := mustAdd(t, table, handleEntry{res: r, rep: 9, own: true})
		if first != 1 {
			t.Errorf("first handle = %d, want 1", first)
		}
		if second := mustAdd(t, table, handleEntry{res: r, own: true}); second != 2 {
			t.Errorf("second handle = %d, want 2", second)
		}
		if _, err := table.remove(0, nil); err == nil {
			t.Error("removing handle 0 succeeded")
		}
		if _, err := table.remove(1, r); err != nil {
			t.Fatal(err)
		}
		// A freed index is reused (the spec's free list), 0 never.
		if again := mustAdd(t, table, handleEntry{res: r, own: true}); again != 1 {
			t.Errorf("after freeing 1 the next handle is %d, want 1", again)
		}
	}
}

// An own handle lent as a borrow for a call cannot be moved or dropped
// while the call is in progress (lift_own and resource.drop trap on
// num_lends != 0): passing one handle as borrow<r> and own<r> in one call
// fails, in either direction, and works again once the call has ended.
func TestHandleBorrowOwnConflict(t *testing.T) {
	guest, host := newHandleTable(), newHandleTable()
	r := &resourceType{name: "r"}
	ownT, borrowT := value.OwnOf("r"), value.BorrowOf("r")
	types := func(*value.Type) *resourceType { return r }
	var he *HandleError

	// Guest to host: f(borrow h, own h).
	g := mustAdd(t, guest, handleEntry{res: r, rep: 5, own: true})
	call := &callHandles{guest: guest, host: host, types: types}
	if _, err := call.LiftBorrow(borrowT, g); err != nil {
		t.Fatal(err)
	}
	if _, err := call.LiftOwn(ownT, g); !errors.As(err, &he) {
		t.Errorf("moving a lent handle: err = %v, want a HandleError", err)
	}
	if _, err := guest.remove(g, r); !errors.As(err, &he) {
		t.Errorf("dropping a lent handle: err = %v, want a HandleError", err)
	}
	call.done()
	if e, err := guest.get(g, r); err != nil || !e.own || e.lends != 0 {
		t.Errorf("after the call the guest holds %+v, %v; want its own handle back, unlent", e, err)
	}
	// Two borrows of one handle in one call are fine, and both end.
	call = &callHandles{guest: guest, host: host, types: types}
	for range 2 {
		if _, err := call.LiftBorrow(borrowT, g); err != nil {
			t.Fatal(err)
		}
	}
	call.done()
	if e, _ := guest.get(g, r); e.lends != 0 || host.live != 0 {
		t.Errorf("after two borrows: %d lends, %d host handles; want 0, 0", e.lends, host.live)
	}
	// Host to guest: f(borrow h, own h) with a handle Go code holds.
	hh := mustAdd(t, host, handleEntry{res: r, rep: 6, own: true})
	call = &callHandles{guest: guest, host: host, types: types}
	if _, err := call.LowerBorrow(borrowT, value.Handle(hh)); err != nil {
		t.Fatal(err)
	}
	if _, err := call.LowerOwn(ownT, value.Handle(hh)); !errors.As(err, &he) {
		t.Errorf("host moving a handle it lent: err = %v", err)
	}
	call.done()
	// And after it, the move goes through.
	call = &callHandles{guest: guest, host: host, types: types}
	if _, err := call.LowerOwn(ownT, value.Handle(hh)); err != nil {
		t.Errorf("moving after the call ended: %v", err)
	}
	call.done()
	// A borrow lowered into the resource's own instance (its rep) is a
	// lend too.
	owned := &resourceType{name: "r", owner: guest}
	hh = mustAdd(t, host, handleEntry{res: owned, rep: 8, own: true})
	call = &callHandles{guest: guest, host: host, types: func(*value.Type) *resourceType { return owned }}
	if rep, err := call.LowerBorrow(borrowT, value.Handle(hh)); err != nil || rep != 8 {
		t.Fatalf("borrow into the owner = %d, %v", rep, err)
	}
	if _, err := call.LowerOwn(ownT, value.Handle(hh)); !errors.As(err, &he) {
		t.Errorf("moving a handle lent to its owner: err = %v", err)
	}
	call.done()
}

// A borrow copy the callee dropped itself is not removed again when the
// call ends, even when its index was handed out anew in between.
func TestHandleReleaseReusedIndex(t *testing.T) {
	guest, host := newHandleTable(), newHandleTable()
	r := &resourceType{name: "r"}
	call := &callHandles{guest: guest, host: host, types: func(*value.Type) *resourceType { return r }}
	hh := mustAdd(t, host, handleEntry{res: r, own: true})
	i, err := call.LowerBorrow(value.BorrowOf("r"), value.Handle(hh))
	if err != nil {
		t.Fatal(err)
	}
	if _, err := guest.remove(i, r); err != nil { // resource.drop of the borrow
		t.Fatal(err)
	}
	j := mustAdd(t, guest, handleEntry{res: r, rep: 77, own: true})
	if j != i {
		t.Fatalf("index %d not reused (got %d)", i, j)
	}
	call.done()
	if e, err := guest.get(j, r); err != nil || e.rep != 77 {
		t.Errorf("the call's end removed a handle made after it dropped its borrow: %v", err)
	}
}

// A table holds at most its limit of live handles: one more is a
// *HandleLimitError, a move into a full table leaves the handle where it
// was, and freeing one makes room again. The limit never exceeds the
// spec's 2^28-1.
func TestHandleLimit(t *testing.T) {
	if MaxHandles != 1<<28-1 {
		t.Errorf("MaxHandles = %d, want 2^28-1", MaxHandles)
	}
	r := &resourceType{name: "r"}
	guest, host := newHandleTable(), newHandleTable()
	for range 3 {
		if _, err := guest.add(handleEntry{res: r, own: true}, 3); err != nil {
			t.Fatal(err)
		}
	}
	var le *HandleLimitError
	if _, err := guest.add(handleEntry{res: r, own: true}, 3); !errors.As(err, &le) || le.Limit != 3 {
		t.Errorf("fourth handle under a limit of 3: err = %v", err)
	}
	hh := mustAdd(t, host, handleEntry{res: r, rep: 4, own: true})
	call := &callHandles{guest: guest, host: host, limit: 3, types: func(*value.Type) *resourceType { return r }}
	if _, err := call.LowerOwn(value.OwnOf("r"), value.Handle(hh)); !errors.As(err, &le) {
		t.Errorf("moving into a full table: err = %v", err)
	}
	if e, err := host.get(hh, r); err != nil || e.rep != 4 {
		t.Errorf("the host lost the handle a full table refused: %v", err)
	}
	if _, err := call.LowerBorrow(value.BorrowOf("r"), value.Handle(hh)); !errors.As(err, &le) {
		t.Errorf("lending into a full table: err = %v", err)
	}
	call.done()
	if e, _ := host.get(hh, r); e.lends != 0 {
		t.Errorf("a refused borrow left %d lends", e.lends)
	}
	if _, err := guest.remove(2, r); err != nil {
		t.Fatal(err)
	}
	if _, err := guest.add(handleEntry{res: r, own: true}, 3); err != nil {
		t.Errorf("after a free: %v", err)
	}
	// Limits past MaxHandles are MaxHandles.
	big := &handleTable{live: MaxHandles}
	if _, err := big.add(handleEntry{res: r}, 1<<30); !errors.As(err, &le) || le.Limit != MaxHandles {
		t.Errorf("past 2^28-1 handles: err = %v", err)
	}
}
