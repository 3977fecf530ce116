;; strlog: the wasifill:guests/strlog interface, built twice: as
;; strlog-utf16 (string-encoding=utf16) and strlog-latin1
;; (latin1+utf16). cabi_realloc logs every call, so a caller sees the
;; allocation sequence its runtime used to lower a string.
;;
;; Memory: 64..71 the return area; 1024..4063 the log (760 u32s);
;; 4096.. the bump heap.
(module
  (memory (export "memory") 1)
  (global $heap (mut i32) (i32.const 4096))
  (global $n (mut i32) (i32.const 0))     ;; u32s in the log
  (global $reset (mut i32) (i32.const 0)) ;; start a new log at the next realloc

  (func $log (param $x i32)
    (if (i32.lt_u (global.get $n) (i32.const 760))
      (then
        (i32.store (i32.add (i32.const 1024) (i32.shl (global.get $n) (i32.const 2))) (local.get $x))
        (global.set $n (i32.add (global.get $n) (i32.const 1))))))

  ;; A bump allocator that copies the old block when it moves one.
  (func (export "cabi_realloc") (param $old i32) (param $old_size i32) (param $align i32) (param $size i32) (result i32)
    (local $p i32) (local $end i32)
    (if (global.get $reset)
      (then (global.set $n (i32.const 0)) (global.set $reset (i32.const 0))))
    (call $log (i32.ne (local.get $old) (i32.const 0)))
    (call $log (local.get $old_size))
    (call $log (local.get $align))
    (call $log (local.get $size))
    (local.set $p
      (i32.and (i32.add (global.get $heap) (i32.sub (local.get $align) (i32.const 1)))
               (i32.sub (i32.const 0) (local.get $align))))
    (local.set $end (i32.add (local.get $p) (local.get $size)))
    (if (i32.gt_u (local.get $end) (i32.mul (memory.size) (i32.const 65536)))
      (then
        (if (i32.eq
              (memory.grow (i32.sub (i32.shr_u (i32.add (local.get $end) (i32.const 65535)) (i32.const 16))
                                    (memory.size)))
              (i32.const -1))
          (then unreachable))))
    (global.set $heap (local.get $end))
    (if (local.get $old)
      (then (memory.copy (local.get $p) (local.get $old)
              (select (local.get $old_size) (local.get $size) (i32.lt_u (local.get $old_size) (local.get $size))))))
    (local.get $p))

  (func (export "wasifill:guests/strlog@0.1.0#log") (param $ptr i32) (param $len i32) (result i32)
    (if (global.get $reset)
      (then (global.set $n (i32.const 0)) (global.set $reset (i32.const 0))))
    (call $log (local.get $len))
    (global.set $reset (i32.const 1))
    (i32.store (i32.const 64) (i32.const 1024))
    (i32.store (i32.const 68) (global.get $n))
    (i32.const 64))
)
