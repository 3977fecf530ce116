;; segments: active data segments at constant offsets, no data count
;; section and no passive segment, so the runtime applies the segments
;; itself. The start function copies a byte the first segment put in
;; place, which shows the segments were applied before it ran.
(module
  (memory (export "mem") 1 4)
  (data (i32.const 16) "hello")
  (data (i32.const 65530) "edge!!")
  (data (i32.const 32) "")
  (func $init
    (i32.store8 (i32.const 100) (i32.load8_u (i32.const 16))))
  (start $init))
