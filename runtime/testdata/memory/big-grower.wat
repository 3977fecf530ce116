;; big-grower: grower.wat with a memory that starts at 2048 pages
;; (128 MiB), for the test of a memory past the budget from the start.
(module
  (memory (export "memory") 2048)
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
