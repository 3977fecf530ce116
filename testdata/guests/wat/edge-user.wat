;; edge-user: imports wasifill:guests/edge, exports edge-calls (world
;; edge-user). Composed with canon-edge, its calls cross from one component
;; instance to another, where the runtime's adapters lift and lower them.
(module
  (import "wasifill:guests/edge@0.1.0" "[constructor]thing" (func $ctor (param i32) (result i32)))
  (import "wasifill:guests/edge@0.1.0" "[static]thing.both" (func $both (param i32 i32) (result i32)))
  (import "wasifill:guests/edge@0.1.0" "[resource-drop]thing" (func $drop (param i32)))
  (import "wasifill:guests/edge@0.1.0" "mix" (func $mix (param i32 i32) (result i64)))
  (memory (export "memory") 1)

  (func (export "wasifill:guests/edge-calls@0.1.0#distinct") (result i32)
    (local $h1 i32) (local $h2 i32) (local $r i32)
    (local.set $h1 (call $ctor (i32.const 1)))
    (local.set $h2 (call $ctor (i32.const 2)))
    (local.set $r (call $both (local.get $h1) (local.get $h2)))
    (call $drop (local.get $h1))
    (i32.add (i32.add (i32.mul (local.get $h1) (i32.const 1000000))
                      (i32.mul (local.get $h2) (i32.const 10000)))
             (local.get $r)))

  (func (export "wasifill:guests/edge-calls@0.1.0#same") (result i32)
    (local $h i32)
    (local.set $h (call $ctor (i32.const 1)))
    (call $both (local.get $h) (local.get $h)))

  (func (export "wasifill:guests/edge-calls@0.1.0#zero") (result i32)
    (call $both (i32.const 0) (call $ctor (i32.const 1))))

  (func (export "wasifill:guests/edge-calls@0.1.0#mix-through") (param $a i32) (param $b i32) (result i64)
    (call $mix
      (i32.or (i32.and (local.get $a) (i32.const 0xff)) (i32.const 0x1200))
      (i32.or (i32.and (local.get $b) (i32.const 0xffff)) (i32.const 0x340000))))
)
