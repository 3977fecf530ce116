;; Every place a module names a function by index, for the renumbering
;; the check import makes: calls (direct, indirect through a table
;; filled by active segments of both encodings and by table.init from a
;; passive one), ref.func in code, in a global initializer and in an
;; element expression, exports, the start function and the name section.
;; Built with wat2wasm --debug-names.
(module
  (type $t (func (param i32) (result i32)))
  (import "env" "twice" (func $twice (param i32) (result i32)))
  (table $tab 8 funcref)
  (global $started (mut i32) (i32.const 0))
  (global $g funcref (ref.func $add3))
  (elem (table $tab) (i32.const 0) func $add1 $twice)
  (elem (table $tab) (i32.const 2) funcref (ref.func $add2) (ref.null func))
  (elem $passive funcref (ref.func $add3) (ref.func $tail))
  (func $add1 (param i32) (result i32) (i32.add (local.get 0) (i32.const 1)))
  (func $add2 (param i32) (result i32) (i32.add (local.get 0) (i32.const 2)))
  (func $add3 (param i32) (result i32) (i32.add (local.get 0) (i32.const 3)))
  (func $tail (param i32) (result i32) (call $add1 (call $twice (local.get 0))))
  (func $start (global.set $started (i32.const 100))
    (table.init $tab $passive (i32.const 4) (i32.const 0) (i32.const 2))
    (table.set $tab (i32.const 6) (ref.func $add2))
    (table.set $tab (i32.const 7) (global.get $g)))
  (start $start)
  ;; run(i, x): the table's function i applied to x, plus the start's mark.
  (func (export "run") (param i32 i32) (result i32)
    (i32.add (global.get $started)
      (call_indirect (type $t) (local.get 1) (local.get 0))))
  (func (export "add1") (param i32) (result i32) (call $add1 (local.get 0)))
  (export "tail" (func $tail)))
