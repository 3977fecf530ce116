;; edge-relay: imports wasifill:guests/edge, exports relay (world
;; edge-relay), whose hold returns the holder it is given. Plugged with
;; canon-edge the composition exports relay, whose holder has a field of
;; type wide, which comes from an instance inside the composition and is
;; exported by nothing: Wasmtime refuses it ("instance not valid to be
;; used as export") and so must every runtime.
(module
  (memory (export "memory") 1)
  ;; holder { w: wide }: discriminant (u8) at 0, payload (s8 or s64) at 8.
  (func (export "wasifill:guests/relay@0.1.0#hold") (param $disc i32) (param $p i64) (result i32)
    (i32.store8 (i32.const 64) (local.get $disc))
    (i64.store (i32.const 72) (local.get $p))
    (i32.const 64))
)
