;; A wasip1 command that writes "hello\n" to stdout: the smallest module
;; that needs the preview1 adapter. Built into hello.core.wasm with
;; `wat2wasm hello.wat -o hello.core.wasm` (wabt 1.0.32); hello.wasm is
;; `wasm-tools component new hello.core.wasm --adapt
;; wasi_snapshot_preview1=<jco 1.35.0 lib/wasi_snapshot_preview1.command.wasm>`
;; (the oracle, wasm-tools 1.230).
(module
  (import "wasi_snapshot_preview1" "fd_write"
    (func $fd_write (param i32 i32 i32 i32) (result i32)))
  (memory (export "memory") 1)
  (data (i32.const 16) "hello\n")
  (func (export "_start")
    (i32.store (i32.const 0) (i32.const 16))
    (i32.store (i32.const 4) (i32.const 6))
    (drop (call $fd_write (i32.const 1) (i32.const 0) (i32.const 1) (i32.const 8)))))
