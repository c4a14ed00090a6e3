;; A function declared CALLED ON NULL INPUT: each argument comes with an i32 that is 1 when it is
;; NULL (the value is then 0). This one is coalesce(x, -1) over BIGINT.
(module
  (func (export "or_minus_one") (param $x i64) (param $x_is_null i32) (result i64)
    (if (result i64) (local.get $x_is_null)
      (then (i64.const -1))
      (else (local.get $x)))))
