;; blocker: a WASI preview 1 command that blocks in a host call, chosen by
;; its argument count (argv[0] included):
;;   1: fd_read of stdin (blocking-read in WASI 0.2, through the adapter)
;;   2: poll_oneoff on a relative clock of 2^64-1 ns (subscribe-duration
;;      and poll), which must not be ready at once
;;   3: fd_write of 64 KiB to stdout, for ever (blocking-write-and-flush)
;;   4: poll_oneoff on a relative clock of 10 s
;; It exits 0 if the call returns.
(module
  (import "wasi_snapshot_preview1" "args_sizes_get" (func $args_sizes_get (param i32 i32) (result i32)))
  (import "wasi_snapshot_preview1" "fd_read" (func $fd_read (param i32 i32 i32 i32) (result i32)))
  (import "wasi_snapshot_preview1" "fd_write" (func $fd_write (param i32 i32 i32 i32) (result i32)))
  (import "wasi_snapshot_preview1" "poll_oneoff" (func $poll_oneoff (param i32 i32 i32 i32) (result i32)))
  (memory (export "memory") 2)
  (func (export "_start")
    (local $argc i32)
    (drop (call $args_sizes_get (i32.const 0) (i32.const 4)))
    (local.set $argc (i32.load (i32.const 0)))
    ;; an iovec at 16: 4096 bytes at 1024 (read) or 65536 at 65536 (write)
    (if (i32.eq (local.get $argc) (i32.const 1)) (then
      (i32.store (i32.const 16) (i32.const 1024))
      (i32.store (i32.const 20) (i32.const 4096))
      (drop (call $fd_read (i32.const 0) (i32.const 16) (i32.const 1) (i32.const 8)))
      (return)))
    (if (i32.or (i32.eq (local.get $argc) (i32.const 2)) (i32.eq (local.get $argc) (i32.const 4))) (then
      ;; subscription at 64: userdata u64 @0, tag u8 @8 = 0 (clock),
      ;; clock id u32 @16 = 1 (monotonic), timeout u64 @24, precision u64
      ;; @32, flags u16 @40 = 0 (relative); event out at 128, count at 12
      (i64.store (i32.const 64) (i64.const 7))
      (i32.store8 (i32.const 72) (i32.const 0))
      (i32.store (i32.const 80) (i32.const 1))
      (i64.store (i32.const 88) (select (i64.const -1) (i64.const 10_000_000_000)
        (i32.eq (local.get $argc) (i32.const 2))))
      (i64.store (i32.const 96) (i64.const 0))
      (i32.store16 (i32.const 104) (i32.const 0))
      (drop (call $poll_oneoff (i32.const 64) (i32.const 128) (i32.const 1) (i32.const 12)))
      (return)))
    (i32.store (i32.const 16) (i32.const 65536))
    (i32.store (i32.const 20) (i32.const 65536))
    (loop $again
      (drop (call $fd_write (i32.const 1) (i32.const 16) (i32.const 1) (i32.const 8)))
      (br $again))))
