//! `task::JoinSet`: spawning into a set, joining in completion order,
//! aborting, detaching, dropping. Written first against Tokio 1.54.1 (the
//! same file ran there with `tokio` renamed to `kiso`).

#![cfg(feature = "full")]

use kiso::runtime::{Builder, Runtime};
use kiso::sync::{oneshot, Barrier};
use kiso::task::{JoinError, JoinSet};
use std::collections::HashSet;
use std::future::Future;
use std::panic::{self, AssertUnwindSafe};
use std::sync::atomic::{AtomicUsize, Ordering::SeqCst};
use std::sync::Arc;

fn current() -> Runtime {
    Builder::new_current_thread().build().unwrap()
}

fn multi() -> Runtime {
    Builder::new_multi_thread()
        .worker_threads(2)
        .build()
        .unwrap()
}

fn runtimes() -> [Runtime; 2] {
    [current(), multi()]
}

/// Sets `flag` when dropped: tells whether a task's future was dropped.
struct DropFlag(Arc<AtomicUsize>);

impl Drop for DropFlag {
    fn drop(&mut self) {
        self.0.fetch_add(1, SeqCst);
    }
}

#[test]
fn join_next_on_empty_set_is_none() {
    current().block_on(async {
        let mut set = JoinSet::<u8>::new();
        assert!(set.join_next().await.is_none());
        assert!(set.join_next_with_id().await.is_none());
        assert!(set.try_join_next().is_none());
        assert!(set.try_join_next_with_id().is_none());
        assert!(set.is_empty());
        assert_eq!(set.len(), 0);
    });
}

#[test]
fn collects_every_result_on_both_runtimes() {
    for rt in runtimes() {
        rt.block_on(async {
            let mut set = JoinSet::new();
            for i in 0..1000u32 {
                set.spawn(async move {
                    kiso::task::yield_now().await;
                    i
                });
            }
            assert_eq!(set.len(), 1000);
            let mut seen = HashSet::new();
            while let Some(res) = set.join_next().await {
                assert!(seen.insert(res.unwrap()));
            }
            assert_eq!(seen.len(), 1000);
            assert!(set.is_empty());
        });
    }
}

#[test]
fn results_come_in_completion_order() {
    current().block_on(async {
        let mut set = JoinSet::new();
        let (tx1, rx1) = oneshot::channel::<()>();
        let (tx2, rx2) = oneshot::channel::<()>();
        set.spawn(async move {
            rx1.await.unwrap();
            1
        });
        set.spawn(async move {
            rx2.await.unwrap();
            2
        });
        tx2.send(()).unwrap();
        assert_eq!(set.join_next().await.unwrap().unwrap(), 2);
        tx1.send(()).unwrap();
        assert_eq!(set.join_next().await.unwrap().unwrap(), 1);
        assert!(set.join_next().await.is_none());
    });
}

#[test]
fn ids_match_abort_handles_and_errors() {
    for rt in runtimes() {
        rt.block_on(async {
            let mut set = JoinSet::new();
            let mut ids = HashSet::new();
            for i in 0..10u32 {
                let abort = set.spawn(async move { (kiso::task::id(), i) });
                ids.insert(abort.id());
            }
            let failing = set.spawn(async { panic!("boom") }).id();
            ids.insert(failing);
            let mut got = HashSet::new();
            while let Some(res) = set.join_next_with_id().await {
                match res {
                    Ok((id, (inner_id, _))) => {
                        assert_eq!(id, inner_id);
                        got.insert(id);
                    }
                    Err(err) => {
                        assert!(err.is_panic());
                        assert_eq!(err.id(), failing);
                        got.insert(err.id());
                    }
                }
            }
            assert_eq!(got, ids);
        });
    }
}

#[test]
fn panics_surface_as_join_errors() {
    current().block_on(async {
        let mut set = JoinSet::new();
        set.spawn(async { panic!("task failed") });
        let err: JoinError = set.join_next().await.unwrap().unwrap_err();
        assert!(err.is_panic());
        let payload = err.into_panic();
        assert_eq!(*payload.downcast_ref::<&str>().unwrap(), "task failed");
    });
}

#[test]
fn abort_all_then_join_next_yields_cancelled() {
    for rt in runtimes() {
        rt.block_on(async {
            let dropped = Arc::new(AtomicUsize::new(0));
            let mut set = JoinSet::new();
            for _ in 0..20 {
                let flag = DropFlag(dropped.clone());
                set.spawn(async move {
                    let _flag = flag;
                    std::future::pending::<()>().await
                });
            }
            set.abort_all();
            assert_eq!(set.len(), 20);
            let mut cancelled = 0;
            while let Some(res) = set.join_next().await {
                assert!(res.unwrap_err().is_cancelled());
                cancelled += 1;
            }
            assert_eq!(cancelled, 20);
            assert_eq!(dropped.load(SeqCst), 20);
        });
    }
}

#[test]
fn abort_handle_of_one_task() {
    current().block_on(async {
        let mut set = JoinSet::new();
        let abort = set.spawn(std::future::pending::<u8>());
        set.spawn(async { 4 });
        abort.abort();
        let mut out = Vec::new();
        while let Some(res) = set.join_next().await {
            out.push(res.map_err(|e| e.is_cancelled()));
        }
        out.sort();
        assert_eq!(out, [Ok(4), Err(true)]);
    });
}

/// Reports on a channel when dropped.
struct DropTell(kiso::sync::mpsc::UnboundedSender<()>);

impl Drop for DropTell {
    fn drop(&mut self) {
        let _ = self.0.send(());
    }
}

#[test]
fn dropping_the_set_aborts_every_task() {
    for rt in runtimes() {
        rt.block_on(async {
            let (tx, mut rx) = kiso::sync::mpsc::unbounded_channel();
            let mut set = JoinSet::new();
            for _ in 0..10 {
                let tell = DropTell(tx.clone());
                set.spawn(async move {
                    let _tell = tell;
                    std::future::pending::<()>().await
                });
            }
            drop(tx);
            drop(set);
            // Every sender is inside a task future: the channel closes once
            // all ten futures were dropped.
            let mut n = 0;
            while rx.recv().await.is_some() {
                n += 1;
            }
            assert_eq!(n, 10);
        });
    }
}

#[test]
fn detach_all_lets_tasks_finish() {
    for rt in runtimes() {
        rt.block_on(async {
            let mut set = JoinSet::new();
            let mut receivers = Vec::new();
            let barrier = Arc::new(Barrier::new(6));
            for i in 0..5u32 {
                let (tx, rx) = oneshot::channel();
                let barrier = barrier.clone();
                set.spawn(async move {
                    barrier.wait().await;
                    tx.send(i).unwrap();
                });
                receivers.push(rx);
            }
            set.detach_all();
            assert!(set.is_empty());
            assert!(set.join_next().await.is_none());
            drop(set);
            barrier.wait().await;
            let mut got = Vec::new();
            for rx in receivers {
                got.push(rx.await.unwrap());
            }
            assert_eq!(got, [0, 1, 2, 3, 4]);
        });
    }
}

#[test]
fn shutdown_aborts_and_waits() {
    for rt in runtimes() {
        rt.block_on(async {
            let dropped = Arc::new(AtomicUsize::new(0));
            let mut set = JoinSet::new();
            for _ in 0..8 {
                let flag = DropFlag(dropped.clone());
                set.spawn(async move {
                    let _flag = flag;
                    std::future::pending::<()>().await
                });
            }
            set.spawn(async { panic!("ignored by shutdown") });
            set.shutdown().await;
            assert!(set.is_empty());
            assert_eq!(dropped.load(SeqCst), 8);
        });
    }
}

#[test]
fn join_all_returns_every_output() {
    for rt in runtimes() {
        rt.block_on(async {
            let set: JoinSet<u32> = (0..50u32).map(|i| async move { i * 2 }).collect();
            let mut out = set.join_all().await;
            out.sort();
            assert_eq!(out, (0..50u32).map(|i| i * 2).collect::<Vec<_>>());
        });
    }
}

#[test]
fn join_all_resumes_a_task_panic() {
    let rt = current();
    let res = panic::catch_unwind(AssertUnwindSafe(|| {
        rt.block_on(async {
            let mut set = JoinSet::new();
            set.spawn(async { panic!("inner panic") });
            set.join_all().await
        })
    }));
    let payload = res.unwrap_err();
    assert_eq!(*payload.downcast_ref::<&str>().unwrap(), "inner panic");
}

#[test]
fn join_all_panics_on_a_cancelled_task() {
    let rt = current();
    let res = panic::catch_unwind(AssertUnwindSafe(|| {
        rt.block_on(async {
            let mut set = JoinSet::new();
            set.spawn(std::future::pending::<()>()).abort();
            set.join_all().await
        })
    }));
    let payload = res.unwrap_err();
    let msg = payload.downcast_ref::<String>().unwrap();
    assert!(msg.contains("cancelled"), "{msg}");
}

#[test]
fn try_join_next_does_not_wait() {
    current().block_on(async {
        let mut set = JoinSet::new();
        let (tx, rx) = oneshot::channel::<()>();
        set.spawn(async move {
            rx.await.unwrap();
            1
        });
        set.spawn(async { 2 });
        assert!(set.try_join_next().is_none());
        kiso::task::yield_now().await;
        assert_eq!(set.try_join_next().unwrap().unwrap(), 2);
        assert!(set.try_join_next().is_none());
        tx.send(()).unwrap();
        kiso::task::yield_now().await;
        let (id, out) = set.try_join_next_with_id().unwrap().unwrap();
        assert_eq!(out, 1);
        let _ = id;
        assert!(set.try_join_next().is_none());
        assert!(set.is_empty());
    });
}

#[test]
fn poll_join_next_returns_pending_then_ready() {
    use std::future::poll_fn;
    use std::task::Poll;
    current().block_on(async {
        let mut set = JoinSet::new();
        let (tx, rx) = oneshot::channel::<()>();
        set.spawn(async move {
            rx.await.unwrap();
            7
        });
        let first =
            poll_fn(|cx| Poll::Ready(set.poll_join_next(cx).map(|o| o.map(|r| r.unwrap())))).await;
        assert!(first.is_pending());
        tx.send(()).unwrap();
        let out = poll_fn(|cx| set.poll_join_next_with_id(cx))
            .await
            .unwrap()
            .unwrap();
        assert_eq!(out.1, 7);
        let last = poll_fn(|cx| Poll::Ready(set.poll_join_next(cx).map(|o| o.is_none()))).await;
        assert_eq!(last, Poll::Ready(true));
    });
}

#[test]
fn spawn_on_and_blocking_variants() {
    let rt = multi();
    let other = current();
    let mut set = JoinSet::new();
    set.spawn_on(async { 1 }, rt.handle());
    set.spawn_blocking_on(|| 2, rt.handle());
    rt.block_on(async {
        set.spawn_blocking(|| 3);
        set.spawn(async { 4 });
    });
    set.spawn_on(async { 5 }, other.handle());
    let mut out = rt.block_on(async {
        let mut out = Vec::new();
        while out.len() < 4 {
            out.push(set.join_next().await.unwrap().unwrap());
        }
        out
    });
    // The task on the current-thread runtime only runs where that runtime
    // is driven.
    out.push(other.block_on(set.join_next()).unwrap().unwrap());
    out.sort();
    assert_eq!(out, [1, 2, 3, 4, 5]);
}

#[test]
fn extend_and_from_iter() {
    current().block_on(async {
        let mut set: JoinSet<u8> = (0..3u8).map(|i| async move { i }).collect();
        set.extend((3..6u8).map(|i| async move { i }));
        assert_eq!(set.len(), 6);
        let mut out = set.join_all().await;
        out.sort();
        assert_eq!(out, [0, 1, 2, 3, 4, 5]);
    });
}

#[test]
fn debug_and_default() {
    current().block_on(async {
        let mut set: JoinSet<()> = JoinSet::default();
        assert_eq!(format!("{set:?}"), "JoinSet { len: 0 }");
        set.spawn(async {});
        set.spawn(async {});
        assert_eq!(format!("{set:?}"), "JoinSet { len: 2 }");
    });
}

#[test]
fn many_tasks_finishing_on_two_workers_exact_count() {
    let rt = multi();
    rt.block_on(async {
        let counter = Arc::new(AtomicUsize::new(0));
        let mut set = JoinSet::new();
        for _ in 0..10_000 {
            let counter = counter.clone();
            set.spawn(async move {
                counter.fetch_add(1, SeqCst);
            });
        }
        let mut joined = 0;
        while let Some(res) = set.join_next().await {
            res.unwrap();
            joined += 1;
        }
        assert_eq!(joined, 10_000);
        assert_eq!(counter.load(SeqCst), 10_000);
    });
}

#[test]
fn join_next_is_cancel_safe() {
    current().block_on(async {
        let mut set = JoinSet::new();
        let (tx, rx) = oneshot::channel::<()>();
        set.spawn(async move {
            rx.await.unwrap();
            9
        });
        {
            // Poll `join_next` once and drop it, as a `select!` whose other
            // branch won would.
            let mut next = std::pin::pin!(set.join_next());
            let polled = std::future::poll_fn(|cx| {
                std::task::Poll::Ready(next.as_mut().poll(cx).is_pending())
            })
            .await;
            assert!(polled);
        }
        tx.send(()).unwrap();
        assert_eq!(set.join_next().await.unwrap().unwrap(), 9);
    });
}

#[test]
fn join_set_inside_a_spawned_task_and_nested_sets() {
    multi().block_on(async {
        let outer = kiso::spawn(async {
            let mut set = JoinSet::new();
            for i in 0..4u32 {
                set.spawn(async move {
                    let mut inner = JoinSet::new();
                    for j in 0..4u32 {
                        inner.spawn(async move { i * 10 + j });
                    }
                    inner.join_all().await.into_iter().sum::<u32>()
                });
            }
            set.join_all().await.into_iter().sum::<u32>()
        });
        // sum over i,j of 10i + j = 4*10*(0+1+2+3) + 4*(0+1+2+3)
        assert_eq!(outer.await.unwrap(), 240 + 24);
    });
}

fn assert_send_sync<T: Send + Sync>() {}
fn assert_unpin<T: Unpin>() {}

#[test]
fn auto_traits() {
    assert_send_sync::<JoinSet<u32>>();
    assert_unpin::<JoinSet<u32>>();
    assert_unpin::<JoinSet<std::marker::PhantomPinned>>();
}
