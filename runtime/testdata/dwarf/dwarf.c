// A guest built with DWARF (clang-14 -g): its functions trap, so that the
// runtime formats a stack trace with source lines.
__attribute__((export_name("wasifill:interrupt-test/loops#fib")))
unsigned long long fib(unsigned long long n) {
  if (n == 12345) return n;
  __builtin_trap();
}
__attribute__((export_name("wasifill:interrupt-test/loops#squares")))
unsigned long long squares(unsigned int n) { __builtin_trap(); }
__attribute__((export_name("wasifill:interrupt-test/loops#walk")))
unsigned long long walk(unsigned int n) { __builtin_trap(); }
