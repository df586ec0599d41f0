//! `task_local!`, `LocalKey` and `TaskLocalFuture`. Written first against
//! Tokio 1.54.1 (the same file ran there with `tokio` renamed to `kiso`).

#![cfg(feature = "full")]

use kiso::runtime::{Builder, Runtime};
use kiso::sync::oneshot;
use std::cell::Cell;
use std::future::Future;
use std::panic::{self, AssertUnwindSafe};
use std::pin::pin;
use std::sync::atomic::{AtomicUsize, Ordering::SeqCst};
use std::sync::Arc;
use std::task::{Context, Poll};

kiso::task_local! {
    static NUMBER: u32;
    pub static NAME: String;
}

kiso::task_local! {
    /// A key with a doc comment and a drop counter.
    static TRACKED: Tracked;
}

struct Tracked(Arc<AtomicUsize>, u32);

impl Drop for Tracked {
    fn drop(&mut self) {
        self.0.fetch_add(1, SeqCst);
    }
}

fn current() -> Runtime {
    Builder::new_current_thread().build().unwrap()
}

fn multi() -> Runtime {
    Builder::new_multi_thread()
        .worker_threads(2)
        .build()
        .unwrap()
}

fn panic_message(payload: Box<dyn std::any::Any + Send>) -> String {
    match payload.downcast::<String>() {
        Ok(s) => *s,
        Err(payload) => payload
            .downcast_ref::<&str>()
            .map(|s| s.to_string())
            .unwrap_or_default(),
    }
}

#[test]
fn scope_binds_the_value_for_the_future() {
    current().block_on(async {
        let out = NUMBER
            .scope(5, async {
                assert_eq!(NUMBER.get(), 5);
                kiso::task::yield_now().await;
                NUMBER.with(|n| *n + 1)
            })
            .await;
        assert_eq!(out, 6);
        assert!(NUMBER.try_get().is_err());
    });
}

#[test]
fn nested_scopes_shadow_and_restore() {
    current().block_on(async {
        NUMBER
            .scope(1, async {
                assert_eq!(NUMBER.get(), 1);
                NUMBER
                    .scope(2, async {
                        assert_eq!(NUMBER.get(), 2);
                        kiso::task::yield_now().await;
                        assert_eq!(NUMBER.get(), 2);
                    })
                    .await;
                assert_eq!(NUMBER.get(), 1);
                NAME.scope("n".to_string(), async {
                    assert_eq!(NAME.get(), "n");
                    assert_eq!(NUMBER.get(), 1);
                })
                .await;
            })
            .await;
    });
}

#[test]
fn with_panics_outside_a_scope_with_tokios_message() {
    let res = panic::catch_unwind(|| NUMBER.with(|n| *n));
    assert_eq!(
        panic_message(res.unwrap_err()),
        "cannot access a task-local storage value without setting it first"
    );
    let res = panic::catch_unwind(|| NUMBER.get());
    assert_eq!(
        panic_message(res.unwrap_err()),
        "cannot access a task-local storage value without setting it first"
    );
}

#[test]
fn try_with_and_access_error() {
    let err = NUMBER.try_with(|n| *n).unwrap_err();
    assert_eq!(err.to_string(), "task-local value not set");
    assert_eq!(format!("{err:?}"), "AccessError");
    let err2 = NUMBER.try_get().unwrap_err();
    assert_eq!(err, err2);
    let _: &dyn std::error::Error = &err;
    assert_eq!(NUMBER.sync_scope(3, || NUMBER.try_with(|n| *n * 2)), Ok(6));
}

#[test]
fn sync_scope_runs_the_closure_and_drops_the_value() {
    let drops = Arc::new(AtomicUsize::new(0));
    let out = TRACKED.sync_scope(Tracked(drops.clone(), 8), || {
        assert_eq!(drops.load(SeqCst), 0);
        TRACKED.with(|t| t.1)
    });
    assert_eq!(out, 8);
    assert_eq!(drops.load(SeqCst), 1);
    assert!(TRACKED.try_with(|_| ()).is_err());
    // Nested sync scopes.
    NUMBER.sync_scope(1, || {
        NUMBER.sync_scope(2, || assert_eq!(NUMBER.get(), 2));
        assert_eq!(NUMBER.get(), 1);
    });
}

#[test]
fn sync_scope_restores_after_a_panic() {
    NUMBER.sync_scope(1, || {
        let res = panic::catch_unwind(|| NUMBER.sync_scope(2, || panic!("inner")));
        assert!(res.is_err());
        assert_eq!(NUMBER.get(), 1);
    });
    assert!(NUMBER.try_get().is_err());
}

#[test]
fn entering_a_scope_inside_with_panics() {
    let res = panic::catch_unwind(|| {
        NUMBER.sync_scope(1, || NUMBER.with(|_| NUMBER.sync_scope(2, || ())))
    });
    assert_eq!(
        panic_message(res.unwrap_err()),
        "cannot enter a task-local scope while the task-local storage is borrowed"
    );
}

#[test]
fn value_is_dropped_with_the_future_not_at_completion() {
    current().block_on(async {
        let drops = Arc::new(AtomicUsize::new(0));
        let mut fut =
            pin!(TRACKED.scope(Tracked(drops.clone(), 1), async { TRACKED.with(|t| t.1) }));
        assert_eq!(fut.as_mut().await, 1);
        // Completed, but the value lives in the future until it is dropped.
        assert_eq!(drops.load(SeqCst), 0);
        let taken = fut.as_mut().take_value().unwrap();
        assert_eq!(taken.1, 1);
        assert!(fut.as_mut().take_value().is_none());
        drop(taken);
        assert_eq!(drops.load(SeqCst), 1);
    });
}

#[test]
fn value_is_dropped_when_the_future_is_dropped_early() {
    let drops = Arc::new(AtomicUsize::new(0));
    let fut = TRACKED.scope(Tracked(drops.clone(), 2), std::future::pending::<()>());
    drop(fut);
    assert_eq!(drops.load(SeqCst), 1);

    // Also when it was polled once (and is pending).
    let rt = current();
    rt.block_on(async {
        let drops = Arc::new(AtomicUsize::new(0));
        let (tx, rx) = oneshot::channel::<()>();
        let handle = kiso::spawn(TRACKED.scope(Tracked(drops.clone(), 3), async move {
            let _ = rx.await;
        }));
        kiso::task::yield_now().await;
        assert_eq!(drops.load(SeqCst), 0);
        handle.abort();
        assert!(handle.await.unwrap_err().is_cancelled());
        assert_eq!(drops.load(SeqCst), 1);
        drop(tx);
    });
}

/// Reads the task-local in its destructor.
struct ReadsOnDrop(Arc<AtomicUsize>);

impl Drop for ReadsOnDrop {
    fn drop(&mut self) {
        let seen = NUMBER.try_get().unwrap_or(0);
        self.0.store(seen as usize, SeqCst);
    }
}

#[test]
fn unfinished_future_is_dropped_inside_the_scope() {
    let seen = Arc::new(AtomicUsize::new(0));
    let guard = ReadsOnDrop(seen.clone());
    let fut = NUMBER.scope(77, async move {
        let _guard = guard;
        std::future::pending::<()>().await;
    });
    let mut fut = Box::pin(fut);
    let waker = std::task::Waker::noop();
    assert!(fut
        .as_mut()
        .poll(&mut Context::from_waker(waker))
        .is_pending());
    drop(fut);
    assert_eq!(seen.load(SeqCst), 77);
}

#[test]
fn value_is_not_visible_in_other_tasks() {
    for rt in [current(), multi()] {
        rt.block_on(async {
            let (tx, rx) = oneshot::channel::<()>();
            let other = kiso::spawn(async move {
                rx.await.unwrap();
                NUMBER.try_get().is_err()
            });
            NUMBER
                .scope(4, async {
                    // A task spawned inside the scope does not inherit it.
                    let inner = kiso::spawn(async { NUMBER.try_get().is_err() });
                    assert!(inner.await.unwrap());
                    tx.send(()).unwrap();
                    kiso::task::yield_now().await;
                    assert_eq!(NUMBER.get(), 4);
                })
                .await;
            assert!(other.await.unwrap());
        });
    }
}

#[test]
fn value_follows_the_future_across_polls_on_a_multi_thread_runtime() {
    multi().block_on(async {
        let mut set = kiso::task::JoinSet::new();
        for i in 0..50u32 {
            set.spawn(NUMBER.scope(i, async move {
                for _ in 0..10 {
                    assert_eq!(NUMBER.get(), i);
                    kiso::task::yield_now().await;
                }
                NUMBER.get()
            }));
        }
        let mut out = set.join_all().await;
        out.sort();
        assert_eq!(out, (0..50).collect::<Vec<_>>());
    });
}

#[test]
fn polling_after_completion_panics() {
    let mut fut = Box::pin(NUMBER.scope(1, async { 2 }));
    let waker = std::task::Waker::noop();
    let mut cx = Context::from_waker(waker);
    assert_eq!(fut.as_mut().poll(&mut cx), Poll::Ready(2));
    let res = panic::catch_unwind(AssertUnwindSafe(|| fut.as_mut().poll(&mut cx)));
    assert_eq!(
        panic_message(res.unwrap_err()),
        "`TaskLocalFuture` polled after completion"
    );
}

#[test]
fn debug_formats() {
    assert_eq!(format!("{NUMBER:?}"), "LocalKey { .. }");
    let mut fut = Box::pin(NUMBER.scope(5, async {}));
    assert_eq!(format!("{fut:?}"), "TaskLocalFuture { value: 5 }");
    fut.as_mut().take_value();
    assert_eq!(format!("{fut:?}"), "TaskLocalFuture { value: <missing> }");
}

#[test]
fn task_local_future_type_path_and_auto_traits() {
    fn assert_send<T: Send>(_: &T) {}
    let fut: kiso::task::futures::TaskLocalFuture<u32, std::future::Ready<()>> =
        NUMBER.scope(1, std::future::ready(()));
    assert_send(&fut);
    // Not `Unpin` (as Tokio's, whatever the inner future): it must be
    // pinned to be polled.
    let key: &'static kiso::task::LocalKey<u32> = &NUMBER;
    let _ = key;
}

thread_local! {
    static POLLS: Cell<u32> = const { Cell::new(0) };
}

#[test]
fn scope_is_entered_on_every_poll_only() {
    current().block_on(async {
        let mut fut = pin!(NUMBER.scope(9, async {
            POLLS.with(|p| p.set(p.get() + 1));
            assert_eq!(NUMBER.get(), 9);
            kiso::task::yield_now().await;
            POLLS.with(|p| p.set(p.get() + 1));
            assert_eq!(NUMBER.get(), 9);
        }));
        // Between polls, the value is not bound.
        let first = std::future::poll_fn(|cx| Poll::Ready(fut.as_mut().poll(cx))).await;
        assert!(first.is_pending());
        assert!(NUMBER.try_get().is_err());
        fut.await;
        assert_eq!(POLLS.with(|p| p.get()), 2);
    });
}
