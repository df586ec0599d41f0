//! `task/local_set_*`: `!Send` tasks on a `LocalSet`. Built with the `task-workloads` cargo
//! feature of kiso-bench.
//!
//! Written once in `local_set_workloads!` and instantiated for Tokio and for kiso. Each sample
//! builds a fresh `current_thread` runtime (with `enable_all`) and `LocalSet` outside the
//! timed region. Units are ns per task, where:
//!
//! - `local_set_spawn_local` (ns/task): inside `LocalSet::block_on`, `n` tasks are spawned
//!   with `task::spawn_local` (each captures an `Rc` clone, so the future is `!Send`, and
//!   returns a number), then every `JoinHandle` is awaited in spawn order and the sum is
//!   checked. The sample covers the spawns, the runs and the joins.

use crate::harness::{Better, Workload};

macro_rules! local_set_workloads {
    ($name:ident, $rt:path) => {
        pub mod $name {
            use std::hint::black_box;
            use std::rc::Rc;

            use crate::harness::{measure, Sample, Size};
            use $rt as rt;

            fn current_thread() -> rt::runtime::Runtime {
                rt::runtime::Builder::new_current_thread()
                    .enable_all()
                    .build()
                    .expect("build a current_thread runtime")
            }

            pub fn local_set_spawn_local(size: Size) -> Sample {
                let runtime = current_thread();
                let total = size.n * size.reps;
                measure(total as u64, || {
                    let local = rt::task::LocalSet::new();
                    let shared = Rc::new(1usize);
                    let sum = local.block_on(&runtime, async {
                        let handles: Vec<_> = (0..total)
                            .map(|i| {
                                let shared = shared.clone();
                                rt::task::spawn_local(async move { black_box(i) + *shared })
                            })
                            .collect();
                        let mut sum = 0usize;
                        for h in handles {
                            sum += h.await.expect("local task");
                        }
                        sum
                    });
                    assert_eq!(
                        sum,
                        total * (total + 1) / 2,
                        "local_set: sum of the outputs"
                    );
                })
            }

            #[cfg(test)]
            mod tests {
                use super::*;

                #[test]
                fn workloads_complete() {
                    let sample = local_set_spawn_local(Size { n: 100, reps: 2 });
                    assert!(sample.value > 0.0 && sample.cpu_per_op.is_some());
                }
            }
        }
    };
}

local_set_workloads!(tokio_impl, ::tokio);
local_set_workloads!(kiso_impl, crate::workloads::kiso_rt);

/// The `task/local_set_*` workloads, in table order.
pub fn workloads() -> Vec<Workload> {
    vec![Workload {
        name: "task/local_set_spawn_local",
        unit: "ns/task",
        better: Better::Lower,
        n: 10_000,
        quick_n: 1_000,
        calibrate: true,
        rounds: None,
        tokio: tokio_impl::local_set_spawn_local,
        kiso: kiso_impl::local_set_spawn_local,
    }]
}
