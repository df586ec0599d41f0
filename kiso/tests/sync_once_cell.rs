#![cfg(feature = "full")]
//! `kiso::sync::OnceCell`: set/get, one initializer at a time, failed,
//! panicking and cancelled initializers, `take`/`into_inner`, trait impls,
//! executors and auto traits.

mod support;

use kiso::sync::{OnceCell, SetError};
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
    send_sync::<OnceCell<u32>>();
    send_sync::<SetError<u32>>();
    let cell = OnceCell::<u32>::new();
    send(&cell.get_or_init(|| async { 1 }));
    send(&cell.get_or_try_init(|| async { Ok::<u32, ()>(1) }));
}

#[test]
fn set_and_get() {
    let cell = OnceCell::new();
    assert!(!cell.initialized());
    assert_eq!(cell.get(), None);
    assert_eq!(cell.set(1), Ok(()));
    assert!(cell.initialized());
    assert_eq!(cell.get(), Some(&1));
    let err = cell.set(2).unwrap_err();
    assert_eq!(err, SetError::AlreadyInitializedError(2));
    assert!(err.is_already_init_err());
    assert!(!err.is_initializing_err());
    assert_eq!(err.to_string(), "AlreadyInitializedError");
    assert_eq!(
        SetError::InitializingError(()).to_string(),
        "InitializingError"
    );
    let _: &dyn std::error::Error = &err;
}

#[test]
fn set_while_initializing_fails() {
    let cell = OnceCell::new();
    let mut init = pin!(cell.get_or_init(std::future::pending::<u32>));
    assert!(poll_once(init.as_mut()).is_pending());
    let err = cell.set(5).unwrap_err();
    assert_eq!(err, SetError::InitializingError(5));
    assert!(err.is_initializing_err());
    assert!(!cell.initialized());
    assert_eq!(cell.get(), None);
}

#[test]
fn get_or_init_runs_once() {
    with_timeout(|| {
        futures::executor::block_on(async {
            let cell = OnceCell::new();
            let runs = AtomicUsize::new(0);
            let a = *cell
                .get_or_init(|| async {
                    runs.fetch_add(1, Ordering::SeqCst);
                    10
                })
                .await;
            let b = *cell
                .get_or_init(|| async {
                    runs.fetch_add(1, Ordering::SeqCst);
                    20
                })
                .await;
            assert_eq!((a, b), (10, 10));
            assert_eq!(runs.load(Ordering::SeqCst), 1);
        });
    });
}

#[test]
fn waiter_gets_initializer_value_and_is_woken() {
    let cell = OnceCell::new();
    let (gate_tx, gate_rx) = futures::channel::oneshot::channel::<u32>();
    let mut first = pin!(cell.get_or_init(|| async { gate_rx.await.unwrap() }));
    assert!(poll_once(first.as_mut()).is_pending());
    let (count, waker) = CountingWaker::new();
    let mut second = pin!(cell.get_or_init(|| async { 99 }));
    assert!(second
        .as_mut()
        .poll(&mut Context::from_waker(&waker))
        .is_pending());
    gate_tx.send(7).unwrap();
    assert_eq!(poll_once(first.as_mut()), Poll::Ready(&7));
    assert_eq!(count.count(), 1);
    assert_eq!(poll_once(second.as_mut()), Poll::Ready(&7));
}

#[test]
fn cancelled_initializer_lets_waiter_run() {
    let cell = OnceCell::new();
    let mut first = Box::pin(cell.get_or_init(std::future::pending::<u32>));
    assert!(poll_once(first.as_mut()).is_pending());
    let (count, waker) = CountingWaker::new();
    let mut second = pin!(cell.get_or_init(|| async { 2 }));
    let mut cx = Context::from_waker(&waker);
    assert!(second.as_mut().poll(&mut cx).is_pending());
    drop(first);
    assert_eq!(count.count(), 1);
    assert_eq!(second.as_mut().poll(&mut cx), Poll::Ready(&2));
    assert_eq!(cell.get(), Some(&2));
}

#[test]
fn failed_initializer_lets_next_try() {
    futures::executor::block_on(async {
        let cell = OnceCell::new();
        let r = cell
            .get_or_try_init(|| async { Err::<u32, _>("boom") })
            .await;
        assert_eq!(r, Err("boom"));
        assert!(!cell.initialized());
        let r = cell.get_or_try_init(|| async { Ok::<_, &str>(3) }).await;
        assert_eq!(r, Ok(&3));
        // Set: the closure is not called.
        let r = cell
            .get_or_try_init(|| async { Err::<u32, _>("unused") })
            .await;
        assert_eq!(r, Ok(&3));
    });
}

#[test]
fn failed_initializer_wakes_waiter() {
    let cell = OnceCell::<u32>::new();
    let (gate_tx, gate_rx) = futures::channel::oneshot::channel::<()>();
    let mut first = pin!(cell.get_or_try_init(|| async {
        gate_rx.await.unwrap();
        Err::<u32, &str>("no")
    }));
    assert!(poll_once(first.as_mut()).is_pending());
    let (count, waker) = CountingWaker::new();
    let mut cx = Context::from_waker(&waker);
    let mut second = pin!(cell.get_or_try_init(|| async { Ok::<u32, &str>(4) }));
    assert!(second.as_mut().poll(&mut cx).is_pending());
    gate_tx.send(()).unwrap();
    assert_eq!(poll_once(first.as_mut()), Poll::Ready(Err("no")));
    assert_eq!(count.count(), 1);
    assert_eq!(second.as_mut().poll(&mut cx), Poll::Ready(Ok(&4)));
}

#[test]
fn panicking_initializer_leaves_cell_usable() {
    let cell = OnceCell::new();
    let r = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
        futures::executor::block_on(cell.get_or_init(|| async { panic!("init failed") }))
    }));
    assert!(r.is_err());
    assert!(!cell.initialized());
    let v = futures::executor::block_on(cell.get_or_init(|| async { 8 }));
    assert_eq!(*v, 8);
}

#[test]
fn concurrent_get_or_init_multi_thread() {
    with_timeout(|| {
        support::multi(2).block_on(async {
            let cell = Arc::new(OnceCell::new());
            let runs = Arc::new(AtomicUsize::new(0));
            let mut tasks = Vec::new();
            for i in 0..50usize {
                let (cell, runs) = (cell.clone(), runs.clone());
                tasks.push(kiso::spawn(async move {
                    *cell
                        .get_or_init(|| async move {
                            runs.fetch_add(1, Ordering::SeqCst);
                            kiso::task::yield_now().await;
                            i
                        })
                        .await
                }));
            }
            let mut seen = Vec::new();
            for t in tasks {
                seen.push(t.await.unwrap());
            }
            assert_eq!(runs.load(Ordering::SeqCst), 1);
            assert!(seen.iter().all(|v| *v == seen[0]));
            assert_eq!(cell.get(), Some(&seen[0]));
        });
    });
}

#[test]
fn current_thread_runtime() {
    with_timeout(|| {
        support::current_thread().block_on(async {
            let cell = Arc::new(OnceCell::new());
            let c2 = cell.clone();
            let waiter = kiso::spawn(async move { *c2.get_or_init(|| async { 1 }).await });
            let v = *cell
                .get_or_init(|| async {
                    kiso::task::yield_now().await;
                    2
                })
                .await;
            assert_eq!(waiter.await.unwrap(), v);
        });
    });
}

#[test]
fn take_into_inner_get_mut() {
    let mut cell = OnceCell::new_with(Some(1));
    *cell.get_mut().unwrap() += 1;
    assert_eq!(cell.get(), Some(&2));
    assert_eq!(cell.take(), Some(2));
    assert!(!cell.initialized());
    assert_eq!(cell.take(), None);
    assert_eq!(cell.get_mut(), None);
    cell.set(3).unwrap();
    assert_eq!(cell.into_inner(), Some(3));
    assert_eq!(OnceCell::<u8>::new().into_inner(), None);
    let empty: OnceCell<u8> = OnceCell::new_with(None);
    assert!(!empty.initialized());
}

#[test]
fn drops_value_exactly_once() {
    let drops = Arc::new(AtomicUsize::new(0));
    {
        let cell = OnceCell::new();
        let _ = cell.set(DropCounter(drops.clone()));
        assert_eq!(drops.load(Ordering::SeqCst), 0);
    }
    assert_eq!(drops.load(Ordering::SeqCst), 1);
    let cell = OnceCell::from(DropCounter(drops.clone()));
    let v = cell.into_inner();
    assert_eq!(drops.load(Ordering::SeqCst), 1);
    drop(v);
    assert_eq!(drops.load(Ordering::SeqCst), 2);
    // A rejected `set` gives the value back instead of dropping it.
    let cell = OnceCell::new_with(Some(DropCounter(drops.clone())));
    let err = cell.set(DropCounter(drops.clone())).unwrap_err();
    assert_eq!(drops.load(Ordering::SeqCst), 2);
    drop(err);
    assert_eq!(drops.load(Ordering::SeqCst), 3);
}

#[test]
fn statics() {
    static EMPTY: OnceCell<u32> = OnceCell::const_new();
    static FULL: OnceCell<u32> = OnceCell::const_new_with(5);
    assert_eq!(FULL.get(), Some(&5));
    assert_eq!(EMPTY.get(), None);
    assert_eq!(
        *futures::executor::block_on(EMPTY.get_or_init(|| async { 6 })),
        6
    );
}

#[test]
fn trait_impls() {
    let a = OnceCell::from(1);
    let b = a.clone();
    assert_eq!(a, b);
    assert_ne!(a, OnceCell::new());
    assert_eq!(OnceCell::<u8>::default(), OnceCell::new());
    assert_eq!(format!("{a:?}"), "OnceCell { value: Some(1) }");
    assert_eq!(
        format!("{:?}", OnceCell::<u8>::new()),
        "OnceCell { value: None }"
    );
    assert_eq!(
        format!("{:?}", SetError::InitializingError(1)),
        "InitializingError(1)"
    );
}

#[test]
fn get_or_init_spends_coop_budget() {
    with_timeout(|| {
        support::current_thread().block_on(async {
            let cell = OnceCell::new();
            while kiso::task::coop::has_budget_remaining() {
                kiso::task::coop::consume_budget().await;
                if !kiso::task::coop::has_budget_remaining() {
                    break;
                }
            }
            let mut fut = pin!(cell.get_or_init(|| async { 1 }));
            // Out of budget: the first poll yields instead of initializing.
            let first =
                std::future::poll_fn(|cx| Poll::Ready(fut.as_mut().poll(cx).is_ready())).await;
            assert!(!first);
            assert!(!cell.initialized());
            assert_eq!(*fut.await, 1);
            // Once set, `get_or_init` returns without touching the budget.
            while kiso::task::coop::has_budget_remaining() {
                kiso::task::coop::consume_budget().await;
            }
            let got = std::future::poll_fn(|cx| {
                Poll::Ready(pin!(cell.get_or_init(|| async { 2 })).poll(cx).is_ready())
            })
            .await;
            assert!(got);
        });
    });
}
