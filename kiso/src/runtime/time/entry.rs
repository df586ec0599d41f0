//! A timer entry: the part of a `Sleep` that the wheel links.
//!
//! The entry lives inside the (pinned) `Sleep`. Its [`Node`] holds the list
//! links, the deadline and the waker, which are read and written only under
//! the mutex of the entry's wheel, plus one atomic word: the `FIRED` bit,
//! which the wheel sets (last, after taking the waker) when it fires the
//! timer, so that polling or dropping a fired timer needs no lock, and the
//! wheel-side bookkeeping (which wheel, level and slot, whether linked),
//! only changed under the wheel's mutex.
//!
//! The entry is 56 bytes: bytes per pending timer is a measured figure.

use super::{TimeShared, WheelId};
use crate::runtime::handle::HandleInner;
use crate::loom::cell::UnsafeCell;
use std::marker::PhantomPinned;
use std::ptr::NonNull;
use std::sync::atomic::{AtomicU32, Ordering::*};
use std::sync::Arc;
use std::task::{Context, Poll, Waker};
use std::time::{Duration, Instant};

pub(crate) type NodePtr = NonNull<Node>;

const FIRED: u32 = 1 << 0;
const LINKED: u32 = 1 << 1;
const REGISTERED: u32 = 1 << 2;
const LEVEL_SHIFT: u32 = 3;
const LEVEL_MASK: u32 = 0b111 << LEVEL_SHIFT;
const SLOT_SHIFT: u32 = 6;
const SLOT_MASK: u32 = 0b11_1111 << SLOT_SHIFT;
const WHEEL_SHIFT: u32 = 16;

/// The wheel-side state of a timer. The plain fields sit in cells: they are
/// only read or written under the wheel's mutex (or by the owner before the
/// timer is registered), while the state word may be read by the owner at
/// any time, so the node is only ever shared, never borrowed mutably.
pub(crate) struct Node {
    prev: UnsafeCell<Option<NodePtr>>,
    next: UnsafeCell<Option<NodePtr>>,
    /// Nanoseconds from the clock's start to the deadline (negative for
    /// deadlines before the runtime started).
    deadline: UnsafeCell<i64>,
    waker: UnsafeCell<Option<Waker>>,
    state: AtomicU32,
}

/// Accessors of the plain fields.
///
/// # Safety
///
/// For each: the caller holds the mutex of the node's wheel, or owns a node
/// no wheel can see (not registered).
impl Node {
    pub(crate) unsafe fn prev(&self) -> Option<NodePtr> {
        // SAFETY: per the impl's contract.
        self.prev.with(|p| unsafe { *p })
    }
    pub(crate) unsafe fn set_prev(&self, v: Option<NodePtr>) {
        // SAFETY: per the impl's contract.
        self.prev.with_mut(|p| unsafe { *p = v })
    }
    pub(crate) unsafe fn next(&self) -> Option<NodePtr> {
        // SAFETY: per the impl's contract.
        self.next.with(|p| unsafe { *p })
    }
    pub(crate) unsafe fn set_next(&self, v: Option<NodePtr>) {
        // SAFETY: per the impl's contract.
        self.next.with_mut(|p| unsafe { *p = v })
    }
    pub(crate) unsafe fn take_waker(&self) -> Option<Waker> {
        // SAFETY: per the impl's contract.
        self.waker.with_mut(|p| unsafe { (*p).take() })
    }
    /// Stores `waker` unless the stored one wakes the same task.
    pub(crate) unsafe fn set_waker(&self, waker: &Waker) {
        // SAFETY: per the impl's contract.
        self.waker.with_mut(|p| unsafe {
            if !(*p).as_ref().is_some_and(|w| w.will_wake(waker)) {
                *p = Some(waker.clone());
            }
        })
    }
    unsafe fn deadline(&self) -> i64 {
        // SAFETY: per the impl's contract.
        self.deadline.with(|p| unsafe { *p })
    }
    pub(crate) unsafe fn set_deadline(&self, v: i64) {
        // SAFETY: per the impl's contract.
        self.deadline.with_mut(|p| unsafe { *p = v })
    }
}

impl Node {
    fn bits(&self) -> u32 {
        self.state.load(Acquire)
    }

    /// Updates the bookkeeping bits; called under the wheel's mutex.
    fn update(&self, f: impl FnOnce(u32) -> u32) {
        let s = self.state.load(Relaxed);
        self.state.store(f(s), Release);
    }

    pub(crate) fn is_linked(&self) -> bool {
        self.bits() & LINKED != 0
    }

    pub(crate) fn set_linked(&self, level: usize, slot: usize) {
        self.update(|s| {
            (s & !(LEVEL_MASK | SLOT_MASK)) | LINKED | ((level as u32) << LEVEL_SHIFT) | ((slot as u32) << SLOT_SHIFT)
        });
    }

    pub(crate) fn set_unlinked(&self) {
        self.update(|s| s & !LINKED);
    }

    pub(crate) fn level(&self) -> usize {
        ((self.bits() & LEVEL_MASK) >> LEVEL_SHIFT) as usize
    }

    pub(crate) fn slot(&self) -> usize {
        ((self.bits() & SLOT_MASK) >> SLOT_SHIFT) as usize
    }

    /// The tick the timer fires at: the deadline rounded up to the next
    /// millisecond (never before the clock's start).
    ///
    /// # Safety
    ///
    /// As for the field accessors.
    pub(crate) unsafe fn when(&self) -> u64 {
        // SAFETY: per the caller.
        let d = unsafe { self.deadline() };
        if d <= 0 {
            return 0;
        }
        (d as u64).div_ceil(1_000_000)
    }

    pub(crate) fn is_fired(&self) -> bool {
        self.bits() & FIRED != 0
    }

    pub(crate) fn set_fired(&self) {
        self.update(|s| s | FIRED);
    }

    pub(crate) fn clear_fired(&self) {
        self.update(|s| s & !FIRED);
    }
}

/// A registrable timer.
pub(crate) struct TimerEntry {
    handle: Arc<HandleInner>,
    node: Node,
    _pinned: PhantomPinned,
}

// SAFETY: the node's plain fields are only touched under its wheel's mutex,
// its state word is atomic; the handle is `Send + Sync`.
unsafe impl Send for TimerEntry {}
// SAFETY: as above.
unsafe impl Sync for TimerEntry {}

fn offset(time: &TimeShared, deadline: Instant) -> i64 {
    let start = time.clock.start();
    match deadline.checked_duration_since(start) {
        Some(d) => i64::try_from(d.as_nanos()).unwrap_or(i64::MAX),
        None => -i64::try_from(start.duration_since(deadline).as_nanos()).unwrap_or(i64::MAX),
    }
}

impl TimerEntry {
    pub(crate) fn new(handle: Arc<HandleInner>, deadline: Instant) -> TimerEntry {
        let time = handle.time().expect("timer entry of a runtime without a time driver");
        let node = Node {
            prev: UnsafeCell::new(None),
            next: UnsafeCell::new(None),
            deadline: UnsafeCell::new(offset(time, deadline)),
            waker: UnsafeCell::new(None),
            state: AtomicU32::new(0),
        };
        TimerEntry { handle, node, _pinned: PhantomPinned }
    }

    fn time(&self) -> &TimeShared {
        self.handle.time().expect("timer entry of a runtime without a time driver")
    }

    fn node(&self) -> &Node {
        &self.node
    }

    fn node_ptr(&self) -> NodePtr {
        NonNull::from(&self.node)
    }

    fn wheel(&self) -> Option<WheelId> {
        let s = self.node().bits();
        (s & REGISTERED != 0).then_some((s >> WHEEL_SHIFT) as usize)
    }

    pub(crate) fn deadline(&self) -> Instant {
        let start = self.time().clock.start();
        let d = match self.wheel() {
            // SAFETY: unregistered: no wheel sees the node.
            None => unsafe { self.node.deadline() },
            Some(w) => {
                let _g = self.time().lock_wheel(w);
                // SAFETY: under the wheel's lock.
                unsafe { self.node.deadline() }
            }
        };
        if d >= 0 {
            start + Duration::from_nanos(d as u64)
        } else {
            start - Duration::from_nanos(d.unsigned_abs())
        }
    }

    /// True once the timer has fired (and not been reset since).
    pub(crate) fn is_elapsed(&self) -> bool {
        self.node().is_fired()
    }

    /// Polls the timer: registers it on first poll (in the wheel of the
    /// calling worker), then waits for it to fire.
    ///
    /// # Safety
    ///
    /// `self` is pinned: the node's address stays valid while registered.
    pub(crate) unsafe fn poll_elapsed(&mut self, cx: &mut Context<'_>) -> Poll<()> {
        if self.node().is_fired() {
            return Poll::Ready(());
        }
        let node = self.node_ptr();
        let time = self.handle.time().expect("timer entry of a runtime without a time driver");
        match self.wheel() {
            Some(w) => {
                let _g = time.lock_wheel(w);
                if self.node.is_fired() {
                    return Poll::Ready(());
                }
                // SAFETY: under the wheel's lock.
                unsafe { self.node.set_waker(cx.waker()) };
                Poll::Pending
            }
            None => {
                let w = time.wheel_for_current_thread(&self.handle);
                self.node().update(|s| (s & 0xffff) | REGISTERED | ((w as u32) << WHEEL_SHIFT));
                // SAFETY: pinned node, unlinked; the wheel lock is taken
                // inside.
                if unsafe { time.register(w, node, cx.waker()) } {
                    Poll::Pending
                } else {
                    Poll::Ready(())
                }
            }
        }
    }

    /// Moves the deadline. A registered timer is re-armed right away, with
    /// the waker it had, so a task waiting on it elsewhere is woken on time.
    ///
    /// # Safety
    ///
    /// As for `poll_elapsed`.
    pub(crate) unsafe fn reset(&mut self, deadline: Instant) {
        let off = offset(self.time(), deadline);
        match self.wheel() {
            // SAFETY: not registered: no wheel can see the node.
            None => unsafe { self.node.set_deadline(off) },
            Some(w) => {
                let time = self.handle.time().expect("timer entry of a runtime without a time driver");
                // SAFETY: pinned node; the lock is taken inside.
                unsafe { time.rearm(w, self.node_ptr(), off) };
            }
        }
    }
}

impl Drop for TimerEntry {
    fn drop(&mut self) {
        let Some(w) = self.wheel() else { return };
        if self.node().is_fired() && !self.node().is_linked() {
            // The wheel let go of the node when it fired it (setting FIRED
            // was its last access).
            return;
        }
        let time = self.handle.time().expect("timer entry of a runtime without a time driver");
        // SAFETY: the node is ours and stays valid until this returns.
        unsafe { time.cancel(w, self.node_ptr()) };
    }
}

#[cfg(all(test, not(loom)))]
mod tests {
    /// Bytes per pending timer is a measured figure: keep the entry (and so
    /// `Sleep`) at 56 bytes.
    #[test]
    fn timer_entry_stays_small() {
        assert_eq!(std::mem::size_of::<super::TimerEntry>(), 56);
        assert_eq!(std::mem::size_of::<crate::time::Sleep>(), 56);
    }
}
