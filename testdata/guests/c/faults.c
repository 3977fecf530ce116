// faults: the wasifill:guests/faults interface (world faulty) in C — four
// ways for a guest to fail that a runtime must contain.
//
// Build: clang-14 --target=wasm32-wasi -mexec-model=reactor -O2 (see
// ../build-c-rust.sh). Only malloc from wasi-libc is used, so the module
// imports nothing.
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>

#define EXPORT(name) __attribute__((export_name("wasifill:guests/faults@0.1.0#" name)))

// cabi_realloc lets the host pass trap's string in.
#include "cabi_realloc.h"

// trap executes `unreachable`. msg only exists so that the host has lowered
// a string (and called cabi_realloc) before the trap.
EXPORT("trap") void trap(const char *msg, size_t len) {
  (void)msg;
  (void)len;
  __builtin_trap();
}

// spins counts the iterations of spin. It is volatile so that the loop is a
// store per iteration (a loop with no side effects could be removed); there
// are no calls in it.
static volatile uint32_t spins;

EXPORT("spin") void spin(void) {
  for (;;)
    spins++;
}

// grow grows memory 0 by pages pages at a time until memory.grow returns -1
// and returns the memory size in pages then.
EXPORT("grow") uint32_t grow(uint32_t pages) {
  if (pages != 0)
    while (__builtin_wasm_memory_grow(0, pages) != (size_t)-1) {
    }
  return (uint32_t)__builtin_wasm_memory_size(0);
}

// block is a 64 KiB allocation; each links to the one before so that all
// stay reachable.
struct block {
  struct block *prev;
  char rest[65536 - sizeof(struct block *)];
};
static struct block *kept;

// alloc_forever mallocs blocks until malloc returns NULL, then aborts
// (abort is `unreachable` in wasi-libc).
EXPORT("alloc-forever") void alloc_forever(void) {
  for (;;) {
    struct block *b = malloc(sizeof *b);
    if (b == NULL)
      abort();
    b->prev = kept;
    kept = b;
  }
}
