#![cfg(feature = "full")]

//! Task behaviour on the current-thread runtime: spawn, join, abort, panic,
//! wakers from other threads, ids, yield.

mod support;

use kiso::task::{self, JoinError};
use std::future::{pending, poll_fn, Future};
use std::sync::atomic::{AtomicUsize, Ordering::SeqCst};
use std::sync::{Arc, Mutex};
use std::task::{Poll, Waker};
use support::*;

#[test]
fn hundred_thousand_tasks_spawned_and_joined() {
    with_timeout(|| {
        let rt = current_thread();
        let ran = Arc::new(AtomicUsize::new(0));
        let (joined, sum) = rt.block_on({
            let ran = ran.clone();
            async move {
                let handles: Vec<_> = (0..100_000u64)
                    .map(|i| {
                        let ran = ran.clone();
                        kiso::spawn(async move {
                            ran.fetch_add(1, SeqCst);
                            i
                        })
                    })
                    .collect();
                let mut joined = 0usize;
                let mut sum = 0u64;
                for h in handles {
                    sum += h.await.unwrap();
                    joined += 1;
                }
                (joined, sum)
            }
        });
        assert_eq!(joined, 100_000);
        assert_eq!(ran.load(SeqCst), 100_000);
        assert_eq!(sum, (0..100_000u64).sum::<u64>());
    });
}

#[test]
fn abort_pending_task_cancels_and_drops_future() {
    with_timeout(|| {
        let rt = current_thread();
        let drops = Arc::new(AtomicUsize::new(0));
        let err = rt.block_on({
            let drops = drops.clone();
            async move {
                let guard = DropCounter(drops.clone());
                let handle = kiso::spawn(async move {
                    let _guard = guard;
                    pending::<()>().await
                });
                // Let it start and park on `pending`.
                task::yield_now().await;
                assert!(!handle.is_finished());
                assert_eq!(drops.load(SeqCst), 0);
                handle.abort();
                let id = handle.id();
                let err = handle.await.unwrap_err();
                assert_eq!(err.id(), id);
                err
            }
        });
        assert!(err.is_cancelled());
        assert!(!err.is_panic());
        assert_eq!(
            drops.load(SeqCst),
            1,
            "the aborted future must be dropped exactly once"
        );
        assert_eq!(err.to_string(), format!("task {} was cancelled", err.id()));
    });
}

#[test]
fn abort_before_first_poll_and_via_abort_handle() {
    let rt = current_thread();
    rt.block_on(async {
        let polled = Arc::new(AtomicUsize::new(0));
        let p = polled.clone();
        let handle = kiso::spawn(async move {
            p.fetch_add(1, SeqCst);
        });
        let abort = handle.abort_handle();
        assert_eq!(abort.id(), handle.id());
        abort.abort();
        assert!(handle.await.unwrap_err().is_cancelled());
        assert_eq!(
            polled.load(SeqCst),
            0,
            "a task aborted before its first poll never runs"
        );
        assert!(abort.is_finished());
    });
}

#[test]
fn abort_after_completion_keeps_output() {
    let rt = current_thread();
    rt.block_on(async {
        let handle = kiso::spawn(async { 5 });
        task::yield_now().await;
        assert!(handle.is_finished());
        handle.abort();
        assert_eq!(handle.await.unwrap(), 5);
    });
}

#[test]
fn self_abort_takes_effect_at_next_pending() {
    let rt = current_thread();
    rt.block_on(async {
        let slot: Arc<Mutex<Option<kiso::task::AbortHandle>>> = Arc::default();
        let s = slot.clone();
        let reached = Arc::new(AtomicUsize::new(0));
        let r = reached.clone();
        let handle = kiso::spawn(async move {
            // Wait for our own abort handle, then abort ourselves.
            poll_fn(|cx| match s.lock().unwrap().as_ref() {
                Some(h) => {
                    h.abort();
                    Poll::Ready(())
                }
                None => {
                    cx.waker().wake_by_ref();
                    Poll::Pending
                }
            })
            .await;
            r.fetch_add(1, SeqCst);
            pending::<()>().await;
            r.fetch_add(1, SeqCst);
        });
        *slot.lock().unwrap() = Some(handle.abort_handle());
        assert!(handle.await.unwrap_err().is_cancelled());
        assert_eq!(reached.load(SeqCst), 1);
    });
}

#[test]
fn panic_payload_comes_back_and_runtime_goes_on() {
    with_timeout(|| {
        let rt = current_thread();
        rt.block_on(async {
            let boom = kiso::spawn(async {
                std::panic::panic_any(String::from("kaboom"));
            });
            let other = kiso::spawn(async { 11 });
            let err: JoinError = boom.await.unwrap_err();
            assert!(err.is_panic());
            assert!(!err.is_cancelled());
            assert_eq!(
                err.to_string(),
                format!("task {} panicked with message \"kaboom\"", err.id())
            );
            assert!(format!("{err:?}").starts_with("JoinError::Panic("));
            let payload = err.into_panic();
            assert_eq!(
                payload.downcast_ref::<String>().map(String::as_str),
                Some("kaboom")
            );
            // Other tasks keep working.
            assert_eq!(other.await.unwrap(), 11);
            assert_eq!(kiso::spawn(async { 12 }).await.unwrap(), 12);
        });
    });
}

#[test]
fn try_into_panic_on_cancelled_gives_error_back() {
    let rt = current_thread();
    rt.block_on(async {
        let h = kiso::spawn(pending::<()>());
        h.abort();
        let err = h.await.unwrap_err();
        let err = err.try_into_panic().unwrap_err();
        assert!(err.is_cancelled());
        let io: std::io::Error = err.into();
        assert_eq!(io.kind(), std::io::ErrorKind::Other);
    });
}

#[test]
fn into_panic_on_cancelled_panics() {
    let rt = current_thread();
    let err = rt.block_on(async {
        let h = kiso::spawn(pending::<()>());
        h.abort();
        h.await.unwrap_err()
    });
    let res = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| err.into_panic()));
    assert!(res.is_err());
}

/// A future that hands its waker to a plain thread, which wakes it.
#[test]
fn waker_used_from_plain_thread_wakes_task() {
    with_timeout(|| {
        let rt = current_thread();
        let out = rt.block_on(async {
            kiso::spawn(async {
                let slot: Arc<Mutex<(bool, Option<Waker>)>> = Arc::default();
                let (tx, rx) = std::sync::mpsc::channel::<Waker>();
                let s = slot.clone();
                let thread = std::thread::spawn(move || {
                    let waker = rx.recv_timeout(LIMIT).expect("no waker arrived");
                    s.lock().unwrap().0 = true;
                    waker.wake();
                });
                let mut sent = Some(tx);
                poll_fn(|cx| {
                    if slot.lock().unwrap().0 {
                        return Poll::Ready(());
                    }
                    if let Some(tx) = sent.take() {
                        tx.send(cx.waker().clone()).unwrap();
                    }
                    Poll::Pending
                })
                .await;
                thread.join().unwrap();
                "woken"
            })
            .await
            .unwrap()
        });
        assert_eq!(out, "woken");
    });
}

#[test]
fn many_wakes_from_many_threads() {
    with_timeout(|| {
        let rt = current_thread();
        rt.block_on(async {
            let mut handles = Vec::new();
            for _ in 0..8 {
                let flag = Flag::new();
                let f = flag.clone();
                handles.push((kiso::spawn(async move { f.wait().await }), flag));
            }
            let mut threads = Vec::new();
            for (_, flag) in &handles {
                let flag = flag.clone();
                threads.push(std::thread::spawn(move || flag.set()));
            }
            for (h, _) in handles {
                h.await.unwrap();
            }
            for t in threads {
                t.join().unwrap();
            }
        });
    });
}

#[test]
fn dropping_join_handle_detaches() {
    with_timeout(|| {
        let rt = current_thread();
        let done = Flag::new();
        let d = done.clone();
        rt.block_on(async move {
            drop(kiso::spawn(async move {
                task::yield_now().await;
                d.set();
            }));
            done.wait().await;
        });
    });
}

#[test]
fn task_ids() {
    let rt = current_thread();
    assert!(task::try_id().is_none());
    rt.block_on(async {
        // `block_on`'s own future is not a task.
        assert!(task::try_id().is_none());
        let a = kiso::spawn(async { task::id() });
        let b = kiso::spawn(async { task::try_id() });
        let (ida, idb) = (a.id(), b.id());
        assert_ne!(ida, idb);
        assert_eq!(a.await.unwrap(), ida);
        assert_eq!(b.await.unwrap(), Some(idb));
        assert_eq!(format!("{ida:?}"), format!("Id({ida})"));
    });
    let res = std::panic::catch_unwind(task::id);
    assert!(res.is_err(), "task::id() outside a task panics");
}

#[test]
fn yield_now_lets_others_run_in_order() {
    let rt = current_thread();
    rt.block_on(async {
        let log = Arc::new(Mutex::new(Vec::new()));
        let mut hs = Vec::new();
        for i in 0..3 {
            let log = log.clone();
            hs.push(kiso::spawn(async move {
                for round in 0..3 {
                    log.lock().unwrap().push((round, i));
                    task::yield_now().await;
                }
            }));
        }
        for h in hs {
            h.await.unwrap();
        }
        let log = log.lock().unwrap().clone();
        let expected: Vec<_> = (0..3).flat_map(|r| (0..3).map(move |i| (r, i))).collect();
        assert_eq!(log, expected, "yielding tasks interleave round-robin");
    });
}

#[test]
fn spawn_from_other_thread_through_handle() {
    with_timeout(|| {
        let rt = current_thread();
        let handle = rt.handle().clone();
        let joins = std::thread::spawn(move || {
            (0..1000)
                .map(|i| handle.spawn(async move { i }))
                .collect::<Vec<_>>()
        })
        .join()
        .unwrap();
        let sum = rt.block_on(async {
            let mut s = 0;
            for j in joins {
                s += j.await.unwrap();
            }
            s
        });
        assert_eq!(sum, (0..1000).sum::<i32>());
    });
}

#[test]
fn spawn_while_block_on_waits_from_other_thread() {
    with_timeout(|| {
        let rt = current_thread();
        let handle = rt.handle().clone();
        let count = Arc::new(AtomicUsize::new(0));
        let done = Flag::new();
        let (c, d) = (count.clone(), done.clone());
        let t = std::thread::spawn(move || {
            for _ in 0..10_000 {
                let c = c.clone();
                let d = d.clone();
                drop(handle.spawn(async move {
                    if c.fetch_add(1, SeqCst) + 1 == 10_000 {
                        d.set();
                    }
                }));
            }
        });
        rt.block_on(done.wait());
        t.join().unwrap();
        assert_eq!(count.load(SeqCst), 10_000);
    });
}

#[test]
fn output_dropped_when_handle_dropped_first() {
    let rt = current_thread();
    let drops = Arc::new(AtomicUsize::new(0));
    let d = drops.clone();
    rt.block_on(async move {
        let h = kiso::spawn(async move { DropCounter(d) });
        drop(h);
        task::yield_now().await;
    });
    assert_eq!(drops.load(SeqCst), 1);
}

#[test]
fn output_dropped_when_handle_dropped_after_completion() {
    let rt = current_thread();
    let drops = Arc::new(AtomicUsize::new(0));
    let d = drops.clone();
    let d2 = drops.clone();
    rt.block_on(async move {
        let h = kiso::spawn(async move { DropCounter(d) });
        task::yield_now().await;
        assert!(h.is_finished());
        assert_eq!(d2.load(SeqCst), 0);
        drop(h);
    });
    assert_eq!(drops.load(SeqCst), 1);
}

#[test]
fn join_handle_is_send_sync_unpin() {
    fn check<T: Send + Sync + Unpin>() {}
    check::<kiso::task::JoinHandle<u32>>();
    check::<kiso::task::AbortHandle>();
    check::<kiso::task::JoinError>();
    check::<kiso::runtime::Handle>();
    check::<kiso::runtime::Runtime>();
    fn fut<T: Future>(_: &T) {}
    fut(&kiso::task::yield_now());
}
