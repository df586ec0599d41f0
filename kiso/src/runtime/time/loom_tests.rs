//! Loom models of timers: firing races with a reset and with a cancel from
//! other threads. The clock is paused (deterministic); "firing" is the
//! wheel's owner advancing it and processing its wheel.
//!
//! Each model checks that a waiting task is woken exactly when the timer
//! fires (never lost, never after a cancel), and that no entry stays linked
//! after it is dropped.

use super::entry::TimerEntry;
use crate::loom::sync::atomic::{AtomicUsize, Ordering::SeqCst};
use crate::loom::sync::Arc as LoomArc;
use crate::runtime::handle::HandleInner;
use loom::thread;
use std::pin::Pin;
use std::sync::Arc;
use std::task::{Context, Poll, Wake, Waker};
use std::time::Duration;

fn model(f: impl Fn() + Sync + Send + 'static) {
    let mut b = loom::model::Builder::new();
    if b.preemption_bound.is_none() {
        b.preemption_bound = Some(3);
    }
    b.check(f);
}

/// A waker that counts wakes.
struct Count(LoomArc<AtomicUsize>);

impl Wake for Count {
    fn wake(self: Arc<Self>) {
        self.0.fetch_add(1, SeqCst);
    }
}

/// A paused current-thread runtime (only its time driver is used) and its
/// handle.
fn runtime() -> (crate::runtime::Runtime, Arc<HandleInner>) {
    let rt = crate::runtime::Builder::new_current_thread().enable_time().start_paused(true).build().unwrap();
    let handle = rt.handle().inner.clone();
    (rt, handle)
}

/// Polls `entry` once with a counting waker.
fn poll(entry: Pin<&mut TimerEntry>, wakes: &LoomArc<AtomicUsize>) -> Poll<()> {
    let waker = Waker::from(Arc::new(Count(wakes.clone())));
    let mut cx = Context::from_waker(&waker);
    // SAFETY: pinned.
    unsafe { entry.get_unchecked_mut().poll_elapsed(&mut cx) }
}

fn fire(handle: &HandleInner, by: Duration) {
    let time = handle.time().unwrap();
    time.clock.advance(by);
    time.process(0);
}

/// The timer fires on one thread while another resets it further out: the
/// task is woken at most once, and after the reset the timer is pending.
#[test]
fn loom_fire_vs_reset() {
    model(|| {
        let (_rt, handle) = runtime();
        let start = handle.time().unwrap().clock.now();
        let wakes = LoomArc::new(AtomicUsize::new(0));
        let mut entry = Box::pin(TimerEntry::new(handle.clone(), start + Duration::from_millis(10)));
        assert!(poll(entry.as_mut(), &wakes).is_pending());
        let h2 = handle.clone();
        let firer = thread::spawn(move || fire(&h2, Duration::from_millis(10)));
        // SAFETY: pinned.
        unsafe { entry.as_mut().get_unchecked_mut().reset(start + Duration::from_secs(60)) };
        firer.join().unwrap();
        // Either it fired before the reset (one wake) and the reset re-armed
        // it, or the reset came first and nothing fired.
        assert!(wakes.load(SeqCst) <= 1);
        assert!(poll(entry.as_mut(), &wakes).is_pending(), "re-armed for later");
        drop(entry);
        assert_eq!(handle.time().unwrap().lock_wheel(0).len(), 0, "dropped timers are unlinked");
    });
}

/// The timer fires on one thread while another drops it.
#[test]
fn loom_fire_vs_cancel() {
    model(|| {
        let (_rt, handle) = runtime();
        let start = handle.time().unwrap().clock.now();
        let wakes = LoomArc::new(AtomicUsize::new(0));
        let mut entry = Box::pin(TimerEntry::new(handle.clone(), start + Duration::from_millis(10)));
        assert!(poll(entry.as_mut(), &wakes).is_pending());
        let h2 = handle.clone();
        let firer = thread::spawn(move || fire(&h2, Duration::from_millis(20)));
        drop(entry);
        firer.join().unwrap();
        assert!(wakes.load(SeqCst) <= 1);
        assert_eq!(handle.time().unwrap().lock_wheel(0).len(), 0);
    });
}

/// A task waits on the timer while another thread fires it: the wake is
/// not lost, and the next poll sees it fired.
#[test]
fn loom_fire_vs_poll() {
    model(|| {
        let (_rt, handle) = runtime();
        let start = handle.time().unwrap().clock.now();
        let wakes = LoomArc::new(AtomicUsize::new(0));
        let mut entry = Box::pin(TimerEntry::new(handle.clone(), start + Duration::from_millis(10)));
        assert!(poll(entry.as_mut(), &wakes).is_pending());
        let h2 = handle.clone();
        let firer = thread::spawn(move || fire(&h2, Duration::from_millis(10)));
        let first = poll(entry.as_mut(), &wakes);
        firer.join().unwrap();
        if first.is_pending() {
            // Not fired yet when we polled: the firing must have woken us.
            assert_eq!(wakes.load(SeqCst), 1, "the wake was not lost");
        }
        assert!(poll(entry.as_mut(), &wakes).is_ready());
    });
}
