;; client: imports wasifill:guests/types@0.1.0 (echo-u32, echo-f64) and
;; exports run(x) = echo-u32(x) + 1 and twice(x) = echo-f64(x) * 2 — a user
;; component for composition tests, with nothing but flat values.
(module
  (import "wasifill:guests/types@0.1.0" "echo-u32" (func $echo_u32 (param i32) (result i32)))
  (import "wasifill:guests/types@0.1.0" "echo-f64" (func $echo_f64 (param f64) (result f64)))
  (memory (export "memory") 1)
  (func (export "run") (param i32) (result i32)
    (i32.add (call $echo_u32 (local.get 0)) (i32.const 1)))
  (func (export "twice") (param f64) (result f64)
    (f64.mul (call $echo_f64 (local.get 0)) (f64.const 2))))
