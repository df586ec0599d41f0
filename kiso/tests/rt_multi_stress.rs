//! Stress tests for the multi-thread runtime: many tasks, many cross-worker
//! wake-ups, many spawning threads, each with an exact count at the end.
//!
//! The sizes are the issue's, in debug builds too: each test stays within a
//! few seconds on a 2-core machine.

#![cfg(feature = "rt-multi-thread")]

mod support;

use std::future::{poll_fn, Future};
use std::pin::Pin;
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering::SeqCst};
use std::sync::{Arc, Barrier, Mutex};
use std::task::{Poll, Waker};
use support::*;

/// The size of a stress run (one place to scale them all).
const fn size(n: usize) -> usize {
    n
}

/// Tasks in the spawn tree.
const TREE_TASKS: usize = size(1_000_000);
/// Tasks waking each other.
const WAKING_TASKS: usize = 10_000;
/// Wake-ups they pass around before stopping.
const WAKE_UPS: usize = size(1_000_000);
/// Threads spawning at once, and tasks each of them spawns.
const SPAWNING_THREADS: usize = 8;
const TASKS_PER_THREAD: usize = size(100_000);

/// Counts its runs and sets `done` on the run that brings them to `total`.
struct Counter {
    runs: AtomicUsize,
    total: usize,
    done: Flag,
}

impl Counter {
    fn new(total: usize) -> Arc<Counter> {
        Arc::new(Counter {
            runs: AtomicUsize::new(0),
            total,
            done: Flag::new(),
        })
    }

    fn ran(&self) {
        if self.runs.fetch_add(1, SeqCst) + 1 == self.total {
            self.done.set();
        }
    }
}

/// A task that counts itself and spawns children for the other `n - 1`
/// tasks of its subtree, split as evenly as possible over up to ten.
fn tree(n: usize, counter: Arc<Counter>) -> Pin<Box<dyn Future<Output = ()> + Send>> {
    Box::pin(async move {
        counter.ran();
        let mut left = n - 1;
        let children = left.min(10);
        for k in 0..children {
            let share = left / (children - k);
            left -= share;
            kiso::spawn(tree(share, counter.clone()));
        }
        assert_eq!(left, 0);
    })
}

#[test]
fn recursive_spawn_tree_runs_every_task_once() {
    with_timeout(|| {
        let rt = multi(2);
        let counter = Counter::new(TREE_TASKS);
        rt.spawn(tree(TREE_TASKS, counter.clone()));
        rt.block_on(counter.done.wait());
        assert_eq!(counter.runs.load(SeqCst), TREE_TASKS);
        drop(rt);
        assert_eq!(counter.runs.load(SeqCst), TREE_TASKS, "no task ran twice");
    });
}

/// A counting notification: `notify` adds one, the owner takes them all.
#[derive(Default)]
struct Slot(Mutex<(usize, Option<Waker>)>);

impl Slot {
    fn notify(&self) {
        let waker = {
            let mut g = self.0.lock().unwrap();
            g.0 += 1;
            g.1.take()
        };
        if let Some(w) = waker {
            w.wake();
        }
    }

    /// Wakes the owner without a notification (to let it see `stop`).
    fn poke(&self) {
        let waker = self.0.lock().unwrap().1.take();
        if let Some(w) = waker {
            w.wake();
        }
    }
}

struct Waking {
    slots: Vec<Slot>,
    /// Wake-ups still to be sent.
    tokens: AtomicUsize,
    /// Notifications taken by their owners.
    handled: AtomicUsize,
    /// Notifications sent and not yet taken.
    in_flight: AtomicUsize,
    /// Polls that took at least one notification.
    received: AtomicUsize,
    /// Notifications there will be: the initial ones plus `WAKE_UPS`.
    total: usize,
    stop: AtomicBool,
    done: Flag,
}

/// Up to this many notifications are in flight at once (beyond it, a
/// handled notification passes on just one), so that the wake-ups are spread
/// over the whole run rather than piling up at the start.
const IN_FLIGHT_CAP: usize = 256;

impl Waking {
    fn take_token(&self) -> bool {
        self.tokens
            .fetch_update(SeqCst, SeqCst, |t| t.checked_sub(1))
            .is_ok()
    }

    fn notify(&self, to: usize) {
        self.in_flight.fetch_add(1, SeqCst);
        self.slots[to].notify();
    }
}

/// xorshift64: enough randomness to pick whom to wake.
fn next_random(state: &mut u64) -> u64 {
    *state ^= *state << 13;
    *state ^= *state >> 7;
    *state ^= *state << 17;
    *state
}

#[test]
fn ten_thousand_tasks_wake_each_other_at_random() {
    with_timeout(|| {
        const INITIAL: usize = 16;
        let rt = multi(2);
        let shared = Arc::new(Waking {
            slots: (0..WAKING_TASKS).map(|_| Slot::default()).collect(),
            tokens: AtomicUsize::new(WAKE_UPS),
            handled: AtomicUsize::new(0),
            in_flight: AtomicUsize::new(0),
            received: AtomicUsize::new(0),
            total: INITIAL + WAKE_UPS,
            stop: AtomicBool::new(false),
            done: Flag::new(),
        });
        let tasks: Vec<_> = (0..WAKING_TASKS)
            .map(|me| {
                let s = shared.clone();
                rt.spawn(async move {
                    let mut rng = 0x9E37_79B9_7F4A_7C15u64 ^ (me as u64 + 1);
                    let mut mine = 0;
                    loop {
                        // Every notification for this task, or None once all
                        // of them everywhere have been handled.
                        let taken = poll_fn(|cx| {
                            let mut g = s.slots[me].0.lock().unwrap();
                            if g.0 > 0 {
                                return Poll::Ready(Some(std::mem::take(&mut g.0)));
                            }
                            if s.stop.load(SeqCst) {
                                return Poll::Ready(None);
                            }
                            g.1 = Some(cx.waker().clone());
                            Poll::Pending
                        })
                        .await;
                        let Some(n) = taken else { break };
                        mine += n;
                        s.in_flight.fetch_sub(n, SeqCst);
                        s.received.fetch_add(1, SeqCst);
                        for _ in 0..n {
                            // Pass on one to three wake-ups, the second and
                            // third only while few are in flight. While
                            // tokens are left, each handled one sends at
                            // least one, so the wake-ups never die out.
                            for extra in 0..3 {
                                if extra > 0 && s.in_flight.load(SeqCst) >= IN_FLIGHT_CAP {
                                    break;
                                }
                                if s.take_token() {
                                    s.notify(next_random(&mut rng) as usize % WAKING_TASKS);
                                }
                            }
                            if s.handled.fetch_add(1, SeqCst) + 1 == s.total {
                                s.stop.store(true, SeqCst);
                                for slot in &s.slots {
                                    slot.poke();
                                }
                                s.done.set();
                            }
                        }
                    }
                    mine
                })
            })
            .collect();
        let mut rng = 12345u64;
        for _ in 0..INITIAL {
            shared.notify(next_random(&mut rng) as usize % WAKING_TASKS);
        }
        rt.block_on(shared.done.wait());
        let per_task: usize = rt.block_on(async {
            let mut sum = 0;
            for t in tasks {
                sum += t.await.unwrap();
            }
            sum
        });
        assert_eq!(shared.tokens.load(SeqCst), 0, "every wake-up was sent");
        assert_eq!(shared.handled.load(SeqCst), INITIAL + WAKE_UPS);
        assert_eq!(per_task, INITIAL + WAKE_UPS, "every wake-up was received");
        assert_eq!(shared.in_flight.load(SeqCst), 0);
        // With at most a few hundred in flight over ten thousand tasks, few
        // notifications are taken together: nearly every one was a wake-up
        // and a poll of its own, not a counter bump.
        let received = shared.received.load(SeqCst);
        assert!(received * 2 >= WAKE_UPS, "only {received} wake-ups");
    });
}

#[test]
fn eight_threads_spawn_at_once() {
    with_timeout(|| {
        let rt = multi(2);
        let counter = Counter::new(SPAWNING_THREADS * TASKS_PER_THREAD);
        let start = Arc::new(Barrier::new(SPAWNING_THREADS));
        let threads: Vec<_> = (0..SPAWNING_THREADS)
            .map(|t| {
                let handle = rt.handle().clone();
                let counter = counter.clone();
                let start = start.clone();
                std::thread::spawn(move || {
                    start.wait();
                    // Keep every 1000th handle to check join results too.
                    let mut kept = Vec::new();
                    for i in 0..TASKS_PER_THREAD {
                        let counter = counter.clone();
                        let h = handle.spawn(async move {
                            counter.ran();
                            t * TASKS_PER_THREAD + i
                        });
                        if i % 1000 == 0 {
                            kept.push((t * TASKS_PER_THREAD + i, h));
                        }
                    }
                    handle.block_on(async {
                        for (want, h) in kept {
                            assert_eq!(h.await.unwrap(), want);
                        }
                    });
                })
            })
            .collect();
        for t in threads {
            t.join().unwrap();
        }
        rt.block_on(counter.done.wait());
        assert_eq!(
            counter.runs.load(SeqCst),
            SPAWNING_THREADS * TASKS_PER_THREAD
        );
        drop(rt);
        assert_eq!(
            counter.runs.load(SeqCst),
            SPAWNING_THREADS * TASKS_PER_THREAD
        );
    });
}
