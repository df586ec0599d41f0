//! The broadcast-style wake-up list used by the watch and broadcast channels:
//! a `Notified` catches every `notify_waiters` call made after it was
//! created, even before it is first polled.
//!
//! It is built on the crate's [`Notify`] (spread over a few instances), whose
//! `notified()`/`notify_waiters()` pair has exactly that behaviour, wakes
//! in allocation-free batches, and lets a released waiter complete without
//! taking the lock. Only `notify_waiters` is ever called on it, so no
//! `notify_one` permit can be stored.

use crate::sync::notify::{Notified, Notify};
use crate::util::CacheLine;
use std::cell::Cell;

/// How many `Notify`s the waiters are spread over. With many receivers
/// waiting on one channel, a single `Notify` makes them all contend on one
/// mutex and one cache line; spreading them lets `notified()` and the first
/// poll mostly touch a `Notify` nobody else is using at that moment, at the
/// price of `notify_waiters` visiting every one (a cheap atomic check for
/// those without waiters). Small under loom to keep the models fast.
const SHARDS: usize = if cfg!(loom) { 2 } else { 8 };

std::thread_local! {
    /// Round-robin shard choice of this thread: no shared counter, so
    /// picking a shard does not itself contend.
    static NEXT_SHARD: Cell<usize> = const { Cell::new(0) };
}

fn next_shard() -> usize {
    // Loom replays a model many times and needs every run to make the same
    // choices, which a thread-local counter surviving between runs breaks.
    if cfg!(loom) {
        return 0;
    }
    NEXT_SHARD
        .try_with(|c| {
            let i = c.get();
            c.set(i.wrapping_add(1));
            i % SHARDS
        })
        .unwrap_or(0)
}

#[derive(Debug)]
pub(in crate::sync) struct WaitList {
    /// Each on a line of its own, or the receivers using two neighbouring
    /// shards would still contend on one line.
    shards: [CacheLine<Notify>; SHARDS],
}

impl WaitList {
    pub(in crate::sync) fn new() -> WaitList {
        WaitList {
            shards: std::array::from_fn(|_| CacheLine(Notify::new())),
        }
    }

    /// A future that completes at the first `notify_waiters` after this call.
    pub(in crate::sync) fn notified(&self) -> Notified<'_> {
        self.shards[next_shard()].notified()
    }

    /// Wakes every `Notified` created before this call.
    pub(in crate::sync) fn notify_waiters(&self) {
        for shard in &self.shards {
            shard.notify_waiters();
        }
    }
}
