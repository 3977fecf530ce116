(component
  (core module $m
    (memory (export "mem") 1)
    (func (export "f") (param i32 i32) (result i32) local.get 1)
    (func (export "realloc") (param i32) (result i32) i32.const 8))
  (core instance $i (instantiate $m))
  (func (export "f") (param "s" string) (result u32)
    (canon lift (core func $i "f") (memory (core memory $i "mem")) (realloc (core func $i "realloc")))))
