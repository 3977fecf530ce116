package wasmtime

// #include "capi.h"
import "C"

import (
	"context"
	"errors"
	"fmt"

	"github.com/wasifill/wasifill/value"
)

// Resources: a resource (own or borrow) that a call returns is kept by the
// Instance and given to the caller as a value.Handle, an opaque number
// that is valid in that Instance only; handles are numbered 0, 1, 2, … in
// the order calls return them. Passing a handle as an own<R> argument moves
// the resource to the guest and ends the handle; passing it as borrow<R>
// lends it. Drop drops a handle the host owns, which runs the guest's
// destructor. Resource functions are exports like any other, named as the
// component names them: "ns:pkg/iface@ver#[constructor]R",
// "…#[method]R.m" (the handle first), "…#[static]R.f".

// addHandle takes ownership of r and returns its new handle.
func (i *Instance) addHandle(r *C.wasmtime_component_resource_any_t) value.Handle {
	if i.handles == nil {
		i.handles = map[value.Handle]*C.wasmtime_component_resource_any_t{}
	}
	h := i.nextHandle
	i.nextHandle++
	i.handles[h] = r
	return h
}

// Drop drops the resource behind h, which the host owns (a call returned
// it as own<R>): for a resource the guest defines, this runs the guest's
// destructor, within ctx. The handle is gone afterwards, even on error.
func (i *Instance) Drop(ctx context.Context, h value.Handle) error {
	if i.store == nil {
		return errors.New("wasmtime: instance is closed")
	}
	r := i.handles[h]
	if r == nil {
		return fmt.Errorf("wasmtime: no resource handle %d in this instance", h)
	}
	delete(i.handles, h)
	defer C.wasmtime_component_resource_any_delete(r)
	if !C.wasmtime_component_resource_any_owned(r) {
		return fmt.Errorf("wasmtime: resource handle %d is a borrow, which the host cannot drop", h)
	}
	stop := i.watch(ctx)
	cerr := C.wasmtime_component_resource_any_drop(i.cx, r)
	stop()
	if cerr != nil {
		return i.runError(ctx, cerr, fmt.Sprintf("drop of resource handle %d", h))
	}
	return nil
}

// Handles returns how many resource handles the host holds now.
func (i *Instance) Handles() int { return len(i.handles) }
