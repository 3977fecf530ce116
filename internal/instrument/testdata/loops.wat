;; Guests that never stop by themselves, or only after a very long time:
;; fib is recursion with calls only (no loop instruction anywhere on its
;; path), spin an empty loop, walk a loop over memory. Built with wat2wasm.
(module
  (memory (export "memory") 1)
  (func $fib (export "fib") (param $n i64) (result i64)
    (if (result i64) (i64.lt_u (local.get $n) (i64.const 2))
      (then (local.get $n))
      (else (i64.add
        (call $fib (i64.sub (local.get $n) (i64.const 1)))
        (call $fib (i64.sub (local.get $n) (i64.const 2)))))))
  (func (export "spin")
    (loop $forever (br $forever)))
  ;; walk(n): sums the bytes of the first page n times over.
  (func (export "walk") (param $n i32) (result i64)
    (local $i i32) (local $sum i64)
    (loop $rounds
      (local.set $i (i32.const 0))
      (loop $bytes
        (local.set $sum (i64.add (local.get $sum) (i64.load8_u (local.get $i))))
        (local.set $i (i32.add (local.get $i) (i32.const 1)))
        (br_if $bytes (i32.lt_u (local.get $i) (i32.const 65536))))
      (local.set $n (i32.sub (local.get $n) (i32.const 1)))
      (br_if $rounds (i32.ne (local.get $n) (i32.const 0))))
    (local.get $sum))
  (data (i32.const 0) "\01\02\03"))
