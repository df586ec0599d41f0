//! `LocalSet`, `spawn_local` and `LocalEnterGuard`: `!Send` tasks on the
//! thread that owns the set.

#![cfg(feature = "full")]

mod support;

use std::cell::{Cell, RefCell};
use std::rc::Rc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Arc;

use kiso::sync::{oneshot, Notify};
use kiso::task::{self, LocalSet};
use support::{current_thread, multi, panic_message, with_timeout, DropCounter};

#[test]
fn spawn_local_runs_not_send_futures() {
    with_timeout(|| {
        let rt = current_thread();
        let local = LocalSet::new();
        let out = local.block_on(&rt, async {
            let counter = Rc::new(Cell::new(0));
            let mut handles = Vec::new();
            for _ in 0..10 {
                let c = counter.clone();
                handles.push(task::spawn_local(async move {
                    task::yield_now().await;
                    c.set(c.get() + 1);
                }));
            }
            for h in handles {
                h.await.unwrap();
            }
            counter.get()
        });
        assert_eq!(out, 10);
    });
}

#[test]
fn spawn_local_outside_a_set_panics() {
    let msg = panic_message(|| {
        drop(task::spawn_local(async {}));
    });
    assert_eq!(
        msg,
        "`spawn_local` called from outside of a `task::LocalSet` or `runtime::LocalRuntime`"
    );
}

#[test]
fn tasks_run_on_the_owning_thread_of_a_multi_thread_runtime() {
    with_timeout(|| {
        let rt = multi(2);
        let local = LocalSet::new();
        let me = std::thread::current().id();
        let seen = local.block_on(&rt, async {
            let mut ids = Vec::new();
            for _ in 0..20 {
                ids.push(
                    task::spawn_local(async {
                        task::yield_now().await;
                        std::thread::current().id()
                    })
                    .await
                    .unwrap(),
                );
            }
            ids
        });
        assert!(seen.iter().all(|id| *id == me));
    });
}

#[test]
fn spawned_before_driving_run_when_driven_and_awaiting_the_set_waits_for_all() {
    with_timeout(|| {
        let rt = current_thread();
        let local = LocalSet::new();
        let log = Rc::new(RefCell::new(Vec::new()));
        for i in 0..3 {
            let log = log.clone();
            local.spawn_local(async move {
                task::yield_now().await;
                log.borrow_mut().push(i);
            });
        }
        assert!(
            log.borrow().is_empty(),
            "nothing runs before the set is driven"
        );
        rt.block_on(local);
        let mut got = log.borrow().clone();
        got.sort_unstable();
        assert_eq!(got, [0, 1, 2]);
    });
}

#[test]
fn a_wake_from_another_thread_reaches_the_local_task() {
    with_timeout(|| {
        let rt = current_thread();
        let local = LocalSet::new();
        let (tx, rx) = oneshot::channel::<u32>();
        let thread = std::thread::spawn(move || tx.send(9).unwrap());
        let got = local.block_on(&rt, async move {
            let not_send = Rc::new(());
            task::spawn_local(async move {
                let _keep = not_send;
                rx.await.unwrap()
            })
            .await
            .unwrap()
        });
        assert_eq!(got, 9);
        thread.join().unwrap();
    });
}

#[test]
fn local_tasks_use_the_runtime() {
    with_timeout(|| {
        let rt = multi(2);
        let local = LocalSet::new();
        let out = local.block_on(&rt, async {
            task::spawn_local(async {
                let sent = kiso::spawn(async { 20 }).await.unwrap();
                kiso::time::sleep(std::time::Duration::from_millis(1)).await;
                sent + 1
            })
            .await
            .unwrap()
        });
        assert_eq!(out, 21);
    });
}

#[test]
fn dropping_the_set_drops_its_tasks() {
    with_timeout(|| {
        let rt = current_thread();
        let drops = Arc::new(AtomicUsize::new(0));
        let local = LocalSet::new();
        let handle = {
            let d = DropCounter(drops.clone());
            local.spawn_local(async move {
                let _d = d;
                std::future::pending::<()>().await;
            })
        };
        // Run it once so it is parked, then drop the set.
        local.block_on(&rt, task::yield_now());
        assert_eq!(drops.load(Ordering::SeqCst), 0);
        drop(local);
        assert_eq!(drops.load(Ordering::SeqCst), 1);
        let err = rt.block_on(handle).unwrap_err();
        assert!(err.is_cancelled());
    });
}

#[test]
fn tasks_left_pending_by_run_until_run_later() {
    with_timeout(|| {
        let rt = current_thread();
        let local = LocalSet::new();
        let notify = Rc::new(Notify::new());
        let n2 = notify.clone();
        let handle = local.spawn_local(async move {
            n2.notified().await;
            "woken"
        });
        // The main future finishes first; the task is still waiting.
        local.block_on(&rt, task::yield_now());
        notify.notify_one();
        assert_eq!(local.block_on(&rt, handle).unwrap(), "woken");
    });
}

#[test]
fn a_busy_local_task_does_not_starve_the_main_future() {
    with_timeout(|| {
        let rt = current_thread();
        let local = LocalSet::new();
        let stop = Rc::new(Cell::new(false));
        let s2 = stop.clone();
        local.spawn_local(async move {
            while !s2.get() {
                task::yield_now().await;
            }
        });
        local.block_on(&rt, async {
            for _ in 0..100 {
                task::yield_now().await;
            }
            stop.set(true);
        });
        rt.block_on(local);
    });
}

#[test]
fn enter_guard_lets_spawn_local_work_outside_run_until() {
    with_timeout(|| {
        let rt = current_thread();
        let local = LocalSet::new();
        let handle = {
            let _g = local.enter();
            task::spawn_local(async { task::spawn_local(async { 3 }).await.unwrap() * 2 })
        };
        assert_eq!(local.block_on(&rt, handle).unwrap(), 6);
    });
}

#[test]
fn abort_from_another_thread() {
    with_timeout(|| {
        let rt = current_thread();
        let local = LocalSet::new();
        let handle = local.spawn_local(std::future::pending::<()>());
        let abort = handle.abort_handle();
        let t = std::thread::spawn(move || abort.abort());
        let err = local.block_on(&rt, handle).unwrap_err();
        assert!(err.is_cancelled());
        t.join().unwrap();
    });
}

#[test]
fn panics_surface_in_the_join_handle() {
    with_timeout(|| {
        let rt = current_thread();
        let local = LocalSet::new();
        let err = local
            .block_on(&rt, async {
                task::spawn_local(async { panic!("local boom") }).await
            })
            .unwrap_err();
        assert!(err.is_panic());
        assert_eq!(support::message(err.into_panic()), "local boom");
    });
}

#[test]
fn run_until_inside_a_task_of_the_runtime() {
    with_timeout(|| {
        current_thread().block_on(async {
            let local = LocalSet::new();
            let v = local
                .run_until(async {
                    let rc = Rc::new(4);
                    task::spawn_local(async move { *rc * 2 }).await.unwrap()
                })
                .await;
            assert_eq!(v, 8);
        });
    });
}

#[test]
fn ids_are_distinct_and_debug_names_the_type() {
    let a = LocalSet::new();
    let b = LocalSet::default();
    assert_ne!(a.id(), b.id());
    assert!(format!("{a:?}").starts_with("LocalSet"));
    assert!(format!("{:?}", a.enter()).starts_with("LocalEnterGuard"));
}

#[test]
fn many_tasks_complete() {
    with_timeout(|| {
        let rt = current_thread();
        let local = LocalSet::new();
        let done = Rc::new(Cell::new(0usize));
        for _ in 0..10_000 {
            let d = done.clone();
            local.spawn_local(async move { d.set(d.get() + 1) });
        }
        rt.block_on(local);
        assert_eq!(done.get(), 10_000);
    });
}

#[test]
fn local_runtime_runs_local_and_send_tasks() {
    with_timeout(|| {
        let rt = kiso::runtime::LocalRuntime::new().unwrap();
        let rc = Rc::new(Cell::new(0));
        let r2 = rc.clone();
        let early = rt.spawn_local(async move {
            r2.set(r2.get() + 1);
        });
        let out = rt.block_on(async {
            early.await.unwrap();
            // A `Send` task of the runtime may spawn local tasks too.
            let from_send_task =
                kiso::spawn(async { kiso::task::spawn_local(async { 7 }).await.unwrap() })
                    .await
                    .unwrap();
            from_send_task + rc.get()
        });
        assert_eq!(out, 8);
    });
}

#[test]
fn local_runtime_local_task_woken_by_a_runtime_task() {
    with_timeout(|| {
        let rt = kiso::runtime::LocalRuntime::new().unwrap();
        let out = rt.block_on(async {
            let notify = Arc::new(Notify::new());
            let n2 = notify.clone();
            let local = task::spawn_local(async move {
                let not_send = Rc::new(1);
                n2.notified().await;
                *not_send + 1
            });
            kiso::spawn(async move {
                kiso::task::yield_now().await;
                notify.notify_one();
            });
            local.await.unwrap()
        });
        assert_eq!(out, 2);
    });
}

#[test]
fn dropping_a_local_runtime_drops_its_local_tasks() {
    let drops = Arc::new(AtomicUsize::new(0));
    let rt = kiso::runtime::LocalRuntime::new().unwrap();
    let d = DropCounter(drops.clone());
    rt.spawn_local(async move {
        let _d = d;
        std::future::pending::<()>().await;
    });
    rt.block_on(task::yield_now());
    drop(rt);
    assert_eq!(drops.load(Ordering::SeqCst), 1);
}

#[test]
fn build_local_rejects_multi_thread() {
    let msg = panic_message(|| {
        let _ = kiso::runtime::Builder::new_multi_thread()
            .build_local(kiso::runtime::LocalOptions::default());
    });
    assert_eq!(msg, "multi_thread is not supported for LocalRuntime");
}

#[test]
fn join_set_spawn_local_and_named_local_tasks() {
    with_timeout(|| {
        let rt = current_thread();
        let local = LocalSet::new();
        let mut set = task::JoinSet::new();
        set.spawn_local_on(async { 1 }, &local);
        let sum = local.block_on(&rt, async move {
            let rc = Rc::new(10);
            set.spawn_local(async move { *rc });
            let named = task::Builder::new()
                .name("worker")
                .spawn_local(async { 100 })
                .unwrap();
            assert_eq!(named.name(), Some("worker"));
            let mut sum = named.await.unwrap();
            while let Some(r) = set.join_next().await {
                sum += r.unwrap();
            }
            sum
        });
        assert_eq!(sum, 111);
        // Local spawns record where they were made, as other spawns do.
        let h = local.spawn_local(async {});
        assert_eq!(h.spawn_location().unwrap().file(), file!());
        local.block_on(&rt, h).unwrap();
    });
}

/// `LocalRuntime::enter` enters the runtime's local set too: `spawn_local`
/// works under the guard, and the task runs when the runtime is driven.
#[test]
fn local_runtime_enter_allows_spawn_local() {
    with_timeout(|| {
        let rt = kiso::runtime::LocalRuntime::new().unwrap();
        let local = {
            let _guard = rt.enter();
            let shared = std::rc::Rc::new(std::cell::Cell::new(1));
            let inner = shared.clone();
            task::spawn_local(async move {
                inner.set(inner.get() + 1);
                inner.get()
            })
        };
        assert_eq!(rt.block_on(local).unwrap(), 2);
        // Out of the guard, off `block_on`: no local set is current again.
        let outside = std::panic::catch_unwind(|| drop(task::spawn_local(async {})));
        assert!(outside.is_err());
    });
}
