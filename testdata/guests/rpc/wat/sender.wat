;; sender (wasifill:rpc@0.2.0): handle(iface, fn, params) = send("next",
;; fn, params), answering ok(empty) at once, or the rpc-error send gave:
;; send's result<_, rpc-error> and handle's result<list<u8>, rpc-error>
;; put the tag at 0 and the rpc-error from 4, so one area serves both.
(module
  (import "wasifill:rpc/transport@0.2.0" "send"
    (func $send (param i32 i32 i32 i32 i32 i32 i32)))
  (memory (export "memory") 1)
  (data (i32.const 2048) "next")
  (global $next (mut i32) (i32.const 4096))
  (func (export "cabi_realloc") (param i32 i32 i32 i32) (result i32)
    (local $p i32)
    (local.set $p (i32.and (i32.add (global.get $next) (i32.sub (local.get 2) (i32.const 1)))
                           (i32.sub (i32.const 0) (local.get 2))))
    (global.set $next (i32.add (local.get $p) (local.get 3)))
    (if (i32.gt_u (global.get $next) (i32.shl (memory.size) (i32.const 16)))
      (then (drop (memory.grow (i32.add (i32.shr_u (local.get 3) (i32.const 16)) (i32.const 1))))))
    (local.get $p))
  (func (export "wasifill:rpc/handler@0.2.0#handle")
    (param $ip i32) (param $il i32) (param $fp i32) (param $fl i32) (param $pp i32) (param $pl i32) (result i32)
    (call $send (i32.const 2048) (i32.const 4) (local.get $fp) (local.get $fl) (local.get $pp) (local.get $pl) (i32.const 1024))
    (if (i32.eqz (i32.load8_u (i32.const 1024)))
      (then (i32.store (i32.const 1028) (i32.const 0)) (i32.store (i32.const 1032) (i32.const 0))))
    (i32.const 1024)))
