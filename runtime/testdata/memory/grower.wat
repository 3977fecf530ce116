;; grower: memory.grow on demand, for the memory budget tests (world
;; grower in grower.wit). grow(pages) is memory.grow's result (-1 when
;; refused); touch(first, pages) writes one byte in each 4 KiB of those
;; pages, so that they take RAM.
(module
  (memory (export "memory") 1)
  (func (export "grow") (param $pages i32) (result i32)
    (memory.grow (local.get $pages)))
  (func (export "touch") (param $from i32) (param $pages i32) (result i32)
    (local $at i32) (local $end i32)
    (local.set $at (i32.shl (local.get $from) (i32.const 16)))
    (local.set $end (i32.add (local.get $at) (i32.shl (local.get $pages) (i32.const 16))))
    (block $done
      (loop $next
        (br_if $done (i32.ge_u (local.get $at) (local.get $end)))
        (i32.store8 (local.get $at) (i32.const 1))
        (local.set $at (i32.add (local.get $at) (i32.const 4096)))
        (br $next)))
    (local.get $pages)))
