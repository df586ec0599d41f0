//! Loom models of a signal's delivery state: a delivery racing a listener
//! that is about to wait, and two broadcasters (listeners on two runtimes)
//! racing each other.

use super::deliveries::{Deliveries, Seen};
use crate::loom::sync::Arc;
use loom::future::block_on;
use loom::thread;
use std::task::Poll;

/// What `Signal::poll_recv` does, minus the self-pipe: look, register,
/// look again.
fn wait(d: &Deliveries, id: u64, seen: &mut Seen) {
    block_on(std::future::poll_fn(|cx| {
        if seen.take(d) {
            return Poll::Ready(());
        }
        d.register(id, cx.waker());
        if seen.take(d) {
            return Poll::Ready(());
        }
        Poll::Pending
    }));
}

/// A delivery recorded and broadcast while the listener registers: the
/// listener completes (loom reports a deadlock if the wake-up is lost).
#[test]
fn loom_signal_delivery_vs_listener() {
    loom::model(|| {
        let d = Arc::new(Deliveries::new());
        let mut seen = Seen(d.generation());
        let d2 = d.clone();
        let t = thread::spawn(move || {
            d2.record();
            assert!(d2.broadcast());
        });
        wait(&d, 0, &mut seen);
        t.join().unwrap();
        assert_eq!(d.generation(), 1);
    });
}

/// Two broadcasters race over one recorded delivery: it becomes exactly
/// one generation, and both listeners see it.
#[test]
fn loom_signal_two_broadcasters() {
    loom::model(|| {
        let d = Arc::new(Deliveries::new());
        let mut seen_a = Seen(0);
        d.record();
        let d2 = d.clone();
        let t = thread::spawn(move || {
            d2.broadcast();
            let mut seen_b = Seen(0);
            wait(&d2, 1, &mut seen_b);
        });
        d.broadcast();
        wait(&d, 0, &mut seen_a);
        t.join().unwrap();
        assert_eq!(d.generation(), 1);
    });
}
