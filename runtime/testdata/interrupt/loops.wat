;; The spinner world (loops.wit) by hand, canonical ABI of scalars only.
;; Built with: wat2wasm loops.wat -o loops.core.wasm
(module
  (memory (export "memory") 1)
  (func $fib (export "wasifill:interrupt-test/loops#fib") (param $n i64) (result i64)
    (if (result i64) (i64.lt_u (local.get $n) (i64.const 2))
      (then (local.get $n))
      (else (i64.add
        (call $fib (i64.sub (local.get $n) (i64.const 1)))
        (call $fib (i64.sub (local.get $n) (i64.const 2)))))))
  (func (export "wasifill:interrupt-test/loops#squares") (param $n i32) (result i64)
    (local $i i32) (local $sum i64)
    (block $done
      (loop $next
        (br_if $done (i32.ge_u (local.get $i) (local.get $n)))
        (local.set $sum (i64.add (local.get $sum)
          (i64.mul (i64.extend_i32_u (local.get $i)) (i64.extend_i32_u (local.get $i)))))
        (local.set $i (i32.add (local.get $i) (i32.const 1)))
        (br $next)))
    (local.get $sum))
  (func (export "wasifill:interrupt-test/loops#walk") (param $n i32) (result i64)
    (local $i i32) (local $sum i64)
    (block $done
      (loop $rounds
        (br_if $done (i32.eqz (local.get $n)))
        (local.set $i (i32.const 0))
        (loop $bytes
          (local.set $sum (i64.add (local.get $sum) (i64.load8_u (local.get $i))))
          (local.set $i (i32.add (local.get $i) (i32.const 1)))
          (br_if $bytes (i32.lt_u (local.get $i) (i32.const 65536))))
        (local.set $n (i32.sub (local.get $n) (i32.const 1)))
        (br $rounds)))
    (local.get $sum))
  (data (i32.const 0) "\01\02\03"))
