//! The blocking pool, written against Tokio's API: thread names and hooks,
//! stack size, keep-alive, the thread limit, panics, abort, and shutting a
//! runtime down while a blocking closure is stuck.
//!
//! Every wait here is on a std channel with a deadline, never a sleep.

use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{mpsc, Arc};
use std::thread::{self, ThreadId};
use std::time::{Duration, Instant};

use kiso_compat_rename::{quiet_expected_panics, watchdog, DropCount, Signal, EXPECTED, LIMIT};
use tokio::runtime::{Builder, Handle, Runtime};
use tokio::task::{self, JoinHandle};

fn current_thread() -> Runtime {
    Builder::new_current_thread().build().unwrap()
}

/// A blocking closure that reports when it starts and then holds its thread
/// until it is released (or until [`LIMIT`], so nothing is stuck forever).
struct Held {
    started: mpsc::Receiver<()>,
    release: mpsc::Sender<()>,
    finished: mpsc::Receiver<()>,
}

fn spawn_held(spawn: impl FnOnce(Box<dyn FnOnce() + Send>)) -> Held {
    let (started_tx, started) = mpsc::channel();
    let (release, release_rx) = mpsc::channel::<()>();
    let (finished_tx, finished) = mpsc::channel();
    spawn(Box::new(move || {
        started_tx.send(()).unwrap();
        let _ = release_rx.recv_timeout(LIMIT);
        let _ = finished_tx.send(());
    }));
    Held {
        started,
        release,
        finished,
    }
}

#[test]
fn blocking_threads_carry_the_name_and_run_the_start_and_stop_hooks() {
    let _watchdog = watchdog("blocking_threads_carry_the_name_and_run_the_start_and_stop_hooks");
    let (start_tx, start_rx) = mpsc::channel::<(ThreadId, Option<String>)>();
    let (stop_tx, stop_rx) = mpsc::channel::<ThreadId>();

    let rt = Builder::new_current_thread()
        .thread_name("compat-blocking")
        .on_thread_start(move || {
            let me = thread::current();
            let _ = start_tx.send((me.id(), me.name().map(String::from)));
        })
        .on_thread_stop(move || {
            let _ = stop_tx.send(thread::current().id());
        })
        .build()
        .unwrap();

    let (id, name) = rt
        .block_on(rt.spawn_blocking(|| {
            let me = thread::current();
            (me.id(), me.name().map(String::from))
        }))
        .unwrap();
    assert_eq!(name.as_deref(), Some("compat-blocking"));
    assert_ne!(id, thread::current().id());

    // on_thread_start ran on that very thread, before the closure.
    let (started_id, started_name) = start_rx
        .recv_timeout(LIMIT)
        .expect("on_thread_start never ran");
    assert_eq!(started_id, id);
    assert_eq!(started_name, name);

    // on_thread_stop runs on it when it exits, at the latest at shutdown.
    drop(rt);
    let stopped = stop_rx
        .recv_timeout(LIMIT)
        .expect("on_thread_stop never ran");
    assert_eq!(stopped, id);
}

#[test]
fn thread_name_fn_names_each_blocking_thread() {
    let _watchdog = watchdog("thread_name_fn_names_each_blocking_thread");
    let calls = Arc::new(AtomicUsize::new(0));
    let counter = calls.clone();
    let rt = Builder::new_current_thread()
        .thread_name_fn(move || format!("compat-fn-{}", counter.fetch_add(1, Ordering::SeqCst)))
        .build()
        .unwrap();

    // Three closures held at once need three threads.
    let (name_tx, name_rx) = mpsc::channel::<String>();
    let mut releases = Vec::new();
    let mut handles = Vec::new();
    for _ in 0..3 {
        let (release, release_rx) = mpsc::channel::<()>();
        releases.push(release);
        let name_tx = name_tx.clone();
        handles.push(rt.spawn_blocking(move || {
            name_tx
                .send(thread::current().name().unwrap_or("").to_string())
                .unwrap();
            let _ = release_rx.recv_timeout(LIMIT);
        }));
    }
    let mut names: Vec<String> = (0..3)
        .map(|_| {
            name_rx
                .recv_timeout(LIMIT)
                .expect("a blocking closure never started")
        })
        .collect();
    releases.iter().for_each(|r| r.send(()).unwrap());
    rt.block_on(async {
        for handle in handles {
            handle.await.unwrap();
        }
    });

    names.sort();
    names.dedup();
    assert_eq!(names.len(), 3, "three threads, three names: {names:?}");
    assert!(
        names.iter().all(|n| n.starts_with("compat-fn-")),
        "{names:?}"
    );
    assert!(calls.load(Ordering::SeqCst) >= 3);
}

/// The size of the calling thread's stack, as the platform reports it.
#[cfg(target_os = "linux")]
fn current_stack_size() -> usize {
    // SAFETY: `attr` is initialised by pthread_getattr_np before it is read,
    // and destroyed exactly once; the out-pointers point at live locals.
    unsafe {
        let mut attr: libc::pthread_attr_t = std::mem::zeroed();
        assert_eq!(libc::pthread_getattr_np(libc::pthread_self(), &mut attr), 0);
        let mut addr = std::ptr::null_mut();
        let mut size = 0;
        assert_eq!(libc::pthread_attr_getstack(&attr, &mut addr, &mut size), 0);
        libc::pthread_attr_destroy(&mut attr);
        size
    }
}

#[cfg(target_os = "linux")]
#[test]
fn thread_stack_size_sets_the_blocking_threads_stack() {
    let _watchdog = watchdog("thread_stack_size_sets_the_blocking_threads_stack");
    // Bigger than the 2 MiB default, so the setting has to be applied.
    const WANTED: usize = 6 * 1024 * 1024;
    let rt = Builder::new_current_thread()
        .thread_stack_size(WANTED)
        .build()
        .unwrap();
    let size = rt.block_on(rt.spawn_blocking(current_stack_size)).unwrap();
    // The platform may count a guard page in or out, so allow a little slack;
    // the default would be far below this.
    assert!(
        size >= WANTED - 64 * 1024,
        "blocking thread stack is {size} bytes, asked for {WANTED}"
    );
}

#[test]
fn an_idle_blocking_thread_exits_after_the_keep_alive() {
    let _watchdog = watchdog("an_idle_blocking_thread_exits_after_the_keep_alive");
    let (stop_tx, stop_rx) = mpsc::channel::<ThreadId>();
    let starts = Arc::new(AtomicUsize::new(0));
    let counter = starts.clone();
    let rt = Builder::new_current_thread()
        .thread_keep_alive(Duration::from_millis(20))
        .on_thread_start(move || {
            counter.fetch_add(1, Ordering::SeqCst);
        })
        .on_thread_stop(move || {
            let _ = stop_tx.send(thread::current().id());
        })
        .build()
        .unwrap();

    let first = rt
        .block_on(rt.spawn_blocking(|| thread::current().id()))
        .unwrap();
    // The runtime is alive; only the keep-alive can end the idle thread.
    let stopped = stop_rx
        .recv_timeout(LIMIT)
        .expect("the idle blocking thread never exited");
    assert_eq!(stopped, first);

    // Later work gets a new thread.
    let second = rt
        .block_on(rt.spawn_blocking(|| thread::current().id()))
        .unwrap();
    assert_ne!(second, first);
    assert_eq!(starts.load(Ordering::SeqCst), 2);
}

/// Spawns four closures that each count themselves in `active`, record the
/// peak, announce their start, and hold until the test releases them.
struct Four {
    active: Arc<AtomicUsize>,
    peak: Arc<AtomicUsize>,
    started: mpsc::Receiver<usize>,
    releases: Vec<mpsc::Sender<()>>,
    handles: Vec<JoinHandle<usize>>,
}

fn spawn_four(rt: &Runtime) -> Four {
    let active = Arc::new(AtomicUsize::new(0));
    let peak = Arc::new(AtomicUsize::new(0));
    let (started_tx, started) = mpsc::channel();
    let mut releases = Vec::new();
    let mut handles = Vec::new();
    for i in 0..4 {
        let (release, release_rx) = mpsc::channel::<()>();
        releases.push(release);
        let (active, peak, started_tx) = (active.clone(), peak.clone(), started_tx.clone());
        handles.push(rt.spawn_blocking(move || {
            let now = active.fetch_add(1, Ordering::SeqCst) + 1;
            peak.fetch_max(now, Ordering::SeqCst);
            started_tx.send(i).unwrap();
            release_rx
                .recv_timeout(LIMIT)
                .expect("the test never released this closure");
            active.fetch_sub(1, Ordering::SeqCst);
            i
        }));
    }
    Four {
        active,
        peak,
        started,
        releases,
        handles,
    }
}

#[test]
fn max_blocking_threads_one_runs_blocking_closures_one_at_a_time() {
    let _watchdog = watchdog("max_blocking_threads_one_runs_blocking_closures_one_at_a_time");
    let rt = Builder::new_current_thread()
        .max_blocking_threads(1)
        .build()
        .unwrap();
    let four = spawn_four(&rt);

    let mut order = Vec::new();
    for _ in 0..4 {
        let i = four
            .started
            .recv_timeout(LIMIT)
            .expect("a queued closure never started");
        // While closure `i` holds the only thread, nothing else may start.
        assert_eq!(four.active.load(Ordering::SeqCst), 1);
        assert!(
            four.started.try_recv().is_err(),
            "a second closure started while {i} held the thread"
        );
        order.push(i);
        four.releases[i].send(()).unwrap();
    }
    let mut outputs = rt.block_on(async {
        let mut outputs = Vec::new();
        for handle in four.handles {
            outputs.push(handle.await.unwrap());
        }
        outputs
    });

    assert_eq!(
        four.peak.load(Ordering::SeqCst),
        1,
        "never more than one closure at a time"
    );
    order.sort_unstable();
    outputs.sort_unstable();
    assert_eq!(order, [0, 1, 2, 3]);
    assert_eq!(outputs, [0, 1, 2, 3]);
}

#[test]
fn with_enough_blocking_threads_the_same_closures_overlap() {
    // The control for the test above: the counter does see overlap when the
    // pool allows it. All four start before any is released.
    let _watchdog = watchdog("with_enough_blocking_threads_the_same_closures_overlap");
    let rt = Builder::new_current_thread()
        .max_blocking_threads(4)
        .build()
        .unwrap();
    let four = spawn_four(&rt);
    for _ in 0..4 {
        four.started
            .recv_timeout(LIMIT)
            .expect("four threads run four closures at once");
    }
    assert_eq!(four.active.load(Ordering::SeqCst), 4);
    four.releases.iter().for_each(|r| r.send(()).unwrap());
    rt.block_on(async {
        for handle in four.handles {
            handle.await.unwrap();
        }
    });
    assert_eq!(four.peak.load(Ordering::SeqCst), 4);
}

#[test]
fn shutdown_timeout_returns_even_though_a_blocking_closure_is_stuck() {
    let _watchdog = watchdog("shutdown_timeout_returns_even_though_a_blocking_closure_is_stuck");
    let rt = current_thread();
    let held = spawn_held(|f| drop(rt.spawn_blocking(f)));
    held.started
        .recv_timeout(LIMIT)
        .expect("the blocking closure never started");

    // An async task that is still pending is dropped by the shutdown.
    let drops = DropCount::new();
    let guard = drops.guard();
    drop(rt.spawn(async move {
        let _guard = guard;
        Signal::new().wait().await;
    }));

    let timeout = Duration::from_millis(100);
    let began = Instant::now();
    rt.shutdown_timeout(timeout);
    let waited = began.elapsed();

    assert!(
        waited >= timeout,
        "returned after {waited:?}, before the {timeout:?} it had to wait"
    );
    assert!(
        waited < Duration::from_secs(10),
        "took {waited:?} for a {timeout:?} timeout"
    );
    assert_eq!(drops.get(), 1, "the pending task's future was dropped");
    assert!(
        held.finished.try_recv().is_err(),
        "the stuck closure is still running"
    );

    // Let it go, so nothing outlives the test.
    held.release.send(()).unwrap();
    held.finished
        .recv_timeout(LIMIT)
        .expect("the released closure never finished");
}

#[test]
fn shutdown_background_does_not_wait_for_blocking_closures() {
    let _watchdog = watchdog("shutdown_background_does_not_wait_for_blocking_closures");
    let rt = current_thread();
    let held = spawn_held(|f| drop(rt.spawn_blocking(f)));
    held.started
        .recv_timeout(LIMIT)
        .expect("the blocking closure never started");

    let began = Instant::now();
    rt.shutdown_background();
    let waited = began.elapsed();
    assert!(
        waited < Duration::from_secs(5),
        "shutdown_background took {waited:?}"
    );
    assert!(
        held.finished.try_recv().is_err(),
        "it returned while the closure still runs"
    );

    held.release.send(()).unwrap();
    held.finished
        .recv_timeout(LIMIT)
        .expect("the released closure never finished");
}

#[test]
fn shutdown_background_may_be_called_inside_another_runtime() {
    let _watchdog = watchdog("shutdown_background_may_be_called_inside_another_runtime");
    let outer = current_thread();
    let inner = current_thread();
    let held = spawn_held(|f| drop(inner.spawn_blocking(f)));
    held.started
        .recv_timeout(LIMIT)
        .expect("the blocking closure never started");

    outer.block_on(async move {
        inner.shutdown_background();
    });

    held.release.send(()).unwrap();
    held.finished
        .recv_timeout(LIMIT)
        .expect("the released closure never finished");
}

#[tokio::test]
async fn spawn_blocking_returns_its_value_and_its_panic() {
    let _watchdog = watchdog("spawn_blocking_returns_its_value_and_its_panic");
    quiet_expected_panics();
    let main_thread = thread::current().id();

    let handle = task::spawn_blocking(move || (thread::current().id() != main_thread, "value"));
    assert_eq!(handle.await.unwrap(), (true, "value"));

    let handle = tokio::task::spawn_blocking(|| {
        if std::hint::black_box(true) {
            panic!("{EXPECTED}: in a blocking closure");
        }
    });
    let id = handle.id();
    let err = handle.await.unwrap_err();
    assert!(err.is_panic());
    assert_eq!(err.id(), id);
    assert_eq!(
        err.to_string(),
        format!("task {id} panicked with message \"expected panic: in a blocking closure\"")
    );
    let payload = err.into_panic();
    assert_eq!(
        payload.downcast_ref::<String>().map(String::as_str),
        Some("expected panic: in a blocking closure")
    );

    // The pool is still there for more work.
    assert_eq!(task::spawn_blocking(|| 3).await.unwrap(), 3);
}

#[test]
fn abort_does_not_stop_a_blocking_closure_that_has_started() {
    let _watchdog = watchdog("abort_does_not_stop_a_blocking_closure_that_has_started");
    let rt = current_thread();
    let (started_tx, started_rx) = mpsc::channel();
    let (release_tx, release_rx) = mpsc::channel::<()>();
    let handle = rt.spawn_blocking(move || {
        started_tx.send(()).unwrap();
        release_rx.recv_timeout(LIMIT).expect("never released");
        9
    });
    started_rx
        .recv_timeout(LIMIT)
        .expect("the blocking closure never started");

    handle.abort();
    assert!(!handle.is_finished());
    release_tx.send(()).unwrap();
    assert_eq!(
        rt.block_on(handle).unwrap(),
        9,
        "abort has no effect on a running closure"
    );
}

#[test]
fn a_blocking_closure_runs_inside_the_runtimes_context() {
    let _watchdog = watchdog("a_blocking_closure_runs_inside_the_runtimes_context");
    let rt = current_thread();
    let runtime_id = rt.handle().id();

    let blocking = rt.spawn_blocking(|| {
        let handle = Handle::try_current().expect("a blocking closure sees its runtime");
        // Hand work back to the runtime and wait for it from this thread.
        let spawned = tokio::spawn(async { 3 });
        let answer = handle.block_on(async move { spawned.await.unwrap() * 2 });
        (handle.id(), task::try_id(), answer)
    });
    let blocking_id = blocking.id();
    let (seen_id, task_id, answer) = rt.block_on(blocking).unwrap();

    assert_eq!(seen_id, runtime_id);
    assert_eq!(
        task_id,
        Some(blocking_id),
        "a blocking closure runs as its task"
    );
    assert_eq!(answer, 6);
}
