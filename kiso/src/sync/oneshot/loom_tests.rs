use super::channel;
use crate::loom::sync::atomic::{AtomicUsize, Ordering};
use crate::loom::sync::Arc;
use loom::future::block_on;
use loom::thread;
use std::future::Future;

struct Counted(Arc<AtomicUsize>);

impl Drop for Counted {
    fn drop(&mut self) {
        self.0.fetch_add(1, Ordering::SeqCst);
    }
}

#[test]
fn loom_oneshot_send_vs_recv() {
    loom::model(|| {
        let (tx, rx) = channel::<usize>();
        let th = thread::spawn(move || tx.send(1).unwrap());
        assert_eq!(block_on(rx), Ok(1));
        th.join().unwrap();
    });
}

#[test]
fn loom_oneshot_drop_tx_vs_recv() {
    loom::model(|| {
        let (tx, rx) = channel::<usize>();
        let th = thread::spawn(move || drop(tx));
        assert!(block_on(rx).is_err());
        th.join().unwrap();
    });
}

#[test]
fn loom_oneshot_send_vs_drop_rx() {
    loom::model(|| {
        let drops = Arc::new(AtomicUsize::new(0));
        let (tx, rx) = channel::<Counted>();
        let d = drops.clone();
        let th = thread::spawn(move || {
            if let Err(v) = tx.send(Counted(d)) {
                drop(v);
            }
        });
        drop(rx);
        th.join().unwrap();
        assert_eq!(drops.load(Ordering::SeqCst), 1);
    });
}

#[test]
fn loom_oneshot_closed_vs_close() {
    loom::model(|| {
        let (mut tx, mut rx) = channel::<usize>();
        let th = thread::spawn(move || {
            rx.close();
            rx
        });
        block_on(tx.closed());
        assert!(tx.is_closed());
        drop(th.join().unwrap());
    });
}

#[test]
fn loom_oneshot_repoll_then_send() {
    loom::model(|| {
        let (tx, mut rx) = channel::<usize>();
        let th = thread::spawn(move || tx.send(5));
        // Poll once with a no-op waker, then wait for real: the receiver
        // replaces its waker while the sender may be completing.
        let first = block_on(std::future::poll_fn(|cx| {
            let noop = std::task::Waker::noop();
            let mut other = std::task::Context::from_waker(noop);
            match std::pin::Pin::new(&mut rx).poll(&mut other) {
                std::task::Poll::Ready(v) => std::task::Poll::Ready(Some(v)),
                std::task::Poll::Pending => {
                    let _ = cx;
                    std::task::Poll::Ready(None)
                }
            }
        }));
        let v = match first {
            Some(v) => v,
            None => block_on(&mut rx),
        };
        assert_eq!(v, Ok(5));
        assert!(th.join().unwrap().is_ok());
    });
}

/// A waker that counts its wakes; `std::sync::Arc::strong_count` of it tells
/// whether every clone the channel stored was dropped again.
struct CountWake(std::sync::atomic::AtomicUsize);

impl std::task::Wake for CountWake {
    fn wake(self: std::sync::Arc<Self>) {
        self.wake_by_ref();
    }
    fn wake_by_ref(self: &std::sync::Arc<Self>) {
        self.0.fetch_add(1, std::sync::atomic::Ordering::SeqCst);
    }
}

fn count_waker() -> (std::sync::Arc<CountWake>, std::task::Waker) {
    let arc = std::sync::Arc::new(CountWake(std::sync::atomic::AtomicUsize::new(0)));
    let waker = std::task::Waker::from(arc.clone());
    (arc, waker)
}

fn poll_once<F: Future + Unpin>(f: &mut F, waker: &std::task::Waker) -> std::task::Poll<F::Output> {
    let mut cx = std::task::Context::from_waker(waker);
    std::pin::Pin::new(f).poll(&mut cx)
}

/// A send into a receiver that registered its waker races with the
/// receiver taking the value or going away. Whichever side finishes last
/// frees the channel: the value and the stored waker are dropped exactly
/// once, and a receiver that is still there was woken.
#[test]
fn loom_oneshot_send_vs_finish_rx_frees_once() {
    loom::model(|| {
        let drops = Arc::new(AtomicUsize::new(0));
        let (wake_count, waker) = count_waker();
        let (tx, mut rx) = channel::<Counted>();
        assert!(poll_once(&mut rx, &waker).is_pending());
        let d = drops.clone();
        let th = thread::spawn(move || tx.send(Counted(d)).is_ok());
        match rx.try_recv() {
            Ok(v) => drop(v),
            Err(super::error::TryRecvError::Empty) => drop(rx),
            Err(super::error::TryRecvError::Closed) => panic!("closed before a send"),
        }
        let sent = th.join().unwrap();
        assert_eq!(drops.load(Ordering::SeqCst), 1);
        if !sent {
            assert_eq!(wake_count.0.load(std::sync::atomic::Ordering::SeqCst), 0);
        }
        drop(waker);
        assert_eq!(std::sync::Arc::strong_count(&wake_count), 1, "a stored waker leaked");
    });
}

/// The receiver, woken by the send, receives while the sender may still be
/// in `send` (waking it, then letting go).
#[test]
fn loom_oneshot_send_wakes_registered_rx() {
    loom::model(|| {
        let (wake_count, waker) = count_waker();
        let (tx, mut rx) = channel::<usize>();
        assert!(poll_once(&mut rx, &waker).is_pending());
        let th = thread::spawn(move || tx.send(3).unwrap());
        match poll_once(&mut rx, &waker) {
            std::task::Poll::Ready(v) => assert_eq!(v, Ok(3)),
            std::task::Poll::Pending => {
                th.join().unwrap();
                assert_eq!(wake_count.0.load(std::sync::atomic::Ordering::SeqCst), 1);
                assert_eq!(poll_once(&mut rx, &waker), std::task::Poll::Ready(Ok(3)));
                drop(rx);
                drop(waker);
                assert_eq!(std::sync::Arc::strong_count(&wake_count), 1, "a stored waker leaked");
                return;
            }
        }
        drop(rx);
        th.join().unwrap();
        drop(waker);
        assert_eq!(std::sync::Arc::strong_count(&wake_count), 1, "a stored waker leaked");
    });
}

/// A sender waiting in `closed` and dropped races with the receiver being
/// dropped: the sender's waker is woken or not needed, and dropped once.
#[test]
fn loom_oneshot_drop_tx_waiting_closed_vs_drop_rx() {
    loom::model(|| {
        let (wake_count, waker) = count_waker();
        let (mut tx, rx) = channel::<usize>();
        {
            let mut closed = Box::pin(tx.closed());
            let mut cx = std::task::Context::from_waker(&waker);
            assert!(closed.as_mut().poll(&mut cx).is_pending());
        }
        let th = thread::spawn(move || drop(rx));
        drop(tx);
        th.join().unwrap();
        drop(waker);
        assert_eq!(std::sync::Arc::strong_count(&wake_count), 1, "a stored waker leaked");
    });
}

/// The receiver replaces its waker while the sender completes. The sender
/// reads the waker before its completing update and takes it over with
/// that update, so a replacement in between (which puts the same flags
/// back) must still make the update fail: a waker is woken only if it was
/// in the slot at the update, and every waker is dropped exactly once.
#[test]
fn loom_oneshot_replace_waker_while_sending() {
    loom::model(|| {
        let (count1, w1) = count_waker();
        let (count2, w2) = count_waker();
        let (tx, mut rx) = channel::<usize>();
        assert!(poll_once(&mut rx, &w1).is_pending());
        let th = thread::spawn(move || tx.send(9).unwrap());
        let woken = |c: &std::sync::Arc<CountWake>| c.0.load(std::sync::atomic::Ordering::SeqCst);
        match poll_once(&mut rx, &w2) {
            std::task::Poll::Ready(v) => {
                assert_eq!(v, Ok(9));
                th.join().unwrap();
            }
            std::task::Poll::Pending => {
                th.join().unwrap();
                // Registered before the send completed: `w2` was woken.
                assert_eq!(woken(&count2), 1);
                assert_eq!(poll_once(&mut rx, &w2), std::task::Poll::Ready(Ok(9)));
            }
        }
        drop(rx);
        drop(w1);
        drop(w2);
        // No wake at all if the send fell between the receiver clearing the
        // flag and setting it again: the receiver then saw the value.
        assert!(woken(&count1) + woken(&count2) <= 1, "one wake at most");
        assert_eq!(std::sync::Arc::strong_count(&count1), 1, "waker 1 leaked or over-dropped");
        assert_eq!(std::sync::Arc::strong_count(&count2), 1, "waker 2 leaked or over-dropped");
    });
}
