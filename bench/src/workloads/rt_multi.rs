//! `rt_multi/*`: the scheduler of a `multi_thread` runtime with 2 workers (built with
//! `Builder::new_multi_thread().worker_threads(2).enable_all()`, as applications build it).
//!
//! Every workload is written once in `rt_multi_workloads!` and instantiated for Tokio and
//! for kiso. Each sample builds a fresh runtime outside the timed region, spawns and awaits
//! one task so that the workers have started, and drops the runtime after.
//!
//! - `spawn_join` (ns/task): a driver task spawned with `Runtime::spawn` (it asserts that it
//!   runs on a worker: `worker_index()` is `Some`) spawns 10,000 trivial tasks, then awaits
//!   every `JoinHandle`. The "local spawn" path of a worker, plus stealing by the other one.
//! - `spawn_remote_idle` (ns/task): a fresh plain `std::thread` (no runtime context, not
//!   inside any `block_on`) spawns 10,000 tasks through a `Handle` and then waits until the
//!   last one has counted a [`Latch`] down ([`wait_on_thread`]: the thread parks, the last
//!   task unparks it). Before each burst the thread sleeps 2 ms, outside the timed region,
//!   so both workers are parked: the burst pays for waking them.
//! - `spawn_remote_busy` (ns/task): the same, with no pause, while both workers are kept
//!   busy by two tasks that loop on `yield_now` until a flag stops them after the sample.
//!   Before timing, the sample waits (up to 200 ms) until the two loops have been seen on
//!   two different workers; the share of samples where they were is printed under the
//!   table. Beware that on a 2-vCPU machine the spawning thread competes with the two busy
//!   workers for the CPUs.
//! - `yield_many` (ns/yield): a driver task on a worker spawns 200 tasks that each
//!   `yield_now().await` 1000 times, and awaits them.
//! - `ping_pong` (ns/hand-off): a driver task on a worker spawns 1000 task pairs that pass a
//!   token back and forth 100 times through two [`Baton`]s each, all pairs at once.
//! - `chained_spawn` (ns/spawn): a chain of 1000 tasks, each spawning the next from its
//!   worker; the last opens a [`Latch`].
//! - `request_reply` (ns/round-trip): latency between a client and a server task started on
//!   different workers; see [`rt_multi_request_reply`](super::rt_multi_request_reply).
//! - `remote_spawn_1`, `_2`, `_4`, `_8` (ns/task): N plain threads, each with a clone of the
//!   `Handle`, are released together by a `Barrier` and spawn 12,800 / N no-op tasks each;
//!   the measuring thread waits until all 12,800 have run (one [`Latch`]). The timed region
//!   starts before the barrier, so it includes releasing the threads.
//! - `idle_cpu` (% of a core): see [`rt_multi_idle`](super::rt_multi_idle).
//!
//! The latches of the remote-spawn workloads are leaked (a few dozen bytes per sample), so
//! a task only has to count one down: no reference count is shared between the spawning
//! threads and the workers, and what is measured is the runtime's spawn and wake path.
//!
//! [`Latch`]: crate::primitives::Latch
//! [`Baton`]: crate::primitives::Baton
//! [`wait_on_thread`]: crate::primitives::wait_on_thread

use std::sync::Mutex;
use std::time::{Duration, Instant};

use crate::harness::{process_cpu_time, Better, Sample, Workload};

/// Worker threads of every `rt_multi` runtime.
pub const WORKERS: usize = 2;
/// Yields per task in `yield_many`.
pub const YIELDS_PER_TASK: usize = 1000;
/// Round trips per pair in `ping_pong` (each is two hand-offs).
pub const ROUND_TRIPS: usize = 100;
/// Pause (not timed) before each `spawn_remote_idle` burst, so both workers are parked.
pub const IDLE_PAUSE: Duration = Duration::from_millis(2);
/// How long `spawn_remote_busy` waits to see its busy loops on two different workers.
pub const BUSY_PLACEMENT_WAIT: Duration = Duration::from_millis(200);

/// Wall and process CPU time summed over the timed segments of one sample.
#[derive(Default)]
pub struct Segments {
    wall: Duration,
    cpu: Duration,
}

impl Segments {
    /// Runs `f` as one timed segment.
    pub fn time<R>(&mut self, f: impl FnOnce() -> R) -> R {
        let cpu0 = process_cpu_time();
        let t0 = Instant::now();
        let out = f();
        self.add(t0.elapsed(), process_cpu_time().saturating_sub(cpu0));
        out
    }

    /// Adds a segment timed elsewhere.
    pub fn add(&mut self, wall: Duration, cpu: Duration) {
        self.wall += wall;
        self.cpu += cpu;
    }

    /// The sample: wall and CPU ns per op over all segments.
    pub fn sample(&self, ops: usize) -> Sample {
        let ops = ops.max(1) as f64;
        Sample {
            value: self.wall.as_nanos() as f64 / ops,
            wall: self.wall,
            cpu_per_op: Some(self.cpu.as_nanos() as f64 / ops),
        }
    }
}

/// Side observations of the samples (which worker tasks ran on), printed under the table:
/// `(what, runtime module, value)`.
static OBSERVATIONS: Mutex<Vec<(&'static str, &'static str, f64)>> = Mutex::new(Vec::new());

pub(crate) fn observe(what: &'static str, runtime: &'static str, value: f64) {
    OBSERVATIONS.lock().unwrap().push((what, runtime, value));
}

/// One line per observed quantity: its mean over all samples taken (warm-up included), for
/// Tokio and for the "kiso" column.
pub fn notes() -> Vec<String> {
    let observations = OBSERVATIONS.lock().unwrap();
    let mut whats: Vec<&str> = Vec::new();
    for (what, _, _) in observations.iter() {
        if !whats.contains(what) {
            whats.push(what);
        }
    }
    let mean = |what: &str, runtime: &str| {
        let v: Vec<f64> = observations
            .iter()
            .filter(|(w, r, _)| *w == what && *r == runtime)
            .map(|(_, _, v)| *v)
            .collect();
        if v.is_empty() {
            "-".to_string()
        } else {
            let count = v.len();
            format!(
                "{:.1}% (mean of {count} samples)",
                100.0 * v.iter().sum::<f64>() / count as f64
            )
        }
    };
    whats
        .into_iter()
        .map(|what| {
            format!(
                "{what}: tokio {}, kiso {}",
                mean(what, "tokio_impl"),
                mean(what, "kiso_impl")
            )
        })
        .collect()
}

/// Instantiates every `rt_multi` workload for the runtime crate at `$rt`, in module `$name`.
macro_rules! rt_multi_workloads {
    ($name:ident, $rt:path) => {
        pub mod $name {
            use std::hint::black_box;
            use std::sync::atomic::{AtomicBool, Ordering};
            use std::sync::{Arc, Barrier};
            use std::time::Instant;

            use super::{
                observe, Segments, BUSY_PLACEMENT_WAIT, IDLE_PAUSE, ROUND_TRIPS, WORKERS,
                YIELDS_PER_TASK,
            };
            use crate::harness::{measure, Sample, Size};
            use crate::primitives::{wait_on_thread, Baton, Latch};
            use $rt as rt;

            const RUNTIME: &str = stringify!($name);

            /// A 2-worker runtime whose workers have started: one task spawned and awaited.
            pub fn runtime() -> rt::runtime::Runtime {
                let runtime = rt::runtime::Builder::new_multi_thread()
                    .worker_threads(WORKERS)
                    .enable_all()
                    .build()
                    .expect("build a multi_thread runtime");
                runtime
                    .block_on(runtime.spawn(async {}))
                    .expect("first task");
                runtime
            }

            /// `worker_index()`, with `usize::MAX` off the workers.
            pub fn worker() -> usize {
                rt::runtime::worker_index().unwrap_or(usize::MAX)
            }

            scheduler_workloads!();

            /// `spawn_remote_idle` (`busy == false`) and `spawn_remote_busy`.
            fn spawn_remote(size: Size, busy: bool) -> Sample {
                let runtime = runtime();
                let Size { n, reps } = size;
                let stop = Arc::new(AtomicBool::new(false));
                let mut loops = Vec::new();
                if busy {
                    let seen: Arc<[AtomicBool; WORKERS]> = Arc::new(Default::default());
                    for _ in 0..WORKERS {
                        let (stop, seen) = (stop.clone(), seen.clone());
                        loops.push(runtime.spawn(async move {
                            while !stop.load(Ordering::Relaxed) {
                                if let Some(w) = rt::runtime::worker_index() {
                                    seen[w % WORKERS].store(true, Ordering::Relaxed);
                                }
                                rt::task::yield_now().await;
                            }
                        }));
                    }
                    let deadline = Instant::now() + BUSY_PLACEMENT_WAIT;
                    let all_seen = || seen.iter().all(|s| s.load(Ordering::Relaxed));
                    while !all_seen() && Instant::now() < deadline {
                        std::thread::sleep(std::time::Duration::from_micros(100));
                    }
                    observe(
                        "spawn_remote_busy: samples with both workers busy",
                        RUNTIME,
                        all_seen() as u8 as f64,
                    );
                }
                let latches: &'static [Latch] =
                    Vec::leak((0..reps).map(|_| Latch::new(n)).collect());
                let handle = runtime.handle().clone();
                let sample = std::thread::spawn(move || {
                    let mut timed = Segments::default();
                    for latch in latches {
                        if !busy {
                            std::thread::sleep(IDLE_PAUSE);
                        }
                        timed.time(|| {
                            for _ in 0..n {
                                drop(handle.spawn(async move { latch.count_down() }));
                            }
                            wait_on_thread(latch.wait());
                        });
                    }
                    timed.sample(n * reps)
                })
                .join()
                .expect("spawning thread");
                stop.store(true, Ordering::Relaxed);
                for busy_loop in loops {
                    runtime.block_on(busy_loop).expect("busy loop");
                }
                sample
            }

            pub fn spawn_remote_idle(size: Size) -> Sample {
                spawn_remote(size, false)
            }

            pub fn spawn_remote_busy(size: Size) -> Sample {
                spawn_remote(size, true)
            }

            /// `remote_spawn_<threads>`: `size.n` tasks per repetition, split over the threads.
            fn remote_spawn(size: Size, threads: usize) -> Sample {
                let runtime = runtime();
                let Size { n, reps } = size;
                let per_thread = n / threads;
                let total = per_thread * threads;
                let latches: &'static [Latch] =
                    Vec::leak((0..reps).map(|_| Latch::new(total)).collect());
                let go = Arc::new(Barrier::new(threads + 1));
                let spawners: Vec<_> = (0..threads)
                    .map(|_| {
                        let handle = runtime.handle().clone();
                        let go = go.clone();
                        std::thread::spawn(move || {
                            for latch in latches {
                                go.wait();
                                for _ in 0..per_thread {
                                    drop(handle.spawn(async move { latch.count_down() }));
                                }
                            }
                        })
                    })
                    .collect();
                let mut timed = Segments::default();
                for latch in latches {
                    timed.time(|| {
                        go.wait();
                        wait_on_thread(latch.wait());
                    });
                }
                for spawner in spawners {
                    spawner.join().expect("spawning thread");
                }
                timed.sample(total * reps)
            }

            pub fn remote_spawn_1(size: Size) -> Sample {
                remote_spawn(size, 1)
            }

            pub fn remote_spawn_2(size: Size) -> Sample {
                remote_spawn(size, 2)
            }

            pub fn remote_spawn_4(size: Size) -> Sample {
                remote_spawn(size, 4)
            }

            pub fn remote_spawn_8(size: Size) -> Sample {
                remote_spawn(size, 8)
            }

            #[cfg(test)]
            mod tests {
                use super::*;

                /// The runtime really has two workers, and `worker_index` tells them apart.
                #[test]
                fn two_workers() {
                    let runtime = runtime();
                    let seen: Vec<usize> = (0..64)
                        .map(|_| {
                            runtime.spawn(async {
                                std::thread::sleep(std::time::Duration::from_millis(1));
                                worker()
                            })
                        })
                        .collect::<Vec<_>>()
                        .into_iter()
                        .map(|h| runtime.block_on(h).unwrap())
                        .collect();
                    assert!(seen.iter().all(|&w| w < WORKERS), "{seen:?}");
                    assert!(seen.iter().any(|&w| w != seen[0]), "one worker: {seen:?}");
                }

                /// Every workload completes at a small size and reports a positive value.
                #[test]
                fn workloads_complete() {
                    let small = Size { n: 16, reps: 2 };
                    for f in [
                        spawn_join,
                        spawn_remote_idle,
                        spawn_remote_busy,
                        yield_many,
                        ping_pong,
                        chained_spawn,
                        remote_spawn_1,
                        remote_spawn_2,
                        remote_spawn_4,
                        remote_spawn_8,
                    ] {
                        let sample = f(small);
                        assert!(sample.value > 0.0 && sample.cpu_per_op.is_some());
                    }
                }
            }
        }
    };
}

rt_multi_workloads!(tokio_impl, ::tokio);
rt_multi_workloads!(kiso_impl, crate::workloads::kiso_rt);

/// The `rt_multi/*` workloads, in table order (`request_reply` comes from
/// [`rt_multi_request_reply`](super::rt_multi_request_reply), `idle_cpu` from
/// [`rt_multi_idle`](super::rt_multi_idle)).
pub fn workloads() -> Vec<Workload> {
    macro_rules! entry {
        ($f:ident, $unit:expr, $n:expr, $quick:expr) => {
            Workload {
                name: concat!("rt_multi/", stringify!($f)),
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
    let mut all = vec![
        entry!(spawn_join, "ns/task", 10_000, 1_000),
        entry!(spawn_remote_idle, "ns/task", 10_000, 1_000),
        entry!(spawn_remote_busy, "ns/task", 10_000, 1_000),
        entry!(yield_many, "ns/yield", 200, 20),
        entry!(ping_pong, "ns/hand-off", 1_000, 100),
        entry!(chained_spawn, "ns/spawn", 1_000, 100),
    ];
    all.push(super::rt_multi_request_reply::workload());
    all.push(super::rt_multi_request_reply::workload_outside());
    all.extend([
        entry!(remote_spawn_1, "ns/task", 12_800, 1_280),
        entry!(remote_spawn_2, "ns/task", 12_800, 1_280),
        entry!(remote_spawn_4, "ns/task", 12_800, 1_280),
        entry!(remote_spawn_8, "ns/task", 12_800, 1_280),
    ]);
    all.push(super::rt_multi_idle::workload());
    all
}
