#![cfg(feature = "full")]

//! Runtime behaviour: shutdown, handles, entering, blocking pool, coop.

mod support;

use kiso::runtime::{Builder, Handle, RuntimeFlavor};
use kiso::task::{self, coop};
use std::future::pending;
use std::sync::atomic::{AtomicUsize, Ordering::SeqCst};
use std::sync::mpsc;
use std::sync::{Arc, Barrier};
use std::time::Duration;
use support::*;

#[test]
fn dropping_runtime_drops_each_pending_future_once() {
    with_timeout(|| {
        let drops = Arc::new(AtomicUsize::new(0));
        let rt = current_thread();
        let mut handles = Vec::new();
        rt.block_on(async {
            for i in 0..1000 {
                let guard = DropCounter(drops.clone());
                let h = kiso::spawn(async move {
                    let _guard = guard;
                    pending::<()>().await
                });
                // Keep half of the handles; detach the others.
                if i % 2 == 0 {
                    handles.push(h);
                }
            }
            task::yield_now().await;
        });
        // Also some that never ran at all (spawned after the last block_on).
        for _ in 0..100 {
            let guard = DropCounter(drops.clone());
            drop(rt.spawn(async move {
                let _guard = guard;
            }));
        }
        assert_eq!(drops.load(SeqCst), 0);
        drop(rt);
        assert_eq!(
            drops.load(SeqCst),
            1100,
            "every future dropped exactly once"
        );
        for h in handles {
            assert!(h.is_finished());
            let err = futures::executor::block_on(h).unwrap_err();
            assert!(err.is_cancelled());
        }
        assert_eq!(drops.load(SeqCst), 1100);
    });
}

#[test]
fn spawn_after_shutdown_is_cancelled() {
    let rt = current_thread();
    let handle = rt.handle().clone();
    drop(rt);
    let drops = Arc::new(AtomicUsize::new(0));
    let guard = DropCounter(drops.clone());
    let h = handle.spawn(async move {
        let _guard = guard;
    });
    assert_eq!(
        drops.load(SeqCst),
        1,
        "the rejected future is dropped at once"
    );
    assert!(futures::executor::block_on(h).unwrap_err().is_cancelled());
}

#[test]
fn wake_after_shutdown_is_harmless() {
    with_timeout(|| {
        let rt = current_thread();
        let flag = Flag::new();
        let f = flag.clone();
        let h = rt.spawn(async move { f.wait().await });
        rt.block_on(task::yield_now());
        drop(rt);
        flag.set();
        assert!(futures::executor::block_on(h).unwrap_err().is_cancelled());
    });
}

#[test]
fn futures_dropped_during_shutdown_may_spawn() {
    struct SpawnOnDrop;
    impl Drop for SpawnOnDrop {
        fn drop(&mut self) {
            // Runtime is entered during shutdown; the new task is rejected.
            let h = kiso::spawn(async {});
            assert!(futures::executor::block_on(h).unwrap_err().is_cancelled());
        }
    }
    let rt = current_thread();
    rt.block_on(async {
        let g = SpawnOnDrop;
        drop(kiso::spawn(async move {
            let _g = g;
            pending::<()>().await
        }));
        task::yield_now().await;
    });
    drop(rt);
}

#[test]
fn handle_current_and_enter() {
    assert!(Handle::try_current().unwrap_err().is_missing_context());
    let rt = Builder::new_current_thread().name("named").build().unwrap();
    {
        let _g = rt.enter();
        let h = Handle::current();
        assert_eq!(h.id(), rt.handle().id());
        assert_eq!(h.name(), Some("named"));
        assert_eq!(h.runtime_flavor(), RuntimeFlavor::CurrentThread);
        // Nested enter of another runtime, then back.
        let rt2 = current_thread();
        {
            let _g2 = rt2.enter();
            assert_eq!(Handle::current().id(), rt2.handle().id());
        }
        assert_eq!(Handle::current().id(), rt.handle().id());
    }
    assert!(Handle::try_current().is_err());
    let inside = rt.block_on(async { Handle::current().id() });
    assert_eq!(inside, rt.handle().id());
}

#[test]
fn handle_block_on_from_another_thread() {
    with_timeout(|| {
        let rt = current_thread();
        let handle = rt.handle().clone();
        let out = std::thread::spawn(move || handle.block_on(async { Handle::current().id() }))
            .join()
            .unwrap();
        assert_eq!(out, rt.handle().id());
    });
}

#[test]
fn two_threads_block_on_the_same_runtime() {
    with_timeout(|| {
        let rt = Arc::new(current_thread());
        let barrier = Arc::new(Barrier::new(2));
        let flag = Flag::new();
        let (r, b, f) = (rt.clone(), barrier.clone(), flag.clone());
        // The second thread waits for a task that only the driving thread
        // can run; then the first thread's future completes and it hands
        // the core over.
        let t = std::thread::spawn(move || {
            r.block_on(async move {
                let h = kiso::spawn(async { 9 });
                b.wait();
                f.set();
                h.await.unwrap()
            })
        });
        rt.block_on(async {
            barrier.wait();
            flag.wait().await;
        });
        assert_eq!(t.join().unwrap(), 9);
    });
}

#[test]
fn spawn_blocking_runs_on_named_pool_thread_with_hooks() {
    with_timeout(|| {
        let started = Arc::new(AtomicUsize::new(0));
        let stopped = Arc::new(AtomicUsize::new(0));
        let (s1, s2) = (started.clone(), stopped.clone());
        let rt = Builder::new_current_thread()
            .thread_name("blk")
            .on_thread_start(move || {
                s1.fetch_add(1, SeqCst);
            })
            .on_thread_stop(move || {
                s2.fetch_add(1, SeqCst);
            })
            .build()
            .unwrap();
        let (name, has_rt) = rt
            .block_on(async {
                kiso::task::spawn_blocking(|| {
                    (
                        std::thread::current().name().map(str::to_owned),
                        Handle::try_current().is_ok(),
                    )
                })
                .await
            })
            .unwrap();
        assert_eq!(name.as_deref(), Some("blk"));
        assert!(has_rt, "blocking threads run with the runtime entered");
        assert_eq!(started.load(SeqCst), 1);
        drop(rt);
        assert_eq!(
            stopped.load(SeqCst),
            1,
            "dropping the runtime stops and joins pool threads"
        );
    });
}

#[test]
fn max_blocking_threads_caps_concurrency() {
    with_timeout(|| {
        let rt = Builder::new_current_thread()
            .max_blocking_threads(2)
            .build()
            .unwrap();
        let running = Arc::new(AtomicUsize::new(0));
        let peak = Arc::new(AtomicUsize::new(0));
        let (release_tx, release_rx) = mpsc::channel::<()>();
        let release_rx = Arc::new(std::sync::Mutex::new(release_rx));
        let (entered_tx, entered_rx) = mpsc::channel::<()>();
        let handles: Vec<_> = (0..6)
            .map(|_| {
                let (running, peak, rx, tx) = (
                    running.clone(),
                    peak.clone(),
                    release_rx.clone(),
                    entered_tx.clone(),
                );
                rt.spawn_blocking(move || {
                    let now = running.fetch_add(1, SeqCst) + 1;
                    peak.fetch_max(now, SeqCst);
                    tx.send(()).unwrap();
                    rx.lock().unwrap().recv_timeout(LIMIT).unwrap();
                    running.fetch_sub(1, SeqCst);
                })
            })
            .collect();
        // Two enter; the rest queue behind them.
        for _ in 0..2 {
            entered_rx.recv_timeout(LIMIT).unwrap();
        }
        assert!(entered_rx.recv_timeout(Duration::from_millis(50)).is_err());
        assert_eq!(running.load(SeqCst), 2);
        for _ in 0..6 {
            release_tx.send(()).unwrap();
        }
        rt.block_on(async {
            for h in handles {
                h.await.unwrap();
            }
        });
        assert_eq!(peak.load(SeqCst), 2);
    });
}

#[test]
fn idle_blocking_threads_exit_after_keep_alive() {
    with_timeout(|| {
        let stopped = Arc::new(AtomicUsize::new(0));
        let (tx, rx) = mpsc::channel();
        let s = stopped.clone();
        let rt = Builder::new_current_thread()
            .thread_keep_alive(Duration::from_millis(10))
            .on_thread_stop(move || {
                s.fetch_add(1, SeqCst);
                let _ = tx.send(());
            })
            .build()
            .unwrap();
        rt.block_on(rt.spawn_blocking(|| ())).unwrap();
        // The thread exits on its own, long before shutdown.
        rx.recv_timeout(LIMIT).expect("idle thread did not exit");
        assert_eq!(stopped.load(SeqCst), 1);
        // A new blocking task starts a new thread.
        rt.block_on(rt.spawn_blocking(|| ())).unwrap();
        drop(rt);
        assert_eq!(stopped.load(SeqCst), 2);
    });
}

#[test]
fn shutdown_timeout_returns_with_stuck_blocking_task() {
    with_timeout(|| {
        let rt = current_thread();
        let (release_tx, release_rx) = mpsc::channel::<()>();
        let (started_tx, started_rx) = mpsc::channel::<()>();
        let (done_tx, done_rx) = mpsc::channel::<()>();
        rt.spawn_blocking(move || {
            started_tx.send(()).unwrap();
            release_rx.recv_timeout(LIMIT).unwrap();
            done_tx.send(()).unwrap();
        });
        started_rx.recv_timeout(LIMIT).unwrap();
        rt.shutdown_timeout(Duration::from_millis(20));
        // Returned while the task is still blocked.
        assert!(done_rx.try_recv().is_err());
        release_tx.send(()).unwrap();
        done_rx.recv_timeout(LIMIT).unwrap();
    });
}

#[test]
fn shutdown_background_does_not_wait() {
    with_timeout(|| {
        let rt = current_thread();
        let (release_tx, release_rx) = mpsc::channel::<()>();
        let (started_tx, started_rx) = mpsc::channel::<()>();
        rt.spawn_blocking(move || {
            started_tx.send(()).unwrap();
            let _ = release_rx.recv_timeout(LIMIT);
        });
        started_rx.recv_timeout(LIMIT).unwrap();
        rt.shutdown_background();
        release_tx.send(()).unwrap();
    });
}

#[test]
fn queued_blocking_tasks_are_cancelled_at_shutdown() {
    with_timeout(|| {
        let rt = Builder::new_current_thread()
            .max_blocking_threads(1)
            .build()
            .unwrap();
        let (release_tx, release_rx) = mpsc::channel::<()>();
        let (started_tx, started_rx) = mpsc::channel::<()>();
        let first = rt.spawn_blocking(move || {
            started_tx.send(()).unwrap();
            release_rx.recv_timeout(LIMIT).unwrap();
        });
        started_rx.recv_timeout(LIMIT).unwrap();
        let ran = Arc::new(AtomicUsize::new(0));
        let r = ran.clone();
        let second = rt.spawn_blocking(move || {
            r.fetch_add(1, SeqCst);
        });
        let t = std::thread::spawn(move || {
            release_tx.send(()).unwrap();
        });
        drop(rt);
        t.join().unwrap();
        assert!(futures::executor::block_on(first).is_ok());
        let second = futures::executor::block_on(second);
        // Either it was cancelled before starting, or it got to run before
        // the shutdown mark; it never runs after being reported cancelled.
        match second {
            Err(e) => {
                assert!(e.is_cancelled());
                assert_eq!(ran.load(SeqCst), 0);
            }
            Ok(()) => assert_eq!(ran.load(SeqCst), 1),
        }
    });
}

#[test]
fn budget_is_spent_and_restored() {
    let rt = current_thread();
    rt.block_on(async {
        kiso::spawn(async {
            assert!(coop::has_budget_remaining());
            for _ in 0..127 {
                coop::consume_budget().await;
            }
            assert!(coop::has_budget_remaining());
            coop::consume_budget().await;
            assert!(!coop::has_budget_remaining(), "128 units per poll");
            // The next consume yields, and the task gets a fresh budget.
            coop::consume_budget().await;
            assert!(coop::has_budget_remaining());
        })
        .await
        .unwrap();
    });
}

#[test]
fn consume_budget_yields_to_other_tasks() {
    let rt = current_thread();
    rt.block_on(async {
        let other_ran = Arc::new(AtomicUsize::new(0));
        let o = other_ran.clone();
        let busy = kiso::spawn(async move {
            let mut seen_other_at = None;
            for i in 0..1000 {
                if o.load(SeqCst) == 1 && seen_other_at.is_none() {
                    seen_other_at = Some(i);
                }
                coop::consume_budget().await;
            }
            seen_other_at
        });
        let o2 = other_ran.clone();
        let other = kiso::spawn(async move {
            o2.store(1, SeqCst);
        });
        let seen = busy.await.unwrap();
        other.await.unwrap();
        let at = seen.expect("the other task ran while the busy one looped");
        assert!(
            at <= 129,
            "busy task yielded after its budget, at iteration {at}"
        );
    });
}

#[test]
fn unconstrained_never_runs_out() {
    let rt = current_thread();
    rt.block_on(async {
        kiso::spawn(coop::unconstrained(async {
            for _ in 0..1000 {
                coop::consume_budget().await;
                assert!(coop::has_budget_remaining());
            }
        }))
        .await
        .unwrap();
    });
}

#[test]
fn join_handle_spends_budget() {
    let rt = current_thread();
    rt.block_on(async {
        kiso::spawn(async {
            let hs: Vec<_> = (0..200).map(|_| kiso::spawn(async {})).collect();
            task::yield_now().await;
            // All finished; awaiting 200 ready handles spends 200 units, so
            // the budget runs out partway and the task yields.
            let mut yielded = false;
            for h in hs {
                if !coop::has_budget_remaining() {
                    yielded = true;
                }
                h.await.unwrap();
            }
            assert!(yielded);
        })
        .await
        .unwrap();
    });
}

#[cfg(feature = "rt-multi-thread")]
#[test]
fn multi_thread_runs_tasks_without_block_on() {
    with_timeout(|| {
        let rt = Builder::new_multi_thread()
            .worker_threads(2)
            .enable_all()
            .build()
            .unwrap();
        assert_eq!(rt.handle().runtime_flavor(), RuntimeFlavor::MultiThread);
        let (tx, rx) = mpsc::channel();
        rt.spawn(async move {
            let inner = kiso::spawn(async { 5 }).await.unwrap();
            tx.send(inner).unwrap();
        });
        assert_eq!(rx.recv_timeout(LIMIT).unwrap(), 5);
        let v = rt.block_on(async { kiso::spawn(async { 6 }).await.unwrap() });
        assert_eq!(v, 6);
        let drops = Arc::new(AtomicUsize::new(0));
        let g = DropCounter(drops.clone());
        rt.spawn(async move {
            let _g = g;
            pending::<()>().await
        });
        drop(rt);
        assert_eq!(drops.load(SeqCst), 1);
    });
}
