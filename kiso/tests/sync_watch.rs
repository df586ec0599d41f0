#![cfg(feature = "full")]

mod support;

use kiso::sync::watch::{self, error::RecvError, error::SendError};
use std::future::Future;
use std::pin::{pin, Pin};
use std::task::{Context, Poll};
use support::{with_timeout, CountingWaker};

fn is_send<T: Send>() {}
fn is_sync<T: Sync>() {}
fn is_unpin<T: Unpin>() {}

fn poll_once<F: Future>(f: Pin<&mut F>) -> Poll<F::Output> {
    let waker = std::task::Waker::noop();
    f.poll(&mut Context::from_waker(waker))
}

#[test]
fn auto_traits() {
    is_send::<watch::Sender<u8>>();
    is_sync::<watch::Sender<u8>>();
    is_unpin::<watch::Sender<u8>>();
    is_send::<watch::Receiver<u8>>();
    is_sync::<watch::Receiver<u8>>();
    is_unpin::<watch::Receiver<u8>>();
    is_sync::<watch::Ref<'static, u8>>();
    is_unpin::<watch::Ref<'static, u8>>();
    is_send::<SendError<u8>>();
    is_send::<RecvError>();
    fn changed(rx: &mut watch::Receiver<u8>) -> impl Future + Send + '_ {
        rx.changed()
    }
    fn wait_for(rx: &mut watch::Receiver<u8>) -> impl Future + Send + '_ {
        rx.wait_for(|v| *v == 0)
    }
    fn closed(tx: &watch::Sender<u8>) -> impl Future + Send + Sync + '_ {
        tx.closed()
    }
    let _ = (changed, wait_for, closed);
}

#[test]
fn errors_and_debug() {
    let e = SendError(5);
    assert_eq!(e.to_string(), "channel closed");
    assert_eq!(format!("{e:?}"), "SendError { .. }");
    assert_eq!(e, SendError(5));
    let (tx, mut rx) = watch::channel(1);
    drop(tx);
    let err = futures::executor::block_on(rx.changed()).unwrap_err();
    assert_eq!(err.to_string(), "channel closed");
    let _c: RecvError = err.clone();
    let (tx, rx) = watch::channel(1);
    assert!(format!("{tx:?}").starts_with("Sender"));
    assert!(format!("{rx:?}").starts_with("Receiver"));
    assert!(format!("{:?}", rx.borrow()).starts_with("Ref"));
}

#[test]
fn borrow_versions() {
    let (tx, mut rx) = watch::channel(0);
    assert!(!rx.borrow().has_changed());
    assert!(!rx.has_changed().unwrap());
    tx.send(1).unwrap();
    {
        let r = rx.borrow();
        assert_eq!(*r, 1);
        assert!(r.has_changed());
    }
    // borrow did not mark seen
    assert!(rx.has_changed().unwrap());
    {
        let r = rx.borrow_and_update();
        assert_eq!(*r, 1);
        assert!(r.has_changed());
    }
    assert!(!rx.has_changed().unwrap());
    assert!(!rx.borrow_and_update().has_changed());
    assert!(!tx.borrow().has_changed());
}

#[test]
fn mark_changed_and_unchanged() {
    let (tx, mut rx) = watch::channel(0);
    rx.mark_changed();
    assert!(rx.has_changed().unwrap());
    assert!(matches!(poll_once(pin!(rx.changed())), Poll::Ready(Ok(()))));
    assert!(!rx.has_changed().unwrap());
    tx.send(1).unwrap();
    rx.mark_unchanged();
    assert!(!rx.has_changed().unwrap());
    assert!(poll_once(pin!(rx.changed())).is_pending());
    assert_eq!(*rx.borrow(), 1);
}

#[test]
fn changed_wakes_all_receivers() {
    let (tx, mut rx1) = watch::channel(0);
    let mut rx2 = rx1.clone();
    let (c1, w1) = CountingWaker::new();
    let (c2, w2) = CountingWaker::new();
    let mut f1 = Box::pin(rx1.changed());
    let mut f2 = Box::pin(rx2.changed());
    assert!(f1.as_mut().poll(&mut Context::from_waker(&w1)).is_pending());
    assert!(f2.as_mut().poll(&mut Context::from_waker(&w2)).is_pending());
    tx.send(1).unwrap();
    assert_eq!(c1.count(), 1);
    assert_eq!(c2.count(), 1);
    assert!(matches!(
        f1.as_mut().poll(&mut Context::from_waker(&w1)),
        Poll::Ready(Ok(()))
    ));
    assert!(matches!(
        f2.as_mut().poll(&mut Context::from_waker(&w2)),
        Poll::Ready(Ok(()))
    ));
}

#[test]
fn send_if_modified_false_does_not_notify() {
    let (tx, mut rx) = watch::channel(0);
    let (count, w) = CountingWaker::new();
    let mut f = Box::pin(rx.changed());
    assert!(f.as_mut().poll(&mut Context::from_waker(&w)).is_pending());
    assert!(!tx.send_if_modified(|v| {
        *v = 9;
        false
    }));
    assert_eq!(count.count(), 0);
    assert!(f.as_mut().poll(&mut Context::from_waker(&w)).is_pending());
    assert!(tx.send_if_modified(|v| {
        *v += 1;
        true
    }));
    assert_eq!(count.count(), 1);
    assert!(f.as_mut().poll(&mut Context::from_waker(&w)).is_ready());
    drop(f);
    assert_eq!(*rx.borrow(), 10);
}

#[test]
fn send_without_receivers() {
    let (tx, rx) = watch::channel(1);
    drop(rx);
    assert!(tx.is_closed());
    assert_eq!(tx.send(2), Err(SendError(2)));
    assert_eq!(*tx.borrow(), 1);
    // send_modify and send_replace still store.
    tx.send_modify(|v| *v = 3);
    assert_eq!(*tx.borrow(), 3);
    assert_eq!(tx.send_replace(4), 3);
    let rx = tx.subscribe();
    assert!(!tx.is_closed());
    assert_eq!(*rx.borrow(), 4);
    assert!(!rx.has_changed().unwrap());
}

#[test]
fn sender_new_and_default() {
    let tx = watch::Sender::new(5u8);
    assert_eq!(tx.receiver_count(), 0);
    assert_eq!(tx.sender_count(), 1);
    assert!(tx.send(1).is_err());
    let tx: watch::Sender<u8> = Default::default();
    assert_eq!(*tx.borrow(), 0);
}

#[test]
fn counts_and_same_channel() {
    let (tx, rx) = watch::channel(());
    assert_eq!(tx.receiver_count(), 1);
    let rx2 = rx.clone();
    let rx3 = tx.subscribe();
    assert_eq!(tx.receiver_count(), 3);
    let tx2 = tx.clone();
    assert_eq!(tx.sender_count(), 2);
    assert!(tx.same_channel(&tx2));
    assert!(rx.same_channel(&rx3));
    let (tx4, rx4) = watch::channel(());
    assert!(!tx.same_channel(&tx4));
    assert!(!rx.same_channel(&rx4));
    drop((rx2, rx3, tx2));
    assert_eq!(tx.receiver_count(), 1);
    assert_eq!(tx.sender_count(), 1);
}

#[test]
fn clone_keeps_version() {
    let (tx, mut rx) = watch::channel(0);
    tx.send(1).unwrap();
    let rx2 = rx.clone();
    assert!(rx2.has_changed().unwrap());
    rx.borrow_and_update();
    let rx3 = rx.clone();
    assert!(!rx3.has_changed().unwrap());
}

#[test]
fn closed_channel_reports_last_unseen_value_first() {
    let (tx, mut rx) = watch::channel(0);
    tx.send(1).unwrap();
    drop(tx);
    assert!(rx.is_closed());
    assert!(rx.has_changed().is_err());
    futures::executor::block_on(async {
        assert!(rx.changed().await.is_ok());
        assert_eq!(*rx.borrow(), 1);
        assert!(rx.changed().await.is_err());
    });
}

#[test]
fn drop_last_sender_wakes_changed() {
    let (tx, mut rx) = watch::channel(0);
    let tx2 = tx.clone();
    let (count, w) = CountingWaker::new();
    let mut f = Box::pin(rx.changed());
    assert!(f.as_mut().poll(&mut Context::from_waker(&w)).is_pending());
    drop(tx);
    assert_eq!(count.count(), 0);
    drop(tx2);
    assert_eq!(count.count(), 1);
    assert!(matches!(
        f.as_mut().poll(&mut Context::from_waker(&w)),
        Poll::Ready(Err(_))
    ));
}

#[test]
fn changed_cancel_safe() {
    let (tx, mut rx) = watch::channel(0);
    {
        let f = pin!(rx.changed());
        assert!(poll_once(f).is_pending());
    }
    tx.send(1).unwrap();
    assert!(rx.has_changed().unwrap());
    futures::executor::block_on(rx.changed()).unwrap();
}

#[test]
fn wait_for_semantics() {
    with_timeout(|| {
        let rt = support::multi(2);
        rt.block_on(async {
            let (tx, mut rx) = watch::channel(0);
            // Already satisfied: completes at once, current value marked seen.
            tx.send(3).unwrap();
            {
                let r = rx.wait_for(|v| *v == 3).await.unwrap();
                assert!(r.has_changed());
                assert_eq!(*r, 3);
            }
            assert!(!rx.has_changed().unwrap());
            {
                let r = rx.wait_for(|v| *v == 3).await.unwrap();
                assert!(!r.has_changed());
            }
            let h = kiso::spawn(async move {
                for i in 4..=100 {
                    tx.send(i).unwrap();
                    kiso::task::yield_now().await;
                }
            });
            let r = rx.wait_for(|v| *v >= 100).await.unwrap();
            assert_eq!(*r, 100);
            drop(r);
            h.await.unwrap();
            // Closed and no match: error.
            assert!(rx.wait_for(|v| *v == 1000).await.is_err());
        });
    });
}

#[test]
fn wait_for_checks_last_value_after_close() {
    let (tx, mut rx) = watch::channel(0);
    tx.send(7).unwrap();
    drop(tx);
    futures::executor::block_on(async {
        let mut calls = 0;
        let r = rx
            .wait_for(|v| {
                calls += 1;
                *v == 7
            })
            .await;
        assert_eq!(*r.unwrap(), 7);
        assert_eq!(calls, 1);
    });
}

#[test]
fn wait_for_panic_propagates_without_poisoning() {
    let (tx, mut rx) = watch::channel(0);
    let res = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
        futures::executor::block_on(async {
            let _ = rx.wait_for(|_| panic!("boom")).await;
        })
    }));
    assert!(res.is_err());
    tx.send(1).unwrap();
    assert_eq!(*rx.borrow(), 1);
}

#[test]
fn send_modify_panic_does_not_notify_or_poison() {
    let (tx, rx) = watch::channel(0);
    let res = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
        tx.send_modify(|v| {
            *v = 1;
            panic!("boom");
        })
    }));
    assert!(res.is_err());
    assert!(!rx.has_changed().unwrap());
    assert_eq!(*rx.borrow(), 1);
    tx.send(2).unwrap();
    assert!(rx.has_changed().unwrap());
}

#[test]
fn sender_closed() {
    with_timeout(|| {
        let rt = support::multi(2);
        rt.block_on(async {
            let (tx, rx) = watch::channel(0);
            let rx2 = tx.subscribe();
            let h = kiso::spawn(async move {
                drop(rx);
                kiso::task::yield_now().await;
                drop(rx2);
            });
            tx.closed().await;
            assert!(tx.is_closed());
            assert_eq!(tx.receiver_count(), 0);
            h.await.unwrap();
            // Already closed: ready at once.
            tx.closed().await;
        });
    });
}

#[test]
fn closed_wakes_on_last_receiver_drop() {
    let (tx, rx) = watch::channel(0);
    let rx2 = rx.clone();
    let (count, w) = CountingWaker::new();
    let mut f = Box::pin(tx.closed());
    assert!(f.as_mut().poll(&mut Context::from_waker(&w)).is_pending());
    drop(rx);
    assert!(f.as_mut().poll(&mut Context::from_waker(&w)).is_pending());
    drop(rx2);
    assert!(count.count() >= 1);
    assert!(f.as_mut().poll(&mut Context::from_waker(&w)).is_ready());
}

#[test]
fn contention_two_workers_sees_final_value() {
    with_timeout(|| {
        let rt = support::multi(2);
        rt.block_on(async {
            let (tx, rx) = watch::channel(0u64);
            let mut handles = Vec::new();
            for _ in 0..4 {
                let mut rx = rx.clone();
                handles.push(kiso::spawn(async move {
                    let mut last = 0;
                    let mut seen = 0u64;
                    loop {
                        let v = *rx.borrow_and_update();
                        assert!(v >= last, "values went backwards");
                        last = v;
                        seen += 1;
                        if v == 1000 {
                            return seen;
                        }
                        rx.changed().await.unwrap();
                    }
                }));
            }
            let tx2 = tx.clone();
            let s = kiso::spawn(async move {
                for i in 1..=500 {
                    tx2.send_modify(|v| *v = (*v).max(i));
                    kiso::task::yield_now().await;
                }
            });
            for i in 501..=1000 {
                tx.send_modify(|v| *v = (*v).max(i));
                kiso::task::yield_now().await;
            }
            s.await.unwrap();
            assert_eq!(*tx.borrow(), 1000);
            for h in handles {
                let seen = h.await.unwrap();
                assert!((1..=1001).contains(&seen));
            }
        });
    });
}

#[test]
fn futures_executor_cross_thread() {
    with_timeout(|| {
        let (tx, mut rx) = watch::channel(0);
        let t = std::thread::spawn(move || {
            for i in 1..=100 {
                tx.send(i).unwrap();
            }
        });
        futures::executor::block_on(async { while rx.changed().await.is_ok() {} });
        t.join().unwrap();
        assert_eq!(*rx.borrow(), 100);
    });
}

#[test]
fn changed_spends_coop_budget() {
    with_timeout(|| {
        let rt = support::current_thread();
        rt.block_on(async {
            let (tx, mut rx) = watch::channel(0);
            let mut pending = false;
            for i in 1..1000 {
                tx.send(i).unwrap();
                let mut f = pin!(rx.changed());
                let r = std::future::poll_fn(|cx| Poll::Ready(f.as_mut().poll(cx))).await;
                if r.is_pending() {
                    pending = true;
                    break;
                }
            }
            assert!(pending, "changed never ran out of budget");
        });
    });
}
