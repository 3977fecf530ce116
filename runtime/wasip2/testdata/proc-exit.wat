;; proc-exit-256: a wasip1 command whose _start calls proc_exit(256).
;; Build: wat2wasm proc-exit.wat -o proc-exit-256.core.wasm
(module
  (import "wasi_snapshot_preview1" "proc_exit" (func $proc_exit (param i32)))
  (memory (export "memory") 1)
  (func (export "_start")
    (call $proc_exit (i32.const 256))))
