;; hostile: the wasifill:guests/attacks interface (world hostile) — a guest
;; that returns what the canonical ABI must refuse, so that runtimes can be
;; checked to trap cleanly (no host crash, no garbage values) and to keep
;; serving afterwards. Only `good` behaves.
;;
;; Memory (one page, never grown except by cabi_realloc):
;;   16..19    the bytes ff fe fd (not UTF-8)
;;   64..75    the return area: (ptr, len) or (discriminant, payload)
;;   1024..    cabi_realloc's bump heap (never freed)
(module
  (memory (export "memory") 1)
  (global $heap (mut i32) (i32.const 1024))
  (data (i32.const 16) "\ff\fe\fd")

  ;; cabi_realloc: a bump allocator. The host only ever asks for fresh
  ;; blocks (old = 0), so old blocks are not copied. Grows memory as needed
  ;; and traps when it cannot.
  (func (export "cabi_realloc") (param $old i32) (param $old_size i32) (param $align i32) (param $size i32) (result i32)
    (local $p i32) (local $end i32)
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
    (local.get $p))

  ;; ret stores (a, b) in the return area and returns its address.
  (func $ret (param $a i32) (param $b i32) (result i32)
    (i32.store (i32.const 64) (local.get $a))
    (i32.store (i32.const 68) (local.get $b))
    (i32.const 64))

  (func (export "wasifill:guests/attacks@0.1.0#good") (param $ptr i32) (param $len i32) (result i32)
    (call $ret (local.get $ptr) (local.get $len)))

  (func (export "wasifill:guests/attacks@0.1.0#bad-pointer") (result i32)
    (call $ret (i32.const 0xfffffff0) (i32.const 32)))

  (func (export "wasifill:guests/attacks@0.1.0#bad-utf8") (result i32)
    (call $ret (i32.const 16) (i32.const 3)))

  (func (export "wasifill:guests/attacks@0.1.0#bad-enum") (result i32)
    (i32.const 3))

  ;; payload: discriminant (u8) at 0, payload at 4 (num: u32; text: ptr, len).
  (func (export "wasifill:guests/attacks@0.1.0#bad-variant") (result i32)
    (i32.store (i32.const 64) (i32.const 7))
    (i32.store (i32.const 68) (i32.const 16))
    (i32.store (i32.const 72) (i32.const 3))
    (i32.const 64))

  (func (export "wasifill:guests/attacks@0.1.0#surrogate") (result i32)
    (i32.const 0xd800))

  (func (export "wasifill:guests/attacks@0.1.0#huge-list") (result i32)
    (call $ret (i32.const 0) (i32.const 0x20000000)))

  (func (export "wasifill:guests/attacks@0.1.0#misaligned-list") (result i32)
    (call $ret (i32.const 4) (i32.const 1)))

  (func (export "wasifill:guests/attacks@0.1.0#trapping-post-return") (result i32)
    (i32.const 7))
  (func (export "cabi_post_wasifill:guests/attacks@0.1.0#trapping-post-return") (param i32)
    unreachable))
