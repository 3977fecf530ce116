(module
  (import "$root" "h" (func $h (param i32) (result i32)))
  (import "$root" "make" (func $make (param i32) (result i32)))
  (import "a:b/types" "[resource-drop]r" (func $drop (param i32)))
  (func (export "f") (param i32) (result i32) local.get 0 call $h)
  (func (export "g") (param i32) (result i32) local.get 0))
