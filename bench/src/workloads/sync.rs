//! `sync/*`: the synchronization primitives of `tokio::sync` (channels, `Notify`,
//! `Semaphore`, `RwLock`). Built with the `sync-workloads` cargo feature of kiso-bench.
//!
//! Every workload is written once in `sync_workloads!` and instantiated for Tokio and for
//! kiso. Each sample builds a fresh runtime (with `enable_all`) outside the timed region
//! and drops it after. "2 workers" is the runtime of the `rt_multi` workloads
//! ([`super::rt_multi`]); tasks are spawned on it from outside (`Runtime::spawn`), and the
//! measuring thread waits in `block_on`. Units are ns per op, where:
//!
//! - `mpsc_uncontended` (ns/message): 2 workers; one producer task `send().await`s
//!   `n` integers into `mpsc::channel(1024)`, one consumer task `recv()`s until `None` and
//!   checks the count. The sample runs from the spawns to the consumer's end.
//! - `mpsc_contended` (ns/message): the same with 5 producer tasks sharing the `n`
//!   messages (clones of the `Sender`), one consumer; the share of samples where the
//!   producers were seen on both workers is printed under the table.
//! - `mpsc_bounded_full` (ns/message): the same with one producer and
//!   `mpsc::channel(1)`: a send can only go through once the consumer has received the
//!   message before it, so producer and consumer take turns waiting for each other.
//!   Before each send the producer reads `Sender::capacity()` (one atomic load, on both
//!   runtimes); the share of sends that found the channel full is printed under the table.
//! - `mpsc_unbounded` (ns/message): the same with `mpsc::unbounded_channel()`, one producer.
//! - `oneshot` (ns/channel): `current_thread` (one task); per op: `oneshot::channel()`,
//!   one poll of the `Receiver` (pending: it registers the task's waker), `send`, then
//!   `.await` the `Receiver` (ready). So every op allocates a channel, registers a waker,
//!   sends into a waiting receiver (which wakes the task), and receives.
//! - `request_reply` (ns/round-trip): 2 workers; a server task receives
//!   `(request, oneshot::Sender)` from `mpsc::channel(1)` and replies `request + 1`; a
//!   client task does `n` sequential round trips, each with a new `oneshot` channel, and
//!   checks every reply.
//! - `semaphore_uncontended` (ns/acquire): `current_thread` (one task); `n` times
//!   `Semaphore::acquire().await` on a `Semaphore::new(1)` and drop the permit.
//! - `semaphore_contended` (ns/acquire): 2 workers; 8 tasks share `n` acquisitions of one
//!   `Semaphore::new(2)`; each holds its permit across one `task::yield_now().await`
//!   before dropping it, so 6 tasks are queued on the semaphore most of the time and a
//!   release hands the permit to a waiting task (without the yield, 2 permits on 2
//!   workers would never be short). Workers seen: printed under the table.
//! - `rwlock_read` (ns/read): 2 workers; 8 tasks share `n` `RwLock::read().await`s of one
//!   `RwLock<usize>` (guard dropped at once, no writer): the read path under concurrent
//!   readers on both workers (printed under the table).
//! - `notify_one` (ns/hand-off): 2 workers; two tasks ping-pong `n` round trips through
//!   two `Notify`s (`notify_one` then `notified().await` on the other one); one round trip
//!   is two hand-offs.
//! - `notify_waiters` (ns/round): 2 workers; 100 waiter tasks and one notifier task, `n`
//!   rounds. In a round each waiter creates a `Notified`, `enable()`s it (so it is in the
//!   waiter list whether or not it has been polled yet), counts a [`Latch`] of the round
//!   down and awaits it; the notifier awaits that latch, then calls `notify_waiters()`,
//!   which must wake all 100. The latch of the next round is the proof that all were woken.
//! - `broadcast_<N>` (ns/message; N = 10, 100, 1000): 2 workers; N receiver tasks (each
//!   from `Sender::subscribe`, spawned and parked on `recv` before the timed region) and
//!   one sender task that sends `n` integers into `broadcast::channel(128)`; every receiver
//!   checks it gets every message in order (a `Lagged` fails the workload). A broadcast
//!   channel has no back-pressure, so the sender is kept from overwriting unread messages
//!   by a window: messages go in batches of 64, each receiver counts a [`Latch`] of the
//!   batch down after its last message, and before sending batch `b` the sender awaits the
//!   latch of batch `b - 2`. The sample ends when all N have received the last message
//!   (N latch count-downs per 64 messages are part of it). Op = one message delivered to
//!   all N receivers.
//! - `watch_<N>` (ns/update; N = 10, 100, 1000): 2 workers; N receiver tasks (from
//!   `Sender::subscribe`, parked before the timed region) loop on `changed().await` +
//!   `borrow_and_update()`, and one sender task does `n` `send(i)`s on a
//!   `watch::channel(0)`. A watch channel keeps only the latest value, so to have every
//!   update seen by every receiver the sender waits after each `send` until all N have
//!   seen it (each receiver checks the value and counts a [`Latch`] of the update down).
//!   Op = one update seen by all N receivers (including the N latch count-downs).
//!
//! The latches ([`crate::primitives::Latch`]) are the same code for both runtimes: their
//! only runtime work is the `Waker::wake` of the waiting task.
//!
//! [`Latch`]: crate::primitives::Latch

use crate::harness::{Better, Workload};
use crate::primitives::Latch;

/// Worker threads of the 2-worker runtime (the `rt_multi` one).
pub const WORKERS: usize = super::rt_multi::WORKERS;
/// Capacity of the `mpsc::channel` of `mpsc_uncontended` and `mpsc_contended`.
pub const MPSC_CAPACITY: usize = 1024;
/// Producer tasks of `mpsc_contended`.
pub const MPSC_PRODUCERS: usize = 5;
/// Tasks of `semaphore_contended` and `rwlock_read`.
pub const CONTENDING_TASKS: usize = 8;
/// Permits of the `semaphore_contended` semaphore.
pub const CONTENDED_PERMITS: usize = 2;
/// Waiter tasks of `notify_waiters`.
pub const NOTIFY_WAITERS: usize = 100;
/// Messages per acknowledged batch in `broadcast_<N>`.
pub const BROADCAST_BATCH: usize = 64;
/// Capacity of the `broadcast` channel: two batches, so the sender can run one batch
/// ahead of the slowest receiver.
pub const BROADCAST_CAPACITY: usize = 2 * BROADCAST_BATCH;

/// The share of `total` operations that task `t` of `tasks` does.
fn share(total: usize, tasks: usize, t: usize) -> usize {
    total / tasks + usize::from(t < total % tasks)
}

/// A task's walk through a sequence of latches, counting each one down once. If the task
/// stops early (it panicked on a wrong value), dropping this counts down the rest, so the
/// task waiting on them finishes and the failure surfaces from the `JoinHandle` instead of
/// hanging the run.
struct Acks<'a> {
    latches: &'a [Latch],
    next: usize,
}

impl<'a> Acks<'a> {
    fn new(latches: &'a [Latch]) -> Self {
        Acks { latches, next: 0 }
    }

    /// Counts down the next latch.
    fn ack(&mut self) {
        self.latches[self.next].count_down();
        self.next += 1;
    }
}

impl Drop for Acks<'_> {
    fn drop(&mut self) {
        while self.next < self.latches.len() {
            self.ack();
        }
    }
}

/// Instantiates every `sync` workload for the runtime crate at `$rt`, in module `$name`.
macro_rules! sync_workloads {
    ($name:ident, $rt:path) => {
        pub mod $name {
            use std::future::{poll_fn, Future};
            use std::hint::black_box;
            use std::pin::{pin, Pin};
            use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
            use std::sync::Arc;
            use std::task::Poll;

            use super::{
                share, Acks, BROADCAST_BATCH, BROADCAST_CAPACITY, CONTENDED_PERMITS,
                CONTENDING_TASKS, MPSC_CAPACITY, MPSC_PRODUCERS, NOTIFY_WAITERS, WORKERS,
            };
            use crate::harness::{measure, Sample, Size};
            use crate::primitives::{wait_on_thread, Latch};
            use crate::workloads::rt_multi::observe;
            // The same 2-worker runtime as the `rt_multi` workloads.
            use crate::workloads::rt_multi::$name::runtime as multi_thread;
            use rt::sync::{broadcast, mpsc, oneshot, watch, Notify, RwLock, Semaphore};
            use $rt as rt;

            const RUNTIME: &str = stringify!($name);

            fn current_thread() -> rt::runtime::Runtime {
                rt::runtime::Builder::new_current_thread()
                    .enable_all()
                    .build()
                    .expect("build a current_thread runtime")
            }

            /// Which workers the tasks of one sample were seen on.
            type Seen = Arc<[AtomicBool; WORKERS]>;

            fn mark_worker(seen: &Seen) {
                if let Some(w) = rt::runtime::worker_index() {
                    seen[w % WORKERS].store(true, Ordering::Relaxed);
                }
            }

            fn observe_workers(what: &'static str, seen: &Seen) {
                let both = seen.iter().all(|s| s.load(Ordering::Relaxed));
                observe(what, RUNTIME, both as u8 as f64);
            }

            /// `total` messages from `producers` tasks into `mpsc::channel(capacity)`, one
            /// consumer. Returns the sample, which workers the producers ran on, and how
            /// many sends found the channel full (counted when `count_full`).
            fn bounded(
                total: usize,
                producers: usize,
                capacity: usize,
                count_full: bool,
            ) -> (Sample, Seen, usize) {
                let runtime = multi_thread();
                let seen = Seen::default();
                let full = Arc::new(AtomicUsize::new(0));
                let sample = measure(total as u64, || {
                    let (tx, mut rx) = mpsc::channel::<usize>(capacity);
                    let consumer = runtime.spawn(async move {
                        let mut received = 0usize;
                        while let Some(v) = rx.recv().await {
                            black_box(v);
                            received += 1;
                        }
                        received
                    });
                    let producers: Vec<_> = (0..producers)
                        .map(|p| {
                            let (tx, seen, full) = (tx.clone(), seen.clone(), full.clone());
                            let count = share(total, producers, p);
                            runtime.spawn(async move {
                                let mut found_full = 0;
                                for i in 0..count {
                                    if i % 256 == 0 {
                                        mark_worker(&seen);
                                    }
                                    if count_full && tx.capacity() == 0 {
                                        found_full += 1;
                                    }
                                    tx.send(i).await.expect("mpsc: the consumer is gone");
                                }
                                full.fetch_add(found_full, Ordering::Relaxed);
                            })
                        })
                        .collect();
                    drop(tx);
                    let received = runtime.block_on(consumer).expect("mpsc consumer");
                    assert_eq!(received, total, "mpsc: messages received");
                    for producer in producers {
                        runtime.block_on(producer).expect("mpsc producer");
                    }
                });
                (sample, seen, full.load(Ordering::Relaxed))
            }

            pub fn mpsc_uncontended(size: Size) -> Sample {
                bounded(size.n * size.reps, 1, MPSC_CAPACITY, false).0
            }

            pub fn mpsc_contended(size: Size) -> Sample {
                let (sample, seen, _) =
                    bounded(size.n * size.reps, MPSC_PRODUCERS, MPSC_CAPACITY, false);
                observe_workers(
                    "sync/mpsc_contended: samples with producers seen on both workers",
                    &seen,
                );
                sample
            }

            pub fn mpsc_bounded_full(size: Size) -> Sample {
                let total = size.n * size.reps;
                let (sample, _, full) = bounded(total, 1, 1, true);
                observe(
                    "sync/mpsc_bounded_full: sends that found the channel full",
                    RUNTIME,
                    full as f64 / total.max(1) as f64,
                );
                sample
            }

            pub fn mpsc_unbounded(size: Size) -> Sample {
                let runtime = multi_thread();
                let total = size.n * size.reps;
                measure(total as u64, || {
                    let (tx, mut rx) = mpsc::unbounded_channel::<usize>();
                    let consumer = runtime.spawn(async move {
                        let mut received = 0usize;
                        while let Some(v) = rx.recv().await {
                            black_box(v);
                            received += 1;
                        }
                        received
                    });
                    let producer = runtime.spawn(async move {
                        for i in 0..total {
                            tx.send(i).expect("mpsc: the consumer is gone");
                        }
                    });
                    let received = runtime.block_on(consumer).expect("mpsc consumer");
                    assert_eq!(received, total, "mpsc: messages received");
                    runtime.block_on(producer).expect("mpsc producer");
                })
            }

            pub fn oneshot(size: Size) -> Sample {
                let runtime = current_thread();
                let total = size.n * size.reps;
                measure(total as u64, || {
                    let task = runtime.spawn(async move {
                        for i in 0..total {
                            let (tx, mut rx) = oneshot::channel::<usize>();
                            // One poll before the send: registers this task's waker.
                            let pending =
                                poll_fn(|cx| Poll::Ready(Pin::new(&mut rx).poll(cx).is_pending()))
                                    .await;
                            assert!(pending, "oneshot: a value before the send");
                            tx.send(i).expect("oneshot: the receiver is gone");
                            assert_eq!((&mut rx).await, Ok(i), "oneshot: received");
                        }
                    });
                    runtime.block_on(task).expect("oneshot task");
                })
            }

            pub fn request_reply(size: Size) -> Sample {
                let runtime = multi_thread();
                let total = size.n * size.reps;
                measure(total as u64, || {
                    let (tx, mut rx) = mpsc::channel::<(usize, oneshot::Sender<usize>)>(1);
                    let server = runtime.spawn(async move {
                        while let Some((request, reply)) = rx.recv().await {
                            // The client awaits the reply: it cannot be gone.
                            reply.send(request + 1).expect("request_reply: client gone");
                        }
                    });
                    let client = runtime.spawn(async move {
                        for i in 0..total {
                            let (reply_tx, reply_rx) = oneshot::channel();
                            tx.send((i, reply_tx))
                                .await
                                .expect("request_reply: server gone");
                            let reply = reply_rx.await.expect("request_reply: no reply");
                            assert_eq!(reply, i + 1, "request_reply: reply");
                        }
                    });
                    runtime.block_on(client).expect("request_reply client");
                    runtime.block_on(server).expect("request_reply server");
                })
            }

            pub fn semaphore_uncontended(size: Size) -> Sample {
                let runtime = current_thread();
                let total = size.n * size.reps;
                measure(total as u64, || {
                    let task = runtime.spawn(async move {
                        let semaphore = Semaphore::new(1);
                        for _ in 0..total {
                            let permit = semaphore.acquire().await.expect("semaphore closed");
                            black_box(&permit);
                        }
                        assert_eq!(semaphore.available_permits(), 1);
                    });
                    runtime.block_on(task).expect("semaphore task");
                })
            }

            pub fn semaphore_contended(size: Size) -> Sample {
                let runtime = multi_thread();
                let total = size.n * size.reps;
                let seen = Seen::default();
                let sample = measure(total as u64, || {
                    let semaphore = Arc::new(Semaphore::new(CONTENDED_PERMITS));
                    let tasks: Vec<_> = (0..CONTENDING_TASKS)
                        .map(|t| {
                            let (semaphore, seen) = (semaphore.clone(), seen.clone());
                            let count = share(total, CONTENDING_TASKS, t);
                            runtime.spawn(async move {
                                for i in 0..count {
                                    if i % 64 == 0 {
                                        mark_worker(&seen);
                                    }
                                    let permit =
                                        semaphore.acquire().await.expect("semaphore closed");
                                    rt::task::yield_now().await;
                                    drop(permit);
                                }
                            })
                        })
                        .collect();
                    for task in tasks {
                        runtime.block_on(task).expect("semaphore task");
                    }
                    assert_eq!(semaphore.available_permits(), CONTENDED_PERMITS);
                });
                observe_workers(
                    "sync/semaphore_contended: samples with tasks seen on both workers",
                    &seen,
                );
                sample
            }

            pub fn rwlock_read(size: Size) -> Sample {
                let runtime = multi_thread();
                let total = size.n * size.reps;
                let seen = Seen::default();
                let sample = measure(total as u64, || {
                    let lock = Arc::new(RwLock::new(7usize));
                    let tasks: Vec<_> = (0..CONTENDING_TASKS)
                        .map(|t| {
                            let (lock, seen) = (lock.clone(), seen.clone());
                            let count = share(total, CONTENDING_TASKS, t);
                            runtime.spawn(async move {
                                for i in 0..count {
                                    if i % 256 == 0 {
                                        mark_worker(&seen);
                                    }
                                    black_box(*lock.read().await);
                                }
                            })
                        })
                        .collect();
                    for task in tasks {
                        runtime.block_on(task).expect("rwlock task");
                    }
                });
                observe_workers(
                    "sync/rwlock_read: samples with readers seen on both workers",
                    &seen,
                );
                sample
            }

            pub fn notify_one(size: Size) -> Sample {
                let runtime = multi_thread();
                let rounds = size.n * size.reps;
                measure(2 * rounds as u64, || {
                    // [0]: ping -> pong, [1]: pong -> ping.
                    let ping = Arc::new([Notify::new(), Notify::new()]);
                    let pong = ping.clone();
                    let a = runtime.spawn(async move {
                        for _ in 0..rounds {
                            ping[0].notify_one();
                            ping[1].notified().await;
                        }
                    });
                    let b = runtime.spawn(async move {
                        for _ in 0..rounds {
                            pong[0].notified().await;
                            pong[1].notify_one();
                        }
                    });
                    runtime.block_on(a).expect("notify ping");
                    runtime.block_on(b).expect("notify pong");
                })
            }

            pub fn notify_waiters(size: Size) -> Sample {
                let runtime = multi_thread();
                let rounds = size.n * size.reps;
                let notify = Arc::new(Notify::new());
                // `ready[r]`: every waiter is registered for round `r` (and so was woken
                // in round `r - 1`); `ready[rounds]`: every waiter saw the last round.
                let ready: Arc<[Latch]> =
                    (0..=rounds).map(|_| Latch::new(NOTIFY_WAITERS)).collect();
                let woken = Arc::new(AtomicUsize::new(0));
                let waiters: Vec<_> = (0..NOTIFY_WAITERS)
                    .map(|_| {
                        let (notify, ready, woken) = (notify.clone(), ready.clone(), woken.clone());
                        runtime.spawn(async move {
                            let mut acks = Acks::new(&ready);
                            for _ in 0..rounds {
                                let mut notified = pin!(notify.notified());
                                notified.as_mut().enable();
                                acks.ack();
                                notified.await;
                            }
                            woken.fetch_add(rounds, Ordering::Relaxed);
                            acks.ack();
                        })
                    })
                    .collect();
                let sample = measure(rounds as u64, || {
                    let ready = ready.clone();
                    let notifier = runtime.spawn(async move {
                        for r in 0..rounds {
                            ready[r].wait().await;
                            notify.notify_waiters();
                        }
                        ready[rounds].wait().await;
                    });
                    runtime.block_on(notifier).expect("notifier");
                });
                for waiter in waiters {
                    runtime.block_on(waiter).expect("notify waiter");
                }
                assert_eq!(woken.load(Ordering::Relaxed), rounds * NOTIFY_WAITERS);
                sample
            }

            /// `broadcast_<receivers>`: see the module documentation.
            fn broadcast(size: Size, receivers: usize) -> Sample {
                let runtime = multi_thread();
                let total = size.n * size.reps;
                let batches = total.div_ceil(BROADCAST_BATCH);
                let (tx, _) = broadcast::channel::<usize>(BROADCAST_CAPACITY);
                let acks: Arc<[Latch]> = (0..batches).map(|_| Latch::new(receivers)).collect();
                let started = Arc::new(Latch::new(receivers));
                let tasks: Vec<_> = (0..receivers)
                    .map(|_| {
                        let mut rx = tx.subscribe();
                        let (acks, started) = (acks.clone(), started.clone());
                        runtime.spawn(async move {
                            let mut acks = Acks::new(&acks);
                            started.count_down();
                            for i in 0..total {
                                match rx.recv().await {
                                    Ok(v) => assert_eq!(v, i, "broadcast: message order"),
                                    Err(e) => panic!("broadcast receiver: {e}"),
                                }
                                if (i + 1) % BROADCAST_BATCH == 0 || i + 1 == total {
                                    acks.ack();
                                }
                            }
                        })
                    })
                    .collect();
                wait_on_thread(started.wait());
                let sample = measure(total as u64, || {
                    let acks = acks.clone();
                    let sender = runtime.spawn(async move {
                        for b in 0..batches {
                            if b >= 2 {
                                // Batch `b` overwrites the slots of batch `b - 2`.
                                acks[b - 2].wait().await;
                            }
                            let end = ((b + 1) * BROADCAST_BATCH).min(total);
                            for i in b * BROADCAST_BATCH..end {
                                tx.send(i).expect("broadcast: no receiver");
                            }
                        }
                        for ack in &acks[batches.saturating_sub(2)..] {
                            ack.wait().await;
                        }
                    });
                    runtime.block_on(sender).expect("broadcast sender");
                });
                for task in tasks {
                    runtime.block_on(task).expect("broadcast receiver");
                }
                sample
            }

            pub fn broadcast_10(size: Size) -> Sample {
                broadcast(size, 10)
            }

            pub fn broadcast_100(size: Size) -> Sample {
                broadcast(size, 100)
            }

            pub fn broadcast_1000(size: Size) -> Sample {
                broadcast(size, 1000)
            }

            /// `watch_<receivers>`: see the module documentation.
            fn watch(size: Size, receivers: usize) -> Sample {
                let runtime = multi_thread();
                let updates = size.n * size.reps;
                let (tx, _) = watch::channel(0usize);
                let seen: Arc<[Latch]> = (0..updates).map(|_| Latch::new(receivers)).collect();
                let started = Arc::new(Latch::new(receivers));
                let tasks: Vec<_> = (0..receivers)
                    .map(|_| {
                        let mut rx = tx.subscribe();
                        let (seen, started) = (seen.clone(), started.clone());
                        runtime.spawn(async move {
                            let mut acks = Acks::new(&seen);
                            started.count_down();
                            for u in 1..=updates {
                                rx.changed().await.expect("watch: the sender is gone");
                                assert_eq!(*rx.borrow_and_update(), u, "watch: value");
                                acks.ack();
                            }
                        })
                    })
                    .collect();
                wait_on_thread(started.wait());
                let sample = measure(updates as u64, || {
                    let seen = seen.clone();
                    let sender = runtime.spawn(async move {
                        for (u, all_seen) in (1..=updates).zip(seen.iter()) {
                            tx.send(u).expect("watch: no receiver");
                            all_seen.wait().await;
                        }
                    });
                    runtime.block_on(sender).expect("watch sender");
                });
                for task in tasks {
                    runtime.block_on(task).expect("watch receiver");
                }
                sample
            }

            pub fn watch_10(size: Size) -> Sample {
                watch(size, 10)
            }

            pub fn watch_100(size: Size) -> Sample {
                watch(size, 100)
            }

            pub fn watch_1000(size: Size) -> Sample {
                watch(size, 1000)
            }

            #[cfg(test)]
            mod tests {
                use super::*;

                /// Every workload completes at a small size and reports a positive value.
                #[test]
                fn workloads_complete() {
                    for f in [
                        mpsc_uncontended,
                        mpsc_contended,
                        mpsc_bounded_full,
                        mpsc_unbounded,
                        oneshot,
                        request_reply,
                        semaphore_uncontended,
                        semaphore_contended,
                        rwlock_read,
                        notify_one,
                        notify_waiters,
                        broadcast_10,
                        broadcast_100,
                        broadcast_1000,
                        watch_10,
                        watch_100,
                        watch_1000,
                    ] {
                        // 130 messages: three broadcast batches, the last one partial.
                        let sample = f(Size { n: 65, reps: 2 });
                        assert!(sample.value > 0.0 && sample.cpu_per_op.is_some());
                    }
                }

                /// With capacity 1 most sends of `mpsc_bounded_full` find the channel full.
                #[test]
                fn bounded_full_waits() {
                    let (_, _, full) = bounded(2000, 1, 1, true);
                    assert!(full > 1000, "{full} of 2000 sends found the channel full");
                }
            }
        }
    };
}

sync_workloads!(tokio_impl, ::tokio);
sync_workloads!(kiso_impl, crate::workloads::kiso_rt);

/// The `sync/*` workloads, in table order.
pub fn workloads() -> Vec<Workload> {
    macro_rules! entry {
        ($f:ident, $unit:expr, $n:expr, $quick:expr) => {
            Workload {
                name: concat!("sync/", stringify!($f)),
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
        entry!(mpsc_uncontended, "ns/message", 100_000, 5_000),
        entry!(mpsc_contended, "ns/message", 100_000, 5_000),
        entry!(mpsc_bounded_full, "ns/message", 20_000, 2_000),
        entry!(mpsc_unbounded, "ns/message", 100_000, 5_000),
        entry!(oneshot, "ns/channel", 100_000, 5_000),
        entry!(request_reply, "ns/round-trip", 10_000, 1_000),
        entry!(semaphore_uncontended, "ns/acquire", 1_000_000, 20_000),
        entry!(semaphore_contended, "ns/acquire", 100_000, 5_000),
        entry!(rwlock_read, "ns/read", 1_000_000, 20_000),
        entry!(notify_one, "ns/hand-off", 10_000, 1_000),
        entry!(notify_waiters, "ns/round", 1_000, 50),
        entry!(broadcast_10, "ns/message", 20_000, 1_000),
        entry!(broadcast_100, "ns/message", 2_000, 100),
        entry!(broadcast_1000, "ns/message", 200, 20),
        entry!(watch_10, "ns/update", 10_000, 500),
        entry!(watch_100, "ns/update", 1_000, 50),
        entry!(watch_1000, "ns/update", 100, 10),
    ]
}
