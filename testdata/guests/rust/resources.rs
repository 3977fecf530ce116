//! resources: the wasifill:guests/counters interface (world resources) in
//! Rust, std only, with the canonical ABI written out by hand.
//!
//! Build: /usr/bin/rustc --edition 2021 --crate-type cdylib
//! --target wasm32-unknown-unknown -O -C panic=abort (see ../build-c-rust.sh).
//!
//! A counter's representation ("rep") is the address of its boxed value.
//! The component owns the resource type, so:
//!   - the constructor and `zero` box a value and turn its rep into an own
//!     handle with the `[resource-new]counter` import;
//!   - methods and `total` take `borrow<counter>`s, which a component that
//!     defines the resource receives as reps, not handles;
//!   - when the last handle is dropped the host calls `[dtor]counter` with the
//!     rep, which frees the box.
//! `live` counts constructed minus destroyed counters.

use std::alloc::{alloc, dealloc, realloc, Layout};
use std::sync::atomic::{AtomicU32, Ordering};

/// How many counters exist.
static LIVE: AtomicU32 = AtomicU32::new(0);

/// A counter's state.
struct Counter {
    value: u64,
}

#[link(wasm_import_module = "[export]wasifill:guests/counters@0.1.0")]
extern "C" {
    /// Makes an own handle for rep in this component's handle table.
    #[link_name = "[resource-new]counter"]
    fn resource_new(rep: u32) -> u32;
    /// The rep behind an own or borrow handle of this component's.
    #[link_name = "[resource-rep]counter"]
    fn resource_rep(handle: u32) -> u32;
}

/// new_handle boxes a counter at start and returns an own handle for it.
fn new_handle(start: u64) -> u32 {
    let rep = Box::into_raw(Box::new(Counter { value: start })) as u32;
    LIVE.fetch_add(1, Ordering::Relaxed);
    let handle = unsafe { resource_new(rep) };
    // The handle must lead back to the rep: a check of the runtime's
    // handle table (and a use of [resource-rep]).
    if unsafe { resource_rep(handle) } != rep {
        std::process::abort();
    }
    handle
}

/// counter turns a rep back into the counter it stands for.
fn counter<'a>(rep: u32) -> &'a mut Counter {
    unsafe { &mut *(rep as *mut Counter) }
}

/// `constructor(start: u64)`: core (i64) -> i32, an own handle.
#[export_name = "wasifill:guests/counters@0.1.0#[constructor]counter"]
pub extern "C" fn counter_new(start: u64) -> u32 {
    new_handle(start)
}

/// `add: func(n: u64) -> u64`: core (i32 rep, i64) -> i64.
#[export_name = "wasifill:guests/counters@0.1.0#[method]counter.add"]
pub extern "C" fn counter_add(rep: u32, n: u64) -> u64 {
    let c = counter(rep);
    c.value = c.value.wrapping_add(n);
    c.value
}

/// `get: func() -> u64`: core (i32 rep) -> i64.
#[export_name = "wasifill:guests/counters@0.1.0#[method]counter.get"]
pub extern "C" fn counter_get(rep: u32) -> u64 {
    counter(rep).value
}

/// `zero: static func() -> counter`: core () -> i32, an own handle.
#[export_name = "wasifill:guests/counters@0.1.0#[static]counter.zero"]
pub extern "C" fn counter_zero() -> u32 {
    new_handle(0)
}

/// The destructor: core (i32 rep) -> (), called by the host when the last
/// own handle goes away.
#[export_name = "wasifill:guests/counters@0.1.0#[dtor]counter"]
pub extern "C" fn counter_drop(rep: u32) {
    drop(unsafe { Box::from_raw(rep as *mut Counter) });
    LIVE.fetch_sub(1, Ordering::Relaxed);
}

/// `total: func(a: borrow<counter>, b: borrow<counter>) -> u64`: core
/// (i32 rep, i32 rep) -> i64.
#[export_name = "wasifill:guests/counters@0.1.0#total"]
pub extern "C" fn total(a: u32, b: u32) -> u64 {
    counter(a).value.wrapping_add(counter(b).value)
}

/// `live: func() -> u32`.
#[export_name = "wasifill:guests/counters@0.1.0#live"]
pub extern "C" fn live() -> u32 {
    LIVE.load(Ordering::Relaxed)
}

/// The canonical ABI allocator. Nothing in this interface needs it (no
/// strings or lists cross), but every fixture exports one.
#[no_mangle]
pub unsafe extern "C" fn cabi_realloc(old: *mut u8, old_size: usize, align: usize, new_size: usize) -> *mut u8 {
    if new_size == 0 {
        if old_size != 0 {
            dealloc(old, Layout::from_size_align_unchecked(old_size, align));
        }
        return align as *mut u8; // a dangling, aligned, non-null pointer
    }
    let p = if old_size == 0 {
        alloc(Layout::from_size_align_unchecked(new_size, align))
    } else {
        realloc(old, Layout::from_size_align_unchecked(old_size, align), new_size)
    };
    if p.is_null() {
        std::process::abort();
    }
    p
}
