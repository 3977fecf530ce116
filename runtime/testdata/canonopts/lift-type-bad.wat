(component
  (core module $m
    (func (export "f") (param i64) (result i32) i32.const 0))
  (core instance $i (instantiate $m))
  (func (export "f") (param "x" u32) (result u32)
    (canon lift (core func $i "f"))))
