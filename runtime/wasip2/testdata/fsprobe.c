// fsprobe: a WASI preview 1 command that tries one filesystem operation,
// for the confinement tests (run as a core module and, through the
// preview1 adapter, as a component):
//
//	fsprobe cat PATH            print PATH
//	fsprobe write PATH TEXT     create or truncate PATH with TEXT
//	fsprobe symlink TARGET LINK create LINK pointing at TARGET
//	fsprobe link OLD NEW        hard-link OLD as NEW
//
// It exits 0 on success; on failure it prints "error: " and the reason on
// stderr and exits 2.
//
// Build (committed as fsprobe.core.wasm):
//
//	clang-14 --target=wasm32-wasi -O2 -Wall -Wextra -Werror -Wl,--strip-debug fsprobe.c -o fsprobe.core.wasm
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

static int fail(const char *what) {
  fprintf(stderr, "error: %s: %s\n", what, strerror(errno));
  return 2;
}

int main(int argc, char **argv) {
  if (argc < 3) {
    fputs("usage: fsprobe OP ARGS\n", stderr);
    return 1;
  }
  const char *op = argv[1];
  if (!strcmp(op, "cat")) {
    int fd = open(argv[2], O_RDONLY);
    if (fd < 0)
      return fail("open");
    char buf[4096];
    ssize_t n;
    while ((n = read(fd, buf, sizeof buf)) > 0)
      fwrite(buf, 1, (size_t)n, stdout);
    if (n < 0)
      return fail("read");
    return 0;
  }
  if (argc < 4) {
    fputs("usage: fsprobe OP ARG ARG\n", stderr);
    return 1;
  }
  if (!strcmp(op, "write")) {
    int fd = open(argv[2], O_WRONLY | O_CREAT | O_TRUNC, 0644);
    if (fd < 0)
      return fail("open");
    size_t len = strlen(argv[3]);
    if (write(fd, argv[3], len) != (ssize_t)len)
      return fail("write");
    return close(fd) ? fail("close") : 0;
  }
  if (!strcmp(op, "symlink"))
    return symlink(argv[2], argv[3]) ? fail("symlink") : 0;
  if (!strcmp(op, "link"))
    return link(argv[2], argv[3]) ? fail("link") : 0;
  fputs("unknown op\n", stderr);
  return 1;
}
