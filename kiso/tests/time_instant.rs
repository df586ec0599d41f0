//! `time::Instant` (arithmetic, comparisons, conversions with
//! `std::time::Instant`) and the clock behind `Instant::now()`: `time::pause`,
//! `time::resume`, `time::advance`, `Builder::start_paused`, and the misuse
//! panics of each.
//!
//! Everything that waits runs on a paused clock, inside a real-time guard.

#![cfg(all(feature = "full", feature = "test-util"))]

mod support;

use futures::FutureExt;
use kiso::runtime::Builder;
use kiso::time::{self, sleep, Duration, Instant};
use std::collections::HashSet;
use std::future::Future;
use std::panic::AssertUnwindSafe;
use support::*;

/// Same, with a clock that starts running (not paused).
fn running<Fut>(f: impl FnOnce() -> Fut + Send + 'static) -> Fut::Output
where
    Fut: Future,
    Fut::Output: Send + 'static,
{
    with_timeout(move || support::current_thread().block_on(f()))
}

/// Lets some real time go by (the paused clock must not see it).
fn let_real_time_pass() {
    std::thread::sleep(ms(5));
}

#[test]
fn time_duration_is_std_duration() {
    let d: std::time::Duration = time::Duration::from_millis(5);
    let back: time::Duration = d;
    assert_eq!(back, Duration::from_micros(5000));
    assert_eq!(
        std::any::TypeId::of::<time::Duration>(),
        std::any::TypeId::of::<std::time::Duration>()
    );
}

#[test]
fn instant_traits() {
    fn check<T: Copy + Eq + Ord + std::hash::Hash + std::fmt::Debug + Send + Sync + Unpin>() {}
    check::<Instant>();
}

#[test]
fn now_outside_a_runtime_follows_the_system_clock() {
    let std_before = std::time::Instant::now();
    let a = Instant::now();
    let_real_time_pass();
    let b = Instant::now();
    let std_after = std::time::Instant::now();
    assert!(a.into_std() >= std_before);
    assert!(b.into_std() <= std_after);
    assert!(b - a >= ms(5), "real time passed: {:?}", b - a);
    assert!(b >= a);
}

#[test]
fn std_conversions_round_trip() {
    let s = std::time::Instant::now();
    let k = Instant::from_std(s);
    assert_eq!(k.into_std(), s);
    let k2: Instant = s.into();
    assert_eq!(k2, k);
    assert_eq!(Instant::from(s), k);
    let s2: std::time::Instant = k.into();
    assert_eq!(s2, s);
    assert_eq!(std::time::Instant::from(k + ms(3)), s + ms(3));
    // Debug shows what std's shows.
    assert_eq!(format!("{k:?}"), format!("{s:?}"));
}

#[test]
fn arithmetic() {
    let a = Instant::now();
    let b = a + ms(1500);
    assert_eq!(b - a, ms(1500));
    assert_eq!(b - ms(1500), a);
    assert_eq!(b.duration_since(a), ms(1500));
    assert_eq!(b.checked_duration_since(a), Some(ms(1500)));
    assert_eq!(b.saturating_duration_since(a), ms(1500));

    // Earlier minus later: zero, or `None` from the checked form.
    assert_eq!(a.duration_since(b), Duration::ZERO);
    assert_eq!(a.checked_duration_since(b), None);
    assert_eq!(a.saturating_duration_since(b), Duration::ZERO);
    assert_eq!(a - b, Duration::ZERO);
    assert_eq!(a.duration_since(a), Duration::ZERO);
    assert_eq!(a.checked_duration_since(a), Some(Duration::ZERO));

    assert_eq!(a.checked_add(ms(1500)), Some(b));
    assert_eq!(b.checked_sub(ms(1500)), Some(a));
    assert_eq!(a.checked_add(Duration::MAX), None);
    assert_eq!(a.checked_sub(Duration::MAX), None);
    assert_eq!(
        a.checked_add(Duration::from_nanos(1))
            .unwrap()
            .checked_duration_since(a),
        Some(Duration::from_nanos(1))
    );

    let mut c = a;
    c += ms(10);
    assert_eq!(c, a + ms(10));
    c -= ms(4);
    assert_eq!(c, a + ms(6));
    c -= ms(6);
    assert_eq!(c, a);
}

#[test]
#[should_panic]
fn adding_an_overflowing_duration_panics() {
    let _ = Instant::now() + Duration::MAX;
}

#[test]
fn ordering_and_hashing() {
    let a = Instant::now();
    let b = a + Duration::from_nanos(1);
    let same = a;
    assert!(a < b);
    assert!(b > a);
    assert!(a <= same);
    assert!(a >= same);
    assert_eq!(b.partial_cmp(&a), Some(std::cmp::Ordering::Greater));
    assert_ne!(a, b);
    assert_eq!(a.cmp(&b), std::cmp::Ordering::Less);
    assert_eq!(a.max(b), b);
    let set: HashSet<Instant> = [a, b, a, a + Duration::from_nanos(1)].into_iter().collect();
    assert_eq!(set.len(), 2);
}

#[test]
fn paused_now_stands_still_until_advanced() {
    paused(|| async {
        let a = Instant::now();
        let_real_time_pass();
        assert_eq!(Instant::now(), a, "the paused clock moved with real time");
        assert_eq!(a.elapsed(), Duration::ZERO);

        time::advance(ms(1500)).await;
        assert_eq!(Instant::now(), a + ms(1500));
        assert_eq!(a.elapsed(), ms(1500));
        // `elapsed` of an instant still in the future is zero.
        assert_eq!((a + ms(2000)).elapsed(), Duration::ZERO);

        // Sub-millisecond advances are exact too.
        time::advance(Duration::from_nanos(7)).await;
        assert_eq!(Instant::now(), a + ms(1500) + Duration::from_nanos(7));
        time::advance(Duration::ZERO).await;
        assert_eq!(Instant::now(), a + ms(1500) + Duration::from_nanos(7));
    });
}

#[test]
fn pause_freezes_a_running_clock() {
    running(|| async {
        let a = Instant::now();
        let_real_time_pass();
        let b = Instant::now();
        assert!(b - a >= ms(5), "a running clock follows real time");

        time::pause();
        let frozen = Instant::now();
        assert!(frozen >= b);
        let_real_time_pass();
        assert_eq!(Instant::now(), frozen);
        time::advance(ms(10)).await;
        assert_eq!(Instant::now(), frozen + ms(10));
        // The clock was paused off the millisecond grid of the runtime's
        // timers, which round deadlines up to their next millisecond.
        let deadline = Instant::now() + Duration::from_secs(3600);
        sleep(Duration::from_secs(3600)).await;
        let now = Instant::now();
        assert!(
            now >= deadline && now - deadline <= ms(1),
            "{:?}",
            now - deadline
        );
    });
}

#[test]
fn resume_continues_from_the_paused_time() {
    paused(|| async {
        let start = Instant::now();
        time::advance(Duration::from_secs(10)).await;
        time::resume();
        let resumed = Instant::now();
        // Not set back, and not moved on by more than the real time since.
        assert!(resumed >= start + Duration::from_secs(10));
        assert!(resumed < start + Duration::from_secs(11));
        let_real_time_pass();
        let later = Instant::now();
        assert!(
            later - resumed >= ms(5),
            "a resumed clock follows real time"
        );

        // And it can be paused again, from where it is.
        time::pause();
        let frozen = Instant::now();
        assert!(frozen >= later);
        time::advance(Duration::from_secs(10)).await;
        assert_eq!(Instant::now(), frozen + Duration::from_secs(10));
    });
}

#[test]
fn sleeping_on_a_resumed_clock_takes_real_time() {
    paused(|| async {
        time::resume();
        let real = std::time::Instant::now();
        let start = Instant::now();
        sleep(ms(20)).await;
        assert!(real.elapsed() >= ms(20));
        assert!(start.elapsed() >= ms(20));
    });
}

#[test]
fn advance_wakes_the_timers_it_passes_and_only_those() {
    paused(|| async {
        let start = Instant::now();
        // The deadlines are fixed here, when each `Sleep` is created.
        let tasks: Vec<_> = [10u64, 20, 30]
            .into_iter()
            .map(|d| {
                let s = sleep(ms(d));
                kiso::spawn(async move {
                    s.await;
                    Instant::now()
                })
            })
            .collect();
        // Let every task register its timer.
        kiso::task::yield_now().await;
        time::advance(ms(25)).await;
        let mut tasks = tasks.into_iter();
        // Due: they complete at the advanced time (the clock has not moved
        // on to the 30 ms timer to complete them).
        assert_eq!(tasks.next().unwrap().await.unwrap(), start + ms(25));
        assert_eq!(tasks.next().unwrap().await.unwrap(), start + ms(25));
        assert_eq!(Instant::now(), start + ms(25));
        let last = tasks.next().unwrap();
        assert!(!last.is_finished(), "the 30 ms timer fired at 25 ms");
        assert_eq!(last.await.unwrap(), start + ms(30));
    });
}

#[test]
fn advance_past_many_timers_at_once() {
    paused(|| async {
        let start = Instant::now();
        let tasks: Vec<_> = (1..=100u64).map(|d| kiso::spawn(sleep(ms(d)))).collect();
        kiso::task::yield_now().await;
        time::advance(Duration::from_secs(1)).await;
        for t in tasks {
            t.await.unwrap();
        }
        assert_eq!(Instant::now(), start + Duration::from_secs(1));
    });
}

#[test]
fn pause_twice_panics() {
    paused(|| async {
        let msg = panic_message(time::pause);
        assert!(msg.contains("time is already frozen"), "{msg}");
        // The clock is still paused and usable.
        let a = Instant::now();
        time::advance(ms(1)).await;
        assert_eq!(Instant::now(), a + ms(1));
    });
    running(|| async {
        time::pause();
        let msg = panic_message(time::pause);
        assert!(msg.contains("time is already frozen"), "{msg}");
    });
}

#[test]
fn resume_when_not_paused_panics() {
    running(|| async {
        let msg = panic_message(time::resume);
        assert!(msg.contains("time is not frozen"), "{msg}");
    });
    paused(|| async {
        time::resume();
        let msg = panic_message(time::resume);
        assert!(msg.contains("time is not frozen"), "{msg}");
    });
}

#[test]
fn advance_when_not_paused_panics() {
    running(|| async {
        let r = AssertUnwindSafe(time::advance(ms(1))).catch_unwind().await;
        let msg = message(r.expect_err("advance on a running clock"));
        assert!(msg.contains("time is not frozen"), "{msg}");
    });
}

#[test]
fn clock_control_outside_a_runtime_panics() {
    let msg = panic_message(time::pause);
    assert!(msg.contains("cannot be frozen from outside"), "{msg}");
    let msg = panic_message(time::resume);
    assert!(msg.contains("cannot be frozen from outside"), "{msg}");
    let msg = panic_message(|| futures::executor::block_on(time::advance(ms(1))));
    assert!(msg.contains("cannot be frozen from outside"), "{msg}");
}

#[test]
fn pause_needs_a_current_thread_runtime() {
    with_timeout(|| {
        let rt = support::multi(2);
        // In `block_on` on a multi-thread runtime.
        let msg = panic_message(|| rt.block_on(async { time::pause() }));
        assert!(msg.contains("requires the `current_thread`"), "{msg}");
        // In a task on one of its workers.
        let err = rt.block_on(rt.spawn(async { time::pause() })).unwrap_err();
        assert!(err.is_panic());
        let msg = message(err.into_panic());
        assert!(msg.contains("requires the `current_thread`"), "{msg}");
        // The clock still runs.
        let a = Instant::now();
        let_real_time_pass();
        assert!(rt.block_on(async move { a.elapsed() }) >= ms(5));
    });
}

#[test]
fn start_paused_needs_a_current_thread_runtime() {
    let msg = panic_message(|| {
        drop(
            Builder::new_multi_thread()
                .worker_threads(1)
                .enable_all()
                .start_paused(true)
                .build(),
        )
    });
    assert!(msg.contains("requires the `current_thread`"), "{msg}");
    // `start_paused(false)` is fine on either flavor.
    let rt = Builder::new_multi_thread()
        .worker_threads(1)
        .enable_all()
        .start_paused(false)
        .build()
        .unwrap();
    drop(rt);
}

#[test]
fn start_paused_false_runs_the_clock() {
    with_timeout(|| {
        let rt = Builder::new_current_thread()
            .enable_all()
            .start_paused(false)
            .build()
            .unwrap();
        rt.block_on(async {
            let a = Instant::now();
            let_real_time_pass();
            assert!(a.elapsed() >= ms(5));
        });
    });
}

#[test]
fn each_runtime_has_its_own_clock() {
    paused(|| async {
        time::advance(Duration::from_secs(3600)).await;
        let paused_now = Instant::now();
        // Outside this runtime (another thread), `now` is the real time.
        let outside = std::thread::spawn(Instant::now).join().unwrap();
        assert!(outside < paused_now);
        // Another runtime, not paused, runs on real time too.
        let other =
            std::thread::spawn(|| support::current_thread().block_on(async { Instant::now() }))
                .join()
                .unwrap();
        assert!(other < paused_now);
        // And a blocking task of this runtime reads this runtime's clock.
        let blocking = kiso::task::spawn_blocking(Instant::now).await.unwrap();
        assert_eq!(blocking, paused_now);
    });
}
