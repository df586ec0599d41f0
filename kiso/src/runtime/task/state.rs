//! The task state word: lifecycle flags and the reference count in one atomic.
//!
//! ```text
//!  bit 0  RUNNING        a thread is polling (or cancelling) the future
//!  bit 1  COMPLETE       the future is gone; the stage holds the output
//!  bit 2  NOTIFIED       a `Notified` reference sits in some run queue, or
//!                        the running task must be queued again when it idles
//!  bit 3  JOIN_INTEREST  a `JoinHandle` exists
//!  bit 4  JOIN_WAKER     the join waker slot belongs to the runtime side
//!  bit 5  CANCELLED      the task must be cancelled at its next poll
//!  bits 6..              the reference count
//! ```
//!
//! Each transition is a single compare-and-swap loop that returns a named
//! outcome, so callers never reason about raw bits. The rules the flags keep:
//!
//! * at most one `Notified` reference exists at a time (NOTIFIED guards it), so
//!   a task is in at most one queue, and its intrusive queue link is free;
//! * RUNNING is exclusive: only its holder touches the future;
//! * the join waker slot is written by the `JoinHandle` only while
//!   JOIN_WAKER is clear and read by the completing thread only while it is
//!   set.

use crate::loom::sync::atomic::{AtomicUsize, Ordering::*};
use std::fmt;

const RUNNING: usize = 1 << 0;
const COMPLETE: usize = 1 << 1;
const NOTIFIED: usize = 1 << 2;
const JOIN_INTEREST: usize = 1 << 3;
const JOIN_WAKER: usize = 1 << 4;
const CANCELLED: usize = 1 << 5;
const LIFECYCLE: usize = RUNNING | COMPLETE;
const REF_SHIFT: usize = 6;
const REF_ONE: usize = 1 << REF_SHIFT;
const REF_MASK: usize = !(REF_ONE - 1);

/// A spawned task starts with three references (its owner list, the queued
/// `Notified`, the `JoinHandle`), queued and with a join handle.
const INITIAL: usize = (3 * REF_ONE) | JOIN_INTEREST | NOTIFIED;

/// A blocking task starts with two (the queued `Notified`, the `JoinHandle`).
const INITIAL_UNOWNED: usize = (2 * REF_ONE) | JOIN_INTEREST | NOTIFIED;

pub(crate) struct State {
    val: AtomicUsize,
}

/// A copy of the state word at one instant.
#[derive(Copy, Clone, PartialEq, Eq)]
pub(crate) struct Snapshot(usize);

/// Outcome of [`State::transition_to_running`].
#[derive(Debug, PartialEq, Eq)]
pub(crate) enum ToRunning {
    /// Poll the future.
    Success,
    /// The task was aborted: drop the future instead of polling it.
    Cancelled,
    /// Someone else runs it or it is complete; the caller's reference was
    /// dropped and this was not the last one.
    Failed,
    /// As `Failed`, but that was the last reference: deallocate.
    Dealloc,
}

/// Outcome of [`State::transition_to_idle`].
#[derive(Debug, PartialEq, Eq)]
pub(crate) enum ToIdle {
    /// Idle; the poller's reference was dropped.
    Ok,
    /// Woken while running: the poller's reference becomes the new
    /// `Notified`, to be queued again.
    OkNotified,
    /// Idle, and the poller held the last reference: deallocate.
    OkDealloc,
    /// Aborted while running: cancel it now (the task stays RUNNING).
    Cancelled,
}

/// Outcome of a wake.
#[derive(Debug, PartialEq, Eq)]
pub(crate) enum ToNotified {
    /// Nothing to do.
    DoNothing,
    /// Queue the task: the caller now holds a `Notified` reference.
    Submit,
    /// The caller's reference was the last one: deallocate.
    Dealloc,
}

/// Outcome of dropping a `JoinHandle` the slow way.
pub(crate) struct JoinDropped {
    /// The task completed: the handle must drop the output.
    pub(crate) drop_output: bool,
    /// The join waker slot is the handle's: it must clear it.
    pub(crate) drop_waker: bool,
}

impl State {
    pub(crate) fn new() -> State {
        State { val: AtomicUsize::new(INITIAL) }
    }

    pub(crate) fn new_unowned() -> State {
        State { val: AtomicUsize::new(INITIAL_UNOWNED) }
    }

    pub(crate) fn load(&self) -> Snapshot {
        Snapshot(self.val.load(Acquire))
    }

    /// Runs `f` on the current value until its CAS succeeds; `f` returns the
    /// outcome and, if the word should change, the new value.
    #[inline]
    fn fetch_update<T>(&self, mut f: impl FnMut(Snapshot) -> (T, Option<Snapshot>)) -> T {
        let mut curr = self.load();
        loop {
            let (out, next) = f(curr);
            let Some(next) = next else { return out };
            match self.val.compare_exchange_weak(curr.0, next.0, AcqRel, Acquire) {
                Ok(_) => return out,
                Err(actual) => curr = Snapshot(actual),
            }
        }
    }

    /// Claims the task for polling. Consumes the caller's `Notified`
    /// reference on failure.
    pub(crate) fn transition_to_running(&self) -> ToRunning {
        self.fetch_update(|mut s| {
            debug_assert!(s.is_notified());
            if !s.is_idle() {
                // Running elsewhere or complete: drop our reference.
                s.ref_dec();
                let out = if s.ref_count() == 0 { ToRunning::Dealloc } else { ToRunning::Failed };
                return (out, Some(s));
            }
            s.0 |= RUNNING;
            s.0 &= !NOTIFIED;
            let out = if s.is_cancelled() { ToRunning::Cancelled } else { ToRunning::Success };
            (out, Some(s))
        })
    }

    /// The poll returned `Pending`: release RUNNING.
    pub(crate) fn transition_to_idle(&self) -> ToIdle {
        self.fetch_update(|mut s| {
            debug_assert!(s.is_running());
            if s.is_cancelled() {
                return (ToIdle::Cancelled, None);
            }
            s.0 &= !RUNNING;
            let out = if s.is_notified() {
                // Keep the poller's reference as the new `Notified`.
                ToIdle::OkNotified
            } else {
                s.ref_dec();
                if s.ref_count() == 0 { ToIdle::OkDealloc } else { ToIdle::Ok }
            };
            (out, Some(s))
        })
    }

    /// The future finished (or was cancelled): RUNNING -> COMPLETE. Returns
    /// the word as it was just after the change.
    pub(crate) fn transition_to_complete(&self) -> Snapshot {
        const DELTA: usize = RUNNING | COMPLETE;
        let prev = Snapshot(self.val.fetch_xor(DELTA, AcqRel));
        debug_assert!(prev.is_running() && !prev.is_complete());
        Snapshot(prev.0 ^ DELTA)
    }

    /// Drops `count` references after completion; true when they were the
    /// last.
    pub(crate) fn transition_to_terminal(&self, count: usize) -> bool {
        let prev = Snapshot(self.val.fetch_sub(count * REF_ONE, AcqRel));
        assert!(prev.ref_count() >= count, "task reference count underflow");
        prev.ref_count() == count
    }

    /// A wake that consumes a reference (`Waker::wake`).
    pub(crate) fn transition_to_notified_by_val(&self) -> ToNotified {
        self.fetch_update(|mut s| {
            if s.is_running() {
                // The poller queues it again when it goes idle; our
                // reference is not needed for that.
                s.0 |= NOTIFIED;
                s.ref_dec();
                debug_assert!(s.ref_count() > 0);
                (ToNotified::DoNothing, Some(s))
            } else if s.is_complete() || s.is_notified() {
                s.ref_dec();
                let out = if s.ref_count() == 0 { ToNotified::Dealloc } else { ToNotified::DoNothing };
                (out, Some(s))
            } else {
                // Idle: our reference becomes the `Notified`.
                s.0 |= NOTIFIED;
                (ToNotified::Submit, Some(s))
            }
        })
    }

    /// A wake that keeps the caller's reference (`Waker::wake_by_ref`).
    pub(crate) fn transition_to_notified_by_ref(&self) -> ToNotified {
        self.fetch_update(|mut s| {
            if s.is_complete() || s.is_notified() {
                (ToNotified::DoNothing, None)
            } else if s.is_running() {
                s.0 |= NOTIFIED;
                (ToNotified::DoNothing, Some(s))
            } else {
                s.0 |= NOTIFIED;
                s.ref_inc();
                (ToNotified::Submit, Some(s))
            }
        })
    }

    /// Abort from a handle: mark CANCELLED, and if the task is idle queue it
    /// (with a new reference) so the runtime drops the future on its own
    /// thread. Returns true when the caller must submit a `Notified`.
    pub(crate) fn transition_to_notified_and_cancel(&self) -> bool {
        self.fetch_update(|mut s| {
            if s.is_cancelled() || s.is_complete() {
                (false, None)
            } else if s.is_running() {
                // The poller sees CANCELLED when it goes idle.
                s.0 |= NOTIFIED | CANCELLED;
                (false, Some(s))
            } else if s.is_notified() {
                // Already queued: it is cancelled when it is next run.
                s.0 |= CANCELLED;
                (false, Some(s))
            } else {
                s.0 |= NOTIFIED | CANCELLED;
                s.ref_inc();
                (true, Some(s))
            }
        })
    }

    /// Runtime shutdown: mark CANCELLED, and claim the task if nobody polls
    /// it. True when the caller now holds RUNNING and must cancel it.
    pub(crate) fn transition_to_shutdown(&self) -> bool {
        self.fetch_update(|mut s| {
            let claim = s.is_idle();
            if claim {
                s.0 |= RUNNING;
            }
            s.0 |= CANCELLED;
            (claim, Some(s))
        })
    }

    /// The fast path of dropping a `JoinHandle`: only when the task has
    /// never run and nothing else happened to it.
    pub(crate) fn drop_join_handle_fast(&self) -> Result<(), ()> {
        self.val
            .compare_exchange(INITIAL, (INITIAL - REF_ONE) & !JOIN_INTEREST, Release, Relaxed)
            .map(|_| ())
            .map_err(|_| ())
    }

    /// Clears JOIN_INTEREST (and, before completion, takes back the waker
    /// slot). Does not drop the handle's reference.
    pub(crate) fn transition_to_join_handle_dropped(&self) -> JoinDropped {
        self.fetch_update(|mut s| {
            debug_assert!(s.is_join_interested());
            let complete = s.is_complete();
            let waker_was_runtime_side = s.is_join_waker_set();
            s.0 &= !JOIN_INTEREST;
            if !complete {
                s.0 &= !JOIN_WAKER;
            }
            let out = JoinDropped {
                drop_output: complete,
                // After completion with JOIN_WAKER set, the completing thread
                // owns the slot and clears it itself.
                drop_waker: !(complete && waker_was_runtime_side),
            };
            (out, Some(s))
        })
    }

    /// Hands the (just written) join waker slot to the runtime side. Fails
    /// with the current word if the task completed first.
    pub(crate) fn set_join_waker(&self) -> Result<Snapshot, Snapshot> {
        self.fetch_update(|mut s| {
            debug_assert!(s.is_join_interested() && !s.is_join_waker_set());
            if s.is_complete() {
                return (Err(s), None);
            }
            s.0 |= JOIN_WAKER;
            (Ok(s), Some(s))
        })
    }

    /// Takes the join waker slot back from the runtime side, to replace the
    /// waker. Fails if the task completed first.
    pub(crate) fn unset_join_waker(&self) -> Result<Snapshot, Snapshot> {
        self.fetch_update(|mut s| {
            debug_assert!(s.is_join_interested() && s.is_join_waker_set());
            if s.is_complete() {
                return (Err(s), None);
            }
            s.0 &= !JOIN_WAKER;
            (Ok(s), Some(s))
        })
    }

    /// After completion and waking the join waker: give the slot back.
    /// Returns the new word; if JOIN_INTEREST is gone, the caller clears
    /// the slot.
    pub(crate) fn unset_join_waker_after_complete(&self) -> Snapshot {
        let prev = Snapshot(self.val.fetch_and(!JOIN_WAKER, AcqRel));
        debug_assert!(prev.is_complete() && prev.is_join_waker_set());
        Snapshot(prev.0 & !JOIN_WAKER)
    }

    pub(crate) fn ref_inc(&self) {
        let prev = self.val.fetch_add(REF_ONE, Relaxed);
        // Guard against overflow from leaked wakers.
        if prev > isize::MAX as usize {
            std::process::abort();
        }
    }

    /// Drops one reference; true when it was the last.
    pub(crate) fn ref_dec(&self) -> bool {
        let prev = Snapshot(self.val.fetch_sub(REF_ONE, AcqRel));
        assert!(prev.ref_count() >= 1, "task reference count underflow");
        prev.ref_count() == 1
    }
}

impl Snapshot {
    fn is_idle(self) -> bool {
        self.0 & LIFECYCLE == 0
    }
    pub(crate) fn is_running(self) -> bool {
        self.0 & RUNNING != 0
    }
    pub(crate) fn is_complete(self) -> bool {
        self.0 & COMPLETE != 0
    }
    pub(crate) fn is_notified(self) -> bool {
        self.0 & NOTIFIED != 0
    }
    pub(crate) fn is_join_interested(self) -> bool {
        self.0 & JOIN_INTEREST != 0
    }
    pub(crate) fn is_join_waker_set(self) -> bool {
        self.0 & JOIN_WAKER != 0
    }
    pub(crate) fn is_cancelled(self) -> bool {
        self.0 & CANCELLED != 0
    }
    pub(crate) fn ref_count(self) -> usize {
        (self.0 & REF_MASK) >> REF_SHIFT
    }
    fn ref_inc(&mut self) {
        self.0 += REF_ONE;
    }
    fn ref_dec(&mut self) {
        debug_assert!(self.ref_count() > 0);
        self.0 -= REF_ONE;
    }
}

impl fmt::Debug for State {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        self.load().fmt(f)
    }
}

impl fmt::Debug for Snapshot {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Snapshot")
            .field("running", &self.is_running())
            .field("complete", &self.is_complete())
            .field("notified", &self.is_notified())
            .field("join_interest", &self.is_join_interested())
            .field("join_waker", &self.is_join_waker_set())
            .field("cancelled", &self.is_cancelled())
            .field("refs", &self.ref_count())
            .finish()
    }
}
