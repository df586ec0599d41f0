//! A timer entry: the part of a `Sleep` that the wheel links.
//!
//! The entry lives inside the (pinned) `Sleep`; registering links it into a
//! wheel slot, firing unlinks it and marks it fired. Every field of the
//! [`Node`] is read and written only under the mutex of the wheel it belongs
//! to, whichever thread polls, resets, fires or drops the timer.

use super::{TimeShared, WheelId};
use crate::runtime::handle::HandleInner;
use std::cell::UnsafeCell;
use std::marker::PhantomPinned;
use std::ptr::NonNull;
use std::sync::Arc;
use std::task::{Context, Poll, Waker};
use std::time::Instant;

pub(crate) type NodePtr = NonNull<Node>;

/// The wheel-side state of a timer. Guarded by its wheel's mutex.
#[derive(Default)]
pub(crate) struct Node {
    pub(crate) prev: Option<NodePtr>,
    pub(crate) next: Option<NodePtr>,
    /// The tick the timer fires at.
    pub(crate) when: u64,
    pub(crate) level: u8,
    pub(crate) slot: u8,
    pub(crate) linked: bool,
    pub(crate) fired: bool,
    pub(crate) waker: Option<Waker>,
}

/// A registrable timer.
pub(crate) struct TimerEntry {
    handle: Arc<HandleInner>,
    deadline: Instant,
    /// The wheel the node belongs to, once registered.
    wheel: Option<WheelId>,
    node: UnsafeCell<Node>,
    _pinned: PhantomPinned,
}

// SAFETY: the node is only touched under its wheel's mutex; the rest is
// plain owned data.
unsafe impl Send for TimerEntry {}
// SAFETY: `&TimerEntry` exposes nothing that touches the node without the
// mutex.
unsafe impl Sync for TimerEntry {}

impl TimerEntry {
    pub(crate) fn new(handle: Arc<HandleInner>, deadline: Instant) -> TimerEntry {
        TimerEntry { handle, deadline, wheel: None, node: UnsafeCell::new(Node::default()), _pinned: PhantomPinned }
    }

    pub(crate) fn deadline(&self) -> Instant {
        self.deadline
    }

    fn time(&self) -> &TimeShared {
        self.handle.time().expect("timer entry of a runtime without a time driver")
    }

    fn node_ptr(&self) -> NodePtr {
        // SAFETY: `UnsafeCell::get` is never null.
        unsafe { NonNull::new_unchecked(self.node.get()) }
    }

    /// True once the timer has fired (and not been reset since).
    pub(crate) fn is_elapsed(&self) -> bool {
        match self.wheel {
            None => false,
            Some(w) => {
                let _g = self.time().lock_wheel(w);
                // SAFETY: the wheel lock guards the node.
                unsafe { (*self.node.get()).fired }
            }
        }
    }

    /// Polls the timer: registers it on first poll (in the wheel of the
    /// calling worker), then waits for it to fire.
    ///
    /// # Safety
    ///
    /// `self` is pinned: the node's address stays valid while registered.
    pub(crate) unsafe fn poll_elapsed(&mut self, cx: &mut Context<'_>) -> Poll<()> {
        let node = self.node_ptr();
        let time = self.handle.time().expect("timer entry of a runtime without a time driver");
        match self.wheel {
            Some(w) => {
                let _g = time.lock_wheel(w);
                // SAFETY: the wheel lock guards the node.
                let n = unsafe { &mut *node.as_ptr() };
                if n.fired {
                    return Poll::Ready(());
                }
                if !n.waker.as_ref().is_some_and(|w| w.will_wake(cx.waker())) {
                    n.waker = Some(cx.waker().clone());
                }
                Poll::Pending
            }
            None => {
                let w = time.wheel_for_current_thread(&self.handle);
                let when = time.deadline_to_tick(self.deadline);
                self.wheel = Some(w);
                // SAFETY: pinned node, unlinked; the wheel lock is taken
                // inside.
                if unsafe { time.register(w, node, when, cx.waker().clone()) } {
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
        self.deadline = deadline;
        let Some(w) = self.wheel else { return };
        let time = self.handle.time().expect("timer entry of a runtime without a time driver");
        let when = time.deadline_to_tick(deadline);
        // SAFETY: pinned node; the lock is taken inside.
        unsafe { time.rearm(w, self.node_ptr(), when) };
    }
}

impl Drop for TimerEntry {
    fn drop(&mut self) {
        if let Some(w) = self.wheel {
            let time = self.handle.time().expect("timer entry of a runtime without a time driver");
            // SAFETY: the node is ours and stays valid until this returns.
            unsafe { time.cancel(w, self.node_ptr()) };
        }
    }
}
