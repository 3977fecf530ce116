(component
  (import "g" (func $g (param "x" u32) (result u32)))
  (core module $m (func (export "post") (param i32)))
  (core instance $i (instantiate $m))
  (core func (canon lower (func $g) (post-return (core func $i "post")))))
