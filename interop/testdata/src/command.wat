;; Core module behind hello.wasm (run returns ok) and fail.wasm (run returns
;; err): writes a line to stdout and one to stderr.
(module
  (import "wasi:cli/stdout@0.2.0" "get-stdout" (func $stdout (result i32)))
  (import "wasi:cli/stderr@0.2.0" "get-stderr" (func $stderr (result i32)))
  (import "wasi:io/streams@0.2.0" "[method]output-stream.blocking-write-and-flush"
    (func $write (param i32 i32 i32 i32)))
  (import "wasi:io/streams@0.2.0" "[resource-drop]output-stream" (func $drop (param i32)))
  (memory (export "memory") 1)
  (data (i32.const 64) "hello from wasm\n")
  (data (i32.const 96) "a line on stderr\n")
  (global $status i32 (i32.const STATUS))
  (func (export "wasi:cli/run@0.2.0#run") (result i32)
    (local $h i32)
    (local.set $h (call $stdout))
    (call $write (local.get $h) (i32.const 64) (i32.const 16) (i32.const 16))
    (call $drop (local.get $h))
    (local.set $h (call $stderr))
    (call $write (local.get $h) (i32.const 96) (i32.const 17) (i32.const 16))
    (call $drop (local.get $h))
    (global.get $status))
)
