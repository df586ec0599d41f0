//! `task::block_in_place`: runs a blocking closure on the calling thread
//! while the runtime goes on running its other tasks elsewhere.
//!
//! Most tests use one worker, so that the other tasks can only run if the
//! runtime hands that worker's work to another thread while the closure
//! blocks.

#![cfg(feature = "rt-multi-thread")]

mod support;

use kiso::runtime::Handle;
use kiso::task::block_in_place;
use std::sync::atomic::{AtomicBool, Ordering::SeqCst};
use std::sync::{mpsc, Arc};
use std::thread::{self, ThreadId};
use std::time::Duration;
use support::*;

/// How long a blocked closure waits for the message that frees it.
const WAIT: Duration = Duration::from_secs(5);

fn panic_message(err: &(dyn std::any::Any + Send)) -> String {
    err.downcast_ref::<&str>()
        .map(|s| s.to_string())
        .or_else(|| err.downcast_ref::<String>().cloned())
        .unwrap_or_default()
}

#[test]
fn runs_the_closure_on_the_calling_thread_and_returns_its_value() {
    with_timeout(|| {
        let rt = multi(2);
        let (before, inside, value, after) = rt.block_on(async {
            kiso::spawn(async {
                let before = thread::current().id();
                let (value, inside) = block_in_place(|| (6 * 7, thread::current().id()));
                // The task goes on afterwards, and may still await.
                kiso::task::yield_now().await;
                let after = kiso::spawn(async { "after" }).await.unwrap();
                (before, inside, value, after)
            })
            .await
            .unwrap()
        });
        assert_eq!(before, inside, "the closure runs on the task's thread");
        assert_eq!(value, 42);
        assert_eq!(after, "after");
    });
}

#[test]
fn works_in_block_on_of_a_multi_thread_runtime() {
    with_timeout(|| {
        let rt = multi(1);
        let me = thread::current().id();
        let (value, inside) = rt.block_on(async {
            let (tx, rx) = mpsc::channel();
            kiso::spawn(async move { tx.send(5).unwrap() });
            block_in_place(|| (rx.recv_timeout(WAIT), thread::current().id()))
        });
        assert_eq!(value, Ok(5));
        assert_eq!(inside, me);
    });
}

/// A task blocks its worker in `block_in_place` until it receives a message
/// that only another task sends; that task is spawned (before the block) by
/// the blocked task itself, or (after) from outside the runtime.
fn other_tasks_run_during_the_closure(spawn_from_blocked_task: bool) {
    let rt = multi(1);
    let (tx, rx) = mpsc::channel::<ThreadId>();
    let (blocked_tx, blocked_rx) = mpsc::channel::<()>();
    let sender = move || async move {
        let _ = tx.send(thread::current().id());
    };
    let mut inside = spawn_from_blocked_task.then(|| sender.clone());
    let blocked = rt.spawn(async move {
        if let Some(sender) = inside.take() {
            kiso::spawn(sender());
        }
        block_in_place(|| {
            blocked_tx.send(()).unwrap();
            let from = rx.recv_timeout(WAIT);
            (from, thread::current().id())
        })
    });
    blocked_rx.recv_timeout(WAIT).unwrap();
    if !spawn_from_blocked_task {
        rt.spawn(sender());
    }
    let (from, blocked_on) = rt.block_on(blocked).unwrap();
    let from = from.expect("no other task ran while a task was in block_in_place");
    assert_ne!(from, blocked_on, "the other task ran on another thread");
}

#[test]
fn other_tasks_keep_running_during_the_closure() {
    with_timeout(|| {
        other_tasks_run_during_the_closure(true);
        other_tasks_run_during_the_closure(false);
    });
}

#[test]
fn panics_on_a_current_thread_runtime() {
    with_timeout(|| {
        let rt = current_thread();
        let ran = Arc::new(AtomicBool::new(false));
        // Directly in block_on ...
        let r = ran.clone();
        let err = rt
            .block_on(async move {
                std::panic::catch_unwind(move || block_in_place(move || r.store(true, SeqCst)))
            })
            .expect_err("block_in_place must panic on a current-thread runtime");
        let msg = panic_message(&*err);
        assert!(msg.contains("multi-threaded runtime"), "{msg}");
        // ... and in a task.
        let r = ran.clone();
        let err = rt
            .block_on(rt.spawn(async move {
                block_in_place(move || r.store(true, SeqCst));
            }))
            .unwrap_err();
        assert!(err.is_panic());
        let msg = panic_message(&*err.into_panic());
        assert!(msg.contains("multi-threaded runtime"), "{msg}");
        assert!(!ran.load(SeqCst), "the closure must not run");
    });
}

#[test]
fn nested_block_in_place() {
    with_timeout(|| {
        let rt = multi(1);
        let (tx, rx) = mpsc::channel();
        let blocked = rt.spawn(async move {
            let me = thread::current().id();
            let (v, inner_thread, got) = block_in_place(|| {
                block_in_place(|| {
                    // Another task still runs while the inner closure blocks.
                    kiso::spawn(async move {
                        let _ = tx.send("from a task");
                    });
                    (7, thread::current().id(), rx.recv_timeout(WAIT))
                })
            });
            assert_eq!(inner_thread, me);
            (v, got)
        });
        let (v, got) = rt.block_on(blocked).unwrap();
        assert_eq!(v, 7);
        assert_eq!(got, Ok("from a task"));
    });
}

#[test]
fn handle_block_on_inside_block_in_place() {
    with_timeout(|| {
        let rt = multi(1);
        let v = rt.block_on(rt.spawn(async {
            block_in_place(|| {
                Handle::current().block_on(async { kiso::spawn(async { 11 }).await.unwrap() })
            })
        }));
        assert_eq!(v.unwrap(), 11);
    });
}

#[test]
fn outside_a_runtime_it_just_runs_the_closure() {
    let me = thread::current().id();
    let (v, on) = block_in_place(|| (3, thread::current().id()));
    assert_eq!(v, 3);
    assert_eq!(on, me);
    // A blocking-pool thread is outside the scheduler too, even on a
    // current-thread runtime.
    with_timeout(|| {
        let rt = current_thread();
        let v = rt
            .block_on(rt.spawn_blocking(|| block_in_place(|| 4)))
            .unwrap();
        assert_eq!(v, 4);
    });
}
