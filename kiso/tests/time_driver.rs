//! The time driver: 100,000 timers firing in deadline order, auto-advance of
//! a paused clock (and what holds it back: busy tasks, `spawn_blocking`),
//! timers moved between the workers of a multi-thread runtime, timers
//! polled off the workers (`block_on`, `Handle::block_on` in a blocking
//! task), and the panics when there is no time driver: no runtime, or a
//! runtime built without `enable_time`.
//!
//! One test here installs a panic hook (to read panic locations); it only
//! records panics of its own thread and hands the others on.
//!
//! Every test runs inside a real-time guard; those that need no real time
//! run on a paused clock.

#![cfg(all(feature = "full", feature = "test-util"))]

mod support;

use kiso::runtime::{Builder, Handle, Runtime};
use kiso::time::{self, interval, interval_at, sleep, sleep_until, timeout, timeout_at};
use kiso::time::{Duration, Instant, Sleep};
use std::future::{pending, Future};
use std::panic::{self, catch_unwind, AssertUnwindSafe};
use std::pin::Pin;
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering::SeqCst};
use std::sync::{mpsc, Arc, Barrier, Mutex};
use std::task::{Context, Wake, Waker};
use std::thread;
use support::*;

/// A fixed-seed linear congruential generator (Knuth's MMIX constants).
struct Lcg(u64);

impl Lcg {
    fn next(&mut self) -> u64 {
        self.0 = self
            .0
            .wrapping_mul(6_364_136_223_846_793_005)
            .wrapping_add(1_442_695_040_888_963_407);
        self.0 >> 11
    }

    fn below(&mut self, n: u64) -> u64 {
        self.next() % n
    }
}

/// Whole milliseconds from `start` to `t`, rounded up.
fn ceil_ms(start: Instant, t: Instant) -> u128 {
    (t - start).as_nanos().div_ceil(1_000_000)
}

#[test]
fn a_hundred_thousand_timers_fire_in_deadline_order() {
    const N: usize = 100_000;
    paused(|| async {
        let start = Instant::now();
        let mut rng = Lcg(0x5eed_2024);
        // Spread over every level of a millisecond timer wheel (64 slots per
        // level) and past its top (about 2.2 years), with sub-millisecond
        // parts, repeats and zero.
        let ranges_ms = [1u64, 64, 4096, 1 << 18, 1 << 24, 1 << 30, 1 << 37];
        let deadlines: Vec<Instant> = (0..N)
            .map(|_| {
                let range = ranges_ms[rng.below(ranges_ms.len() as u64) as usize];
                let millis = rng.below(range);
                let nanos = if rng.below(4) == 0 {
                    0
                } else {
                    rng.below(1_000_000)
                };
                start + Duration::from_millis(millis) + Duration::from_nanos(nanos)
            })
            .collect();

        let log = Arc::new(Mutex::new(Vec::with_capacity(N)));
        let tasks: Vec<_> = deadlines
            .iter()
            .enumerate()
            .map(|(i, &deadline)| {
                let log = log.clone();
                let s = sleep_until(deadline);
                kiso::spawn(async move {
                    s.await;
                    log.lock().unwrap().push((i, Instant::now()));
                })
            })
            .collect();
        for t in tasks {
            t.await.unwrap();
        }

        let log = log.lock().unwrap();
        assert_eq!(log.len(), N);
        let mut seen = vec![false; N];
        let mut previous = (start, 0u128);
        for (k, &(i, fired_at)) in log.iter().enumerate() {
            assert!(!seen[i], "timer {i} fired twice");
            seen[i] = true;
            let deadline = deadlines[i];
            let bucket = ceil_ms(start, deadline);
            assert_eq!(
                fired_at - start,
                Duration::from_millis(bucket as u64),
                "timer {i} (deadline {:?} after start) fired at {:?}",
                deadline - start,
                fired_at - start
            );
            assert!(
                (fired_at, bucket) >= previous,
                "completion {k}: timer {i} (deadline {:?}) fired after a later one",
                deadline - start
            );
            previous = (fired_at, bucket);
        }
    });
}

#[test]
fn auto_advance_jumps_to_the_next_timer_only() {
    paused(|| async {
        let start = Instant::now();
        let far = kiso::spawn(sleep(ms(5000)));
        let near = kiso::spawn(sleep(ms(100)));
        near.await.unwrap();
        assert_eq!(Instant::now(), start + ms(100));
        assert!(!far.is_finished());
        far.await.unwrap();
        assert_eq!(Instant::now(), start + ms(5000));
    });
}

#[test]
fn no_auto_advance_while_tasks_have_work() {
    paused(|| async {
        let start = Instant::now();
        let busy = kiso::spawn(async {
            for _ in 0..1000 {
                kiso::task::yield_now().await;
            }
            Instant::now()
        });
        sleep(ms(1)).await;
        assert!(busy.is_finished(), "the clock moved while a task had work");
        assert_eq!(busy.await.unwrap(), start);
        assert_eq!(Instant::now(), start + ms(1));
    });
}

/// A current-thread runtime on a paused clock that reports on `parks` each
/// time its thread goes idle. Its blocking threads, when they start, first
/// run `on_start`.
fn paused_reporting_parks(
    parks: mpsc::Sender<()>,
    on_start: impl Fn() + Send + Sync + 'static,
) -> Runtime {
    Builder::new_current_thread()
        .enable_all()
        .start_paused(true)
        .on_thread_park(move || {
            let _ = parks.send(());
        })
        .on_thread_start(on_start)
        .build()
        .unwrap()
}

#[test]
fn no_auto_advance_while_a_blocking_task_runs() {
    with_timeout(|| {
        let (park_tx, park_rx) = mpsc::channel::<()>();
        let rt = paused_reporting_parks(park_tx, || {});
        rt.block_on(async {
            // A blocking task, running, waits on a std channel, which the
            // runtime cannot see.
            let running = Flag::new();
            let (release_tx, release_rx) = mpsc::channel::<()>();
            let r = running.clone();
            let blocking = kiso::task::spawn_blocking(move || {
                r.set();
                release_rx.recv().unwrap();
            });
            running.wait().await;

            // Meanwhile the runtime has nothing to do but a pending timer.
            while park_rx.try_recv().is_ok() {}
            let start = Instant::now();
            let (fired_tx, fired_rx) = mpsc::channel::<Instant>();
            let sleeper = kiso::spawn(async move {
                sleep(ms(10)).await;
                fired_tx.send(Instant::now()).unwrap();
            });
            // From outside: once the runtime has gone idle with the sleep
            // pending, give an (eager) auto-advance some time to fire the
            // sleep, which it must not do, then release the blocking task.
            let watcher = thread::spawn(move || {
                let _ = park_rx.recv_timeout(Duration::from_secs(5));
                let fired = fired_rx.recv_timeout(ms(100)).ok();
                release_tx.send(()).unwrap();
                (fired, fired_rx)
            });
            blocking.await.unwrap();
            let (fired_while_blocked, fired_rx) = watcher.join().unwrap();
            assert_eq!(
                fired_while_blocked, None,
                "the paused clock auto-advanced while a blocking task ran"
            );
            assert_eq!(Instant::now(), start);
            // Once the blocking task is done, auto-advance resumes.
            sleeper.await.unwrap();
            assert_eq!(fired_rx.try_recv(), Ok(start + ms(10)));
            assert_eq!(Instant::now(), start + ms(10));
        });
    });
}

#[test]
fn no_auto_advance_while_a_spawned_blocking_task_waits_for_its_thread() {
    with_timeout(|| {
        // The blocking thread starts only once the runtime has gone idle
        // (with the sleep below pending): from `spawn_blocking` to the end of
        // the task, the clock must not auto-advance, including while the
        // task waits for a thread.
        let (park_tx, park_rx) = mpsc::channel::<()>();
        let park_rx = Mutex::new(park_rx);
        let rt = paused_reporting_parks(park_tx, move || {
            let _ = park_rx.lock().unwrap().recv_timeout(Duration::from_secs(5));
        });
        rt.block_on(async {
            let start = Instant::now();
            let (fired_tx, fired_rx) = mpsc::channel::<Instant>();
            let sleeper = kiso::spawn(async move {
                sleep(ms(10)).await;
                fired_tx.send(Instant::now()).unwrap();
            });
            let blocking = kiso::task::spawn_blocking(move || {
                let fired = fired_rx.recv_timeout(ms(100)).ok();
                (fired, fired_rx)
            });
            let (fired_while_blocked, fired_rx) = blocking.await.unwrap();
            assert_eq!(
                fired_while_blocked, None,
                "the paused clock auto-advanced while a blocking task was queued"
            );
            assert_eq!(Instant::now(), start);
            sleeper.await.unwrap();
            assert_eq!(fired_rx.try_recv(), Ok(start + ms(10)));
            assert_eq!(Instant::now(), start + ms(10));
        });
    });
}

#[test]
fn a_blocking_task_finishes_before_the_clock_moves_on() {
    // The clock may move on only once the blocking task's result is with its
    // `JoinHandle`: a timeout around it never elapses just as it finishes.
    paused(|| async {
        let start = Instant::now();
        for i in 0..300u32 {
            let r = timeout(ms(10), kiso::task::spawn_blocking(move || i)).await;
            assert_eq!(r.map(Result::unwrap), Ok(i), "round {i}");
            assert_eq!(Instant::now(), start, "round {i}");
        }
    });
}

#[test]
fn a_finished_blocking_task_lets_auto_advance_resume() {
    paused(|| async {
        let start = Instant::now();
        for i in 0..10u64 {
            kiso::task::spawn_blocking(|| ()).await.unwrap();
            sleep(ms(1)).await;
            assert_eq!(Instant::now(), start + ms(i + 1));
        }
    });
}

/// Runs `first` in a task on one worker of a 2-worker runtime, then hands its
/// output to `second`, run by a task on the other worker. Returns what
/// `second` returns.
fn on_two_workers<T, R, Fut1, Fut2>(
    first: impl FnOnce() -> Fut1 + Send + 'static,
    second: impl FnOnce(T) -> Fut2 + Send + 'static,
) -> R
where
    T: Send + 'static,
    R: Send + 'static,
    Fut1: Future<Output = T> + Send + 'static,
    Fut2: Future<Output = R> + Send + 'static,
{
    with_timeout(move || {
        let rt = support::multi(2);
        // Once `first` is done, its task holds its worker (blocked at the
        // barrier) until the second task runs, so that one runs on the other
        // worker; the second task is spawned only then.
        let barrier = Arc::new(Barrier::new(2));
        let (ready_tx, ready_rx) = mpsc::channel();
        let (tx, rx) = mpsc::channel();
        let b = barrier.clone();
        let a = rt.spawn(async move {
            let value = first().await;
            ready_tx.send(()).unwrap();
            b.wait();
            tx.send((thread::current().id(), value)).unwrap();
        });
        ready_rx.recv().unwrap();
        let b = rt.spawn(async move {
            barrier.wait();
            let (first_thread, value) = rx.recv().unwrap();
            assert_ne!(first_thread, thread::current().id(), "same worker");
            second(value).await
        });
        rt.block_on(async {
            a.await.unwrap();
            b.await.unwrap()
        })
    })
}

/// A sleep created and registered (polled once with the given waker) where
/// this is called.
fn registered_sleep(d: Duration, waker: &Waker) -> Pin<Box<Sleep>> {
    let mut s = Box::pin(sleep(d));
    assert!(s
        .as_mut()
        .poll(&mut Context::from_waker(waker))
        .is_pending());
    s
}

/// Runs `attempt` until it returns `true` (done) rather than `false` (the
/// machine was too slow for the timing the attempt needs), at most 5 times.
fn retry_if_too_slow(mut attempt: impl FnMut() -> bool) {
    for _ in 0..5 {
        if attempt() {
            return;
        }
    }
    panic!("5 attempts were too slow to tell anything");
}

#[test]
fn timer_reset_later_on_another_worker() {
    retry_if_too_slow(|| {
        on_two_workers(
            || async {
                let (counter, waker) = CountingWaker::new();
                (registered_sleep(ms(20), &waker), counter, Instant::now())
            },
            |(mut s, first_waker, created): (Pin<Box<Sleep>>, Arc<CountingWaker>, Instant)| async move {
                let reset_at = Instant::now();
                if reset_at - created >= ms(20) {
                    return false; // the first deadline may have fired already
                }
                s.as_mut().reset(reset_at + ms(50));
                s.as_mut().await;
                assert!(
                    reset_at.elapsed() >= ms(50),
                    "fired before its new deadline"
                );
                assert_eq!(first_waker.count(), 0, "the old registration fired");
                true
            },
        )
    });
}

#[test]
fn timer_reset_earlier_on_another_worker() {
    on_two_workers(
        || async {
            let (counter, waker) = CountingWaker::new();
            (registered_sleep(Duration::from_secs(3600), &waker), counter)
        },
        |(mut s, first_waker): (Pin<Box<Sleep>>, Arc<CountingWaker>)| async move {
            let reset_at = Instant::now();
            s.as_mut().reset(reset_at + ms(30));
            s.as_mut().await;
            let took = reset_at.elapsed();
            assert!(took >= ms(30), "fired early: {took:?}");
            assert!(took < Duration::from_secs(10), "fired late: {took:?}");
            assert_eq!(first_waker.count(), 0, "the replaced waker was woken");
        },
    );
}

#[test]
fn timer_dropped_on_another_worker_never_fires() {
    retry_if_too_slow(|| {
        on_two_workers(
            || async {
                let (counter, waker) = CountingWaker::new();
                (registered_sleep(ms(20), &waker), counter, Instant::now())
            },
            |(s, counter, created): (Pin<Box<Sleep>>, Arc<CountingWaker>, Instant)| async move {
                drop(s);
                if created.elapsed() >= ms(20) {
                    return false; // it may have fired before the drop
                }
                sleep(ms(50)).await;
                assert_eq!(counter.count(), 0, "a dropped timer woke its task");
                true
            },
        )
    });
}

#[test]
fn timer_fired_on_one_worker_rearmed_on_another() {
    on_two_workers(
        || async {
            let created = Instant::now();
            let mut s = Box::pin(sleep(ms(20)));
            s.as_mut().await;
            (s, created.elapsed())
        },
        |(mut s, first_took): (Pin<Box<Sleep>>, Duration)| async move {
            assert!(first_took >= ms(20), "{first_took:?}");
            assert!(s.is_elapsed());
            let reset_at = Instant::now();
            s.as_mut().reset(reset_at + ms(20));
            assert!(!s.is_elapsed());
            s.as_mut().await;
            assert!(reset_at.elapsed() >= ms(20));
            assert!(s.is_elapsed());
        },
    );
}

#[test]
fn many_timers_on_a_multi_thread_runtime_never_fire_early() {
    with_timeout(|| {
        let rt = support::multi(2);
        let mut rng = Lcg(7);
        let tasks: Vec<_> = (0..2000)
            .map(|_| {
                let d = Duration::from_micros(1000 + rng.below(49_000));
                rt.spawn(async move {
                    let t0 = Instant::now();
                    sleep(d).await;
                    (d, t0.elapsed())
                })
            })
            .collect();
        rt.block_on(async {
            for t in tasks {
                let (d, took) = t.await.unwrap();
                assert!(took >= d, "a {d:?} sleep took {took:?}");
            }
        });
    });
}

/// A waker that sends on a std channel.
struct SendOnWake(mpsc::Sender<()>);

impl Wake for SendOnWake {
    fn wake(self: Arc<Self>) {
        let _ = self.0.send(());
    }
}

#[test]
fn a_timer_fires_while_the_worker_that_registered_it_is_busy() {
    with_timeout(|| {
        let rt = support::multi(2);
        let (fired, took) = rt
            .block_on(rt.spawn(async {
                // Register a timer from this worker, then keep the worker
                // busy (blocked on a std channel) until the timer wakes its
                // waker: the other worker, idle, must drive it meanwhile.
                let (fired_tx, fired_rx) = mpsc::channel();
                let waker = Waker::from(Arc::new(SendOnWake(fired_tx)));
                let t0 = Instant::now();
                let _sleep = registered_sleep(ms(30), &waker);
                let fired = fired_rx.recv_timeout(Duration::from_secs(5));
                (fired.is_ok(), t0.elapsed())
            }))
            .unwrap();
        assert!(fired, "the timer waited for its worker to be free");
        assert!(took >= ms(30), "fired early: {took:?}");
    });
}

#[test]
fn sleep_in_block_on_of_a_multi_thread_runtime() {
    with_timeout(|| {
        let rt = support::multi(2);
        let took = rt.block_on(async {
            let t0 = Instant::now();
            sleep(ms(30)).await;
            t0.elapsed()
        });
        assert!(took >= ms(30), "{took:?}");
        // And a timeout there.
        let r = rt.block_on(async { timeout(ms(20), pending::<()>()).await });
        assert!(r.is_err());
    });
}

#[test]
fn sleep_in_handle_block_on_inside_spawn_blocking() {
    for rt in [support::multi(2), support::current_thread()] {
        let took = with_timeout(move || {
            rt.block_on(async {
                kiso::task::spawn_blocking(|| {
                    Handle::current().block_on(async {
                        let t0 = Instant::now();
                        sleep(ms(30)).await;
                        t0.elapsed()
                    })
                })
                .await
                .unwrap()
            })
        });
        assert!(took >= ms(30), "{took:?}");
    }
}

/// A named way to make a timer.
type Maker = (&'static str, Box<dyn Fn()>);

fn runtimes_without_time() -> Vec<(&'static str, Runtime)> {
    vec![
        (
            "current_thread",
            Builder::new_current_thread().build().unwrap(),
        ),
        (
            "current_thread + io",
            Builder::new_current_thread().enable_io().build().unwrap(),
        ),
        (
            "multi_thread",
            Builder::new_multi_thread()
                .worker_threads(1)
                .build()
                .unwrap(),
        ),
    ]
}

#[test]
fn timers_on_a_runtime_without_enable_time_panic() {
    with_timeout(|| {
        for (flavor, rt) in runtimes_without_time() {
            // Each of these panics when the timer is created, before any poll.
            let makers: [Maker; 6] = [
                ("sleep", Box::new(|| drop(sleep(ms(1))))),
                (
                    "sleep_until",
                    Box::new(|| drop(sleep_until(Instant::now()))),
                ),
                ("interval", Box::new(|| drop(interval(ms(1))))),
                (
                    "interval_at",
                    Box::new(|| drop(interval_at(Instant::now(), ms(1)))),
                ),
                ("timeout", Box::new(|| drop(timeout(ms(1), async {})))),
                (
                    "timeout_at",
                    Box::new(|| drop(timeout_at(Instant::now(), async {}))),
                ),
            ];
            for (name, make) in makers {
                let msg = panic_message(|| rt.block_on(async { make() }));
                assert!(
                    msg.contains("timers are disabled") && msg.contains("enable_time"),
                    "{name} on {flavor}: {msg}"
                );
            }
            // In a spawned task: the task fails with that panic.
            let err = rt
                .block_on(rt.spawn(async { sleep(ms(1)).await }))
                .unwrap_err();
            assert!(err.is_panic());
            let msg = message(err.into_panic());
            assert!(msg.contains("timers are disabled"), "{flavor}: {msg}");
            // The runtime is still usable, and `Instant::now` works on it.
            let a = rt.block_on(async { Instant::now() });
            assert!(rt
                .block_on(rt.spawn(async move { Instant::now() >= a }))
                .unwrap());
        }
    });
}

#[test]
fn timers_outside_a_runtime_panic_when_created() {
    let makers: [Maker; 6] = [
        ("sleep", Box::new(|| drop(sleep(ms(1))))),
        (
            "sleep_until",
            Box::new(|| drop(sleep_until(Instant::now()))),
        ),
        ("interval", Box::new(|| drop(interval(ms(1))))),
        (
            "interval_at",
            Box::new(|| drop(interval_at(Instant::now(), ms(1)))),
        ),
        ("timeout", Box::new(|| drop(timeout(ms(1), async {})))),
        (
            "timeout_at",
            Box::new(|| drop(timeout_at(Instant::now(), async {}))),
        ),
    ];
    for (name, make) in makers {
        let msg = panic_message(make);
        assert!(msg.contains("there is no reactor running"), "{name}: {msg}");
    }
    // Under another executor, a sleep created in an `async` block panics
    // when that block is first polled.
    let msg = panic_message(|| futures::executor::block_on(async { sleep(ms(1)).await }));
    assert!(msg.contains("there is no reactor running"), "{msg}");
}

#[test]
fn block_on_a_sleep_created_outside_panics_but_not_one_created_inside() {
    with_timeout(|| {
        let rt = support::current_thread();
        // The argument is evaluated before `block_on` enters the runtime.
        let msg = panic_message(|| rt.block_on(sleep(ms(1))));
        assert!(msg.contains("there is no reactor running"), "{msg}");
        // Made lazily, inside the runtime: fine.
        rt.block_on(async { sleep(ms(1)).await });
        // Or inside the runtime's context, entered by hand.
        let s = {
            let _guard = rt.enter();
            sleep(ms(1))
        };
        rt.block_on(s);
    });
}

#[test]
fn pending_timers_do_not_outlive_their_runtime() {
    with_timeout(|| {
        let drops = Arc::new(AtomicUsize::new(0));
        let rt = support::current_thread();
        rt.block_on(async {
            for _ in 0..100 {
                let guard = DropCounter(drops.clone());
                kiso::spawn(async move {
                    let _guard = guard;
                    sleep(Duration::from_secs(3600)).await;
                });
            }
            kiso::task::yield_now().await;
        });
        let kept = {
            let _enter = rt.enter();
            registered_sleep(Duration::from_secs(3600), Waker::noop())
        };
        drop(rt);
        assert_eq!(drops.load(SeqCst), 100, "sleeping tasks are dropped");
        // A sleep that outlived its runtime can still be dropped.
        drop(kept);
    });
}

/// Where a panic happened (file, line) and its message; one at a time.
fn caught(f: impl FnOnce()) -> (String, u32, String) {
    static ONE_AT_A_TIME: Mutex<()> = Mutex::new(());
    let _serial = ONE_AT_A_TIME.lock().unwrap_or_else(|e| e.into_inner());
    let me = thread::current().id();
    let seen: Arc<Mutex<Option<(String, u32, String)>>> = Arc::default();
    let record = seen.clone();
    let previous: Arc<dyn Fn(&panic::PanicHookInfo<'_>) + Send + Sync> =
        Arc::from(panic::take_hook());
    let others = previous.clone();
    panic::set_hook(Box::new(move |info| {
        if thread::current().id() != me {
            return others(info);
        }
        let (file, line) = info
            .location()
            .map(|l| (l.file().to_string(), l.line()))
            .unwrap_or_default();
        let payload = info.payload();
        let msg = payload
            .downcast_ref::<String>()
            .cloned()
            .or_else(|| payload.downcast_ref::<&str>().map(|s| s.to_string()))
            .unwrap_or_default();
        *record.lock().unwrap() = Some((file, line, msg));
    }));
    let result = catch_unwind(AssertUnwindSafe(f));
    drop(panic::take_hook());
    panic::set_hook(Box::new(move |info| previous(info)));
    assert!(result.is_err(), "expected a panic");
    let out = seen.lock().unwrap().take().expect("the panic hook ran");
    out
}

#[test]
#[allow(clippy::redundant_closure)] // the closures keep the caller's location
fn misuse_panics_point_at_the_caller() {
    let check = |(file, line, msg): (String, u32, String), expected: u32, what: &str| {
        assert_eq!(
            (file.as_str(), line),
            (file!(), expected),
            "{what} panicked at {file}:{line}, not at its caller ({msg})"
        );
        msg
    };

    let rt = Builder::new_current_thread()
        .enable_all()
        .start_paused(true)
        .build()
        .unwrap();
    rt.block_on(async {
        let line = line!() + 1;
        let f = || drop(interval(Duration::ZERO));
        let msg = check(caught(f), line, "interval(0)");
        assert!(msg.contains("`period` must be non-zero"), "{msg}");

        let line = line!() + 1;
        let f = || drop(interval_at(Instant::now(), Duration::ZERO));
        let msg = check(caught(f), line, "interval_at(_, 0)");
        assert!(msg.contains("`period` must be non-zero"), "{msg}");

        // A closure, not the fn item: a call through a fn pointer or trait
        // object loses the caller's location.
        let line = line!() + 1;
        let f = || time::pause();
        let msg = check(caught(f), line, "pause() twice");
        assert!(msg.contains("already frozen"), "{msg}");

        time::resume();
        let line = line!() + 1;
        let f = || time::resume();
        let msg = check(caught(f), line, "resume() unpaused");
        assert!(msg.contains("not frozen"), "{msg}");
    });

    let line = line!() + 1;
    let f = || drop(sleep(ms(1)));
    let msg = check(caught(f), line, "sleep outside a runtime");
    assert!(msg.contains("there is no reactor running"), "{msg}");

    let line = line!() + 1;
    let f = || drop(timeout(ms(1), async {}));
    let msg = check(caught(f), line, "timeout outside a runtime");
    assert!(msg.contains("there is no reactor running"), "{msg}");

    let no_time = Builder::new_current_thread().build().unwrap();
    let _guard = no_time.enter();
    let line = line!() + 1;
    let f = || drop(sleep(ms(1)));
    let msg = check(caught(f), line, "sleep without enable_time");
    assert!(msg.contains("timers are disabled"), "{msg}");
}

#[test]
fn timers_of_many_tasks_on_a_paused_clock_interleave_exactly() {
    paused(|| async {
        let start = Instant::now();
        let log = Arc::new(Mutex::new(Vec::new()));
        let done = Arc::new(AtomicBool::new(false));
        let mut tasks = Vec::new();
        for (name, period) in [("a", 3u64), ("b", 5), ("c", 7)] {
            let log = log.clone();
            let done = done.clone();
            tasks.push(kiso::spawn(async move {
                while !done.load(SeqCst) {
                    sleep(ms(period)).await;
                    log.lock().unwrap().push((Instant::now() - start, name));
                }
            }));
        }
        sleep(ms(21)).await;
        done.store(true, SeqCst);
        for t in tasks {
            t.await.unwrap();
        }
        let log = log.lock().unwrap().clone();
        // Every task woke at each multiple of its period up to 21 ms, and
        // the log is in time order.
        for (name, period) in [("a", 3u64), ("b", 5), ("c", 7)] {
            let times: Vec<_> = log
                .iter()
                .filter(|(_, n)| *n == name)
                .map(|(t, _)| *t)
                .collect();
            let expected: Vec<_> = (1..).map(|k| ms(k * period)).take(times.len()).collect();
            assert_eq!(times, expected, "{name}");
            assert!(times.last().unwrap() >= &ms(21), "{name} stopped early");
        }
        assert!(log.windows(2).all(|w| w[0].0 <= w[1].0), "{log:?}");
    });
}
