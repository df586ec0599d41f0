//! Loom models of the readiness protocol between the driver (which sets
//! readiness and wakes) and a task (which polls, tries its operation, and
//! clears readiness on `WouldBlock`).
//!
//! The property: an edge the driver publishes is never lost. After both
//! sides finish, either the task's last poll saw the readiness, or its
//! waker was woken (so it will poll again and see it).

use super::scheduled_io::{Direction, ScheduledIo};
use crate::io::{Interest, Ready};
use crate::loom::sync::atomic::{AtomicUsize, Ordering::SeqCst};
use crate::loom::sync::Arc as LoomArc;
use loom::thread;
use std::sync::Arc;
use std::task::{Context, Poll, Wake, Waker};

fn model(f: impl Fn() + Sync + Send + 'static) {
    let mut b = loom::model::Builder::new();
    if b.preemption_bound.is_none() {
        b.preemption_bound = Some(3);
    }
    b.check(f);
}

struct Count(LoomArc<AtomicUsize>);

impl Wake for Count {
    fn wake(self: Arc<Self>) {
        self.0.fetch_add(1, SeqCst);
    }
}

fn waker(count: &LoomArc<AtomicUsize>) -> Waker {
    Waker::from(Arc::new(Count(count.clone())))
}

/// The task saw readiness from an earlier edge, its read hit `WouldBlock`,
/// and it clears that readiness, while the driver publishes a new edge. The
/// clear must not erase the new edge: the task's next poll is ready or it
/// gets woken.
#[test]
fn new_edge_survives_a_concurrent_clear() {
    model(|| {
        let io = LoomArc::new(ScheduledIo::new());
        io.set_readiness(Ready::READABLE);
        let seen = io.ready_event(Interest::READABLE);
        assert!(seen.ready.is_readable());

        let driver = {
            let io = io.clone();
            thread::spawn(move || {
                io.set_readiness(Ready::READABLE);
                io.wake(Ready::READABLE);
            })
        };

        let wakes = LoomArc::new(AtomicUsize::new(0));
        io.clear_readiness(seen);
        let w = waker(&wakes);
        let mut cx = Context::from_waker(&w);
        let polled = io.poll_readiness(&mut cx, Direction::Read);
        driver.join().unwrap();

        let ready = matches!(polled, Poll::Ready(ev) if ev.ready.is_readable());
        assert!(ready || wakes.load(SeqCst) == 1, "the new edge was lost");
    });
}

/// A task registers for readiness (async path, any number of waiters) while
/// the driver publishes the edge: it sees it or is woken.
#[test]
fn waiter_registration_races_the_driver() {
    model(|| {
        let io = LoomArc::new(ScheduledIo::new());
        let driver = {
            let io = io.clone();
            thread::spawn(move || {
                io.set_readiness(Ready::WRITABLE);
                io.wake(Ready::WRITABLE);
            })
        };
        let wakes = LoomArc::new(AtomicUsize::new(0));
        let w = waker(&wakes);
        let mut cx = Context::from_waker(&w);
        let mut slot = None;
        let polled = io.poll_interest(&mut cx, Interest::WRITABLE, &mut slot);
        driver.join().unwrap();
        let ready = matches!(polled, Poll::Ready(ev) if ev.ready.is_writable());
        assert!(ready || wakes.load(SeqCst) == 1, "the edge was lost");
        if ready {
            assert!(slot.is_none(), "a ready waiter keeps no slot");
        }
        io.release_slot(&mut slot);
    });
}

/// Shutdown races a poll: the task sees the shutdown or is woken.
#[test]
fn shutdown_reaches_a_registering_task() {
    model(|| {
        let io = LoomArc::new(ScheduledIo::new());
        let driver = {
            let io = io.clone();
            thread::spawn(move || io.shutdown())
        };
        let wakes = LoomArc::new(AtomicUsize::new(0));
        let w = waker(&wakes);
        let mut cx = Context::from_waker(&w);
        let polled = io.poll_readiness(&mut cx, Direction::Write);
        driver.join().unwrap();
        let saw = matches!(polled, Poll::Ready(ev) if ev.is_shutdown);
        assert!(saw || wakes.load(SeqCst) == 1, "shutdown did not reach the task");
    });
}
