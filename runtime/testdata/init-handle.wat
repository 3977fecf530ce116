;; init-handle: a core module for world resources (wasifill:guests) whose
;; _initialize creates a counter and keeps its handle — state on the host
;; side of the guest, which a snapshot of guest memory cannot own. The
;; counter functions are stubs.
(module
  (import "[export]wasifill:guests/counters@0.1.0" "[resource-new]counter" (func $new (param i32) (result i32)))
  (memory (export "memory") 1)
  (global $kept (mut i32) (i32.const -1))
  (func (export "_initialize") (global.set $kept (call $new (i32.const 7))))
  (func (export "wasifill:guests/counters@0.1.0#[constructor]counter") (param i64) (result i32) (call $new (i32.const 0)))
  (func (export "wasifill:guests/counters@0.1.0#[method]counter.add") (param i32 i64) (result i64) (local.get 1))
  (func (export "wasifill:guests/counters@0.1.0#[method]counter.get") (param i32) (result i64) (i64.const 0))
  (func (export "wasifill:guests/counters@0.1.0#[static]counter.zero") (result i32) (call $new (i32.const 0)))
  (func (export "wasifill:guests/counters@0.1.0#total") (param i32 i32) (result i64) (i64.const 0))
  (func (export "wasifill:guests/counters@0.1.0#live") (result i32) (i32.const 1)))
