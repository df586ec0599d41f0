//! `task/select_*` and `task/join_8`: the cost of the `select!` and `join!` macros
//! themselves. Built with the `macros-workloads` cargo feature of kiso-bench.
//!
//! Every workload is written once in `macros_workloads!` and instantiated for Tokio and for
//! kiso. Each sample builds a fresh `current_thread` runtime outside the timed region and
//! runs one spawned task that does `n` operations in a loop; the inputs go through
//! `black_box`, so the compiler cannot fold the branches away. Units are ns per op, where:
//!
//! - `select_2` (ns/select): `select!` over 2 branches that are both ready at once
//!   (`std::future::ready`), unbiased, so each one draws the start branch from the runtime's
//!   random number generator and checks the coop budget; the winner's value is summed.
//! - `select_8` (ns/select): the same with 8 ready branches.
//! - `join_8` (ns/join): `join!` of 8 ready futures (`std::future::ready`); the 8 outputs
//!   are summed.

use crate::harness::{Better, Workload};

/// Instantiates every macro workload for the runtime crate at `$rt`, in module `$name`.
macro_rules! macros_workloads {
    ($name:ident, $rt:path) => {
        pub mod $name {
            use std::future::ready;
            use std::hint::black_box;

            use crate::harness::{measure, Sample, Size};
            use $rt as rt;

            fn current_thread() -> rt::runtime::Runtime {
                rt::runtime::Builder::new_current_thread()
                    .enable_all()
                    .build()
                    .expect("build a current_thread runtime")
            }

            /// Runs `total` iterations of `$body` (which sees the iteration index `i` and
            /// returns a `u64`) in one spawned task, and checks the sum is not zero.
            macro_rules! run {
                ($size:expr, |$i:ident| $body:expr) => {{
                    let runtime = current_thread();
                    let total = $size.n * $size.reps;
                    measure(total as u64, || {
                        let task = runtime.spawn(async move {
                            let mut sum = 0u64;
                            for i in 0..total as u64 {
                                let $i = black_box(i);
                                sum = sum.wrapping_add($body);
                            }
                            sum
                        });
                        let sum = runtime.block_on(task).expect("macros task");
                        assert!(total == 0 || sum != 0);
                    })
                }};
            }

            pub fn select_2(size: Size) -> Sample {
                run!(size, |i| rt::select! {
                    v = ready(i) => v,
                    v = ready(i + 1) => v,
                })
            }

            pub fn select_8(size: Size) -> Sample {
                run!(size, |i| rt::select! {
                    v = ready(i) => v,
                    v = ready(i + 1) => v,
                    v = ready(i + 2) => v,
                    v = ready(i + 3) => v,
                    v = ready(i + 4) => v,
                    v = ready(i + 5) => v,
                    v = ready(i + 6) => v,
                    v = ready(i + 7) => v,
                })
            }

            pub fn join_8(size: Size) -> Sample {
                run!(size, |i| {
                    let (a, b, c, d, e, f, g, h) = rt::join!(
                        ready(i),
                        ready(i + 1),
                        ready(i + 2),
                        ready(i + 3),
                        ready(i + 4),
                        ready(i + 5),
                        ready(i + 6),
                        ready(i + 7),
                    );
                    a + b + c + d + e + f + g + h
                })
            }
        }
    };
}

macros_workloads!(tokio_impl, ::tokio);
macros_workloads!(kiso_impl, crate::workloads::kiso_rt);

/// The macro workloads, in table order.
pub fn workloads() -> Vec<Workload> {
    macro_rules! entry {
        ($f:ident, $unit:expr, $n:expr, $quick:expr) => {
            Workload {
                name: concat!("task/", stringify!($f)),
                unit: $unit,
                better: Better::Lower,
                n: $n,
                quick_n: $quick,
                calibrate: true,
                rounds: None,
                tokio: tokio_impl::$f,
                kiso: kiso_impl::$f,
            }
        };
    }
    vec![
        entry!(select_2, "ns/select", 1_000_000, 20_000),
        entry!(select_8, "ns/select", 1_000_000, 20_000),
        entry!(join_8, "ns/join", 1_000_000, 20_000),
    ]
}
