//! `rt_multi/request_reply` (ns/round-trip): one long-lived server task and one client task doing
//! 1000 sequential round trips through two [`Baton`]s (request, reply); every hand-off is
//! a `Waker::wake` of the pending peer by the other task. The client times the round
//! trips itself (wall and process CPU), so spawning it is not part of the sample.
//! *How they start on different workers*: the server is spawned first; on its first poll
//! it records its `worker_index()` and then holds its worker, spinning without an
//! `.await` (at most 20 ms), until the client has started. The client, spawned from
//! outside meanwhile, can only be picked up by the other worker; it compares its
//! `worker_index()` with the server's on its first poll, and if they are equal anyway
//! both are stopped and spawned again (at most 5 tries, then it runs regardless).
//! *Where they then run*: a runtime may move a woken task to the waker's worker (Tokio
//! puts a task woken from a worker into that worker's LIFO slot, which is not
//! stealable), so the pair can end up on one worker after the first hand-off. The server
//! therefore stores its `worker_index()` with every reply, and the client counts the
//! round trips whose reply came from another worker than the one it runs on. Under the
//! table the run prints the share of samples whose client started on the other worker
//! and the share of round trips that really crossed workers. With Tokio that share is
//! about 1%: the number is the request/reply latency of two tasks that *start* on
//! different workers, as the runtime chooses to run them (a scheduler that keeps the
//! pair apart pays a cross-thread wake per hand-off). The two `worker_index()` calls per
//! round trip are inside the timed region on both runtimes.
//!
//! `rt_multi/request_reply_outside` (ns/round-trip) is the case that really crosses
//! threads on both runtimes: the client is the thread in `block_on` and the server a task
//! on a worker, so each request wakes a worker task from outside and each reply wakes the
//! blocked thread (the shape of Tokio's own `request_reply` benchmark).
//!
//! Written once in `request_reply_workload!` and instantiated for Tokio and for kiso, on
//! the same runtime as the other `rt_multi` workloads ([`super::rt_multi`]).
//!
//! [`Baton`]: crate::primitives::Baton

use std::time::Duration;

use crate::harness::{Better, Workload};

/// How many times `request_reply` tries to start its client on the other worker.
pub const PLACEMENT_TRIES: usize = 5;
/// How long the `request_reply` server holds its worker while the client starts.
pub const PLACEMENT_HOLD: Duration = Duration::from_millis(20);

/// Instantiates `request_reply` in module `$name` on the runtime (and `worker_index`) of
/// the `rt_multi` instantiation `$multi`.
macro_rules! request_reply_workload {
    ($name:ident, $multi:ident) => {
        pub mod $name {
            use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
            use std::sync::Arc;
            use std::time::Instant;

            use super::{PLACEMENT_HOLD, PLACEMENT_TRIES};
            use crate::harness::{process_cpu_time, Sample, Size};
            use crate::primitives::{wait_on_thread, Baton, Latch};
            use crate::workloads::rt_multi::$multi::{runtime, worker};
            use crate::workloads::rt_multi::{observe, Segments};

            const RUNTIME: &str = stringify!($multi);

            /// What the client and the server of one `request_reply` attempt share.
            struct Line {
                request: Baton,
                reply: Baton,
                /// Set before the last request: the server then stops.
                stop: AtomicBool,
                /// The server's worker when it last handled a request (`usize::MAX`: none).
                server_worker: AtomicUsize,
                /// Counted down by the server once it holds its worker.
                server_up: Latch,
                /// Set by the client on its first poll.
                client_up: AtomicBool,
            }

            impl Line {
                fn new() -> Self {
                    Line {
                        request: Baton::new(),
                        reply: Baton::new(),
                        stop: AtomicBool::new(false),
                        server_worker: AtomicUsize::new(usize::MAX),
                        server_up: Latch::new(1),
                        client_up: AtomicBool::new(false),
                    }
                }
            }

            /// The server: holds its worker (no `.await`) until the client has started or
            /// [`PLACEMENT_HOLD`] has passed, so the client goes to the other worker; then
            /// answers every request until told to stop.
            async fn serve(line: Arc<Line>) {
                line.server_worker.store(worker(), Ordering::Relaxed);
                line.server_up.count_down();
                let deadline = Instant::now() + PLACEMENT_HOLD;
                while !line.client_up.load(Ordering::Acquire) && Instant::now() < deadline {
                    std::hint::spin_loop();
                }
                loop {
                    line.request.take().await;
                    if line.stop.load(Ordering::Acquire) {
                        break;
                    }
                    line.server_worker.store(worker(), Ordering::Relaxed);
                    line.reply.pass();
                }
            }

            /// The client: `None` if it started on the server's worker (unless `anyway`),
            /// else the timed round trips, how many of them crossed workers, and whether it
            /// started on the other worker.
            async fn client(
                line: Arc<Line>,
                trips: usize,
                anyway: bool,
            ) -> Option<(Segments, usize, bool)> {
                line.client_up.store(true, Ordering::Release);
                let placed = worker() != line.server_worker.load(Ordering::Relaxed);
                if !placed && !anyway {
                    return None;
                }
                let mut cross = 0usize;
                let mut timed = Segments::default();
                let cpu0 = process_cpu_time();
                let t0 = Instant::now();
                for _ in 0..trips {
                    line.request.pass();
                    line.reply.take().await;
                    let server = line.server_worker.load(Ordering::Relaxed);
                    cross += (worker() != server) as usize;
                }
                timed.add(t0.elapsed(), process_cpu_time().saturating_sub(cpu0));
                Some((timed, cross, placed))
            }

            pub fn request_reply(size: Size) -> Sample {
                let runtime = runtime();
                let Size { n, reps } = size;
                let trips = n * reps;
                let mut tries = 0;
                let (timed, cross, placed) = loop {
                    tries += 1;
                    let line = Arc::new(Line::new());
                    let server = runtime.spawn(serve(line.clone()));
                    wait_on_thread(line.server_up.wait());
                    let client =
                        runtime.spawn(client(line.clone(), trips, tries >= PLACEMENT_TRIES));
                    let outcome = wait_on_thread(client).expect("client task");
                    line.stop.store(true, Ordering::Release);
                    line.request.pass();
                    wait_on_thread(server).expect("server task");
                    if let Some(outcome) = outcome {
                        break outcome;
                    }
                };
                observe(
                    "request_reply: samples whose client started on the other worker",
                    RUNTIME,
                    placed as u8 as f64,
                );
                observe(
                    "request_reply: round trips with client and server on different workers",
                    RUNTIME,
                    cross as f64 / trips.max(1) as f64,
                );
                timed.sample(trips)
            }

            /// `request_reply_outside`: the client is the thread in `block_on`, the server
            /// a task on a worker, so every hand-off crosses threads: a wake of a worker
            /// task from outside (the global queue and a worker wake-up), then a wake of
            /// the blocked thread.
            pub fn request_reply_outside(size: Size) -> Sample {
                let runtime = runtime();
                let Size { n, reps } = size;
                let trips = n * reps;
                let line = Arc::new(Line::new());
                line.client_up.store(true, Ordering::Release);
                let server = runtime.spawn(serve(line.clone()));
                let mut timed = Segments::default();
                runtime.block_on(async {
                    line.server_up.wait().await;
                    let cpu0 = process_cpu_time();
                    let t0 = Instant::now();
                    for _ in 0..trips {
                        line.request.pass();
                        line.reply.take().await;
                    }
                    timed.add(t0.elapsed(), process_cpu_time().saturating_sub(cpu0));
                    line.stop.store(true, Ordering::Release);
                    line.request.pass();
                    server.await.expect("server task");
                });
                timed.sample(trips)
            }

            #[cfg(test)]
            mod tests {
                /// Completes at a small size, with the client started on the other worker.
                #[test]
                fn request_reply_completes() {
                    let sample = super::request_reply(crate::harness::Size { n: 16, reps: 2 });
                    assert!(sample.value > 0.0 && sample.cpu_per_op.is_some());
                }

                /// Completes at a small size, with the client outside the workers.
                #[test]
                fn request_reply_outside_completes() {
                    let sample =
                        super::request_reply_outside(crate::harness::Size { n: 16, reps: 2 });
                    assert!(sample.value > 0.0 && sample.cpu_per_op.is_some());
                }
            }
        }
    };
}

request_reply_workload!(tokio_rr, tokio_impl);
request_reply_workload!(kiso_rr, kiso_impl);

/// The `rt_multi/request_reply_outside` workload: request/reply between a task on a
/// worker and the thread in `block_on`, where every hand-off wakes another thread (the
/// shape of Tokio's own `request_reply` benchmark).
pub fn workload_outside() -> Workload {
    Workload {
        name: "rt_multi/request_reply_outside",
        unit: "ns/round-trip",
        better: Better::Lower,
        n: 1_000,
        quick_n: 100,
        calibrate: true,
        rounds: None,
        tokio: tokio_rr::request_reply_outside,
        kiso: kiso_rr::request_reply_outside,
    }
}

/// The `rt_multi/request_reply` workload.
pub fn workload() -> Workload {
    Workload {
        name: "rt_multi/request_reply",
        unit: "ns/round-trip",
        better: Better::Lower,
        n: 1_000,
        quick_n: 100,
        calibrate: true,
        rounds: None,
        tokio: tokio_rr::request_reply,
        kiso: kiso_rr::request_reply,
    }
}
