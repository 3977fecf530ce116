;; segments-oob: an active data segment that runs past the memory, after
;; one that fits: instantiation fails.
(module
  (memory (export "mem") 1 4)
  (data (i32.const 16) "fits")
  (data (i32.const 65534) "abc"))
