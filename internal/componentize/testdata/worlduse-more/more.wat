(module
  (import "$root" "h" (func $h (param i32) (result i32)))
  (func (export "f") (param i32) (result i32) local.get 0)
  (func (export "g") (param i32) (result i32) local.get 0)
  (func (export "k") (param i32) (result i32) local.get 0 call $h)
  (func (export "m") (param i32 i32) (result i32) local.get 0 local.get 1 i32.add))
