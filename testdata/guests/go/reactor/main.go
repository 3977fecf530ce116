// Command reactor is the Go guest fixture: a GOOS=wasip1 c-shared module
// (a reactor) exporting wasifill:guests/greeter@0.1.0 and importing
// wasifill:guests/host@0.1.0, written against the canonical ABI by hand
// (world go-reactor in ../../wit/guests.wit). It writes to stderr and
// reads the environment in init, so WASI is used while the Go runtime
// starts, and it links fmt and os, so the module imports fd_write twice.
//
// Build: GOOS=wasip1 GOARCH=wasm go build -buildmode=c-shared -o reactor.core.wasm
package main

import (
	"fmt"
	"os"
	"strings"
	"unsafe"
)

//go:wasmimport wasifill:guests/host@0.1.0 log
func hostLog(ptr, n uint32)

//go:wasmimport wasifill:guests/host@0.1.0 next-id
func hostNextID() uint64

var greeting = "hello"

func init() {
	fmt.Fprintln(os.Stderr, "go-reactor: starting")
	if g := os.Getenv("GREETING"); g != "" {
		greeting = g
	}
}

// pinned keeps results handed to the host alive until the post-return
// call (Go's collector does not move objects, so addresses stay valid).
var pinned [][]byte

// retArea holds a string result: pointer and length.
var retArea [2]uint32

func addr(b []byte) uint32 {
	if len(b) == 0 {
		return 0
	}
	return uint32(uintptr(unsafe.Pointer(&b[0])))
}

func str(ptr, n uint32) string {
	if n == 0 {
		return ""
	}
	return unsafe.String((*byte)(unsafe.Pointer(uintptr(ptr))), n)
}

// returnString pins s and points retArea at it.
func returnString(s string) uint32 {
	b := []byte(s)
	pinned = append(pinned, b)
	retArea = [2]uint32{addr(b), uint32(len(b))}
	return uint32(uintptr(unsafe.Pointer(&retArea)))
}

func logString(s string) {
	b := []byte(s)
	hostLog(addr(b), uint32(len(b)))
}

// arena is where cabi_realloc places what the host passes in. cabi_realloc
// must not allocate through the Go runtime: an allocation may start a
// garbage collection, which calls WASI (clock_time_get), and a component
// may not call out of itself while the host is allocating in it
// (Wasmtime traps "cannot leave component instance"). Exports copy their
// arguments out and reset the arena.
var (
	arena     [4 << 20]byte
	arenaUsed uint32
)

//go:wasmexport cabi_realloc
func cabiRealloc(oldPtr, oldSize, align, newSize uint32) uint32 {
	base := addr(arena[:])
	p := (base + arenaUsed + align - 1) &^ (align - 1)
	if p+newSize > base+uint32(len(arena)) {
		return 0 // the host reports the failed allocation as a trap
	}
	if oldPtr != 0 {
		copy(unsafe.Slice((*byte)(unsafe.Pointer(uintptr(p))), newSize),
			unsafe.Slice((*byte)(unsafe.Pointer(uintptr(oldPtr))), oldSize))
	}
	arenaUsed = p + newSize - base
	return p
}

//go:wasmexport wasifill:guests/greeter@0.1.0#greet
func greet(ptr, n uint32) uint32 {
	name := strings.Clone(str(ptr, n))
	arenaUsed = 0
	pinned = pinned[:0]
	out := fmt.Sprintf("%s, %s", greeting, name)
	logString(out)
	return returnString(out)
}

//go:wasmexport cabi_post_wasifill:guests/greeter@0.1.0#greet
func greetPost(uint32) { pinned = pinned[:0] }

//go:wasmexport wasifill:guests/greeter@0.1.0#churn
func churn(rounds, size uint32) uint64 {
	var total uint64
	for i := uint32(0); i < rounds; i++ {
		s := strings.Repeat(string(rune('a'+i%26)), int(size))
		if hostNextID() == 0 {
			panic("next-id returned 0")
		}
		logString(s)
		total += uint64(len(s))
	}
	return total
}

func main() {}
