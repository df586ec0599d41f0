#![cfg(feature = "full")]

mod support;

use kiso::sync::oneshot::{self, error::RecvError, error::TryRecvError};
use std::future::Future;
use std::pin::Pin;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Arc;
use std::task::{Context, Poll};
use support::{with_timeout, CountingWaker, DropCounter};

fn is_send<T: Send>() {}
fn is_sync<T: Sync>() {}
fn is_unpin<T: Unpin>() {}

#[test]
fn auto_traits() {
    is_send::<oneshot::Sender<u8>>();
    is_sync::<oneshot::Sender<u8>>();
    is_unpin::<oneshot::Sender<u8>>();
    is_send::<oneshot::Receiver<u8>>();
    is_sync::<oneshot::Receiver<u8>>();
    is_unpin::<oneshot::Receiver<u8>>();
    is_send::<oneshot::Sender<std::cell::Cell<u8>>>();
    is_sync::<oneshot::Receiver<std::cell::Cell<u8>>>();
    is_send::<RecvError>();
    is_sync::<TryRecvError>();
    fn closed_fut(tx: &mut oneshot::Sender<u8>) -> impl Future<Output = ()> + Send + Sync + '_ {
        tx.closed()
    }
    let _ = closed_fut;
}

#[test]
fn error_display() {
    assert_eq!(
        RecvError::clone(&make_recv_error()).to_string(),
        "channel closed"
    );
    assert_eq!(TryRecvError::Empty.to_string(), "channel empty");
    assert_eq!(TryRecvError::Closed.to_string(), "channel closed");
    let e: Box<dyn std::error::Error> = Box::new(TryRecvError::Empty);
    assert_eq!(e.to_string(), "channel empty");
}

fn make_recv_error() -> RecvError {
    let (tx, rx) = oneshot::channel::<()>();
    drop(tx);
    futures::executor::block_on(rx).unwrap_err()
}

#[test]
fn debug_impls() {
    let (tx, rx) = oneshot::channel::<u8>();
    assert!(format!("{tx:?}").starts_with("Sender"));
    assert!(format!("{rx:?}").starts_with("Receiver"));
}

#[test]
fn send_then_recv_current_thread() {
    with_timeout(|| {
        let rt = support::current_thread();
        rt.block_on(async {
            let (tx, rx) = oneshot::channel();
            kiso::spawn(async move { tx.send(5u32).unwrap() });
            assert_eq!(rx.await, Ok(5));
        });
    });
}

#[test]
fn send_then_recv_multi_thread() {
    with_timeout(|| {
        let rt = support::multi(2);
        rt.block_on(async {
            for i in 0..200u32 {
                let (tx, rx) = oneshot::channel();
                let h = kiso::spawn(rx);
                kiso::spawn(async move { tx.send(i).unwrap() });
                assert_eq!(h.await.unwrap(), Ok(i));
            }
        });
    });
}

#[test]
fn futures_executor() {
    with_timeout(|| {
        let (tx, rx) = oneshot::channel();
        let t = std::thread::spawn(move || tx.send("x").unwrap());
        assert_eq!(futures::executor::block_on(rx), Ok("x"));
        t.join().unwrap();
    });
}

#[test]
fn drop_sender_errors_and_wakes() {
    let (tx, mut rx) = oneshot::channel::<u8>();
    let (count, waker) = CountingWaker::new();
    let mut cx = Context::from_waker(&waker);
    assert!(Pin::new(&mut rx).poll(&mut cx).is_pending());
    assert_eq!(count.count(), 0);
    drop(tx);
    assert_eq!(count.count(), 1);
    assert_eq!(
        Pin::new(&mut rx).poll(&mut cx),
        Poll::Ready(Err(make_recv_error()))
    );
    assert!(rx.is_terminated());
}

#[test]
fn send_wakes_latest_waker_only() {
    let (tx, mut rx) = oneshot::channel::<u8>();
    let (c1, w1) = CountingWaker::new();
    let (c2, w2) = CountingWaker::new();
    assert!(Pin::new(&mut rx)
        .poll(&mut Context::from_waker(&w1))
        .is_pending());
    assert!(Pin::new(&mut rx)
        .poll(&mut Context::from_waker(&w2))
        .is_pending());
    tx.send(1).unwrap();
    assert_eq!(c1.count(), 0);
    assert_eq!(c2.count(), 1);
    assert_eq!(
        Pin::new(&mut rx).poll(&mut Context::from_waker(&w2)),
        Poll::Ready(Ok(1))
    );
}

#[test]
fn send_after_rx_dropped_returns_value() {
    let (tx, rx) = oneshot::channel();
    assert!(!tx.is_closed());
    drop(rx);
    assert!(tx.is_closed());
    assert_eq!(tx.send(9), Err(9));
}

#[test]
fn send_after_close_returns_value_and_try_recv_closed() {
    let (tx, mut rx) = oneshot::channel();
    rx.close();
    assert!(tx.is_closed());
    assert_eq!(tx.send(1), Err(1));
    assert_eq!(rx.try_recv(), Err(TryRecvError::Closed));
    assert!(rx.is_terminated());
}

#[test]
fn value_sent_before_close_is_still_received() {
    let (tx, mut rx) = oneshot::channel();
    tx.send(4).unwrap();
    rx.close();
    assert_eq!(rx.try_recv(), Ok(4));
}

#[test]
fn close_then_await_is_error() {
    let (_tx, mut rx) = oneshot::channel::<u8>();
    rx.close();
    assert!(futures::executor::block_on(&mut rx).is_err());
}

#[test]
fn try_recv_states() {
    let (tx, mut rx) = oneshot::channel();
    assert_eq!(rx.try_recv(), Err(TryRecvError::Empty));
    assert!(!rx.is_terminated());
    tx.send(8).unwrap();
    assert_eq!(rx.try_recv(), Ok(8));
    assert!(rx.is_terminated());
    assert_eq!(rx.try_recv(), Err(TryRecvError::Closed));

    let (tx, mut rx) = oneshot::channel::<u8>();
    drop(tx);
    assert_eq!(rx.try_recv(), Err(TryRecvError::Closed));
    assert!(rx.is_terminated());
}

#[test]
fn is_empty_states() {
    let (tx, mut rx) = oneshot::channel();
    assert!(rx.is_empty());
    tx.send(1).unwrap();
    assert!(!rx.is_empty());
    assert_eq!(rx.try_recv(), Ok(1));
    assert!(rx.is_empty());

    let (tx, rx) = oneshot::channel::<u8>();
    drop(tx);
    assert!(rx.is_empty());
    assert!(!rx.is_terminated());
}

#[test]
#[should_panic]
fn poll_after_completion_panics() {
    let (tx, mut rx) = oneshot::channel();
    tx.send(1).unwrap();
    let _ = futures::executor::block_on(&mut rx);
    let _ = futures::executor::block_on(&mut rx);
}

#[test]
fn closed_completes_on_drop_and_on_close() {
    with_timeout(|| {
        let rt = support::multi(2);
        rt.block_on(async {
            let (mut tx, rx) = oneshot::channel::<u8>();
            kiso::spawn(async move { drop(rx) });
            tx.closed().await;
            assert!(tx.is_closed());

            let (mut tx, mut rx) = oneshot::channel::<u8>();
            let h = kiso::spawn(async move {
                rx.close();
                // Keep the receiver alive: only `close` may end the wait.
                (rx, ())
            });
            tx.closed().await;
            drop(h.await.unwrap().0);
        });
    });
}

#[test]
fn poll_closed_wakes() {
    let (mut tx, rx) = oneshot::channel::<u8>();
    let (count, waker) = CountingWaker::new();
    let mut cx = Context::from_waker(&waker);
    assert!(tx.poll_closed(&mut cx).is_pending());
    assert!(tx.poll_closed(&mut cx).is_pending());
    drop(rx);
    assert_eq!(count.count(), 1);
    assert!(tx.poll_closed(&mut cx).is_ready());
}

#[test]
fn value_dropped_once() {
    let drops = Arc::new(AtomicUsize::new(0));
    let (tx, rx) = oneshot::channel();
    tx.send(DropCounter(drops.clone())).ok().unwrap();
    assert_eq!(drops.load(Ordering::SeqCst), 0);
    drop(rx);
    assert_eq!(drops.load(Ordering::SeqCst), 1);

    let (tx, rx) = oneshot::channel();
    drop(rx);
    let v = tx.send(DropCounter(drops.clone()));
    assert_eq!(drops.load(Ordering::SeqCst), 1);
    drop(v);
    assert_eq!(drops.load(Ordering::SeqCst), 2);
}

#[test]
fn cancel_safe_in_select() {
    with_timeout(|| {
        let rt = support::current_thread();
        rt.block_on(async {
            let (tx, mut rx) = oneshot::channel();
            // Poll `&mut rx` once and drop that wait, as a losing
            // `select!` branch would.
            let first = std::future::poll_fn(|cx| Poll::Ready(Pin::new(&mut rx).poll(cx))).await;
            assert!(first.is_pending());
            tx.send(3).unwrap();
            assert_eq!(rx.await, Ok(3));
        });
    });
}

#[test]
fn blocking_recv_outside_runtime() {
    with_timeout(|| {
        let (tx, rx) = oneshot::channel();
        let t = std::thread::spawn(move || rx.blocking_recv());
        tx.send(11).unwrap();
        assert_eq!(t.join().unwrap(), Ok(11));

        let (tx, rx) = oneshot::channel::<u8>();
        let t = std::thread::spawn(move || rx.blocking_recv());
        drop(tx);
        assert!(t.join().unwrap().is_err());
    });
}

#[test]
fn blocking_recv_in_runtime_panics() {
    let msg = support::panic_message(|| {
        let rt = support::current_thread();
        rt.block_on(async {
            let (_tx, rx) = oneshot::channel::<u8>();
            let _ = rx.blocking_recv();
        });
    });
    assert!(
        msg.contains("Cannot block the current thread from within a runtime"),
        "{msg}"
    );
}

#[test]
fn blocking_recv_in_spawn_blocking_works() {
    with_timeout(|| {
        let rt = support::multi(2);
        rt.block_on(async {
            let (tx, rx) = oneshot::channel();
            let h = kiso::task::spawn_blocking(move || rx.blocking_recv());
            tx.send(1u8).unwrap();
            assert_eq!(h.await.unwrap(), Ok(1));
        });
    });
}

#[test]
fn recv_spends_coop_budget() {
    with_timeout(|| {
        let rt = support::current_thread();
        rt.block_on(async {
            // Ready receivers must eventually yield: with an exhausted
            // budget a ready receiver returns Pending once.
            let mut pending = false;
            for _ in 0..1000 {
                let (tx, mut rx) = oneshot::channel();
                tx.send(1u8).unwrap();
                let r = std::future::poll_fn(|cx| Poll::Ready(Pin::new(&mut rx).poll(cx))).await;
                match r {
                    Poll::Ready(v) => assert_eq!(v, Ok(1)),
                    Poll::Pending => {
                        pending = true;
                        assert_eq!(rx.await, Ok(1));
                        break;
                    }
                }
            }
            assert!(pending, "oneshot receive never ran out of budget");
        });
    });
}
