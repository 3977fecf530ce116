;; The spinner world (loops.wit) with a walk that never ends and whose
;; every iteration is one memory.fill of 128 MiB: milliseconds in one
;; instruction, the shape a loop budget of many iterations misses.
;; Built with: wat2wasm fill.wat -o fill.core.wasm
(module
  (memory (export "memory") 2048)
  (func (export "wasifill:interrupt-test/loops#fib") (param $n i64) (result i64)
    (local.get $n))
  (func (export "wasifill:interrupt-test/loops#squares") (param $n i32) (result i64)
    (i64.extend_i32_u (local.get $n)))
  (func (export "wasifill:interrupt-test/loops#walk") (param $rounds i32) (result i64)
    (loop $forever
      (memory.fill (i32.const 0) (local.get $rounds) (i32.const 0x8000000))
      (br $forever))
    (unreachable)))
