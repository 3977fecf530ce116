;; import-f: a core module that imports a:b/i@0.1.0's f(x: T) -> T for a
;; T too large to pass flat (an i32 pointer to the arguments, one to the
;; result), for componentize's type-size tests.
;; Build: wat2wasm import-f.wat -o import-f.core.wasm
(module
  (import "a:b/i@0.1.0" "f" (func (param i32 i32)))
  (memory (export "memory") 1)
  (func (export "cabi_realloc") (param i32 i32 i32 i32) (result i32)
    i32.const 0))
