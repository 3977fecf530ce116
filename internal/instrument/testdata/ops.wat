;; Every family of instruction immediates the walker must skip: control
;; with block types (empty, value, type index), br_table, calls (direct,
;; indirect, tail), typed select, memory access with large
;; offsets, constants with multi-byte encodings, bulk memory, tables and
;; references, SIMD (v128.const, shuffle, lanes, load_lane), atomics, and
;; legacy exception handling. Built with wat2wasm --enable-threads --enable-tail-call
;; --enable-exceptions; disassembled
;; with wasm-objdump -d into ops.objdump, the test's oracle.
(module
  (type $pair (func (param i32) (result i32 i32)))
  (type $unary (func (param i32) (result i32)))
  (import "env" "g" (global $imported (mut i32)))
  (import "env" "f" (func $imp (param i32) (result i32)))
  (memory $m 1 2 shared)
  (table $t 4 funcref)
  (table $t2 2 externref)
  (global $g (mut i64) (i64.const -123456789012))
  (tag $e (param i32))
  (data $d "hello")
  (elem $el func $f $imp)
  (elem declare func $tail)
  (func $f (param $x i32) (result i32)
    (local $y i64) (local $v v128) (local $r funcref)
    block $out (result i32)
      local.get $x
      loop $again (param i32) (result i32)
        local.get $x
        br_table $out $again $out
      end
    end
    drop
    (if (result i32) (local.get $x) (then (i32.const -1)) (else (i32.const 624485)))
    (block (type $pair) (i32.const 1) (i32.const 2) (drop))
    drop drop
    (select (result i64) (i64.const 9223372036854775807) (i64.const -9223372036854775808) (local.get $x))
    local.set $y
    (f32.const 1.5) (f64.const -2.25) drop drop
    (i32.load offset=4294967295 align=1 (i32.const 0)) drop
    (i64.store8 offset=70000 (i32.const 0) (i64.const 7))
    (memory.size) (memory.grow) drop
    (memory.init $d (i32.const 0) (i32.const 0) (i32.const 1))
    (data.drop $d)
    (memory.copy (i32.const 0) (i32.const 1) (i32.const 2))
    (memory.fill (i32.const 0) (i32.const 1) (i32.const 2))
    (table.init $t $el (i32.const 0) (i32.const 0) (i32.const 1))
    (elem.drop $el)
    (table.copy $t $t (i32.const 0) (i32.const 1) (i32.const 1))
    (table.grow $t (ref.null func) (i32.const 1)) drop
    (table.size $t2) drop
    (table.fill $t (i32.const 0) (ref.func $f) (i32.const 1))
    (table.set $t2 (i32.const 0) (table.get $t2 (i32.const 1)))
    (ref.is_null (ref.null extern)) drop
    (i32.trunc_sat_f32_s (f32.const 3)) drop
    (i32.extend8_s (i32.const 200)) drop
    (call_indirect $t (type $unary) (i32.const 5) (i32.const 0)) drop
    (call $imp (i32.const 1)) drop
    (global.set $g (i64.const 1))
    (global.set $imported (global.get $imported))
    (local.set $v (v128.const i32x4 1 2 3 4))
    (local.set $v (i8x16.shuffle 0 1 2 3 4 5 6 7 8 9 10 11 12 13 14 31 (local.get $v) (local.get $v)))
    (i32x4.extract_lane 3 (local.get $v)) drop
    (local.set $v (f64x2.replace_lane 1 (local.get $v) (f64.const 0)))
    (local.set $v (v128.load32_lane offset=16 2 (i32.const 0) (local.get $v)))
    (v128.store64_lane 1 (i32.const 0) (local.get $v))
    (local.set $v (v128.load64_zero (i32.const 0)))
    (local.set $v (i32x4.add (v128.load (i32.const 0)) (i32x4.splat (i32.const 1))))
    (v128.store offset=32 (i32.const 0) (local.get $v))
    (i64.atomic.rmw.cmpxchg offset=8 (i32.const 0) (i64.const 0) (i64.const 1)) drop
    (memory.atomic.notify (i32.const 0) (i32.const 1)) drop
    (atomic.fence)
    (try (do (throw $e (i32.const 1)))
      (catch $e drop)
      (catch_all (rethrow 0)))
    (try $outer (result i32)
      (do (try (do (call $imp (i32.const 3)) drop) (delegate $outer)) (i32.const 4)))
    drop
    (loop $l (br_if $l (i32.eqz (local.get $x))))
    (return_call $tail (local.get $x)))
  (func $tail (param i32) (result i32)
    (if (local.get 0) (then (return_call_indirect $t (type $unary) (i32.const 0) (i32.const 1))))
    (return_call $tail (i32.const 0)))
  (export "f" (func $f)))
