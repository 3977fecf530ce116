(component
  (core module $m
    (func (export "f") (param i32) (result i32) local.get 0)
    (func (export "post") (param i32 i32)))
  (core instance $i (instantiate $m))
  (func (export "f") (param "x" u32) (result u32)
    (canon lift (core func $i "f") (post-return (core func $i "post")))))
