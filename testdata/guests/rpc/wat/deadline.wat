;; deadline: reports on and stretches the deadline of the invocation it
;; serves; params[0] is the operation (see world deadline).
;;   remaining-ms: option<u64> at a return pointer: tag u8 @0, u64 @8
;;   extend(ms):  result<u64, rpc-error> at a return pointer: tag u8 @0,
;;                ok u64 @8 | err rpc-error: case u8 @8, string ptr @12, len @16
;;   handle's result area @1024: tag u8 @0, list/variant from @4
(module
  (import "wasifill:rpc/deadline@0.1.0" "remaining-ms" (func $remaining (param i32)))
  (import "wasifill:rpc/deadline@0.1.0" "extend" (func $extend (param i64 i32)))
  (memory (export "memory") 1)
  (global $next (mut i32) (i32.const 4096))
  (func (export "cabi_realloc") (param i32 i32 i32 i32) (result i32)
    (local $p i32)
    (local.set $p (i32.and (i32.add (global.get $next) (i32.sub (local.get 2) (i32.const 1)))
                           (i32.sub (i32.const 0) (local.get 2))))
    (global.set $next (i32.add (local.get $p) (local.get 3)))
    (if (i32.gt_u (global.get $next) (i32.shl (memory.size) (i32.const 16)))
      (then (drop (memory.grow (i32.add (i32.shr_u (local.get 3) (i32.const 16)) (i32.const 1))))))
    (local.get $p))
  ;; ok(list of 8 bytes at $at)
  (func $ok8 (param $at i32) (result i32)
    (i32.store8 (i32.const 1024) (i32.const 0))
    (i32.store (i32.const 1028) (local.get $at))
    (i32.store (i32.const 1032) (i32.const 8))
    (i32.const 1024))
  (func (export "wasifill:rpc/handler@0.1.0#handle")
    (param $ip i32) (param $il i32) (param $fp i32) (param $fl i32) (param $pp i32) (param $pl i32) (result i32)
    (local $op i32)
    (global.set $next (i32.const 4096))
    (local.set $op (i32.load8_u (local.get $pp)))
    (if (i32.eqz (local.get $op)) (then
      (call $remaining (i32.const 1104))
      (if (i32.eqz (i32.load8_u (i32.const 1104))) (then
        ;; none: ok(empty list)
        (i32.store8 (i32.const 1024) (i32.const 0))
        (i32.store (i32.const 1028) (i32.const 0))
        (i32.store (i32.const 1032) (i32.const 0))
        (return (i32.const 1024))))
      (return (call $ok8 (i32.const 1112)))))
    (if (i32.eq (local.get $op) (i32.const 3)) (then (loop $l (br $l))))
    ;; 1 and 2: extend by the u64 at params[1..9]
    (call $extend (i64.load (i32.add (local.get $pp) (i32.const 1))) (i32.const 1200))
    (if (i32.eq (local.get $op) (i32.const 2)) (then (loop $l2 (br $l2))))
    (if (i32.eqz (i32.load8_u (i32.const 1200))) (then (return (call $ok8 (i32.const 1208)))))
    ;; err(rpc-error): copy the variant
    (i32.store8 (i32.const 1024) (i32.const 1))
    (i32.store8 (i32.const 1028) (i32.load8_u (i32.const 1208)))
    (i32.store (i32.const 1032) (i32.load (i32.const 1212)))
    (i32.store (i32.const 1036) (i32.load (i32.const 1216)))
    (i32.const 1024)))
