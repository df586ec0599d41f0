//! The time driver: timer wheels, the runtime's clock, and how a parking
//! thread sleeps until its next timer.
//!
//! Each worker of a multi-thread runtime has a wheel of its own, behind its
//! own mutex, so registering, resetting or cancelling a timer never takes a
//! runtime-wide lock; a current-thread runtime has one wheel. A timer goes
//! into the wheel of the worker that first polls it (wheel 0 off the
//! workers) and stays there; any thread may reset or drop it by taking that
//! wheel's lock. The wheel's owner fires its timers when it parks (it sleeps
//! no longer than its next deadline) and every `event_interval` ticks.
//!
//! Each wheel publishes the tick its owner will wake at while it sleeps
//! (zero while awake, since an awake owner looks at its wheel before it
//! parks), so a timer registered from elsewhere with an earlier deadline
//! unparks it.

mod clock;
pub(crate) mod entry;
mod wheel;

#[cfg(all(test, loom, feature = "test-util"))]
mod loom_tests;

pub(crate) use clock::Clock;

use crate::loom::sync::atomic::{AtomicU64, Ordering::*};
use crate::loom::sync::{Mutex, MutexGuard};
use crate::runtime::handle::HandleInner;
use crate::runtime::park::ParkInner;
use entry::NodePtr;
use std::sync::Arc;
use std::task::Waker;
use std::time::Duration;
use wheel::Wheel;

/// Which wheel of a runtime.
pub(crate) type WheelId = usize;

/// Published by an awake owner: it will look at its wheel before sleeping.
const AWAKE: u64 = 0;
/// Published by an owner sleeping with no timer.
const NO_TIMER: u64 = u64::MAX;

struct WheelSlot {
    wheel: Mutex<Wheel>,
    next_wake: AtomicU64,
    unpark: Arc<ParkInner>,
}

/// The time driver of one runtime.
pub(crate) struct TimeShared {
    pub(crate) clock: Clock,
    wheels: Box<[WheelSlot]>,
}

impl TimeShared {
    /// One wheel per parker (worker), each woken through that parker.
    pub(crate) fn new(clock: Clock, parkers: Vec<Arc<ParkInner>>) -> TimeShared {
        let wheels = parkers
            .into_iter()
            .map(|unpark| WheelSlot { wheel: Mutex::new(Wheel::new()), next_wake: AtomicU64::new(AWAKE), unpark })
            .collect();
        TimeShared { clock, wheels }
    }

    pub(crate) fn lock_wheel(&self, w: WheelId) -> MutexGuard<'_, Wheel> {
        crate::loom::lock(&self.wheels[w].wheel)
    }

    /// The wheel a timer polled on this thread goes to.
    pub(crate) fn wheel_for_current_thread(&self, handle: &HandleInner) -> WheelId {
        #[cfg(feature = "rt-multi-thread")]
        if let crate::runtime::Scheduler::MultiThread(_) = &handle.scheduler {
            if let Some(i) = crate::runtime::scheduler::multi_thread::worker::index_on(handle) {
                return i;
            }
        }
        let _ = handle;
        0
    }

    /// Links a timer. Returns false if its deadline has passed already (it
    /// is then marked fired and not linked).
    ///
    /// # Safety
    ///
    /// `node` is pinned, unlinked, and stays valid until cancelled.
    pub(crate) unsafe fn register(&self, w: WheelId, node: NodePtr, waker: &Waker) -> bool {
        let slot = &self.wheels[w];
        let mut wheel = crate::loom::lock(&slot.wheel);
        // SAFETY: the node is valid (per the caller).
        let n = unsafe { node.as_ref() };
        // SAFETY: under the wheel's lock.
        let when = unsafe { n.when() };
        // Due already (by the wheel's time, which the owner keeps current
        // every time it looks at its wheel)? Then it fires on this poll.
        // SAFETY: per the caller.
        if !unsafe { wheel.insert(node) } {
            n.set_fired();
            return false;
        }
        // SAFETY: under the wheel's lock.
        unsafe { n.set_waker(waker) };
        drop(wheel);
        self.wake_sleeper_before(w, when);
        true
    }

    /// A timer for `when` was linked in wheel `w`: if no sleeping owner will
    /// wake by then, unpark one (the wheel's own owner first). Any idle
    /// owner fires every wheel's timers, so the timer fires on time even if
    /// its own wheel's owner is busy in a long poll.
    fn wake_sleeper_before(&self, w: WheelId, when: u64) {
        let own = &self.wheels[w];
        if when < own.next_wake.load(Acquire) {
            own.unpark.unpark();
            return;
        }
        if own.next_wake.load(Acquire) == AWAKE {
            // The owner is awake and looks at its wheel before it sleeps;
            // but it may be stuck in a task: make sure some sleeper wakes.
            if let Some(other) = self.wheels.iter().find(|s| when < s.next_wake.load(Acquire)) {
                other.unpark.unpark();
            }
        }
    }

    /// Moves a registered timer to a new deadline, keeping its waker.
    ///
    /// # Safety
    ///
    /// `node` belongs to wheel `w` and is pinned.
    pub(crate) unsafe fn rearm(&self, w: WheelId, node: NodePtr, deadline: i64) {
        let slot = &self.wheels[w];
        let mut wheel = crate::loom::lock(&slot.wheel);
        // SAFETY: the node is valid (per the caller).
        let n = unsafe { node.as_ref() };
        if n.is_linked() {
            // SAFETY: linked in this wheel.
            unsafe { wheel.remove(node) };
        }
        // SAFETY: under the wheel's lock.
        let when = unsafe {
            n.set_deadline(deadline);
            n.when()
        };
        n.clear_fired();
        // SAFETY: valid, unlinked node.
        if !unsafe { wheel.insert(node) } {
            // SAFETY: under the wheel's lock.
            let waker = unsafe { n.take_waker() };
            n.set_fired();
            drop(wheel);
            if let Some(w) = waker {
                w.wake();
            }
            return;
        }
        drop(wheel);
        self.wake_sleeper_before(w, when);
    }

    /// Unlinks a timer that is being dropped.
    ///
    /// # Safety
    ///
    /// `node` belongs to wheel `w`.
    pub(crate) unsafe fn cancel(&self, w: WheelId, node: NodePtr) {
        let mut wheel = crate::loom::lock(&self.wheels[w].wheel);
        // SAFETY: the node is valid (per the caller).
        let n = unsafe { node.as_ref() };
        if n.is_linked() {
            // SAFETY: linked in this wheel.
            unsafe { wheel.remove(node) };
        }
        // SAFETY: under the wheel's lock.
        let waker = unsafe { n.take_waker() };
        drop(wheel);
        drop(waker);
    }

    /// Fires every due timer of wheel `w`. Returns how many fired.
    pub(crate) fn process(&self, w: WheelId) -> usize {
        let now = self.clock.now_tick();
        let mut wakers = Vec::new();
        {
            let mut wheel = crate::loom::lock(&self.wheels[w].wheel);
            wheel.advance(now, |node| {
                // SAFETY: the wheel just unlinked this valid node, under its
                // lock.
                let n = unsafe { node.as_ref() };
                // SAFETY: as above.
                if let Some(waker) = unsafe { n.take_waker() } {
                    wakers.push(waker);
                }
                // Last access: once FIRED is visible the owner may free it.
                n.set_fired();
            });
        }
        let fired = wakers.len();
        for w in wakers {
            w.wake();
        }
        fired
    }

    /// Fires every due timer of every wheel (used by `time::advance`).
    #[cfg(feature = "test-util")]
    pub(crate) fn process_all(&self) {
        self.process_idle(0);
    }

    /// The owner of wheel `w` is about to sleep: publishes when it will wake
    /// and returns how long it may sleep (`None`: no timer).
    ///
    /// It sleeps no longer than until the earliest timer of *any* wheel:
    /// idle owners fire every wheel's timers (see `process_idle`).
    pub(crate) fn before_park(&self, w: WheelId) -> Option<Duration> {
        let slot = &self.wheels[w];
        // Publish first, so a timer linked from now on sees a sleeper...
        slot.next_wake.store(NO_TIMER, Release);
        // ...then look: a timer linked before is found here.
        let next = self.wheels.iter().filter_map(|s| crate::loom::lock(&s.wheel).next_expiration()).min();
        if let Some(tick) = next {
            slot.next_wake.fetch_min(tick, AcqRel);
        }
        next.map(|tick| self.clock.until_tick(tick))
    }

    /// Fires due timers of every wheel, own first (an idle owner helps
    /// owners that are busy). Returns how many fired.
    pub(crate) fn process_idle(&self, w: WheelId) -> usize {
        let mut fired = self.process(w);
        for other in 0..self.wheels.len() {
            if other != w {
                fired += self.process(other);
            }
        }
        fired
    }

    /// The earliest tick any timer of wheel `w` may fire at.
    #[cfg(feature = "test-util")]
    pub(crate) fn next_tick(&self, w: WheelId) -> Option<u64> {
        crate::loom::lock(&self.wheels[w].wheel).next_expiration()
    }

    /// The owner of wheel `w` woke up.
    pub(crate) fn after_park(&self, w: WheelId) {
        self.wheels[w].next_wake.store(AWAKE, Release);
    }

    /// Wakes every wheel's owner (the clock moved).
    #[cfg(feature = "test-util")]
    pub(crate) fn unpark_all(&self) {
        for slot in self.wheels.iter() {
            slot.unpark.unpark();
        }
    }
}

/// Keeps a runtime's paused clock from jumping ahead while it lives: a
/// blocking task holds one from the moment it is spawned until it finishes
/// or is cancelled (it may be about to wake a timer's task, or need real
/// time to pass). On drop it lets the clock jump again and wakes the
/// drivers so that they reconsider.
#[cfg(feature = "test-util")]
pub(crate) struct AutoAdvanceInhibit(std::sync::Arc<HandleInner>);

#[cfg(feature = "test-util")]
impl AutoAdvanceInhibit {
    pub(crate) fn new(handle: &std::sync::Arc<HandleInner>) -> Option<AutoAdvanceInhibit> {
        let time = handle.time()?;
        time.clock.inhibit_auto_advance();
        Some(AutoAdvanceInhibit(handle.clone()))
    }
}

#[cfg(feature = "test-util")]
impl Drop for AutoAdvanceInhibit {
    fn drop(&mut self) {
        if let Some(time) = self.0.time() {
            time.clock.allow_auto_advance();
            time.unpark_all();
        }
    }
}
