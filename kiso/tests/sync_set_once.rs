#![cfg(feature = "full")]
//! `kiso::sync::SetOnce`: set/get, `wait` from many tasks, cancel safety,
//! `into_inner`, trait impls, executors and auto traits.

mod support;

use kiso::sync::{SetOnce, SetOnceError};
use std::future::Future;
use std::pin::{pin, Pin};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Arc;
use std::task::{Context, Poll, Waker};
use support::{with_timeout, CountingWaker, DropCounter};

fn poll_once<F: Future>(f: Pin<&mut F>) -> Poll<F::Output> {
    f.poll(&mut Context::from_waker(Waker::noop()))
}

#[test]
fn auto_traits() {
    fn send<T: Send>(_: &T) {}
    fn send_sync<T: Send + Sync>() {}
    send_sync::<SetOnce<u32>>();
    send_sync::<SetOnceError<u32>>();
    let once = SetOnce::<u32>::new();
    send(&once.wait());
}

#[test]
fn set_and_get() {
    let once = SetOnce::new();
    assert!(!once.initialized());
    assert_eq!(once.get(), None);
    assert_eq!(once.set(1), Ok(()));
    assert!(once.initialized());
    assert_eq!(once.get(), Some(&1));
    let err = once.set(2).unwrap_err();
    assert_eq!(err, SetOnceError(2));
    assert_eq!(err.0, 2);
    assert_eq!(err.to_string(), "SetOnceError");
    assert_eq!(format!("{err:?}"), "SetOnceError(2)");
    let _: &dyn std::error::Error = &err;
}

#[test]
fn wait_after_set_is_immediate() {
    let once = SetOnce::new_with(Some(3));
    let mut w = pin!(once.wait());
    assert_eq!(poll_once(w.as_mut()), Poll::Ready(&3));
}

#[test]
fn set_wakes_every_waiter() {
    let once = SetOnce::new();
    let wakers: Vec<_> = (0..3).map(|_| CountingWaker::new()).collect();
    let mut waits: Vec<_> = (0..3).map(|_| Box::pin(once.wait())).collect();
    for (w, (_, waker)) in waits.iter_mut().zip(&wakers) {
        assert!(w
            .as_mut()
            .poll(&mut Context::from_waker(waker))
            .is_pending());
    }
    once.set(9).unwrap();
    for (w, (count, _)) in waits.iter_mut().zip(&wakers) {
        assert_eq!(count.count(), 1);
        assert_eq!(poll_once(w.as_mut()), Poll::Ready(&9));
    }
}

#[test]
fn cancelled_wait_does_not_disturb_others() {
    let once = SetOnce::new();
    let mut a = Box::pin(once.wait());
    let mut b = pin!(once.wait());
    assert!(poll_once(a.as_mut()).is_pending());
    assert!(poll_once(b.as_mut()).is_pending());
    drop(a);
    once.set("v").unwrap();
    assert_eq!(poll_once(b.as_mut()), Poll::Ready(&"v"));
}

#[test]
fn many_tasks_multi_thread() {
    with_timeout(|| {
        support::multi(2).block_on(async {
            let once = Arc::new(SetOnce::new());
            let mut tasks = Vec::new();
            for _ in 0..50 {
                let once = once.clone();
                tasks.push(kiso::spawn(async move { *once.wait().await }));
            }
            let setters: Vec<_> = (0..4)
                .map(|i| {
                    let once = once.clone();
                    kiso::spawn(async move { once.set(i).is_ok() })
                })
                .collect();
            let mut wins = 0;
            for s in setters {
                wins += s.await.unwrap() as usize;
            }
            assert_eq!(wins, 1);
            let v = *once.get().unwrap();
            for t in tasks {
                assert_eq!(t.await.unwrap(), v);
            }
        });
    });
}

#[test]
fn current_thread_and_futures_executor() {
    with_timeout(|| {
        support::current_thread().block_on(async {
            let once = Arc::new(SetOnce::new());
            let o2 = once.clone();
            let t = kiso::spawn(async move { *o2.wait().await });
            kiso::task::yield_now().await;
            once.set(5).unwrap();
            assert_eq!(t.await.unwrap(), 5);
        });
        let once = Arc::new(SetOnce::new());
        let o2 = once.clone();
        let th = std::thread::spawn(move || *futures::executor::block_on(o2.wait()));
        once.set(6).unwrap();
        assert_eq!(th.join().unwrap(), 6);
    });
}

#[test]
fn into_inner_and_drop() {
    let drops = Arc::new(AtomicUsize::new(0));
    {
        let once = SetOnce::new();
        once.set(DropCounter(drops.clone())).ok().unwrap();
    }
    assert_eq!(drops.load(Ordering::SeqCst), 1);
    let once = SetOnce::from(DropCounter(drops.clone()));
    let v = once.into_inner();
    assert_eq!(drops.load(Ordering::SeqCst), 1);
    drop(v);
    assert_eq!(drops.load(Ordering::SeqCst), 2);
    assert_eq!(SetOnce::<u8>::new().into_inner(), None);
    assert_eq!(SetOnce::new_with(Some(1)).into_inner(), Some(1));
    assert_eq!(SetOnce::<u8>::new_with(None).into_inner(), None);
}

#[test]
fn statics() {
    static EMPTY: SetOnce<u32> = SetOnce::const_new();
    static FULL: SetOnce<u32> = SetOnce::const_new_with(5);
    assert_eq!(FULL.get(), Some(&5));
    assert!(FULL.set(1).is_err());
    assert_eq!(EMPTY.get(), None);
    EMPTY.set(2).unwrap();
    assert_eq!(*futures::executor::block_on(EMPTY.wait()), 2);
}

#[test]
fn trait_impls() {
    let a = SetOnce::from(1);
    let b = a.clone();
    assert_eq!(a, b);
    assert_ne!(a, SetOnce::new());
    assert_eq!(SetOnce::<u8>::default(), SetOnce::new());
    assert_eq!(format!("{a:?}"), "SetOnce { value: Some(1) }");
    assert_eq!(
        format!("{:?}", SetOnce::<u8>::new()),
        "SetOnce { value: None }"
    );
}
