;; Loops that carry values of every type the rewrite saves around its call
;; to tick (i32, i64, f32, f64), a vector and a reference it does not save, and a
;; loop with parameters (whose check falls through instead of starting the
;; loop over). Each runs past many ticks; the test compares the results
;; with the module as written. Built with wat2wasm.
(module
  (func $id (param i32) (result i32) (local.get 0))
  (elem declare func $id)
  (func (export "mix") (param $n i32) (result i64)
    (local $a i64) (local $f f32) (local $d f64) (local $v v128) (local $r funcref)
    (local.set $r (ref.func $id))
    (loop $next
      (local.set $a (i64.add (local.get $a) (i64.extend_i32_u (local.get $n))))
      (local.set $f (f32.add (local.get $f) (f32.const 0.5)))
      (local.set $d (f64.add (local.get $d) (f64.convert_i32_u (local.get $n))))
      (local.set $v (i32x4.add (local.get $v) (i32x4.splat (local.get $n))))
      (local.set $n (i32.sub (local.get $n) (i32.const 1)))
      (br_if $next (i32.ne (local.get $n) (i32.const 0))))
    (i64.add
      (i64.add (local.get $a) (i64.trunc_f32_u (local.get $f)))
      (i64.add (i64.trunc_f64_u (local.get $d))
        (i64.add (i64.extend_i32_u (i32x4.extract_lane 3 (local.get $v)))
          (i64.extend_i32_u (ref.is_null (local.get $r)))))))
  (func (export "params") (param $n i32) (result i32)
    (i32.const 0)
    (local.get $n)
    (loop $next (param i32 i32) (result i32)
      (local.set $n)
      (i32.add (local.get $n))
      (local.set $n (i32.sub (local.get $n) (i32.const 1)))
      (local.get $n)
      (br_if $next (local.get $n))
      (drop)))
)
