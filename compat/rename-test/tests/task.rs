//! Tasks, written against Tokio's API: spawning, joining, aborting, task ids,
//! panics, detaching, and wakers used from plain threads.

use std::collections::HashSet;
use std::error::Error;
use std::future::Future;
use std::panic::{self, AssertUnwindSafe};
use std::pin::Pin;
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::sync::{mpsc, Arc, Mutex};
use std::task::{Context, Poll, Waker};
use std::thread;

use kiso_compat_rename::{
    block_on_plain, panic_message, quiet_expected_panics, watchdog, DropCount, ExpectedPanic,
    PollCount, Signal, EXPECTED, LIMIT,
};
use tokio::task::{self, AbortHandle, JoinError, JoinHandle};

/// Spawns with exactly the bounds Tokio documents, so a runtime that asked
/// for more (`Sync`, `Unpin`, ...) would not compile here.
fn spawn_with_tokio_bounds<F>(future: F) -> JoinHandle<F::Output>
where
    F: Future + Send + 'static,
    F::Output: Send + 'static,
{
    tokio::spawn(future)
}

/// The same, through the `task` module's path.
fn task_spawn_with_tokio_bounds<F>(future: F) -> JoinHandle<F::Output>
where
    F: Future + Send + 'static,
    F::Output: Send + 'static,
{
    task::spawn(future)
}

/// Passes a `JoinHandle` through only if it is a future of `Result<T, JoinError>`.
fn as_join_future<T, F: Future<Output = Result<T, JoinError>>>(future: F) -> F {
    future
}

/// Yields until `finished()` says yes; a bounded number of times, so that a
/// task that never finishes fails the test instead of hanging it.
async fn yield_until(what: &str, finished: impl Fn() -> bool) {
    for _ in 0..100_000 {
        if finished() {
            return;
        }
        task::yield_now().await;
    }
    panic!("{what}: still not finished after 100000 yields");
}

#[test]
fn handles_errors_and_ids_have_tokios_auto_traits() {
    fn send_sync_unpin<T: Send + Sync + Unpin + 'static>() {}
    fn error_type<T: Error + Send + Sync + 'static>() {}
    fn id_type<T: Copy + Eq + std::hash::Hash + std::fmt::Display + std::fmt::Debug>() {}

    send_sync_unpin::<JoinHandle<u32>>();
    send_sync_unpin::<AbortHandle>();
    send_sync_unpin::<task::Id>();
    error_type::<JoinError>();
    id_type::<task::Id>();
}

#[tokio::test]
async fn spawn_and_task_spawn_return_the_output_through_the_join_handle() {
    let _watchdog = watchdog("spawn_and_task_spawn_return_the_output_through_the_join_handle");
    let runs = Arc::new(AtomicUsize::new(0));
    let owned = String::from("owned by the task");

    let counted = runs.clone();
    let first: JoinHandle<usize> = spawn_with_tokio_bounds(async move {
        counted.fetch_add(1, Ordering::SeqCst);
        owned.len()
    });
    let second = task_spawn_with_tokio_bounds(async { 40 + 2 });

    assert_eq!(as_join_future(first).await.unwrap(), 17);
    assert_eq!(as_join_future(second).await.unwrap(), 42);
    assert_eq!(runs.load(Ordering::SeqCst), 1, "the task ran exactly once");
}

#[tokio::test]
async fn spawned_tasks_run_concurrently_with_each_other() {
    let _watchdog = watchdog("spawned_tasks_run_concurrently_with_each_other");
    let gate = Signal::new();

    // The waiter is spawned first and can only finish once the setter has
    // run, which it can only do while the waiter is parked.
    let waiting = gate.clone();
    let waiter = tokio::spawn(async move {
        waiting.wait().await;
        "released"
    });
    let setter = tokio::spawn(async move {
        gate.set();
    });

    assert_eq!(waiter.await.unwrap(), "released");
    setter.await.unwrap();
}

#[tokio::test]
async fn is_finished_turns_true_only_when_the_task_completes() {
    let _watchdog = watchdog("is_finished_turns_true_only_when_the_task_completes");
    let gate = Signal::new();
    let started = Signal::new();
    let (waiting, starting) = (gate.clone(), started.clone());
    let handle = tokio::spawn(async move {
        starting.set();
        waiting.wait().await;
        7
    });

    started.wait().await;
    assert!(!handle.is_finished(), "the task is parked on the gate");

    gate.set();
    yield_until("the released task", || handle.is_finished()).await;
    assert!(handle.is_finished());
    assert_eq!(handle.await.unwrap(), 7);
}

#[tokio::test]
async fn abort_cancels_a_parked_task_and_drops_its_future_once() {
    let _watchdog = watchdog("abort_cancels_a_parked_task_and_drops_its_future_once");
    let drops = DropCount::new();
    let guard = drops.guard();
    let reached_the_end = Arc::new(AtomicBool::new(false));
    let started = Signal::new();

    let (starting, reached) = (started.clone(), reached_the_end.clone());
    let handle = tokio::spawn(async move {
        let _guard = guard;
        starting.set();
        Signal::new().wait().await; // never set
        reached.store(true, Ordering::SeqCst);
    });
    started.wait().await;

    let id = handle.id();
    assert!(!handle.is_finished());
    handle.abort();
    handle.abort(); // aborting twice is the same as aborting once

    let err = handle.await.unwrap_err();
    assert!(err.is_cancelled());
    assert!(!err.is_panic());
    assert_eq!(err.id(), id);
    assert_eq!(err.to_string(), format!("task {id} was cancelled"));
    let debug = format!("{err:?}");
    assert!(
        debug.contains("Cancelled"),
        "Debug of a cancellation: {debug}"
    );
    assert!(
        debug.contains(&format!("{id:?}")),
        "Debug names the task: {debug}"
    );

    // Once the JoinHandle reports the cancellation, the future is gone.
    assert_eq!(drops.get(), 1, "the aborted future is dropped exactly once");
    assert!(!reached_the_end.load(Ordering::SeqCst));

    // A cancellation has no panic to give up.
    let err = err.try_into_panic().unwrap_err();
    assert!(err.is_cancelled());

    // JoinError is a std error, and converts into an io::Error.
    let as_dyn: Box<dyn Error + Send + Sync> = Box::new(err);
    assert_eq!(as_dyn.to_string(), format!("task {id} was cancelled"));
    let err = *as_dyn.downcast::<JoinError>().unwrap();
    let io: std::io::Error = err.into();
    assert_eq!(io.kind(), std::io::ErrorKind::Other);
}

#[tokio::test]
async fn abort_before_the_first_poll_means_the_task_never_runs() {
    let _watchdog = watchdog("abort_before_the_first_poll_means_the_task_never_runs");
    let ran = Arc::new(AtomicBool::new(false));
    let drops = DropCount::new();
    let guard = drops.guard();

    let running = ran.clone();
    let handle = tokio::spawn(async move {
        let _guard = guard;
        running.store(true, Ordering::SeqCst);
    });
    // On a current-thread runtime nothing runs until this body yields.
    handle.abort();

    let err = handle.await.unwrap_err();
    assert!(err.is_cancelled());
    assert!(
        !ran.load(Ordering::SeqCst),
        "an idle task is shut down without running again"
    );
    assert_eq!(drops.get(), 1);
}

#[tokio::test]
async fn abort_after_completion_leaves_the_output_in_place() {
    let _watchdog = watchdog("abort_after_completion_leaves_the_output_in_place");
    let handle = tokio::spawn(async { "done" });
    yield_until("the finished task", || handle.is_finished()).await;

    handle.abort();
    let abort_handle = handle.abort_handle();
    abort_handle.abort();
    assert!(abort_handle.is_finished());

    assert_eq!(handle.await.unwrap(), "done");
}

#[tokio::test]
async fn a_task_that_aborts_itself_finishes_normally_unless_it_yields_again() {
    let _watchdog = watchdog("a_task_that_aborts_itself_finishes_normally_unless_it_yields_again");

    // Aborts itself, then returns without reaching another `.await`.
    let slot: Arc<Mutex<Option<AbortHandle>>> = Arc::default();
    let own = slot.clone();
    let handle = tokio::spawn(async move {
        let me = own
            .lock()
            .unwrap()
            .take()
            .expect("the abort handle is in place");
        me.abort();
        5
    });
    *slot.lock().unwrap() = Some(handle.abort_handle());
    assert_eq!(handle.await.unwrap(), 5);

    // Aborts itself, then yields: it stops at that `.await`.
    let reached_the_end = Arc::new(AtomicBool::new(false));
    let (own, reached) = (slot.clone(), reached_the_end.clone());
    let handle = tokio::spawn(async move {
        let me = own
            .lock()
            .unwrap()
            .take()
            .expect("the abort handle is in place");
        me.abort();
        task::yield_now().await;
        reached.store(true, Ordering::SeqCst);
        6
    });
    *slot.lock().unwrap() = Some(handle.abort_handle());
    assert!(handle.await.unwrap_err().is_cancelled());
    assert!(!reached_the_end.load(Ordering::SeqCst));
}

#[tokio::test]
async fn abort_handles_share_the_task_id_and_work_from_another_thread() {
    let _watchdog = watchdog("abort_handles_share_the_task_id_and_work_from_another_thread");
    let started = Signal::new();
    let starting = started.clone();
    let handle = tokio::spawn(async move {
        starting.set();
        Signal::new().wait().await; // never set
    });
    started.wait().await;

    // A task has one JoinHandle but any number of AbortHandles.
    let first = handle.abort_handle();
    let second = handle.abort_handle();
    assert_eq!(first.id(), handle.id());
    assert_eq!(second.id(), handle.id());
    assert!(!first.is_finished());
    assert!(!second.is_finished());

    thread::spawn(move || first.abort()).join().unwrap();

    let err = handle.await.unwrap_err();
    assert!(err.is_cancelled());
    assert!(
        second.is_finished(),
        "the JoinHandle reported the end, so the task is finished"
    );
    second.abort(); // harmless once finished
}

#[tokio::test]
async fn task_ids_are_unique_copyable_hashable_and_match_inside_and_out() {
    let _watchdog = watchdog("task_ids_are_unique_copyable_hashable_and_match_inside_and_out");
    assert_eq!(
        task::try_id(),
        None,
        "the future given to block_on is not a task"
    );

    let handles: Vec<JoinHandle<(task::Id, task::Id)>> = (0..64)
        .map(|_| {
            tokio::spawn(async {
                let before = task::id();
                assert_eq!(task::try_id(), Some(before));
                task::yield_now().await;
                (before, task::id())
            })
        })
        .collect();

    let mut ids = HashSet::new();
    for handle in handles {
        let outside = handle.id();
        let copy = outside; // `Id: Copy`: `outside` stays usable
        let (before, after) = handle.await.unwrap();
        assert_eq!(before, outside);
        assert_eq!(after, outside, "the id stays the same across an .await");
        assert_eq!(copy.to_string(), outside.to_string());
        assert!(!outside.to_string().is_empty());
        assert!(
            ids.insert(outside),
            "task id {outside} was handed out twice"
        );
    }
    assert_eq!(ids.len(), 64);
    let shown: HashSet<String> = ids.iter().map(ToString::to_string).collect();
    assert_eq!(shown.len(), 64, "distinct ids display differently");

    // A task spawned from inside a task has its own id.
    let (parent, child) = tokio::spawn(async {
        let child = tokio::spawn(async { task::id() }).await.unwrap();
        (task::id(), child)
    })
    .await
    .unwrap();
    assert_ne!(parent, child);
}

#[test]
fn task_id_is_absent_outside_any_runtime() {
    assert_eq!(task::try_id(), None);
    thread::spawn(|| assert_eq!(task::try_id(), None))
        .join()
        .unwrap();
    assert_eq!(block_on_plain(async { task::try_id() }), None);

    quiet_expected_panics();
    let outside = panic::catch_unwind(task::id);
    assert!(outside.is_err(), "task::id() panics outside a task");
}

#[tokio::test]
async fn dropping_the_join_handle_detaches_the_task() {
    let _watchdog = watchdog("dropping_the_join_handle_detaches_the_task");
    let drops = DropCount::new();
    let guard = drops.guard();
    let (started, gate, done) = (Signal::new(), Signal::new(), Signal::new());

    let (starting, waiting, finishing) = (started.clone(), gate.clone(), done.clone());
    let handle = tokio::spawn(async move {
        let _guard = guard;
        starting.set();
        waiting.wait().await;
        finishing.set();
    });
    started.wait().await;
    drop(handle);
    task::yield_now().await;

    // The task is still alive and runs to completion once released.
    assert_eq!(
        drops.get(),
        0,
        "dropping the JoinHandle does not cancel the task"
    );
    gate.set();
    done.wait().await;
    yield_until("the detached task", || drops.get() == 1).await;
}

#[tokio::test]
async fn a_panicking_task_gives_back_its_payload_and_the_runtime_goes_on() {
    let _watchdog = watchdog("a_panicking_task_gives_back_its_payload_and_the_runtime_goes_on");
    quiet_expected_panics();
    let seven = std::hint::black_box(7);

    // A sibling that is parked across the panics and must survive them.
    let gate = Signal::new();
    let waiting = gate.clone();
    let sibling = tokio::spawn(async move {
        waiting.wait().await;
        "sibling done"
    });

    // A formatted message: the payload is a String.
    let handle = tokio::spawn(async move {
        if seven == 7 {
            panic!("{EXPECTED}: boom {seven}");
        }
        0u32
    });
    let id = handle.id();
    let err = handle.await.unwrap_err();
    let message = format!("{EXPECTED}: boom 7");
    assert!(err.is_panic());
    assert!(!err.is_cancelled());
    assert_eq!(err.id(), id);
    assert_eq!(
        err.to_string(),
        format!("task {id} panicked with message {message:?}")
    );
    let debug = format!("{err:?}");
    assert!(debug.contains("Panic"), "Debug of a panic: {debug}");
    let payload = err.into_panic();
    assert_eq!(payload.downcast_ref::<String>(), Some(&message));

    // The payload can be carried on with resume_unwind.
    let rethrown = panic::catch_unwind(AssertUnwindSafe(|| panic::resume_unwind(payload)));
    assert_eq!(
        panic_message(&*rethrown.unwrap_err()),
        Some(message.as_str())
    );

    // A literal message: the payload is a &'static str.
    let handle = tokio::spawn(async move {
        if seven == 7 {
            panic!("expected panic: a literal");
        }
    });
    let err = handle.await.unwrap_err();
    let id = err.id();
    assert_eq!(
        err.to_string(),
        format!("task {id} panicked with message \"expected panic: a literal\"")
    );
    assert_eq!(
        panic_message(&*err.into_panic()),
        Some("expected panic: a literal")
    );

    // A payload that is not a string: the message is left out.
    let handle = tokio::spawn(async move {
        if seven == 7 {
            panic::panic_any(ExpectedPanic(42));
        }
    });
    let id = handle.id();
    let err = handle.await.unwrap_err();
    assert_eq!(err.to_string(), format!("task {id} panicked"));
    let as_dyn: &(dyn Error + Send + Sync) = &err;
    assert_eq!(as_dyn.to_string(), format!("task {id} panicked"));
    let payload = err.try_into_panic().expect("a panic gives up its payload");
    assert_eq!(
        payload.downcast_ref::<ExpectedPanic>(),
        Some(&ExpectedPanic(42))
    );

    // The runtime and its other tasks go on.
    gate.set();
    assert_eq!(sibling.await.unwrap(), "sibling done");
    assert_eq!(tokio::spawn(async { 1 }).await.unwrap(), 1);
}

#[tokio::test]
async fn yield_now_lets_the_other_ready_tasks_run_first() {
    let _watchdog = watchdog("yield_now_lets_the_other_ready_tasks_run_first");
    let log = Arc::new(Mutex::new(Vec::new()));

    let spawn_logger = |name: &'static str| {
        let log = log.clone();
        tokio::spawn(async move {
            log.lock().unwrap().push(format!("{name} before"));
            task::yield_now().await;
            log.lock().unwrap().push(format!("{name} after"));
        })
    };
    let a = spawn_logger("a");
    let b = spawn_logger("b");
    a.await.unwrap();
    b.await.unwrap();

    let log = log.lock().unwrap().clone();
    let position = |entry: &str| log.iter().position(|e| e == entry).unwrap();
    assert!(
        position("b before") < position("a after"),
        "a yielded to b: {log:?}"
    );
    assert!(
        position("a before") < position("b after"),
        "b yielded to a: {log:?}"
    );

    // A single yield costs exactly one extra poll.
    let polls = PollCount::new();
    tokio::spawn(polls.wrap(task::yield_now())).await.unwrap();
    assert_eq!(polls.get(), 2);
}

/// Hands its waker to a plain thread on the first poll, then waits for that
/// thread to set `woken`.
struct WokenByThread {
    woken: Arc<AtomicBool>,
    give_waker: Option<mpsc::Sender<Waker>>,
}

impl Future for WokenByThread {
    type Output = ();

    fn poll(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<()> {
        if self.woken.load(Ordering::Acquire) {
            return Poll::Ready(());
        }
        if let Some(give) = self.give_waker.take() {
            give.send(cx.waker().clone()).unwrap();
        }
        Poll::Pending
    }
}

/// Starts a plain thread that waits for a waker, sets the flag and wakes it.
fn waking_thread() -> (WokenByThread, thread::JoinHandle<Waker>) {
    let (give, take) = mpsc::channel::<Waker>();
    let woken = Arc::new(AtomicBool::new(false));
    let flag = woken.clone();
    let thread = thread::spawn(move || {
        let waker = take
            .recv_timeout(LIMIT)
            .expect("the future never handed over its waker");
        flag.store(true, Ordering::Release);
        waker.wake_by_ref();
        waker
    });
    let future = WokenByThread {
        woken,
        give_waker: Some(give),
    };
    (future, thread)
}

#[tokio::test]
async fn a_waker_used_from_a_plain_thread_wakes_the_task() {
    let _watchdog = watchdog("a_waker_used_from_a_plain_thread_wakes_the_task");

    // Inside a spawned task.
    let (future, thread) = waking_thread();
    let polls = PollCount::new();
    tokio::spawn(polls.wrap(future)).await.unwrap();
    let waker = thread.join().unwrap();
    assert!(polls.get() >= 2, "the task was polled again after the wake");
    waker.wake(); // waking a finished task is harmless

    // The future given to block_on itself.
    let (future, thread) = waking_thread();
    future.await;
    thread.join().unwrap().wake();

    // Several threads waking the same task through clones of its waker.
    let (give, take) = mpsc::channel::<Waker>();
    let count = Arc::new(AtomicUsize::new(0));
    let seen = count.clone();
    let handle = tokio::spawn(std::future::poll_fn(move |cx| {
        if seen.load(Ordering::Acquire) == 4 {
            return Poll::Ready(());
        }
        let _ = give.send(cx.waker().clone());
        Poll::Pending
    }));
    let wakers = thread::spawn(move || {
        let waker = take.recv_timeout(LIMIT).expect("no waker arrived");
        let threads: Vec<_> = (0..4)
            .map(|_| {
                let (waker, count) = (waker.clone(), count.clone());
                thread::spawn(move || {
                    count.fetch_add(1, Ordering::AcqRel);
                    waker.wake();
                })
            })
            .collect();
        threads.into_iter().for_each(|t| t.join().unwrap());
    });
    handle.await.unwrap();
    wakers.join().unwrap();
}

#[tokio::test]
async fn join_handles_dropped_on_another_thread_while_tasks_finish() {
    let _watchdog = watchdog("join_handles_dropped_on_another_thread_while_tasks_finish");
    const TASKS: usize = 1000;
    let drops = DropCount::new();
    let (hand_over, handles) = mpsc::channel::<JoinHandle<()>>();
    let dropper = thread::spawn(move || {
        for _ in 0..TASKS {
            drop(
                handles
                    .recv_timeout(LIMIT)
                    .expect("a JoinHandle never arrived"),
            );
        }
    });

    let finished = Arc::new(AtomicUsize::new(0));
    for _ in 0..TASKS {
        let (guard, finished) = (drops.guard(), finished.clone());
        let handle = tokio::spawn(async move {
            let _guard = guard;
            task::yield_now().await;
            finished.fetch_add(1, Ordering::SeqCst);
        });
        hand_over.send(handle).unwrap();
    }
    yield_until("the detached tasks", || drops.get() == TASKS).await;
    dropper.join().unwrap();
    assert_eq!(
        finished.load(Ordering::SeqCst),
        TASKS,
        "every detached task ran to the end"
    );
    assert_eq!(drops.get(), TASKS, "each future dropped exactly once");
}

#[tokio::test]
async fn aborts_from_another_thread_race_with_completion() {
    let _watchdog = watchdog("aborts_from_another_thread_race_with_completion");
    const TASKS: usize = 1000;
    let drops = DropCount::new();
    let mut handles = Vec::new();
    let mut aborts = Vec::new();
    for i in 0..TASKS {
        let guard = drops.guard();
        let handle = tokio::spawn(async move {
            let _guard = guard;
            for _ in 0..i % 4 {
                task::yield_now().await;
            }
            i
        });
        aborts.push(handle.abort_handle());
        handles.push(handle);
    }
    let aborter = thread::spawn(move || aborts.iter().rev().for_each(AbortHandle::abort));

    let (mut completed, mut cancelled) = (0, 0);
    for (i, handle) in handles.into_iter().enumerate() {
        match handle.await {
            Ok(value) => {
                assert_eq!(value, i);
                completed += 1;
            }
            Err(err) => {
                assert!(err.is_cancelled(), "task {i}: {err}");
                cancelled += 1;
            }
        }
    }
    aborter.join().unwrap();
    assert_eq!(completed + cancelled, TASKS);
    assert_eq!(
        drops.get(),
        TASKS,
        "each future dropped exactly once, aborted or not"
    );
}
