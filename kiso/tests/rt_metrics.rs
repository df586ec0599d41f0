//! `RuntimeMetrics`, from `Runtime::metrics` and `Handle::metrics`: worker
//! count, alive tasks, global queue depth, and the per-worker busy time and
//! park counters.
//!
//! Counters that workers publish when they park are read with `eventually`,
//! a bounded wait that fails the test after `WAIT`.

#![cfg(feature = "rt-multi-thread")]

mod support;

use kiso::runtime::{Builder, Handle, Runtime, RuntimeMetrics};
use kiso::task::JoinHandle;
use std::sync::mpsc;
use std::time::{Duration, Instant};
use support::*;

/// How long a counter may take to show what already happened.
const WAIT: Duration = Duration::from_secs(5);

/// Waits (spinning, at most `WAIT`) until `cond` holds; fails with `what`.
fn eventually(what: &str, mut cond: impl FnMut() -> bool) {
    let deadline = Instant::now() + WAIT;
    while !cond() {
        assert!(Instant::now() < deadline, "timed out waiting until {what}");
        std::thread::yield_now();
    }
}

/// True once every worker is parked: its park/unpark count is odd.
fn all_parked(m: &RuntimeMetrics) -> bool {
    (0..m.num_workers()).all(|w| m.worker_park_unpark_count(w) % 2 == 1)
}

/// Blocks every one of the `n` workers of `rt` in a task of its own until
/// the returned sender is dropped. The tasks are spawned one at a time, each
/// once the previous one is blocked, so each goes to an idle worker.
fn occupy_workers(rt: &Runtime, n: usize) -> (mpsc::Sender<()>, Vec<JoinHandle<()>>) {
    let (release_tx, release_rx) = mpsc::channel::<()>();
    let release_rx = std::sync::Arc::new(std::sync::Mutex::new(release_rx));
    let (blocked_tx, blocked_rx) = mpsc::channel();
    let tasks = (0..n)
        .map(|_| {
            let blocked_tx = blocked_tx.clone();
            let release_rx = release_rx.clone();
            let t = rt.spawn(async move {
                blocked_tx.send(()).unwrap();
                // Every task wakes when the sender is dropped.
                let rx = release_rx.lock().unwrap();
                let _ = rx.recv();
            });
            blocked_rx
                .recv_timeout(WAIT)
                .expect("an idle worker did not pick up a task");
            t
        })
        .collect();
    (release_tx, tasks)
}

#[test]
fn num_workers_is_the_configured_count() {
    with_timeout(|| {
        for n in [1, 2, 3] {
            let rt = multi(n);
            assert_eq!(rt.metrics().num_workers(), n);
            assert_eq!(rt.handle().metrics().num_workers(), n);
            let inside = rt.block_on(rt.spawn(async { Handle::current().metrics().num_workers() }));
            assert_eq!(inside.unwrap(), n);
        }
        assert_eq!(current_thread().metrics().num_workers(), 1);
    });
}

#[test]
fn default_num_workers_is_available_parallelism() {
    const NAME: &str = "default_num_workers_is_available_parallelism";
    if !in_child(NAME) {
        rerun_in_child(NAME, None);
        return;
    }
    with_timeout(|| {
        let cores = std::thread::available_parallelism().unwrap().get();
        let rt = Builder::new_multi_thread().build().unwrap();
        assert_eq!(rt.metrics().num_workers(), cores);
        assert_eq!(Runtime::new().unwrap().metrics().num_workers(), cores);
    });
}

#[test]
fn tokio_worker_threads_env_var_sets_num_workers() {
    const NAME: &str = "tokio_worker_threads_env_var_sets_num_workers";
    if !in_child(NAME) {
        rerun_in_child(NAME, Some("3"));
        return;
    }
    let rt = Builder::new_multi_thread().build().unwrap();
    assert_eq!(rt.metrics().num_workers(), 3);
    assert_eq!(Runtime::new().unwrap().metrics().num_workers(), 3);
    // An explicit `worker_threads` wins over the variable.
    let rt = Builder::new_multi_thread()
        .worker_threads(2)
        .build()
        .unwrap();
    assert_eq!(rt.metrics().num_workers(), 2);
}

#[test]
fn num_alive_tasks_counts_spawned_unfinished_tasks() {
    with_timeout(|| {
        let rt = multi(2);
        let m = rt.metrics();
        assert_eq!(m.num_alive_tasks(), 0);
        // One flag each: a `Flag` wakes a single waiter.
        let flags: Vec<Flag> = (0..10).map(|_| Flag::new()).collect();
        let tasks: Vec<_> = flags.iter().map(|f| rt.spawn(f.wait())).collect();
        assert_eq!(m.num_alive_tasks(), 10);
        // Tasks that end by panicking or being aborted count down too.
        let panicking = rt.spawn(async { panic!("counted task boom") });
        let aborted = rt.spawn(std::future::pending::<()>());
        assert_eq!(m.num_alive_tasks(), 12);
        assert!(rt.block_on(panicking).unwrap_err().is_panic());
        aborted.abort();
        assert!(rt.block_on(aborted).unwrap_err().is_cancelled());
        eventually("the panicked and aborted tasks are gone", || {
            m.num_alive_tasks() == 10
        });
        for f in &flags {
            f.set();
        }
        for t in tasks {
            rt.block_on(t).unwrap();
        }
        // On the multi-thread runtime the count may lag the join handles.
        eventually("all tasks are gone", || m.num_alive_tasks() == 0);
        assert_eq!(rt.handle().metrics().num_alive_tasks(), 0);

        // On a current-thread runtime it is exact as soon as a task is joined.
        let rt = current_thread();
        let m = rt.metrics();
        let t = rt.spawn(async { 1 });
        assert_eq!(m.num_alive_tasks(), 1);
        rt.block_on(async {
            assert_eq!(t.await.unwrap(), 1);
            assert_eq!(Handle::current().metrics().num_alive_tasks(), 0);
        });
    });
}

#[test]
fn global_queue_depth_counts_tasks_no_worker_took() {
    with_timeout(|| {
        let rt = multi(2);
        let m = rt.metrics();
        assert_eq!(m.global_queue_depth(), 0);
        // With both workers blocked, nothing takes tasks spawned from outside
        // off the global queue.
        let (release, blockers) = occupy_workers(&rt, 2);
        assert_eq!(m.global_queue_depth(), 0);
        let queued: Vec<_> = (0..5).map(|i| rt.spawn(async move { i })).collect();
        assert_eq!(m.global_queue_depth(), 5);
        assert_eq!(rt.handle().metrics().global_queue_depth(), 5);
        drop(release);
        for (i, t) in queued.into_iter().enumerate() {
            assert_eq!(rt.block_on(t).unwrap(), i);
        }
        for b in blockers {
            rt.block_on(b).unwrap();
        }
        assert_eq!(m.global_queue_depth(), 0);

        // A current-thread runtime: tasks spawned while nobody is in block_on
        // wait in the global queue.
        let rt = current_thread();
        let m = rt.metrics();
        let tasks: Vec<_> = (0..3).map(|_| rt.spawn(async {})).collect();
        assert_eq!(m.global_queue_depth(), 3);
        rt.block_on(async {
            for t in tasks {
                t.await.unwrap();
            }
        });
        assert_eq!(m.global_queue_depth(), 0);
    });
}

#[test]
fn worker_total_busy_duration_grows_with_work() {
    with_timeout(|| {
        const WORK: Duration = Duration::from_millis(50);
        let rt = multi(2);
        let m = rt.metrics();
        eventually("the idle workers park", || all_parked(&m));
        let before: Vec<Duration> = (0..2).map(|w| m.worker_total_busy_duration(w)).collect();
        // A task that keeps its worker busy for WORK.
        let w = rt
            .block_on(rt.spawn(async {
                let start = Instant::now();
                while start.elapsed() < WORK {
                    std::hint::spin_loop();
                }
                kiso::runtime::worker_index().unwrap()
            }))
            .unwrap();
        eventually("the busy time of the worker counts the work", || {
            m.worker_total_busy_duration(w) >= before[w] + WORK
        });
        for (i, b) in before.iter().enumerate() {
            assert!(m.worker_total_busy_duration(i) >= *b, "never decreases");
        }
    });
}

#[test]
fn worker_park_counts_grow_across_an_idle_period() {
    with_timeout(|| {
        let rt = multi(2);
        let m = rt.metrics();
        // Idle at start: every worker parks.
        eventually("the idle workers park", || all_parked(&m));
        for w in 0..2 {
            assert!(m.worker_park_count(w) >= 1);
        }
        let parks: Vec<u64> = (0..2).map(|w| m.worker_park_count(w)).collect();
        let park_unparks: Vec<u64> = (0..2).map(|w| m.worker_park_unpark_count(w)).collect();
        // Work wakes a worker; when it is done the worker parks again.
        let w = rt
            .block_on(rt.spawn(async { kiso::runtime::worker_index().unwrap() }))
            .unwrap();
        eventually("the worker parks again", || {
            let n = m.worker_park_unpark_count(w);
            n % 2 == 1 && n >= park_unparks[w] + 2
        });
        assert!(m.worker_park_count(w) > parks[w]);
        for i in 0..2 {
            assert!(m.worker_park_count(i) >= parks[i], "never decreases");
            assert!(m.worker_park_unpark_count(i) >= park_unparks[i]);
        }
    });
}

#[test]
fn worker_metrics_panic_for_a_worker_out_of_range() {
    let rt = multi(2);
    let m = rt.metrics();
    for f in [
        |m: &RuntimeMetrics| {
            m.worker_park_count(2);
        },
        |m: &RuntimeMetrics| {
            m.worker_park_unpark_count(2);
        },
        |m: &RuntimeMetrics| {
            m.worker_total_busy_duration(2);
        },
    ] {
        let r = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| f(&m)));
        assert!(r.is_err(), "worker 2 of 2 must panic");
    }
}
