//! `rt_current/*`: the scheduler of a `current_thread` runtime (built with `enable_all`, as
//! applications build it, so the I/O and time drivers are part of every park).
//!
//! Every workload is written once in [`rt_current_workloads!`] and instantiated for Tokio and
//! for kiso. Each sample builds a fresh runtime outside the timed region and drops it after.
//!
//! - `spawn_join` (ns/task): a spawned task (so the spawns come from a task running on the
//!   scheduler, the "local spawn" path, not from `block_on`) spawns 10,000 trivial tasks,
//!   then awaits every `JoinHandle`. Measures task allocation, scheduling, completion and
//!   the join hand-over of the output.
//! - `spawn_remote` (ns/task): a plain `std::thread` spawns 10,000 trivial tasks through a
//!   `Handle` while the runtime thread sits in `block_on` waiting on a [`Latch`] that the
//!   last task opens. Measures the remote (injection) queue and the wake-up of a parked
//!   runtime thread; the spawning thread is part of the CPU column.
//! - `yield_many` (ns/yield): 200 tasks each `yield_now().await` 1000 times, all awaited.
//!   Every yield re-schedules the task through the run queue.
//! - `ping_pong` (ns/hand-off): 1000 task pairs pass a token back and forth 100 times
//!   through two [`Baton`]s each, all pairs at once. Every hand-off is a `Waker::wake` of a
//!   pending task by another task of the same runtime, then a poll of it.
//! - `chained_spawn` (ns/spawn): a chain of 1000 tasks where each task spawns the next and
//!   the last one opens a [`Latch`]; only one task exists at a time, so this measures the
//!   latency of spawn-then-run rather than batch throughput.
//!
//! [`Latch`]: crate::primitives::Latch
//! [`Baton`]: crate::primitives::Baton

use crate::harness::{Better, Workload};

/// Yields per task in `yield_many`.
pub const YIELDS_PER_TASK: usize = 1000;
/// Round trips per pair in `ping_pong` (each is two hand-offs).
pub const ROUND_TRIPS: usize = 100;

/// Instantiates every `rt_current` workload for the runtime crate at `$rt`, in module `$name`.
macro_rules! rt_current_workloads {
    ($name:ident, $rt:path) => {
        pub mod $name {
            use std::hint::black_box;
            use std::sync::{Arc, Barrier};

            use super::{ROUND_TRIPS, YIELDS_PER_TASK};
            use crate::harness::{measure, Sample, Size};
            use crate::primitives::{Baton, Latch};
            use $rt as rt;

            fn runtime() -> rt::runtime::Runtime {
                rt::runtime::Builder::new_current_thread()
                    .enable_all()
                    .build()
                    .expect("build a current_thread runtime")
            }

            scheduler_workloads!();

            pub fn spawn_remote(size: Size) -> Sample {
                let runtime = runtime();
                let Size { n, reps } = size;
                let latches: Arc<Vec<Arc<Latch>>> =
                    Arc::new((0..reps).map(|_| Arc::new(Latch::new(n))).collect());
                let go = Arc::new(Barrier::new(2));
                let spawner = {
                    let handle = runtime.handle().clone();
                    let latches = latches.clone();
                    let go = go.clone();
                    std::thread::spawn(move || {
                        for latch in latches.iter() {
                            go.wait();
                            for _ in 0..n {
                                let latch = latch.clone();
                                drop(handle.spawn(async move { latch.count_down() }));
                            }
                        }
                    })
                };
                let sample = measure((n * reps) as u64, || {
                    for latch in latches.iter() {
                        go.wait();
                        runtime.block_on(latch.wait());
                    }
                });
                spawner.join().expect("spawner thread");
                sample
            }

            /// Checks that the workloads exercise what they claim on this runtime.
            #[cfg(test)]
            mod tests {
                use super::*;
                use std::sync::Mutex;

                /// `yield_now` really goes back to the scheduler: two yielding tasks
                /// interleave instead of running one after the other.
                #[test]
                fn yield_now_lets_other_tasks_run() {
                    let runtime = runtime();
                    let order = Arc::new(Mutex::new(Vec::new()));
                    let driver = runtime.spawn({
                        let order = order.clone();
                        async move {
                            let tasks: Vec<_> = (0..2)
                                .map(|id| {
                                    let order = order.clone();
                                    rt::spawn(async move {
                                        for _ in 0..3 {
                                            order.lock().unwrap().push(id);
                                            rt::task::yield_now().await;
                                        }
                                    })
                                })
                                .collect();
                            for t in tasks {
                                t.await.unwrap();
                            }
                        }
                    });
                    runtime.block_on(driver).unwrap();
                    let order = order.lock().unwrap();
                    assert_eq!(order.len(), 6);
                    assert_ne!(*order, vec![0, 0, 0, 1, 1, 1], "yield_now did not yield");
                }

                /// Every workload completes at a small size and reports a positive value.
                #[test]
                fn workloads_complete() {
                    let small = Size { n: 10, reps: 2 };
                    for f in [
                        spawn_join,
                        spawn_remote,
                        yield_many,
                        ping_pong,
                        chained_spawn,
                    ] {
                        let sample = f(small);
                        assert!(sample.value > 0.0 && sample.cpu_per_op.is_some());
                    }
                }
            }
        }
    };
}

rt_current_workloads!(tokio_impl, ::tokio);
rt_current_workloads!(kiso_impl, crate::workloads::kiso_rt);

/// The `rt_current/*` workloads, in table order.
pub fn workloads() -> Vec<Workload> {
    macro_rules! entry {
        ($f:ident, $unit:expr, $n:expr, $quick:expr) => {
            Workload {
                name: concat!("rt_current/", stringify!($f)),
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
        entry!(spawn_join, "ns/task", 10_000, 1_000),
        entry!(spawn_remote, "ns/task", 10_000, 1_000),
        entry!(yield_many, "ns/yield", 200, 20),
        entry!(ping_pong, "ns/hand-off", 1_000, 100),
        entry!(chained_spawn, "ns/spawn", 1_000, 100),
    ]
}
