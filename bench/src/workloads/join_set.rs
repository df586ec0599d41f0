//! `task/joinset_*`: `task::JoinSet`. Built with the `task-workloads` cargo feature of
//! kiso-bench.
//!
//! Written once in `join_set_workloads!` and instantiated for Tokio and for kiso. Each
//! sample builds a fresh runtime outside the timed region and drops it after. Units are ns
//! per task, where:
//!
//! - `joinset_10k` (ns/task): 2 workers (the `rt_multi` runtime); one task, spawned from
//!   outside with `Runtime::spawn`, creates a `JoinSet`, `spawn`s 10 000 tasks into it
//!   (each returns its index), then `join_next().await`s until `None`, summing the
//!   outputs, and checks the sum. The sample runs from that task's spawn to its end, and
//!   is repeated `reps` times per sample.
//! - `joinset_10k_current` (ns/task): the same on a `current_thread` runtime, where the
//!   spawned tasks only run while the joining task waits.

use crate::harness::{Better, Workload};

/// Tasks per `JoinSet` round.
pub const TASKS: usize = 10_000;

/// Instantiates every `JoinSet` workload for the runtime crate at `$rt`, in module `$name`.
macro_rules! join_set_workloads {
    ($name:ident, $rt:path) => {
        pub mod $name {
            use super::TASKS;
            use crate::harness::{measure, Sample, Size};
            use crate::workloads::rt_multi::$name::runtime as multi_thread;
            use rt::task::JoinSet;
            use std::hint::black_box;
            use $rt as rt;

            fn current_thread() -> rt::runtime::Runtime {
                rt::runtime::Builder::new_current_thread()
                    .enable_all()
                    .build()
                    .expect("build a current_thread runtime")
            }

            /// One round: spawn `TASKS` tasks into a set, join them all.
            async fn round() {
                let mut set = JoinSet::new();
                for i in 0..TASKS {
                    set.spawn(async move { black_box(i) });
                }
                let mut sum = 0usize;
                while let Some(res) = set.join_next().await {
                    sum += res.expect("joinset task failed");
                }
                assert_eq!(sum, TASKS * (TASKS - 1) / 2);
            }

            fn run(runtime: &rt::runtime::Runtime, size: Size) -> Sample {
                let rounds = size.n.div_ceil(TASKS) * size.reps;
                measure((rounds * TASKS) as u64, || {
                    let task = runtime.spawn(async move {
                        for _ in 0..rounds {
                            round().await;
                        }
                    });
                    runtime.block_on(task).expect("joinset driver task");
                })
            }

            pub fn joinset_10k(size: Size) -> Sample {
                run(&multi_thread(), size)
            }

            pub fn joinset_10k_current(size: Size) -> Sample {
                run(&current_thread(), size)
            }

            #[cfg(test)]
            mod tests {
                use super::*;

                #[test]
                fn every_workload_runs() {
                    for f in [joinset_10k, joinset_10k_current] {
                        let sample = f(Size { n: TASKS, reps: 1 });
                        assert!(sample.value > 0.0 && sample.cpu_per_op.is_some());
                    }
                }
            }
        }
    };
}

join_set_workloads!(tokio_impl, ::tokio);
join_set_workloads!(kiso_impl, crate::workloads::kiso_rt);

/// The `task/joinset_*` workloads, in table order.
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
        entry!(joinset_10k, "ns/task", TASKS, TASKS),
        entry!(joinset_10k_current, "ns/task", TASKS, TASKS),
    ]
}
