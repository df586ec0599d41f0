//! The multi-thread runtime (`Builder::new_multi_thread`): tasks run on
//! several worker threads at once, worker threads are configured and hooked
//! as documented, handles work from any thread, shutdown cancels every task
//! and joins the workers, and the scheduler stays fair under yield loops and
//! waker ping-pong.
//!
//! "Several tasks at once" is proved with `Meet`, a barrier that tasks block
//! their thread on: `n` tasks can only all pass it if `n` threads run them
//! at the same moment. Its waits give up after `MEET_LIMIT`, so a scheduler
//! with too few workers fails the test instead of leaving its threads
//! blocked for ever.

#![cfg(all(feature = "rt-multi-thread", feature = "macros"))]

mod support;

use kiso::runtime::{self, Builder, Handle, Runtime, RuntimeFlavor};
use kiso::task::{self, JoinHandle};
use std::collections::HashSet;
use std::future::{pending, poll_fn, Future};
use std::pin::pin;
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering::SeqCst};
use std::sync::{mpsc, Arc, Condvar, Mutex};
use std::task::{Poll, Waker};
use std::thread::{self, ThreadId};
use std::time::{Duration, Instant};
use support::*;

/// How long something that should happen at once (a worker parking, a task
/// being picked up) may take before the test calls it a failure. Shorter
/// than `LIMIT`, so such failures report what went wrong.
const WAIT: Duration = Duration::from_secs(5);

/// How long a party waits at a `Meet` for the others.
const MEET_LIMIT: Duration = Duration::from_secs(5);

/// A barrier for `n` parties, blocked on with the thread, whose waits time
/// out. Once one wait has timed out the barrier is broken and every later
/// wait fails at once.
struct Meet {
    n: usize,
    state: Mutex<(usize, bool)>,
    cv: Condvar,
}

impl Meet {
    fn new(n: usize) -> Arc<Meet> {
        Arc::new(Meet {
            n,
            state: Mutex::new((0, false)),
            cv: Condvar::new(),
        })
    }

    /// Blocks until all `n` parties arrived; false if that took too long.
    fn wait(&self) -> bool {
        let mut g = self.state.lock().unwrap();
        if g.1 {
            return false;
        }
        g.0 += 1;
        if g.0 >= self.n {
            self.cv.notify_all();
            return true;
        }
        let (mut g, _) = self
            .cv
            .wait_timeout_while(g, MEET_LIMIT, |s| s.0 < self.n && !s.1)
            .unwrap();
        if g.0 < self.n {
            g.1 = true;
            self.cv.notify_all();
            return false;
        }
        true
    }
}

/// What a task saw of the thread it ran on.
#[derive(Debug, Clone)]
struct Seen {
    thread: ThreadId,
    name: Option<String>,
    worker: Option<usize>,
}

fn seen() -> Seen {
    Seen {
        thread: thread::current().id(),
        name: thread::current().name().map(String::from),
        worker: runtime::worker_index(),
    }
}

/// Spawns `n` tasks that block their threads on one `Meet` and report what
/// they saw. They are spawned one at a time, each once the previous one is
/// blocked, so a runtime with `n` workers always has an idle one for the
/// next. Needs a runtime context.
fn spawn_meeting(n: usize) -> Vec<JoinHandle<(bool, Seen)>> {
    let meet = Meet::new(n);
    let (arrived_tx, arrived_rx) = mpsc::channel();
    (0..n)
        .map(|_| {
            let meet = meet.clone();
            let arrived = arrived_tx.clone();
            let task = kiso::spawn(async move {
                let _ = arrived.send(());
                (meet.wait(), seen())
            });
            // If the task does not start, the meeting fails anyway.
            let _ = arrived_rx.recv_timeout(MEET_LIMIT);
            task
        })
        .collect()
}

/// Collects what the tasks of `spawn_meeting` saw; fails unless they all met.
async fn met(tasks: Vec<JoinHandle<(bool, Seen)>>) -> Vec<Seen> {
    let n = tasks.len();
    let mut out = Vec::new();
    for t in tasks {
        let (met, s) = t.await.unwrap();
        assert!(
            met,
            "{n} tasks could not run at the same time: fewer than {n} workers ran them"
        );
        out.push(s);
    }
    out
}

/// Runs `spawn_meeting(n)` on `handle` from outside the runtime.
fn meet_on_workers(handle: &Handle, n: usize) -> Vec<Seen> {
    let tasks = {
        let _enter = handle.enter();
        spawn_meeting(n)
    };
    handle.block_on(met(tasks))
}

/// Asserts that the tasks ran on `n` distinct worker threads with `n`
/// distinct worker indices below `workers`.
fn assert_distinct_workers(seen: &[Seen], n: usize, workers: usize) {
    let threads: HashSet<ThreadId> = seen.iter().map(|s| s.thread).collect();
    assert_eq!(threads.len(), n, "tasks ran on {threads:?}");
    let indices: HashSet<usize> = seen
        .iter()
        .map(|s| s.worker.expect("a task runs on a worker thread"))
        .collect();
    assert_eq!(indices.len(), n, "worker indices {seen:?}");
    assert!(indices.iter().all(|&i| i < workers), "{seen:?}");
    let me = thread::current().id();
    assert!(seen.iter().all(|s| s.thread != me));
}

#[test]
fn two_workers_run_two_tasks_at_once_on_distinct_threads() {
    with_timeout(|| {
        let rt = multi(2);
        let seen = meet_on_workers(rt.handle(), 2);
        assert_distinct_workers(&seen, 2, 2);
        // And again: the workers are still there after the first pair.
        let again = meet_on_workers(rt.handle(), 2);
        assert_distinct_workers(&again, 2, 2);
    });
}

#[test]
fn worker_index_is_none_off_the_workers() {
    with_timeout(|| {
        assert_eq!(runtime::worker_index(), None);
        let rt = multi(2);
        assert_eq!(runtime::worker_index(), None);
        // The thread in `block_on` of a multi-thread runtime is no worker;
        // the tasks it spawns run on workers.
        let (outside, inside) = rt.block_on(async {
            let outside = runtime::worker_index();
            let inside = kiso::spawn(async { runtime::worker_index() })
                .await
                .unwrap();
            (outside, inside)
        });
        assert_eq!(outside, None);
        assert!(matches!(inside, Some(i) if i < 2), "{inside:?}");
        // Nor is a blocking-pool thread.
        let blocking = rt
            .block_on(rt.spawn_blocking(runtime::worker_index))
            .unwrap();
        assert_eq!(blocking, None);
        let _enter = rt.enter();
        assert_eq!(runtime::worker_index(), None);
    });
}

#[test]
fn default_worker_count_is_available_parallelism() {
    const NAME: &str = "default_worker_count_is_available_parallelism";
    if !in_child(NAME) {
        rerun_in_child(NAME, None);
        return;
    }
    with_timeout(|| {
        let cores = thread::available_parallelism().unwrap().get();
        let rt = Builder::new_multi_thread().enable_all().build().unwrap();
        let seen = meet_on_workers(rt.handle(), cores);
        assert_distinct_workers(&seen, cores, cores);
    });
}

#[test]
fn tokio_worker_threads_env_var_sets_the_default() {
    const NAME: &str = "tokio_worker_threads_env_var_sets_the_default";
    // One more worker than the default, so that only the variable can
    // account for all of them meeting.
    let workers = (thread::available_parallelism().unwrap().get() + 1).max(3);
    if !in_child(NAME) {
        rerun_in_child(NAME, Some(&workers.to_string()));
        return;
    }
    with_timeout(move || {
        let rt = Builder::new_multi_thread().enable_all().build().unwrap();
        let seen = meet_on_workers(rt.handle(), workers);
        assert_distinct_workers(&seen, workers, workers);
        // `Runtime::new` reads it too.
        let rt = Runtime::new().unwrap();
        let seen = meet_on_workers(rt.handle(), workers);
        assert_distinct_workers(&seen, workers, workers);
    });
}

#[test]
fn zero_worker_threads_panics() {
    let err = std::panic::catch_unwind(|| {
        let mut b = Builder::new_multi_thread();
        b.worker_threads(0);
    })
    .expect_err("worker_threads(0) must panic");
    let msg = err
        .downcast_ref::<&str>()
        .map(|s| s.to_string())
        .or_else(|| err.downcast_ref::<String>().cloned())
        .unwrap_or_default();
    assert!(msg.contains("cannot be set to 0"), "{msg}");
}

/// The threads a hook ran on, with their names.
type ThreadLog = Arc<Mutex<Vec<(ThreadId, Option<String>)>>>;

#[test]
fn worker_threads_are_named_and_run_start_and_stop_hooks() {
    with_timeout(|| {
        let started: ThreadLog = Arc::default();
        let stopped: ThreadLog = Arc::default();
        let (s1, s2) = (started.clone(), stopped.clone());
        let rt = Builder::new_multi_thread()
            .worker_threads(2)
            .thread_name("mt-named-worker")
            .on_thread_start(move || {
                let t = thread::current();
                s1.lock()
                    .unwrap()
                    .push((t.id(), t.name().map(String::from)));
            })
            .on_thread_stop(move || {
                let t = thread::current();
                s2.lock()
                    .unwrap()
                    .push((t.id(), t.name().map(String::from)));
            })
            .enable_all()
            .build()
            .unwrap();
        let seen = meet_on_workers(rt.handle(), 2);
        assert_distinct_workers(&seen, 2, 2);
        for s in &seen {
            assert_eq!(s.name.as_deref(), Some("mt-named-worker"));
        }
        {
            let started = started.lock().unwrap();
            for s in &seen {
                assert!(
                    started.iter().any(|(id, _)| *id == s.thread),
                    "on_thread_start did not run on worker {s:?}"
                );
            }
            for (_, name) in started.iter() {
                assert_eq!(name.as_deref(), Some("mt-named-worker"));
            }
        }
        drop(rt);
        let started = started.lock().unwrap().clone();
        let stopped = stopped.lock().unwrap().clone();
        assert!(started.len() >= 2, "{started:?}");
        assert_eq!(
            started.len(),
            stopped.len(),
            "every started thread has stopped once the runtime is dropped"
        );
        let a: HashSet<ThreadId> = started.iter().map(|s| s.0).collect();
        let b: HashSet<ThreadId> = stopped.iter().map(|s| s.0).collect();
        assert_eq!(a.len(), started.len());
        assert_eq!(a, b, "on_thread_stop runs on the threads that started");
    });
}

#[test]
fn thread_name_fn_names_every_worker() {
    with_timeout(|| {
        let next = Arc::new(AtomicUsize::new(0));
        let n = next.clone();
        let rt = Builder::new_multi_thread()
            .worker_threads(2)
            .thread_name_fn(move || format!("mt-fn-{}", n.fetch_add(1, SeqCst)))
            .enable_all()
            .build()
            .unwrap();
        let seen = meet_on_workers(rt.handle(), 2);
        assert_distinct_workers(&seen, 2, 2);
        let names: HashSet<String> = seen
            .iter()
            .map(|s| s.name.clone().expect("worker threads are named"))
            .collect();
        assert_eq!(names.len(), 2, "{names:?}");
        for name in &names {
            let i: usize = name
                .strip_prefix("mt-fn-")
                .unwrap_or_else(|| panic!("name {name:?} is not from thread_name_fn"))
                .parse()
                .unwrap();
            assert!(i < next.load(SeqCst));
        }
    });
}

#[test]
fn park_and_unpark_hooks_run_on_the_workers() {
    with_timeout(|| {
        let (park_tx, park_rx) = mpsc::channel::<(ThreadId, Option<String>)>();
        let (unpark_tx, unpark_rx) = mpsc::channel::<ThreadId>();
        let rt = Builder::new_multi_thread()
            .worker_threads(2)
            .thread_name("mt-park-worker")
            .on_thread_park(move || {
                let t = thread::current();
                let _ = park_tx.send((t.id(), t.name().map(String::from)));
            })
            .on_thread_unpark(move || {
                let _ = unpark_tx.send(thread::current().id());
            })
            .enable_all()
            .build()
            .unwrap();
        // With nothing to do, both workers park.
        let mut parked = HashSet::new();
        while parked.len() < 2 {
            let (id, name) = park_rx.recv_timeout(WAIT).expect("both idle workers park");
            assert_eq!(name.as_deref(), Some("mt-park-worker"));
            parked.insert(id);
        }
        // A task spawned now runs on one of them, which has to unpark first.
        let (tx, rx) = mpsc::channel();
        rt.spawn(async move { tx.send(thread::current().id()).unwrap() });
        let ran_on = rx.recv_timeout(WAIT).unwrap();
        assert!(parked.contains(&ran_on));
        // The unpark hook ran before the task did, so it is already queued.
        let mut unparked = false;
        while let Ok(id) = unpark_rx.try_recv() {
            unparked |= id == ran_on;
        }
        assert!(unparked, "on_thread_unpark did not run on {ran_on:?}");
    });
}

#[test]
fn handle_spawn_and_block_on_from_foreign_threads() {
    with_timeout(|| {
        let rt = multi(2);
        let threads: Vec<_> = (0..4)
            .map(|i| {
                let handle = rt.handle().clone();
                thread::spawn(move || {
                    let me = thread::current().id();
                    let task = handle.spawn(async move { (i * 10, seen()) });
                    let (v, s) = handle.block_on(task).unwrap();
                    assert_eq!(v, i * 10);
                    assert_ne!(s.thread, me, "the task ran on a worker");
                    assert!(matches!(s.worker, Some(w) if w < 2), "{s:?}");
                    // Inside `Handle::block_on` the runtime is current.
                    handle.block_on(async move {
                        assert_eq!(
                            Handle::current().runtime_flavor(),
                            RuntimeFlavor::MultiThread
                        );
                        assert_eq!(runtime::worker_index(), None);
                        kiso::spawn(async move { i + 1 }).await.unwrap()
                    })
                })
            })
            .collect();
        let results: Vec<usize> = threads.into_iter().map(|t| t.join().unwrap()).collect();
        assert_eq!(results, vec![1, 2, 3, 4]);
    });
}

#[test]
fn runtime_block_on_runs_on_a_multi_thread_runtime() {
    with_timeout(|| {
        let rt = multi(2);
        assert_eq!(rt.handle().runtime_flavor(), RuntimeFlavor::MultiThread);
        let me = thread::current().id();
        let (sum, block_on_thread) = rt.block_on(async {
            assert_eq!(
                Handle::current().runtime_flavor(),
                RuntimeFlavor::MultiThread
            );
            let tasks: Vec<_> = (0..100u64)
                .map(|i| kiso::spawn(async move { i * 2 }))
                .collect();
            let mut sum = 0;
            for t in tasks {
                sum += t.await.unwrap();
            }
            (sum, thread::current().id())
        });
        assert_eq!(sum, 9900);
        assert_eq!(block_on_thread, me, "block_on polls its future in place");
        // block_on may be called again.
        assert_eq!(rt.block_on(async { 7 }), 7);
    });
}

#[test]
fn tasks_run_while_no_thread_is_in_block_on() {
    with_timeout(|| {
        let rt = multi(2);
        // A chain of tasks, each spawning the next, and one task waking
        // another: all without anybody in `block_on`.
        fn chain(left: usize, tx: mpsc::Sender<usize>) -> JoinHandle<()> {
            kiso::spawn(async move {
                if left == 0 {
                    tx.send(runtime::worker_index().unwrap()).unwrap();
                } else {
                    chain(left - 1, tx);
                }
            })
        }
        let (tx, rx) = mpsc::channel();
        let _enter = rt.enter();
        chain(100, tx);
        let w = rx.recv_timeout(WAIT).unwrap();
        assert!(w < 2);

        let flag = Flag::new();
        let (tx, rx) = mpsc::channel();
        let f = flag.clone();
        rt.spawn(async move {
            f.wait().await;
            tx.send(()).unwrap();
        });
        rt.spawn(async move { flag.set() });
        rx.recv_timeout(WAIT).unwrap();
    });
}

#[test]
fn panicking_task_is_caught_and_other_tasks_go_on() {
    with_timeout(|| {
        let rt = multi(2);
        let flag = Flag::new();
        let f = flag.clone();
        let waiting = rt.spawn(async move {
            f.wait().await;
            "still here"
        });
        let panics: Vec<_> = (0..4)
            .map(|_| rt.spawn(async { panic!("task boom") }))
            .collect();
        for p in panics {
            let err = rt.block_on(p).unwrap_err();
            assert!(err.is_panic());
            let payload = err.into_panic();
            assert_eq!(*payload.downcast_ref::<&str>().unwrap(), "task boom");
        }
        flag.set();
        assert_eq!(rt.block_on(waiting).unwrap(), "still here");
        // Both workers survived the panics.
        let seen = meet_on_workers(rt.handle(), 2);
        assert_distinct_workers(&seen, 2, 2);
    });
}

#[test]
fn abort_cancels_idle_and_running_tasks() {
    with_timeout(|| {
        let rt = multi(2);
        let drops = Arc::new(AtomicUsize::new(0));

        // A task parked for ever.
        let guard = DropCounter(drops.clone());
        let idle = rt.spawn(async move {
            let _guard = guard;
            pending::<()>().await
        });
        idle.abort();
        let err = rt.block_on(idle).unwrap_err();
        assert!(err.is_cancelled());
        assert_eq!(drops.load(SeqCst), 1);

        // A task busy on a worker, aborted from another thread: it is
        // cancelled at its next yield.
        let guard = DropCounter(drops.clone());
        let (started_tx, started_rx) = mpsc::channel();
        let busy = rt.spawn(async move {
            let _guard = guard;
            started_tx.send(()).unwrap();
            loop {
                task::yield_now().await;
            }
        });
        started_rx.recv_timeout(WAIT).unwrap();
        let abort = busy.abort_handle();
        thread::spawn(move || abort.abort()).join().unwrap();
        let err = rt.block_on(busy).unwrap_err();
        assert!(err.is_cancelled());
        assert_eq!(drops.load(SeqCst), 2);
    });
}

#[test]
fn dropping_the_runtime_drops_every_task_once_and_joins_workers() {
    with_timeout(|| {
        let drops = Arc::new(AtomicUsize::new(0));
        let starts = Arc::new(AtomicUsize::new(0));
        let stops = Arc::new(AtomicUsize::new(0));
        let (a, b) = (starts.clone(), stops.clone());
        let rt = Builder::new_multi_thread()
            .worker_threads(2)
            .on_thread_start(move || {
                a.fetch_add(1, SeqCst);
            })
            .on_thread_stop(move || {
                b.fetch_add(1, SeqCst);
            })
            .enable_all()
            .build()
            .unwrap();
        let mut handles = Vec::new();
        // Spawned from outside: some of these never get polled.
        for _ in 0..500 {
            let guard = DropCounter(drops.clone());
            handles.push(rt.spawn(async move {
                let _guard = guard;
                pending::<()>().await
            }));
        }
        // Spawned by a task, into a worker's own queue.
        let d = drops.clone();
        let (tx, rx) = mpsc::channel();
        rt.spawn(async move {
            for _ in 0..500 {
                let guard = DropCounter(d.clone());
                kiso::spawn(async move {
                    let _guard = guard;
                    pending::<()>().await
                });
            }
            tx.send(()).unwrap();
        });
        rx.recv_timeout(WAIT).unwrap();
        // Waiting on a flag that outlives the runtime.
        let flag = Flag::new();
        for _ in 0..100 {
            let guard = DropCounter(drops.clone());
            let f = flag.clone();
            rt.spawn(async move {
                let _guard = guard;
                f.wait().await
            });
        }
        assert_eq!(drops.load(SeqCst), 0);
        drop(rt);
        assert_eq!(drops.load(SeqCst), 1100, "every future dropped once");
        let started = starts.load(SeqCst);
        assert!(started >= 2, "{started} threads started");
        assert_eq!(stops.load(SeqCst), started, "every worker was joined");
        // Waking a task of the dropped runtime is harmless.
        flag.set();
        assert_eq!(drops.load(SeqCst), 1100);
        for h in handles {
            assert!(h.is_finished());
            assert!(futures::executor::block_on(h).unwrap_err().is_cancelled());
        }
    });
}

/// Sends on its channel when dropped: releases a stuck task even when the
/// test fails first.
struct Release(mpsc::Sender<()>);

impl Drop for Release {
    fn drop(&mut self) {
        let _ = self.0.send(());
    }
}

#[test]
fn shutdown_timeout_returns_while_a_task_blocks_its_worker() {
    let (release_tx, release_rx) = mpsc::channel::<()>();
    let _release = Release(release_tx);
    with_timeout(move || {
        let rt = multi(2);
        let (started_tx, started_rx) = mpsc::channel();
        rt.spawn(async move {
            started_tx.send(()).unwrap();
            // Blocks the worker thread until the test has asserted.
            let _ = release_rx.recv();
        });
        started_rx.recv_timeout(WAIT).unwrap();
        let t0 = Instant::now();
        rt.shutdown_timeout(Duration::from_millis(100));
        let took = t0.elapsed();
        assert!(took < WAIT, "shutdown_timeout took {took:?}");
    });
}

#[test]
fn runtime_new_is_multi_thread() {
    with_timeout(|| {
        let rt = Runtime::new().unwrap();
        assert_eq!(rt.handle().runtime_flavor(), RuntimeFlavor::MultiThread);
        let (tx, rx) = mpsc::channel();
        rt.spawn(async move { tx.send(runtime::worker_index()).unwrap() });
        assert!(rx.recv_timeout(WAIT).unwrap().is_some());
    });
}

#[kiso::test(flavor = "multi_thread", worker_threads = 2)]
async fn test_macro_multi_thread_two_workers() {
    assert_eq!(
        Handle::current().runtime_flavor(),
        RuntimeFlavor::MultiThread
    );
    let seen = met(spawn_meeting(2)).await;
    assert_distinct_workers(&seen, 2, 2);
}

#[kiso::main(flavor = "multi_thread", worker_threads = 2)]
async fn main_with_two_workers() -> Vec<Seen> {
    assert_eq!(
        Handle::current().runtime_flavor(),
        RuntimeFlavor::MultiThread
    );
    met(spawn_meeting(2)).await
}

#[kiso::main]
async fn main_with_defaults() -> RuntimeFlavor {
    Handle::current().runtime_flavor()
}

#[test]
fn main_macro_builds_a_multi_thread_runtime() {
    with_timeout(|| {
        let seen = main_with_two_workers();
        assert_distinct_workers(&seen, 2, 2);
        assert_eq!(main_with_defaults(), RuntimeFlavor::MultiThread);
    });
}

#[test]
fn task_woken_from_a_plain_thread_runs() {
    with_timeout(|| {
        let rt = multi(2);
        const ROUNDS: usize = 20;
        let flags: Vec<Flag> = (0..ROUNDS).map(|_| Flag::new()).collect();
        let (parked_tx, parked_rx) = mpsc::channel::<usize>();
        let (done_tx, done_rx) = mpsc::channel();
        let task_flags = flags.clone();
        rt.spawn(async move {
            for (i, flag) in task_flags.iter().enumerate() {
                let mut wait = pin!(flag.wait());
                let mut told = false;
                // Tell the waker thread only once the task is parked on the
                // flag, so each round goes through the waker.
                poll_fn(|cx| {
                    let r = wait.as_mut().poll(cx);
                    if r.is_pending() && !told {
                        told = true;
                        parked_tx.send(i).unwrap();
                    }
                    r
                })
                .await;
                assert!(told, "the flag was set before the task waited");
            }
            done_tx.send(runtime::worker_index()).unwrap();
        });
        let waker_thread = thread::spawn(move || {
            for (i, flag) in flags.iter().enumerate() {
                assert_eq!(parked_rx.recv_timeout(WAIT).unwrap(), i);
                flag.set();
            }
        });
        let w = done_rx.recv_timeout(WAIT).unwrap();
        assert!(w.is_some());
        waker_thread.join().unwrap();
    });
}

/// Spawns `spinners` tasks that yield in a loop until stopped and, once they
/// all spin, a task that needs 100 polls (from outside, or from a spinner);
/// asserts that it completes.
fn yield_loops_do_not_starve(workers: usize, spinners: usize, spawn_inside: bool) {
    let rt = multi(workers);
    let stop = Arc::new(AtomicBool::new(false));
    let (spinning_tx, spinning_rx) = mpsc::channel();
    let (done_tx, done_rx) = mpsc::channel();
    let needs_100_polls = move || async move {
        for _ in 0..100 {
            task::yield_now().await;
        }
        done_tx.send(()).unwrap();
    };
    let mut inside = spawn_inside.then(|| needs_100_polls.clone());
    let mut spinning = Vec::new();
    for _ in 0..spinners {
        let stop = stop.clone();
        let spinning_tx = spinning_tx.clone();
        let mut spawn_it = inside.take();
        spinning.push(rt.spawn(async move {
            let mut spins = 0u64;
            while !stop.load(SeqCst) {
                spins += 1;
                if spins == 1000 {
                    spinning_tx.send(()).unwrap();
                    if let Some(f) = spawn_it.take() {
                        kiso::spawn(f());
                    }
                }
                task::yield_now().await;
            }
        }));
    }
    for _ in 0..spinners {
        spinning_rx
            .recv_timeout(WAIT)
            .expect("the spinners did not spin");
    }
    if !spawn_inside {
        rt.spawn(needs_100_polls());
    }
    let finished = done_rx.recv_timeout(WAIT);
    stop.store(true, SeqCst);
    assert!(
        finished.is_ok(),
        "a task was starved by {spinners} yield loops on {workers} workers"
    );
    for s in spinning {
        rt.block_on(s).unwrap();
    }
}

#[test]
fn yield_loops_do_not_starve_other_tasks() {
    with_timeout(|| {
        yield_loops_do_not_starve(1, 1, false);
        yield_loops_do_not_starve(1, 1, true);
        yield_loops_do_not_starve(2, 2, false);
        yield_loops_do_not_starve(2, 2, true);
    });
}

/// Two tasks that wake each other on every poll, for ever: each wake comes
/// from a worker, the case a LIFO slot would run next. The poll that brings
/// `polls` to 1000 sends on `going`.
fn ping_pong(
    rt: &Runtime,
    polls: &Arc<AtomicUsize>,
    going: &Arc<Mutex<Option<mpsc::Sender<()>>>>,
) -> [JoinHandle<()>; 2] {
    let wakers: Arc<Mutex<[Option<Waker>; 2]>> = Arc::default();
    let side = |me: usize| {
        let wakers = wakers.clone();
        let polls = polls.clone();
        let going = going.clone();
        poll_fn(move |cx| {
            if polls.fetch_add(1, SeqCst) + 1 == 1000 {
                if let Some(tx) = going.lock().unwrap().take() {
                    tx.send(()).unwrap();
                }
            }
            let other = {
                let mut w = wakers.lock().unwrap();
                w[me] = Some(cx.waker().clone());
                w[1 - me].take()
            };
            if let Some(other) = other {
                other.wake();
            }
            Poll::Pending
        })
    };
    [rt.spawn(side(0)), rt.spawn(side(1))]
}

/// Starts `pairs` ping-pong pairs on `workers` workers, then (once they have
/// been polled 1000 times) a task that needs one poll, spawned from outside
/// or from a worker; asserts that it runs. Then aborts the pairs.
fn ping_pong_does_not_starve(workers: usize, pairs: usize, spawn_inside: bool) {
    let rt = multi(workers);
    let polls = Arc::new(AtomicUsize::new(0));
    let (going_tx, going_rx) = mpsc::channel();
    let going = Arc::new(Mutex::new(Some(going_tx)));
    let mut tasks = Vec::new();
    for _ in 0..pairs {
        tasks.extend(ping_pong(&rt, &polls, &going));
    }
    going_rx
        .recv_timeout(WAIT)
        .expect("the ping-pong did not get going");
    let (tx, rx) = mpsc::channel();
    if spawn_inside {
        // From a worker thread, as a task spawned by a task.
        rt.spawn(async move {
            kiso::spawn(async move { tx.send(()).unwrap() });
        });
    } else {
        rt.spawn(async move { tx.send(()).unwrap() });
    }
    let ran = rx.recv_timeout(WAIT);
    for t in &tasks {
        t.abort();
    }
    assert!(
        ran.is_ok(),
        "a task was starved by {pairs} waker ping-pong pairs on {workers} workers"
    );
    // Aborting stops tasks that keep each other scheduled.
    for t in tasks {
        assert!(rt.block_on(t).unwrap_err().is_cancelled());
    }
}

#[test]
fn waker_ping_pong_does_not_starve_a_third_task() {
    with_timeout(|| {
        ping_pong_does_not_starve(1, 1, false);
        ping_pong_does_not_starve(1, 1, true);
        ping_pong_does_not_starve(2, 2, false);
        ping_pong_does_not_starve(2, 2, true);
    });
}

/// Where a task spawned by a running task goes, with and without the LIFO
/// slot: on one worker with `Q` already queued, a task `T` spawns `S` and
/// yields. With the slot, `S` runs right after `T` (before `Q`); without it,
/// `S` queues behind `Q`.
fn order_with_lifo(disable: bool) -> Vec<&'static str> {
    with_timeout(move || {
        let mut b = Builder::new_multi_thread();
        b.worker_threads(1);
        if disable {
            b.disable_lifo_slot();
        }
        let rt = b.build().unwrap();
        let log: Arc<Mutex<Vec<&'static str>>> = Arc::default();
        // Hold the worker (no await) until both T and Q are queued.
        let go = Arc::new(AtomicBool::new(false));
        let holding = Flag::new();
        let (g, h, l) = (go.clone(), holding.clone(), log.clone());
        let holder = rt.spawn(async move {
            h.set();
            while !g.load(SeqCst) {
                std::hint::spin_loop();
            }
            l.lock().unwrap().push("H");
        });
        rt.block_on(holding.wait());
        let l = log.clone();
        let t = rt.spawn(async move {
            let l2 = l.clone();
            let s = kiso::spawn(async move { l2.lock().unwrap().push("S") });
            l.lock().unwrap().push("T");
            kiso::task::yield_now().await;
            s.await.unwrap();
        });
        let l = log.clone();
        let q = rt.spawn(async move { l.lock().unwrap().push("Q") });
        go.store(true, SeqCst);
        rt.block_on(async {
            holder.await.unwrap();
            t.await.unwrap();
            q.await.unwrap();
        });
        let out = log.lock().unwrap().clone();
        out
    })
}

#[test]
fn lifo_slot_runs_spawned_task_next_unless_disabled() {
    let with = order_with_lifo(false);
    let without = order_with_lifo(true);
    let pos = |v: &Vec<&str>, x: &str| v.iter().position(|y| *y == x).unwrap();
    assert!(
        pos(&with, "S") < pos(&with, "Q"),
        "with the LIFO slot: {with:?}"
    );
    assert!(
        pos(&without, "Q") < pos(&without, "S"),
        "without the LIFO slot: {without:?}"
    );
}

/// Two tasks that yield in a loop, both started on one worker while the
/// other worker is blocked: once that worker is free again, one of them
/// moves to it. (Yielded tasks are held back from the run queue for a while,
/// so that a producer stays with the consumer it woke, but an idle worker
/// must still get them in the end.)
#[test]
fn yield_loops_spread_to_a_worker_that_became_idle() {
    with_timeout(|| {
        let rt = multi(2);
        // Block one worker.
        let (blocking_tx, blocking_rx) = mpsc::channel();
        let (release_tx, release_rx) = mpsc::channel::<()>();
        let blocker = rt.spawn(async move {
            blocking_tx.send(runtime::worker_index()).unwrap();
            release_rx.recv_timeout(WAIT).unwrap();
        });
        let blocked = blocking_rx.recv_timeout(WAIT).unwrap();
        // Start both loops from a task on the other worker.
        let stop = Arc::new(AtomicBool::new(false));
        let last = Arc::new([AtomicUsize::new(usize::MAX), AtomicUsize::new(usize::MAX)]);
        let (started_tx, started_rx) = mpsc::channel();
        let (spread_tx, spread_rx) = mpsc::channel();
        let (stop2, last2) = (stop.clone(), last.clone());
        let launcher = rt.spawn(async move {
            let mut loops = Vec::new();
            for me in 0..2 {
                let (stop, last) = (stop2.clone(), last2.clone());
                let (started, spread) = (started_tx.clone(), spread_tx.clone());
                loops.push(kiso::spawn(async move {
                    let mut polls = 0u64;
                    while !stop.load(SeqCst) {
                        let w = runtime::worker_index().unwrap();
                        last[me].store(w, SeqCst);
                        polls += 1;
                        if polls == 100 {
                            started.send(w).unwrap();
                        }
                        let other = last[1 - me].load(SeqCst);
                        if polls > 100 && other != usize::MAX && other != w {
                            let _ = spread.send(());
                        }
                        task::yield_now().await;
                    }
                }));
            }
            for l in loops {
                l.await.unwrap();
            }
        });
        let first = started_rx.recv_timeout(WAIT).unwrap();
        let second = started_rx.recv_timeout(WAIT).unwrap();
        assert_eq!(first, second, "both loops started on the free worker");
        assert_ne!(Some(first), blocked);
        release_tx.send(()).unwrap();
        rt.block_on(blocker).unwrap();
        let spread = spread_rx.recv_timeout(WAIT);
        stop.store(true, SeqCst);
        rt.block_on(launcher).unwrap();
        assert!(
            spread.is_ok(),
            "two yield loops stayed on one worker while the other was idle"
        );
    });
}
