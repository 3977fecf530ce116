(component
  (core module $m
    (memory (export "mem") 1)
    (func (export "f") (param i32 i32) (result i32) local.get 1))
  (core instance $i (instantiate $m))
  (func (export "f") (param "s" string) (result u32)
    (canon lift (core func $i "f") (memory (core memory $i "mem")))))
