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
