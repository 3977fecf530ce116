// c-command: a WASI preview 1 command (world c-command, which is empty: the
// component gets its WASI imports from the preview1 adapter). It prints
// "hello from c", then its arguments after argv[0] separated by spaces, and a
// newline, and exits 0:
//
//	$ wasmtime c-command.core.wasm a b
//	hello from c a b
//
// Build: clang-14 --target=wasm32-wasi -O2 (see ../build-c-rust.sh).
#include <stdio.h>

int main(int argc, char **argv) {
  fputs("hello from c", stdout);
  for (int i = 1; i < argc; i++)
    printf(" %s", argv[i]);
  putchar('\n');
  return 0;
}
