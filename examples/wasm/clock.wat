;; A module that asks WASI for the time (nanoseconds since 1970), allowed only WITH (wasi = true).
(module
  (import "wasi_snapshot_preview1" "clock_time_get" (func $clock (param i32 i64 i32) (result i32)))
  (memory 1)
  (func (export "after_epoch") (param $x i64) (result i64)
    (drop (call $clock (i32.const 0) (i64.const 1) (i32.const 0)))
    (i64.load (i32.const 0))))
