;; Numeric functions, one call per row: numbers cross as themselves.
(module
  ;; x * 2 + 1 over BIGINT
  (func (export "twice_plus_one") (param $x i64) (result i64)
    (i64.add (i64.mul (local.get $x) (i64.const 2)) (i64.const 1)))
  ;; sqrt(a*a + b*b) over DOUBLE
  (func (export "hypot") (param $a f64) (param $b f64) (result f64)
    (f64.sqrt (f64.add (f64.mul (local.get $a) (local.get $a)) (f64.mul (local.get $b) (local.get $b)))))
  ;; whether an INTEGER is even, as BOOLEAN
  (func (export "is_even") (param $x i32) (result i32)
    (i32.eqz (i32.rem_s (local.get $x) (i32.const 2))))
  ;; half of a REAL
  (func (export "half") (param $x f32) (result f32)
    (f32.div (local.get $x) (f32.const 2))))
