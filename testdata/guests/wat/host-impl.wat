;; host-impl: exports wasifill:guests/host@0.1.0 — log(msg) adds the
;; message's length to a total, next-id() counts calls — to compose with
;; the Go reactor. cabi_realloc bump-allocates and resets on each call's
;; post-return (log has no result, so it resets at the next log).
(module
  (memory (export "memory") 2)
  (global $next (mut i32) (i32.const 1024))
  (global $logged (mut i64) (i64.const 0))
  (global $ids (mut i64) (i64.const 0))
  (func (export "cabi_realloc") (param i32 i32 i32 i32) (result i32)
    (local $p i32)
    ;; align up, then grow memory when the block does not fit
    (local.set $p (i32.and (i32.add (global.get $next) (i32.sub (local.get 2) (i32.const 1)))
                           (i32.sub (i32.const 0) (local.get 2))))
    (global.set $next (i32.add (local.get $p) (local.get 3)))
    (if (i32.gt_u (global.get $next) (i32.shl (memory.size) (i32.const 16)))
      (then (if (i32.eq (memory.grow (i32.add (i32.shr_u (i32.sub (global.get $next)
                    (i32.shl (memory.size) (i32.const 16))) (i32.const 16)) (i32.const 1))) (i32.const -1))
              (then unreachable))))
    (local.get $p))
  (func (export "wasifill:guests/host@0.1.0#log") (param i32 i32)
    (global.set $logged (i64.add (global.get $logged) (i64.extend_i32_u (local.get 1))))
    (global.set $next (i32.const 1024)))
  (func (export "wasifill:guests/host@0.1.0#next-id") (result i64)
    (global.set $ids (i64.add (global.get $ids) (i64.const 1)))
    (global.get $ids)))
