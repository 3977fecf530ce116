package runtime

import (
	"context"
	"errors"
	"testing"

	"github.com/wasifill/wasifill/value"
)

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
	g := guest.add(handleEntry{res: counter, rep: 42, own: true})
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
	g2 := guest.add(handleEntry{res: counter, rep: 7, own: true})
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
	o := guest.add(handleEntry{res: other, rep: 1, own: true})
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
