//! The per-resource readiness state the reactor shares with the tasks that
//! use the resource.
//!
//! # The readiness word
//!
//! One atomic word holds the resource's readiness flags, a shutdown flag and
//! a 16-bit *tick*. The driver ORs flags in when the OS reports an edge and
//! bumps the tick every time it does. A task that saw readiness, tried the
//! operation and got `WouldBlock` clears the flags it saw, but only if the
//! tick is still the one it read: if an edge arrived in between (the tick
//! moved), the clear does nothing, so the edge, which the OS will not report
//! again, is not lost.
//!
//! # Waiters
//!
//! The poll-based paths (`AsyncRead`/`AsyncWrite` on a socket) keep one
//! waker per direction, as only one task at a time may poll a direction.
//! The `async fn readable()`-style paths may have any number of waiters; they
//! live in a slot table whose slots are reused, so waiting allocates only
//! while the table grows. Wakers are registered under the waiter mutex and
//! the readiness is read again under it, and the driver publishes readiness
//! before it takes that mutex: a waiter either sees the new readiness or is
//! in the table when the driver looks.

use crate::io::{Interest, Ready};
use crate::loom::sync::atomic::{AtomicUsize, Ordering::*};
use crate::loom::sync::Mutex;
use std::task::{Context, Poll, Waker};

const READY_MASK: usize = 0b11_1111;
const SHUTDOWN: usize = 1 << 6;
const TICK_SHIFT: u32 = 16;
const TICK_MASK: usize = 0xffff;

/// The readiness a task observed, with the tick to clear it by.
#[derive(Clone, Copy, Debug)]
pub(crate) struct ReadyEvent {
    pub(crate) tick: u16,
    pub(crate) ready: Ready,
    pub(crate) is_shutdown: bool,
}

/// Which single-waker slot a poll-based operation uses.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Direction {
    Read,
    Write,
}

impl Direction {
    pub(crate) fn mask(self) -> Ready {
        match self {
            Direction::Read => Ready::READABLE | Ready::READ_CLOSED,
            Direction::Write => Ready::WRITABLE | Ready::WRITE_CLOSED,
        }
    }
}

fn ready_of(word: usize) -> Ready {
    Ready::from_bits((word & READY_MASK) as u8)
}

fn tick_of(word: usize) -> u16 {
    ((word >> TICK_SHIFT) & TICK_MASK) as u16
}

fn event_of(word: usize, mask: Ready) -> ReadyEvent {
    ReadyEvent { tick: tick_of(word), ready: ready_of(word) & mask, is_shutdown: word & SHUTDOWN != 0 }
}

/// A waiter of the `readiness` (async) path.
struct Slot {
    interest: Interest,
    waker: Option<Waker>,
}

#[derive(Default)]
struct Waiters {
    reader: Option<Waker>,
    writer: Option<Waker>,
    slots: Vec<Option<Slot>>,
    free: Vec<usize>,
}

/// Readiness and waiters of one registered resource.
pub(crate) struct ScheduledIo {
    readiness: AtomicUsize,
    waiters: Mutex<Waiters>,
    /// Position in the driver's registration set (`usize::MAX` when not in
    /// it); only read and written under the set's mutex.
    pub(super) set_index: AtomicUsize,
}

/// Wakers collected under a lock, woken after it is released.
pub(crate) struct WakeList {
    wakers: [Option<Waker>; WakeList::CAP],
    len: usize,
}

impl WakeList {
    const CAP: usize = 32;

    pub(crate) fn new() -> WakeList {
        WakeList { wakers: std::array::from_fn(|_| None), len: 0 }
    }

    fn is_full(&self) -> bool {
        self.len == WakeList::CAP
    }

    fn push(&mut self, waker: Waker) {
        self.wakers[self.len] = Some(waker);
        self.len += 1;
    }

    pub(crate) fn wake_all(&mut self) {
        for w in &mut self.wakers[..self.len] {
            if let Some(w) = w.take() {
                w.wake();
            }
        }
        self.len = 0;
    }
}

impl ScheduledIo {
    pub(crate) fn new() -> ScheduledIo {
        ScheduledIo {
            readiness: AtomicUsize::new(0),
            waiters: Mutex::new(Waiters::default()),
            set_index: AtomicUsize::new(usize::MAX),
        }
    }

    /// The token naming this resource in the OS event queue: its address.
    pub(crate) fn token(&self) -> mio::Token {
        mio::Token(self as *const ScheduledIo as usize)
    }

    /// Driver side: ORs `ready` in and moves the tick on.
    pub(crate) fn set_readiness(&self, ready: Ready) {
        let add = ready.as_bits() as usize;
        let mut cur = self.readiness.load(Acquire);
        loop {
            let tick = (tick_of(cur) as usize + 1) & TICK_MASK;
            let new = (tick << TICK_SHIFT) | (cur & (SHUTDOWN | READY_MASK)) | add;
            match self.readiness.compare_exchange_weak(cur, new, AcqRel, Acquire) {
                Ok(_) => return,
                Err(actual) => cur = actual,
            }
        }
    }

    /// Task side: clears what `event` saw, unless an edge arrived since (the
    /// tick moved). Closed states are never cleared: they are final.
    pub(crate) fn clear_readiness(&self, event: ReadyEvent) {
        let clear = (event.ready - Ready::READ_CLOSED - Ready::WRITE_CLOSED).as_bits() as usize;
        let mut cur = self.readiness.load(Acquire);
        loop {
            if tick_of(cur) != event.tick {
                return;
            }
            let new = cur & !clear;
            if new == cur {
                return;
            }
            match self.readiness.compare_exchange_weak(cur, new, AcqRel, Acquire) {
                Ok(_) => return,
                Err(actual) => cur = actual,
            }
        }
    }

    /// Marks the resource shut down (its driver is gone) and wakes everyone.
    pub(crate) fn shutdown(&self) {
        self.readiness.fetch_or(SHUTDOWN, AcqRel);
        self.wake(Ready::ALL);
    }

    /// The current readiness, filtered by `interest`.
    pub(crate) fn ready_event(&self, interest: Interest) -> ReadyEvent {
        event_of(self.readiness.load(Acquire), Ready::from_interest(interest))
    }

    /// Driver side: wakes the waiters that `ready` satisfies (everyone after
    /// shutdown).
    pub(crate) fn wake(&self, ready: Ready) {
        let mut list = WakeList::new();
        let mut waiters = crate::loom::lock(&self.waiters);
        let shutdown = self.readiness.load(Acquire) & SHUTDOWN != 0;
        if shutdown || !(ready & Direction::Read.mask()).is_empty() {
            if let Some(w) = waiters.reader.take() {
                list.push(w);
            }
        }
        if shutdown || !(ready & Direction::Write.mask()).is_empty() {
            if let Some(w) = waiters.writer.take() {
                list.push(w);
            }
        }
        let mut i = 0;
        while i < waiters.slots.len() {
            if let Some(slot) = &mut waiters.slots[i] {
                if shutdown || !(ready & Ready::from_interest(slot.interest)).is_empty() {
                    if let Some(w) = slot.waker.take() {
                        list.push(w);
                    }
                }
            }
            i += 1;
            if list.is_full() {
                // Wake outside the lock, then carry on where we stopped.
                drop(waiters);
                list.wake_all();
                waiters = crate::loom::lock(&self.waiters);
            }
        }
        drop(waiters);
        list.wake_all();
    }

    /// Drops every stored waker (the resource is going away; wakers may
    /// hold the task that owns it).
    pub(crate) fn clear_wakers(&self) {
        let mut waiters = crate::loom::lock(&self.waiters);
        waiters.reader = None;
        waiters.writer = None;
    }

    /// Poll-based readiness for one direction: ready at once if the word
    /// says so, else the waker is stored for that direction.
    pub(crate) fn poll_readiness(&self, cx: &mut Context<'_>, direction: Direction) -> Poll<ReadyEvent> {
        let mask = direction.mask() | Ready::ERROR;
        let cur = self.readiness.load(Acquire);
        let ev = event_of(cur, mask);
        if !ev.ready.is_empty() || ev.is_shutdown {
            return Poll::Ready(ev);
        }
        let mut waiters = crate::loom::lock(&self.waiters);
        let slot = match direction {
            Direction::Read => &mut waiters.reader,
            Direction::Write => &mut waiters.writer,
        };
        match slot {
            Some(w) if w.will_wake(cx.waker()) => {}
            _ => *slot = Some(cx.waker().clone()),
        }
        // Look again under the lock: the driver sets the word before it
        // takes the lock to wake, so it either sees our waker or we see its
        // readiness.
        let ev = event_of(self.readiness.load(Acquire), mask);
        if !ev.ready.is_empty() || ev.is_shutdown {
            return Poll::Ready(ev);
        }
        Poll::Pending
    }

    /// Async-path readiness: `slot` is this waiter's place in the table
    /// (allocated on first wait, kept across polls, released by
    /// [`ScheduledIo::release_slot`]).
    pub(crate) fn poll_interest(&self, cx: &mut Context<'_>, interest: Interest, slot: &mut Option<usize>) -> Poll<ReadyEvent> {
        let mask = Ready::from_interest(interest);
        let ev = event_of(self.readiness.load(Acquire), mask);
        if !ev.ready.is_empty() || ev.is_shutdown {
            self.release_slot(slot);
            return Poll::Ready(ev);
        }
        let mut waiters = crate::loom::lock(&self.waiters);
        let w = &mut *waiters;
        let i = match *slot {
            Some(i) => i,
            None => {
                let i = match w.free.pop() {
                    Some(i) => i,
                    None => {
                        w.slots.push(None);
                        w.slots.len() - 1
                    }
                };
                *slot = Some(i);
                i
            }
        };
        match &mut w.slots[i] {
            Some(s) => match &s.waker {
                Some(old) if old.will_wake(cx.waker()) => {}
                _ => s.waker = Some(cx.waker().clone()),
            },
            empty => *empty = Some(Slot { interest, waker: Some(cx.waker().clone()) }),
        }
        let ev = event_of(self.readiness.load(Acquire), mask);
        if !ev.ready.is_empty() || ev.is_shutdown {
            w.slots[i] = None;
            w.free.push(i);
            *slot = None;
            return Poll::Ready(ev);
        }
        Poll::Pending
    }

    /// Gives a waiter's slot back (the future finished or was dropped).
    pub(crate) fn release_slot(&self, slot: &mut Option<usize>) {
        if let Some(i) = slot.take() {
            let mut waiters = crate::loom::lock(&self.waiters);
            waiters.slots[i] = None;
            waiters.free.push(i);
        }
    }
}

impl std::fmt::Debug for ScheduledIo {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let cur = self.readiness.load(Relaxed);
        f.debug_struct("ScheduledIo").field("ready", &ready_of(cur)).field("tick", &tick_of(cur)).finish()
    }
}

#[cfg(all(test, not(loom)))]
mod tests {
    use super::*;

    #[test]
    fn clear_is_a_no_op_after_a_new_edge() {
        let io = ScheduledIo::new();
        io.set_readiness(Ready::READABLE);
        let seen = io.ready_event(Interest::READABLE);
        assert!(seen.ready.is_readable());
        // A new edge arrives between the task's read and its clear.
        io.set_readiness(Ready::READABLE);
        io.clear_readiness(seen);
        assert!(io.ready_event(Interest::READABLE).ready.is_readable(), "the edge was lost");
        // Without a new edge the clear takes effect.
        let seen = io.ready_event(Interest::READABLE);
        io.clear_readiness(seen);
        assert!(io.ready_event(Interest::READABLE).ready.is_empty());
    }

    #[test]
    fn closed_states_are_never_cleared() {
        let io = ScheduledIo::new();
        io.set_readiness(Ready::READABLE | Ready::READ_CLOSED);
        let seen = io.ready_event(Interest::READABLE);
        io.clear_readiness(seen);
        let now = io.ready_event(Interest::READABLE);
        assert!(now.ready.is_read_closed());
        assert_eq!(now.ready.as_bits() & Ready::READABLE.as_bits(), 0);
    }

    #[test]
    fn tick_wraps_without_losing_flags() {
        let io = ScheduledIo::new();
        for _ in 0..70_000 {
            io.set_readiness(Ready::WRITABLE);
        }
        let ev = io.ready_event(Interest::WRITABLE);
        assert!(ev.ready.is_writable());
        assert_eq!(ev.tick, (70_000 % 65_536) as u16);
    }
}
