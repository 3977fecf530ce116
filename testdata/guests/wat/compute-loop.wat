;; compute-loop: squares(n) = sum of i*i for i < n, a tight loop with no
;; calls, for measuring the cost of interruption checks on loop back-edges.
(module
  (memory (export "memory") 1)
  (func (export "wasifill:guests/compute@0.1.0#squares") (param $n i32) (result i64)
    (local $i i32) (local $sum i64)
    (block $done
      (loop $next
        (br_if $done (i32.ge_u (local.get $i) (local.get $n)))
        (local.set $sum (i64.add (local.get $sum)
          (i64.mul (i64.extend_i32_u (local.get $i)) (i64.extend_i32_u (local.get $i)))))
        (local.set $i (i32.add (local.get $i) (i32.const 1)))
        (br $next)))
    (local.get $sum)))
