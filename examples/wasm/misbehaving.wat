;; Functions that must fail their query and leave the node serving: a trap, an endless loop and
;; a memory bomb, each over BIGINT.
(module
  (memory 1)
  (func (export "trap") (param $x i64) (result i64)
    (if (i64.eq (local.get $x) (i64.const 7)) (then unreachable))
    (local.get $x))
  (func (export "spin") (param $x i64) (result i64)
    (loop $forever (br $forever))
    (local.get $x))
  (func (export "bomb") (param $x i64) (result i64)
    (loop $grow
      (br_if $grow (i32.ne (memory.grow (i32.const 1)) (i32.const -1))))
    unreachable))
