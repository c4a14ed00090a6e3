;; The batch convention: twice_plus_one_batch(in, out, count) reads count BIGINTs at in and
;; writes count results at out, one call per batch of rows. alloc hands out memory for both;
;; this bump allocator starts again whenever dealloc has taken back everything.
(module
  (memory (export "memory") 2)
  (global $next (mut i32) (i32.const 1024))
  (global $live (mut i32) (i32.const 0))
  (func (export "alloc") (param $size i32) (result i32)
    (local $at i32)
    (local.set $at (global.get $next))
    (global.set $next (i32.and (i32.add (i32.add (local.get $at) (local.get $size)) (i32.const 7)) (i32.const -8)))
    (if (i32.gt_u (global.get $next) (i32.mul (memory.size) (i32.const 65536)))
      (then (if (i32.eq (memory.grow (i32.sub (i32.add (i32.div_u (global.get $next) (i32.const 65536)) (i32.const 1))
                                                (memory.size))) (i32.const -1))
              (then (return (i32.const 0))))))
    (global.set $live (i32.add (global.get $live) (i32.const 1)))
    (local.get $at))
  (func (export "dealloc") (param $at i32) (param $size i32)
    (global.set $live (i32.sub (global.get $live) (i32.const 1)))
    (if (i32.eqz (global.get $live)) (then (global.set $next (i32.const 1024)))))
  (func (export "twice_plus_one_batch") (param $in i32) (param $out i32) (param $count i32)
    (local $i i32)
    (block $done
      (loop $next
        (br_if $done (i32.ge_u (local.get $i) (local.get $count)))
        (i64.store (i32.add (local.get $out) (i32.shl (local.get $i) (i32.const 3)))
          (i64.add (i64.mul (i64.load (i32.add (local.get $in) (i32.shl (local.get $i) (i32.const 3)))) (i64.const 2))
                   (i64.const 1)))
        (local.set $i (i32.add (local.get $i) (i32.const 1)))
        (br $next)))))
