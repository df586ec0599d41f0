//! The delivery state of one signal: what the handler marks and what
//! listeners wait on.
//!
//! The handler only sets `pending`. Whoever drains the self-pipe calls
//! [`Deliveries::broadcast`], which swaps `pending` off and, if it was set,
//! bumps `generation` and wakes every registered listener. A listener
//! reports a delivery when `generation` differs from the last one it saw;
//! it registers its waker *before* its final look at `generation`, and
//! `broadcast` bumps `generation` *before* it takes the waiter list, so a
//! delivery is never missed (see the loom models in `loom_tests.rs`). Two
//! broadcasters racing (listeners on two runtimes) bump once per `pending`
//! set, since only one of them swaps it off.

use crate::loom::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use crate::loom::sync::Mutex;
use std::task::Waker;

pub(super) struct Deliveries {
    /// Set by the handler, swapped off by `broadcast`.
    pending: AtomicBool,
    /// How many deliveries have been broadcast.
    generation: AtomicUsize,
    /// Listeners waiting for the next delivery: (listener id, waker).
    waiters: Mutex<Vec<(u64, Waker)>>,
}

impl Deliveries {
    pub(super) fn new() -> Deliveries {
        Deliveries {
            pending: AtomicBool::new(false),
            generation: AtomicUsize::new(0),
            waiters: Mutex::new(Vec::new()),
        }
    }

    /// Marks a delivery (the handler's part: one atomic store, which is
    /// async-signal-safe).
    pub(super) fn record(&self) {
        self.pending.store(true, Ordering::SeqCst);
    }

    /// Turns a recorded delivery into a new generation and wakes the
    /// listeners; returns whether there was one.
    pub(super) fn broadcast(&self) -> bool {
        if !self.pending.load(Ordering::Relaxed) || !self.pending.swap(false, Ordering::SeqCst) {
            return false;
        }
        self.generation.fetch_add(1, Ordering::SeqCst);
        let waiters = std::mem::take(&mut *crate::loom::lock(&self.waiters));
        for (_, waker) in waiters {
            waker.wake();
        }
        true
    }

    /// The number of deliveries broadcast so far.
    pub(super) fn generation(&self) -> usize {
        self.generation.load(Ordering::SeqCst)
    }

    /// Makes `waker` the one woken for listener `id` at the next delivery.
    pub(super) fn register(&self, id: u64, waker: &Waker) {
        let mut waiters = crate::loom::lock(&self.waiters);
        match waiters.iter_mut().find(|(i, _)| *i == id) {
            Some((_, w)) => {
                if !w.will_wake(waker) {
                    w.clone_from(waker);
                }
            }
            None => waiters.push((id, waker.clone())),
        }
    }

    /// Forgets listener `id` (it is being dropped).
    pub(super) fn deregister(&self, id: u64) {
        crate::loom::lock(&self.waiters).retain(|(i, _)| *i != id);
    }
}

/// A listener's view: the last generation it reported.
pub(super) struct Seen(pub(super) usize);

impl Seen {
    /// Reports a delivery not reported yet, if any.
    pub(super) fn take(&mut self, deliveries: &Deliveries) -> bool {
        let generation = deliveries.generation();
        if generation == self.0 {
            return false;
        }
        self.0 = generation;
        true
    }
}
