;; A module with a start function, which would run before any time limit: Codd refuses it.
(module
  (func $forever (loop $again (br $again)))
  (start $forever)
  (func (export "same") (param $x i64) (result i64) (local.get $x)))
