// cabi_realloc.h: the allocator a C guest exports for the host, shared by
// the C fixtures. The host uses it to put strings, lists and spilled params
// into the module's memory; malloc's 16-byte alignment covers every
// canonical ABI alignment (at most 8), so align is not needed.
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>

// zero_size is what a zero-byte allocation returns: a valid address that is
// never passed to free.
static uint64_t zero_size;

__attribute__((export_name("cabi_realloc")))
void *cabi_realloc(void *old, size_t old_size, size_t align, size_t new_size) {
  (void)align;
  if (old_size == 0)
    old = NULL; // old is zero_size or whatever the host had
  if (new_size == 0) {
    free(old);
    return &zero_size;
  }
  void *p = realloc(old, new_size);
  if (p == NULL)
    __builtin_trap();
  return p;
}
