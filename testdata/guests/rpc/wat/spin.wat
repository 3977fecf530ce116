;; spin: wasifill:rpc/handler.handle loops forever (no calls in the loop).
(module
  (memory (export "memory") 1)
  (func (export "cabi_realloc") (param i32 i32 i32 i32) (result i32) (i32.const 4096))
  (func (export "wasifill:rpc/handler@0.1.0#handle")
    (param i32 i32 i32 i32 i32 i32) (result i32)
    (loop $l (br $l))
    (i32.const 0)))
