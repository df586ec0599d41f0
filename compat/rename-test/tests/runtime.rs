//! Runtimes, written against Tokio's API: the current-thread `Builder` and its
//! options, `Runtime`, `Handle`, entering a context, runtime ids and names,
//! and what dropping a runtime does to the tasks still on it.

use std::cell::RefCell;
use std::panic::{self, AssertUnwindSafe};
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::sync::{mpsc, Arc};
use std::thread;
use std::time::Duration;

use kiso_compat_rename::{quiet_expected_panics, watchdog, DropCount, Signal, EXPECTED, LIMIT};
use tokio::runtime::{self, Builder, EnterGuard, Handle, Runtime, RuntimeFlavor, TryCurrentError};
use tokio::task;

fn current_thread() -> Runtime {
    Builder::new_current_thread().build().unwrap()
}

fn named(name: &str) -> Runtime {
    Builder::new_current_thread().name(name).build().unwrap()
}

#[test]
fn runtime_types_have_tokios_auto_traits() {
    fn send_sync<T: Send + Sync + 'static>() {}
    fn id_type<T: Copy + Eq + std::hash::Hash + std::fmt::Display + std::fmt::Debug>() {}
    send_sync::<Runtime>();
    send_sync::<Handle>();
    send_sync::<TryCurrentError>();
    id_type::<runtime::Id>();
    fn error_type<T: std::error::Error + Send + Sync + 'static>() {}
    error_type::<TryCurrentError>();
}

#[test]
fn builder_takes_every_current_thread_option() {
    let _watchdog = watchdog("builder_takes_every_current_thread_option");
    let started = Arc::new(AtomicUsize::new(0));
    let stopped = Arc::new(AtomicUsize::new(0));
    let (on_start, on_stop) = (started.clone(), stopped.clone());

    let mut builder = Builder::new_current_thread();
    builder
        .enable_all()
        .enable_io()
        .enable_time()
        .thread_name("compat-plain-name")
        // Set after `thread_name`, so this one wins.
        .thread_name_fn(|| String::from("compat-named-by-fn"))
        .thread_stack_size(4 * 1024 * 1024)
        .on_thread_start(move || {
            on_start.fetch_add(1, Ordering::SeqCst);
        })
        .on_thread_stop(move || {
            on_stop.fetch_add(1, Ordering::SeqCst);
        })
        .max_blocking_threads(2)
        .thread_keep_alive(Duration::from_secs(5))
        .event_interval(7)
        .global_queue_interval(3)
        .name("compat-runtime");
    let rt = builder.build().unwrap();
    // A builder can build more than one runtime.
    let twin = builder.build().unwrap();

    let handle = rt.handle();
    assert_eq!(handle.runtime_flavor(), RuntimeFlavor::CurrentThread);
    assert_eq!(handle.name(), Some("compat-runtime"));
    assert_eq!(twin.handle().name(), Some("compat-runtime"));
    assert_ne!(handle.id(), twin.handle().id());

    let (thread_name, sum) = rt.block_on(async {
        let blocking = task::spawn_blocking(|| thread::current().name().map(String::from));
        // Plenty of ticks, so both intervals come round many times.
        let tasks: Vec<_> = (0..1000u64)
            .map(|i| {
                tokio::spawn(async move {
                    task::yield_now().await;
                    i
                })
            })
            .collect();
        let mut sum = 0;
        for t in tasks {
            sum += t.await.unwrap();
        }
        (blocking.await.unwrap(), sum)
    });
    assert_eq!(thread_name.as_deref(), Some("compat-named-by-fn"));
    assert_eq!(sum, 999 * 1000 / 2);
    assert!(
        started.load(Ordering::SeqCst) >= 1,
        "on_thread_start ran for the blocking thread"
    );

    drop(rt);
    assert_eq!(
        stopped.load(Ordering::SeqCst),
        started.load(Ordering::SeqCst),
        "after the runtime is dropped, every started thread has stopped"
    );
    drop(twin);
}

#[test]
fn builder_options_panic_on_the_values_tokio_rejects() {
    quiet_expected_panics();
    // The builder's own messages are not ours to silence, so only check
    // that each call panics.
    let rejects = |what: &str, f: &dyn Fn(&mut Builder)| {
        let result =
            panic::catch_unwind(AssertUnwindSafe(|| f(&mut Builder::new_current_thread())));
        assert!(result.is_err(), "{what} did not panic");
    };
    rejects("name(\"\")", &|b| {
        b.name("");
    });
    rejects("name of blanks", &|b| {
        b.name("   ");
    });
    rejects("max_blocking_threads(0)", &|b| {
        b.max_blocking_threads(0);
    });
    rejects("event_interval(0)", &|b| {
        b.event_interval(0);
    });
    rejects("global_queue_interval(0)", &|b| {
        b.global_queue_interval(0);
    });
}

#[test]
fn a_runtime_without_a_name_has_none() {
    let rt = current_thread();
    assert_eq!(rt.handle().name(), None);
    assert_eq!(
        rt.block_on(async { Handle::current().name().map(String::from) }),
        None
    );
}

#[test]
fn runtime_new_runs_tasks() {
    let _watchdog = watchdog("runtime_new_runs_tasks");
    let rt = Runtime::new().unwrap();
    let out = rt.block_on(async {
        let a = tokio::spawn(async { 20 });
        let b = task::spawn_blocking(|| 22);
        a.await.unwrap() + b.await.unwrap()
    });
    assert_eq!(out, 42);
}

#[test]
fn runtime_new_builds_a_multi_thread_runtime() {
    let rt = Runtime::new().unwrap();
    assert_eq!(rt.handle().runtime_flavor(), RuntimeFlavor::MultiThread);
}

#[test]
fn runtime_block_on_spawn_spawn_blocking_and_handle() {
    let _watchdog = watchdog("runtime_block_on_spawn_spawn_blocking_and_handle");
    let rt = current_thread();

    // Spawned from outside any context: queued until block_on drives it.
    let ran = Arc::new(AtomicBool::new(false));
    let running = ran.clone();
    let spawned = rt.spawn(async move {
        running.store(true, Ordering::SeqCst);
        task::id()
    });
    let spawned_id = spawned.id();

    let blocking = rt.spawn_blocking(|| thread::current().id());
    let (task_id, blocking_thread) =
        rt.block_on(async { (spawned.await.unwrap(), blocking.await.unwrap()) });
    assert!(ran.load(Ordering::SeqCst));
    assert_eq!(task_id, spawned_id);
    assert_ne!(
        blocking_thread,
        thread::current().id(),
        "spawn_blocking runs elsewhere"
    );

    // block_on gives back the future's output and runs inside the context.
    let (flavor, same_runtime) = rt.block_on(async {
        let current = Handle::current();
        (current.runtime_flavor(), current.id())
    });
    assert_eq!(flavor, RuntimeFlavor::CurrentThread);
    assert_eq!(same_runtime, rt.handle().id());

    // A Handle clone spawns onto the same runtime.
    let handle: Handle = rt.handle().clone();
    let from_handle = handle.spawn(async { Handle::current().id() });
    let blocking_from_handle = handle.spawn_blocking(|| 8);
    let (id, eight) = rt.block_on(async {
        (
            from_handle.await.unwrap(),
            blocking_from_handle.await.unwrap(),
        )
    });
    assert_eq!(id, rt.handle().id());
    assert_eq!(eight, 8);
}

#[test]
fn runtime_ids_are_equal_for_one_runtime_and_differ_between_runtimes() {
    let a = current_thread();
    let b = current_thread();
    let a_id: runtime::Id = a.handle().id();
    let copy = a_id;
    assert_eq!(a_id, a.handle().clone().id());
    assert_eq!(a_id, copy);
    assert_eq!(a.block_on(async { Handle::current().id() }), a_id);
    assert_ne!(a_id, b.handle().id());
    assert!(!a_id.to_string().is_empty());
    assert_eq!(a_id.to_string(), copy.to_string());
    assert_ne!(a_id.to_string(), b.handle().id().to_string());
}

#[test]
fn try_current_outside_a_runtime_reports_a_missing_context() {
    let err: TryCurrentError = Handle::try_current().unwrap_err();
    assert!(err.is_missing_context());
    assert!(!err.is_thread_local_destroyed());
    assert!(!err.to_string().is_empty());
    assert!(!format!("{err:?}").is_empty());

    quiet_expected_panics();
    assert!(
        panic::catch_unwind(Handle::current).is_err(),
        "Handle::current() panics outside a runtime"
    );
    let spawn_outside = panic::catch_unwind(|| tokio::spawn(async {}));
    assert!(
        spawn_outside.is_err(),
        "tokio::spawn panics outside a runtime"
    );
}

#[test]
fn try_current_in_a_thread_local_destructor_does_not_panic() {
    struct Probe(mpsc::Sender<Option<(bool, bool, String)>>);

    impl Drop for Probe {
        fn drop(&mut self) {
            let seen = match Handle::try_current() {
                Ok(_) => None,
                Err(e) => Some((
                    e.is_missing_context(),
                    e.is_thread_local_destroyed(),
                    e.to_string(),
                )),
            };
            let _ = self.0.send(seen);
        }
    }

    thread_local! {
        static PROBE: RefCell<Option<Probe>> = const { RefCell::new(None) };
    }

    // Both orders: the probe's thread-local set up before and after the
    // runtime's context was first used on the thread.
    for probe_first in [true, false] {
        let (tx, rx) = mpsc::channel();
        thread::spawn(move || {
            let install = move || PROBE.with(|p| *p.borrow_mut() = Some(Probe(tx)));
            let mut install = Some(install);
            if probe_first {
                install.take().unwrap()();
            }
            let rt = current_thread();
            rt.block_on(async { task::yield_now().await });
            drop(rt);
            if let Some(install) = install {
                install();
            }
        })
        .join()
        .expect("the thread and its thread-local destructors ran without panicking");

        let seen = rx.recv_timeout(LIMIT).unwrap();
        let (missing, destroyed, text) = seen.expect("no runtime is current while a thread exits");
        assert!(
            missing != destroyed,
            "exactly one reason: missing={missing} destroyed={destroyed}"
        );
        assert!(!text.is_empty());
    }
}

#[test]
fn enter_guards_set_the_current_runtime_and_nest() {
    let _watchdog = watchdog("enter_guards_set_the_current_runtime_and_nest");
    let a = named("a");
    let b = named("b");
    assert!(Handle::try_current().is_err());
    {
        let _in_a: EnterGuard<'_> = a.enter();
        assert_eq!(Handle::current().id(), a.handle().id());
        assert_eq!(Handle::try_current().unwrap().name(), Some("a"));
        {
            let b_handle = b.handle().clone();
            let _in_b = b_handle.enter();
            assert_eq!(Handle::current().id(), b.handle().id());
            assert_eq!(Handle::current().name(), Some("b"));
        }
        assert_eq!(
            Handle::current().id(),
            a.handle().id(),
            "leaving b restores a"
        );

        // tokio::spawn inside an enter guard goes to that runtime.
        let spawned = tokio::spawn(async { Handle::current().id() });
        assert_eq!(a.block_on(spawned).unwrap(), a.handle().id());
    }
    let err = Handle::try_current().unwrap_err();
    assert!(
        err.is_missing_context(),
        "dropping the last guard leaves no runtime current"
    );
}

#[test]
fn block_on_inside_a_runtime_panics_and_both_runtimes_survive() {
    let _watchdog = watchdog("block_on_inside_a_runtime_panics_and_both_runtimes_survive");
    quiet_expected_panics();
    let outer = current_thread();
    let inner = current_thread();
    let nested = outer.block_on(async {
        panic::catch_unwind(AssertUnwindSafe(|| inner.block_on(async { 1 }))).is_err()
    });
    assert!(nested, "Runtime::block_on inside an async context panics");
    assert_eq!(
        inner.block_on(async { tokio::spawn(async { 2 }).await.unwrap() }),
        2
    );
    assert_eq!(
        outer.block_on(async { tokio::spawn(async { 3 }).await.unwrap() }),
        3
    );
}

#[test]
fn handle_block_on_works_from_another_thread() {
    let _watchdog = watchdog("handle_block_on_works_from_another_thread");
    let rt = current_thread();
    let handle = rt.handle().clone();
    let done = Signal::new();
    let finishing = done.clone();

    let other = thread::spawn(move || {
        // A future that needs nothing from the runtime.
        let plain = handle.block_on(async { 6 * 7 });
        // Handle::block_on enters the runtime's context; the spawned task is
        // run by the thread inside Runtime::block_on below.
        let (spawned, context) = handle.block_on(async {
            let spawned = tokio::spawn(async { task::id() });
            let id = spawned.id();
            (spawned.await.unwrap() == id, Handle::current().id())
        });
        let _guard = handle.enter();
        let entered = Handle::current().id();
        finishing.set();
        (plain, spawned, context, entered)
    });

    rt.block_on(done.wait());
    let (plain, spawned, context, entered) = other.join().unwrap();
    assert_eq!(plain, 42);
    assert!(spawned, "the task spawned from Handle::block_on ran");
    assert_eq!(context, rt.handle().id());
    assert_eq!(entered, rt.handle().id());
}

#[test]
fn runtime_block_on_drives_tasks_spawned_from_other_threads() {
    let _watchdog = watchdog("runtime_block_on_drives_tasks_spawned_from_other_threads");
    let rt = current_thread();
    let all_done = Signal::new();
    let count = Arc::new(AtomicUsize::new(0));

    let spawners: Vec<_> = (0..4)
        .map(|_| {
            let (handle, count, all_done) = (rt.handle().clone(), count.clone(), all_done.clone());
            thread::spawn(move || {
                for _ in 0..100 {
                    let (count, all_done) = (count.clone(), all_done.clone());
                    drop(handle.spawn(async move {
                        if count.fetch_add(1, Ordering::SeqCst) + 1 == 400 {
                            all_done.set();
                        }
                    }));
                }
            })
        })
        .collect();
    rt.block_on(all_done.wait());
    spawners.into_iter().for_each(|s| s.join().unwrap());
    assert_eq!(count.load(Ordering::SeqCst), 400);
}

#[test]
fn dropping_a_runtime_drops_each_pending_future_exactly_once() {
    let _watchdog = watchdog("dropping_a_runtime_drops_each_pending_future_exactly_once");
    let drops = DropCount::new();
    let never = Signal::new();
    let ran_unpolled = Arc::new(AtomicBool::new(false));
    let rt = current_thread();
    let mut handles = Vec::new();

    // Ten tasks polled once and parked on a signal nobody sets.
    let started = Arc::new(AtomicUsize::new(0));
    rt.block_on(async {
        for _ in 0..10 {
            let (guard, never, started) = (drops.guard(), never.clone(), started.clone());
            handles.push(tokio::spawn(async move {
                let _guard = guard;
                started.fetch_add(1, Ordering::SeqCst);
                never.wait().await;
            }));
        }
        while started.load(Ordering::SeqCst) < 10 {
            task::yield_now().await;
        }
    });

    // One aborted and already gone before the runtime is dropped.
    let aborted_drops = DropCount::new();
    let guard = aborted_drops.guard();
    let aborted = rt.spawn(async move {
        let _guard = guard;
        Signal::new().wait().await;
    });
    aborted.abort();
    assert!(rt.block_on(aborted).unwrap_err().is_cancelled());
    assert_eq!(aborted_drops.get(), 1);

    // Five never polled at all; three of them detached.
    for i in 0..5 {
        let (guard, ran) = (drops.guard(), ran_unpolled.clone());
        let handle = rt.spawn(async move {
            let _guard = guard;
            ran.store(true, Ordering::SeqCst);
        });
        if i < 2 {
            handles.push(handle);
        }
    }

    assert_eq!(drops.get(), 0, "nothing is dropped while the runtime lives");
    drop(rt);
    assert_eq!(
        drops.get(),
        15,
        "each of the 15 pending futures is dropped, once"
    );
    assert_eq!(
        aborted_drops.get(),
        1,
        "the aborted future is not dropped a second time"
    );
    assert!(
        !ran_unpolled.load(Ordering::SeqCst),
        "shutting down does not poll unpolled tasks"
    );

    // Their JoinHandles now report cancellation.
    let other = current_thread();
    for handle in handles {
        assert!(handle.is_finished());
        let err = other.block_on(handle).unwrap_err();
        assert!(err.is_cancelled());
    }
    assert_eq!(drops.get(), 15);
}

#[test]
fn a_panic_in_block_on_reaches_the_caller_and_the_runtime_stays_usable() {
    let _watchdog = watchdog("a_panic_in_block_on_reaches_the_caller_and_the_runtime_stays_usable");
    quiet_expected_panics();
    let rt = current_thread();
    let result = panic::catch_unwind(AssertUnwindSafe(|| {
        rt.block_on(async {
            task::yield_now().await;
            panic!("{EXPECTED}: from block_on");
        })
    }));
    let payload = result.unwrap_err();
    assert_eq!(
        payload.downcast_ref::<String>().map(String::as_str),
        Some("expected panic: from block_on")
    );
    assert_eq!(
        rt.block_on(async { tokio::spawn(async { 4 }).await.unwrap() }),
        4
    );
}

#[test]
fn a_waker_that_outlives_its_runtime_is_harmless() {
    let _watchdog = watchdog("a_waker_that_outlives_its_runtime_is_harmless");
    let drops = DropCount::new();
    let (give, take) = mpsc::channel::<std::task::Waker>();
    let polled = Signal::new();
    let rt = current_thread();

    let (guard, polling) = (drops.guard(), polled.clone());
    let mut give = Some(give);
    let handle = rt.spawn(async move {
        let _guard = guard;
        std::future::poll_fn(move |cx| {
            if let Some(give) = give.take() {
                give.send(cx.waker().clone()).unwrap();
                polling.set();
            }
            std::task::Poll::<()>::Pending
        })
        .await;
    });
    rt.block_on(polled.wait());
    let waker = take
        .recv_timeout(LIMIT)
        .expect("the task handed over its waker");

    drop(rt);
    assert_eq!(
        drops.get(),
        1,
        "the parked task was dropped with the runtime"
    );
    assert!(handle.is_finished());

    // The runtime is gone; its task's waker is still safe to use and drop.
    let clone = waker.clone();
    thread::spawn(move || {
        clone.wake_by_ref();
        clone.wake();
    })
    .join()
    .unwrap();
    waker.wake();
    drop(handle);
}
