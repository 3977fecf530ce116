;; snapshot: state for the snapshot tests. Its start function changes
;; mutable globals of every number type, grows memory and writes past the
;; initial pages, and copies a passive segment; active segments (one in
;; the second page) fill memory at instantiation. The exports read that
;; state back and change it.
(module
  (memory (export "mem") 2 100)
  (global $counter (mut i32) (i32.const 5))
  (global $wide (mut i64) (i64.const -1))
  (global $single (mut f32) (f32.const 0.5))
  (global $double (mut f64) (f64.const 1.5))
  (global $fixed i32 (i32.const 9))
  (data (i32.const 16) "hello")
  (data (i32.const 70000) "far")
  (data $p "passive")
  (func $init
    (global.set $counter (i32.add (global.get $counter) (i32.const 1)))
    (global.set $wide (i64.const 0x123456789))
    (global.set $single (f32.const -2.25))
    (global.set $double (f64.const 3.125))
    (drop (memory.grow (i32.const 2)))
    (i32.store (i32.const 200000) (i32.const 0xdeadbeef))
    (memory.init $p (i32.const 300) (i32.const 0) (i32.const 7)))
  (start $init)
  (func (export "counter") (result i32) (global.get $counter))
  (func (export "wide") (result i64) (global.get $wide))
  (func (export "single") (result f32) (global.get $single))
  (func (export "double") (result f64) (global.get $double))
  (func (export "fixed") (result i32) (global.get $fixed))
  (func (export "bump")
    (global.set $counter (i32.add (global.get $counter) (i32.const 1)))
    (i32.store8 (i32.const 16) (i32.const 72))))
