;; Loops the rewrite charges at entry (a static bound) or strip-mines (a
;; bound in a local), and near misses it must leave checked; each returns
;; a checksum of the values its loop saw. The differential test runs them
;; as written and rewritten and compares. Built with wat2wasm.
(module
  (memory (export "memory") 1)
  (data (i32.const 0) "\05\04\03\02\01")
  ;; Bottom-tested, i <u 1000 by 3, from any start (the first step may wrap).
  (func (export "bt_lt") (param $i i32) (result i32)
    (local $s i32)
    (loop $l
      (local.set $s (i32.add (i32.mul (local.get $s) (i32.const 31)) (local.get $i)))
      (br_if $l (i32.lt_u (local.tee $i (i32.add (local.get $i) (i32.const 3))) (i32.const 1000))))
    (local.get $s))
  ;; Bottom-tested, 1000 >=u i by 7 (mirrored i <=u 1000).
  (func (export "bt_le") (param $i i32) (result i32)
    (local $s i32)
    (loop $l
      (local.set $s (i32.add (i32.mul (local.get $s) (i32.const 31)) (local.get $i)))
      (local.set $i (i32.add (local.get $i) (i32.const 7)))
      (br_if $l (i32.ge_u (i32.const 1000) (local.get $i))))
    (local.get $s))
  ;; Bottom-tested, i != 1504 from 4 by 5 (clang's form), with a nested
  ;; block that leaves the function.
  (func (export "bt_ne") (param $x i32) (result i32)
    (local $i i32) (local $s i32)
    (local.set $i (i32.const 4))
    (loop $l
      (block $b
        (br_if $b (i32.ne (local.get $i) (local.get $x)))
        (return (i32.const -1)))
      (local.set $s (i32.add (i32.mul (local.get $s) (i32.const 31)) (local.get $i)))
      (br_if $l (i32.ne (local.tee $i (i32.add (local.get $i) (i32.const 5))) (i32.const 1504))))
    (local.get $s))
  ;; Bottom-tested, br_if on i itself (i != 0): up from -4000 by 8, 500 times.
  (func (export "bt_zero") (param $x i32) (result i32)
    (local $i i32) (local $s i32)
    (local.set $i (i32.const -4000))
    (loop $l
      (local.set $s (i32.add (i32.mul (local.get $s) (i32.const 31)) (i32.xor (local.get $i) (local.get $x))))
      (br_if $l (local.tee $i (i32.add (local.get $i) (i32.const 8)))))
    (local.get $s))
  ;; Top-tested, i <u 777 by 2, from any start.
  (func (export "tt_const") (param $i i32) (result i32)
    (local $s i32)
    (block $done
      (loop $l
        (br_if $done (i32.ge_u (local.get $i) (i32.const 777)))
        (local.set $s (i32.add (i32.mul (local.get $s) (i32.const 31)) (local.get $i)))
        (local.set $i (i32.add (local.get $i) (i32.const 2)))
        (br $l)))
    (local.get $s))
  ;; Top-tested with a bound in a local: strip-mined, steps 1, 3, 999999.
  (func (export "tt_1") (param $i i32) (param $n i32) (result i32)
    (local $s i32)
    (block $done
      (loop $l
        (br_if $done (i32.ge_u (local.get $i) (local.get $n)))
        (local.set $s (i32.add (i32.mul (local.get $s) (i32.const 31)) (local.get $i)))
        (local.set $i (i32.add (local.get $i) (i32.const 1)))
        (br $l)))
    (i32.add (local.get $s) (local.get $i)))
  (func (export "tt_3") (param $i i32) (param $n i32) (result i32)
    (local $s i32)
    (block $done
      (loop $l
        (br_if $done (i32.le_u (local.get $n) (local.get $i)))
        (local.set $s (i32.add (i32.mul (local.get $s) (i32.const 31))
          (i32.load8_u (i32.and (local.get $i) (i32.const 7)))))
        (local.set $i (i32.add (i32.const 3) (local.get $i)))
        (local.set $s (i32.xor (local.get $s) (local.get $i)))
        (br $l)))
    (i32.add (local.get $s) (local.get $i)))
  (func (export "tt_big") (param $i i32) (param $n i32) (result i32)
    (local $s i32)
    (block $done
      (loop $l
        (br_if $done (i32.ge_u (local.get $i) (local.get $n)))
        (local.set $s (i32.add (i32.mul (local.get $s) (i32.const 31)) (local.get $i)))
        (local.set $i (i32.add (local.get $i) (i32.const 999999)))
        (br $l)))
    (i32.add (local.get $s) (local.get $i)))
  ;; A strip-mined loop around a charged one, inside a checked one.
  (func (export "nested") (param $n i32) (param $m i32) (result i32)
    (local $i i32) (local $j i32) (local $s i32) (local $r i32)
    (loop $rounds
      (local.set $i (i32.const 0))
      (block $done
        (loop $outer
          (br_if $done (i32.ge_u (local.get $i) (local.get $n)))
          (local.set $j (i32.const 0))
          (loop $inner
            (local.set $s (i32.add (i32.mul (local.get $s) (i32.const 31)) (i32.add (local.get $i) (local.get $j))))
            (br_if $inner (i32.lt_u (local.tee $j (i32.add (local.get $j) (i32.const 1))) (i32.const 10))))
          (local.set $i (i32.add (local.get $i) (i32.const 1)))
          (br $outer)))
      (br_if $rounds (i32.lt_u (local.tee $r (i32.add (local.get $r) (i32.const 1))) (local.get $m))))
    (local.get $s))
  ;; Bottom-tested with a bound in a local: strip-mined (i <u n by 1;
  ;; clang's n != i by 4; n >u i by 999999).
  (func (export "bs_1") (param $i i32) (param $n i32) (result i32)
    (local $s i32)
    (loop $l
      (local.set $s (i32.add (i32.mul (local.get $s) (i32.const 31)) (local.get $i)))
      (br_if $l (i32.lt_u (local.tee $i (i32.add (local.get $i) (i32.const 1))) (local.get $n))))
    (i32.add (local.get $s) (local.get $i)))
  (func (export "bs_ne") (param $i i32) (param $n i32) (result i32)
    (local $s i32)
    (loop $l
      (local.set $s (i32.add (i32.mul (local.get $s) (i32.const 31))
        (i32.load8_u (i32.and (local.get $i) (i32.const 7)))))
      (br_if $l (i32.ne (local.get $n) (local.tee $i (i32.add (local.get $i) (i32.const 4))))))
    (i32.add (local.get $s) (local.get $i)))
  (func (export "bs_big") (param $i i32) (param $n i32) (result i32)
    (local $s i32)
    (loop $l
      (local.set $s (i32.add (i32.mul (local.get $s) (i32.const 31)) (local.get $i)))
      (local.set $i (i32.add (local.get $i) (i32.const 999999)))
      (br_if $l (i32.gt_u (local.get $n) (local.get $i))))
    (i32.add (local.get $s) (local.get $i)))
  ;; Never stops: i <u 2^32-1 by 2 from 0 wraps forever (a strip-mined
  ;; loop through its wrap path), unless n is given smaller.
  (func (export "wrap") (param $n i32) (result i32)
    (local $i i32) (local $s i32)
    (block $done
      (loop $l
        (br_if $done (i32.ge_u (local.get $i) (local.get $n)))
        (local.set $s (i32.add (local.get $s) (local.get $i)))
        (local.set $i (i32.add (local.get $i) (i32.const 2)))
        (br $l)))
    (local.get $s)))
