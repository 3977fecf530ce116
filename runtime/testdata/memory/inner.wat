;; inner (world inner in grower.wit): grow(pages) grows this module's own
;; memory: memory.grow's result, -1 when refused.
(module
  (memory (export "memory") 1)
  (func (export "test:memory/grow#grow") (param $pages i32) (result i32)
    (memory.grow (local.get $pages))))
