;; canon-edge: the wasifill:guests/edge interface (world canon-edge), for
;; differential tests of the canonical ABI's corner cases. Every function
;; hands back what it received as raw core values, so the caller sees how
;; its runtime widened, joined and numbered them.
;;
;; Memory: 64..75 the return area; 1024.. cabi_realloc's bump heap.
(module
  (import "[export]wasifill:guests/edge@0.1.0" "[resource-new]thing" (func $new (param i32) (result i32)))
  (import "[export]wasifill:guests/edge@0.1.0" "[resource-rep]thing" (func $rep (param i32) (result i32)))
  (import "[export]wasifill:guests/edge@0.1.0" "[resource-drop]thing" (func $drop (param i32)))
  (memory (export "memory") 1)
  (global $heap (mut i32) (i32.const 1024))

  ;; cabi_realloc: a bump allocator that copies the old block when asked
  ;; to move one, growing memory as needed (traps when it cannot).
  (func $realloc (export "cabi_realloc") (param $old i32) (param $old_size i32) (param $align i32) (param $size i32) (result i32)
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
    (if (local.get $old)
      (then (memory.copy (local.get $p) (local.get $old)
              (select (local.get $old_size) (local.get $size) (i32.lt_u (local.get $old_size) (local.get $size))))))
    (local.get $p))

  (func (export "wasifill:guests/edge@0.1.0#[constructor]thing") (param $v i32) (result i32)
    (call $new (local.get $v)))

  ;; A method receives a borrow of the definer's own resource: the rep.
  (func (export "wasifill:guests/edge@0.1.0#[method]thing.value") (param $self i32) (result i32)
    (local.get $self))

  (func (export "wasifill:guests/edge@0.1.0#[static]thing.both") (param $a i32) (param $b i32) (result i32)
    (local $r i32)
    (local.set $r (call $rep (local.get $b)))
    (call $drop (local.get $b))
    (i32.add (i32.mul (local.get $a) (i32.const 10)) (local.get $r)))

  (func (export "wasifill:guests/edge@0.1.0#mix") (param $a i32) (param $b i32) (result i64)
    (i64.add (i64.mul (i64.extend_i32_s (local.get $a)) (i64.const 100000))
             (i64.extend_i32_s (local.get $b))))

  (func (export "wasifill:guests/edge@0.1.0#raw8") (param $a i32) (result i32) (local.get $a))
  (func (export "wasifill:guests/edge@0.1.0#raw16") (param $a i32) (result i32) (local.get $a))
  (func (export "wasifill:guests/edge@0.1.0#narrow8") (param $x i32) (result i32) (local.get $x))
  (func (export "wasifill:guests/edge@0.1.0#narrow16") (param $x i32) (result i32) (local.get $x))

  (func (export "wasifill:guests/edge@0.1.0#payload") (param $disc i32) (param $p i64) (result i64)
    (local.get $p))

  (func (export "wasifill:guests/edge@0.1.0#numbering") (result i32)
    (local $h1 i32) (local $h2 i32) (local $h3 i32)
    (local.set $h1 (call $new (i32.const 1)))
    (local.set $h2 (call $new (i32.const 2)))
    (call $drop (local.get $h1))
    (local.set $h3 (call $new (i32.const 3)))
    (call $drop (local.get $h2))
    (call $drop (local.get $h3))
    (i32.store (i32.const 64) (local.get $h1))
    (i32.store (i32.const 68) (local.get $h2))
    (i32.store (i32.const 72) (local.get $h3))
    (i32.const 64))

  (func (export "wasifill:guests/edge@0.1.0#hoard") (param $n i32) (result i32)
    (local $i i32) (local $h i32)
    (block $done
      (loop $next
        (br_if $done (i32.ge_u (local.get $i) (local.get $n)))
        (local.set $i (i32.add (local.get $i) (i32.const 1)))
        (local.set $h (call $new (local.get $i)))
        (br $next)))
    (local.get $h))

  (func (export "wasifill:guests/edge@0.1.0#rep-of") (param $h i32) (result i32)
    (call $rep (local.get $h)))

  ;; n (ptr, len) pairs, all pointing at one block of size bytes of 'a'.
  (func (export "wasifill:guests/edge@0.1.0#aliased") (param $n i32) (param $size i32) (result i32)
    (local $list i32) (local $data i32) (local $i i32)
    (local.set $list (call $realloc (i32.const 0) (i32.const 0) (i32.const 4) (i32.mul (local.get $n) (i32.const 8))))
    (local.set $data (call $realloc (i32.const 0) (i32.const 0) (i32.const 1) (local.get $size)))
    (memory.fill (local.get $data) (i32.const 0x61) (local.get $size))
    (block $done
      (loop $next
        (br_if $done (i32.ge_u (local.get $i) (local.get $n)))
        (i32.store (i32.add (local.get $list) (i32.mul (local.get $i) (i32.const 8))) (local.get $data))
        (i32.store offset=4 (i32.add (local.get $list) (i32.mul (local.get $i) (i32.const 8))) (local.get $size))
        (local.set $i (i32.add (local.get $i) (i32.const 1)))
        (br $next)))
    (i32.store (i32.const 64) (local.get $list))
    (i32.store (i32.const 68) (local.get $n))
    (i32.const 64))
)
