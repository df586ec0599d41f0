//! The capacity of a bounded channel: the batch semaphore, plus permits the
//! receiver holds back.
//!
//! Every send takes a permit from the semaphore and every receive gives one
//! back. With the senders on one core and the receiver on another, both of
//! those are read-modify-writes of the semaphore's word, so the word's cache
//! line crossed the cores twice per message. Instead the receiver counts the
//! permits it frees in a word of its own (`held`) and returns them to the
//! semaphore in batches.
//!
//! Held permits must never keep a sender waiting:
//!
//! * a sender that finds the semaphore short first takes what the receiver
//!   holds (the same `fetch_and` the receiver uses, so every held permit is
//!   returned exactly once);
//! * a sender that is going to wait first *arms* `held` (a count of waiting
//!   senders in its upper bits) and then takes what is held. While `held` is
//!   armed the receiver returns every permit at once. Arming, taking and the
//!   receiver's counting are all read-modify-writes of the one word, so a
//!   permit freed before the arm is taken by the sender, and one freed after
//!   it is returned by the receiver: no permit freed while a sender waits
//!   stays held.
//!
//! Small channels (fewer than `BATCH_MIN_BOUND` slots) do not batch: a
//! quarter of their capacity would be too few messages to be worth it, and
//! their senders would find the semaphore short all the time.

use crate::loom::sync::atomic::{AtomicUsize, Ordering::AcqRel, Ordering::Acquire, Ordering::Relaxed};
use crate::sync::batch_semaphore::{Semaphore, TryAcquireError};
use crate::util::CachePadded;
use std::future::poll_fn;

/// Low bits of `held`: permits held back. Fewer than `2 * batch` (64).
const COUNT_MASK: usize = 0xff;
/// One armed sender in `held`.
const ARMED_ONE: usize = COUNT_MASK + 1;

/// Permits the receiver holds back before it returns them.
#[cfg(not(loom))]
const BATCH: usize = 32;
#[cfg(loom)]
const BATCH: usize = 2;
/// Smallest bound that batches: `BATCH` is at most a quarter of it.
const BATCH_MIN_BOUND: usize = 4 * BATCH;

pub(super) struct Capacity {
    sem: Semaphore,
    bound: usize,
    /// On a line of its own: the receiver uses it on every message, while
    /// the semaphore's word next to `bound` is the senders'.
    held: CachePadded<Held>,
}

struct Held {
    /// `armed senders * ARMED_ONE + held permits`.
    word: AtomicUsize,
    /// `BATCH`, or 0 when this channel does not batch.
    batch: usize,
}

impl Capacity {
    pub(super) fn new(bound: usize) -> Capacity {
        Capacity {
            sem: Semaphore::new(bound),
            bound,
            held: CachePadded(Held {
                word: AtomicUsize::new(0),
                batch: if bound >= BATCH_MIN_BOUND { BATCH } else { 0 },
            }),
        }
    }

    pub(super) fn bound(&self) -> usize {
        self.bound
    }

    /// Free capacity: the semaphore's permits and those held back.
    pub(super) fn available(&self) -> usize {
        self.sem.available_permits() + (self.held.word.load(Acquire) & COUNT_MASK)
    }

    /// No message buffered and no capacity reserved.
    pub(super) fn is_idle(&self) -> bool {
        self.available() == self.bound
    }

    pub(super) fn is_closed(&self) -> bool {
        self.sem.is_closed()
    }

    pub(super) fn close(&self) {
        self.sem.close();
    }

    /// The receiver took `n` messages: their permits are free again.
    pub(super) fn received(&self, n: usize) {
        if n == 0 {
            return;
        }
        if n >= self.held.batch {
            self.sem.release(n);
            return;
        }
        // A sender waits: return the permits at once, without writing the
        // word that the waiting senders arm and disarm. (A stale "not armed"
        // is caught by the `fetch_add` below, which is what counts.)
        if self.held.word.load(Relaxed) >= ARMED_ONE {
            self.sem.release(n);
            return;
        }
        let prev = self.held.word.fetch_add(n, AcqRel);
        if prev >= ARMED_ONE || (prev & COUNT_MASK) + n >= self.held.batch {
            self.return_held();
        }
    }

    /// Returns the permits held back to the semaphore (the receiver, when it
    /// closes, and senders that find the semaphore short).
    pub(super) fn return_held(&self) {
        if self.held.batch == 0 {
            return;
        }
        let held = self.held.word.fetch_and(!COUNT_MASK, AcqRel) & COUNT_MASK;
        self.sem.release(held);
    }

    /// Permits a sender reserved and did not use.
    pub(super) fn release(&self, n: usize) {
        self.sem.release(n);
    }

    /// Takes `n` permits without waiting.
    pub(super) fn try_acquire(&self, n: usize) -> Result<(), TryAcquireError> {
        match self.sem.try_acquire(n) {
            Err(TryAcquireError::NoPermits) if self.held.batch > 0 => {
                self.return_held();
                self.sem.try_acquire(n)
            }
            res => res,
        }
    }

    /// Waits for `n` permits, first come first served. `Err(())` once the
    /// semaphore is closed.
    pub(super) async fn acquire(&self, n: usize) -> Result<(), ()> {
        if self.held.batch > 0 {
            // Like any acquire, this spends a unit of coop budget.
            let done = {
                let coop = poll_fn(crate::task::coop::poll_proceed).await;
                match self.sem.try_acquire(n) {
                    Ok(()) => {
                        coop.made_progress();
                        Some(Ok(()))
                    }
                    Err(TryAcquireError::Closed) => Some(Err(())),
                    Err(TryAcquireError::NoPermits) => None,
                }
            };
            if let Some(res) = done {
                return res;
            }
            // About to wait: arm, then take what the receiver holds.
            self.held.word.fetch_add(ARMED_ONE, AcqRel);
            let _armed = Armed(&self.held.word);
            self.return_held();
            return self.sem.acquire(n).await.map_err(|_| ());
        }
        self.sem.acquire(n).await.map_err(|_| ())
    }
}

/// Disarms `held` when the waiting acquire completes or is dropped.
struct Armed<'a>(&'a AtomicUsize);

impl Drop for Armed<'_> {
    fn drop(&mut self) {
        self.0.fetch_sub(ARMED_ONE, AcqRel);
    }
}
