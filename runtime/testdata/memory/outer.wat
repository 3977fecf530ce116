;; outer (world outer in grower.wit): grow-both(pages) grows its own memory
;; by pages, then inner's through the import: -2 when its own growth is
;; refused, else what inner's grow returns (-1 when refused).
(module
  (import "test:memory/grow" "grow" (func $inner (param i32) (result i32)))
  (memory (export "memory") 1)
  (func (export "grow-both") (param $pages i32) (result i32)
    (if (i32.lt_s (memory.grow (local.get $pages)) (i32.const 0))
      (then (return (i32.const -2))))
    (call $inner (local.get $pages))))
