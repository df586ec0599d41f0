//! `time::sleep`, `time::sleep_until` and the `Sleep` future: deadlines,
//! millisecond rounding, `reset` (earlier, later, after firing), `is_elapsed`,
//! cancellation, very long and already-past deadlines, and the paused clock
//! moving by exactly the slept time.
//!
//! Every test runs on a paused clock (the runtime auto-advances it whenever
//! it is idle), inside a real-time guard so a hang fails the test.

#![cfg(all(feature = "full", feature = "test-util"))]

mod support;

use futures::future::{select, Either};
use futures::poll;
use kiso::time::{self, sleep, sleep_until, Duration, Instant, Sleep};
use std::future::Future;
use std::pin::pin;
use std::sync::{mpsc, Arc, Mutex};
use std::task::{Context, Poll};
use support::*;

const DAY: Duration = Duration::from_secs(86_400);

/// Ends the test process if the test holding it runs past `support::LIMIT`
/// of real time: for tests whose runtime `#[kiso::test]` builds on the test's
/// own thread, which `with_timeout` cannot wrap.
struct Watchdog {
    _alive: mpsc::Sender<()>,
}

fn watchdog(name: &'static str) -> Watchdog {
    let (tx, rx) = mpsc::channel::<()>();
    std::thread::spawn(move || {
        if let Err(mpsc::RecvTimeoutError::Timeout) = rx.recv_timeout(support::LIMIT) {
            eprintln!("{name} did not finish within {:?}", support::LIMIT);
            std::process::abort();
        }
    });
    Watchdog { _alive: tx }
}

// `Sleep` is `Send + Sync + Debug` and not `Unpin` (it must be pinned to be
// polled by hand). The `!Unpin` check: if `Sleep` were `Unpin`, both impls
// below would apply and the call would be ambiguous, a compile error.
trait AmbiguousIfUnpin<A> {
    fn check() {}
}
impl<T: ?Sized> AmbiguousIfUnpin<()> for T {}
impl<T: ?Sized + Unpin> AmbiguousIfUnpin<u8> for T {}

#[test]
fn sleep_is_send_sync_debug_and_not_unpin() {
    fn send_sync_debug<T: Send + Sync + std::fmt::Debug>() {}
    send_sync_debug::<Sleep>();
    <Sleep as AmbiguousIfUnpin<_>>::check();
    fn returns_sleep(_: fn(Duration) -> Sleep, _: fn(Instant) -> Sleep) {}
    returns_sleep(sleep, sleep_until);
}

#[test]
fn sleep_moves_the_paused_clock_by_exactly_the_duration() {
    paused(|| async {
        let real = std::time::Instant::now();
        let mut expected = Instant::now();
        for d in [
            ms(1),
            ms(10),
            ms(250),
            Duration::from_secs(1),
            Duration::from_secs(3600),
            DAY * 7,
        ] {
            sleep(d).await;
            expected += d;
            assert_eq!(Instant::now(), expected, "after sleeping {d:?}");
        }
        // More than a week of paused time went by; real time barely did.
        assert!(
            real.elapsed() < Duration::from_secs(10),
            "the paused clock was not auto-advanced"
        );
    });
}

#[test]
fn sleep_rounds_sub_millisecond_deadlines_up_to_the_next_millisecond() {
    paused(|| async {
        for (d, slept) in [
            (Duration::from_nanos(1), ms(1)),
            (Duration::from_nanos(999_999), ms(1)),
            (ms(1), ms(1)),
            (ms(1) + Duration::from_nanos(1), ms(2)),
            (Duration::from_micros(1500), ms(2)),
            (Duration::from_micros(10_001), ms(11)),
        ] {
            let t0 = Instant::now();
            let s = sleep(d);
            // The deadline itself is not rounded.
            assert_eq!(s.deadline(), t0 + d);
            s.await;
            assert_eq!(t0.elapsed(), slept, "sleep({d:?})");
        }
    });
}

#[test]
fn sleep_never_completes_early_from_an_unaligned_instant() {
    paused(|| async {
        // Move the clock half a millisecond off the millisecond grid.
        time::advance(Duration::from_micros(500)).await;
        for d in [ms(1), ms(10), Duration::from_micros(2500)] {
            let t0 = Instant::now();
            let deadline = t0 + d;
            sleep(d).await;
            let now = Instant::now();
            assert!(now >= deadline, "sleep({d:?}) completed early: {now:?}");
            assert!(
                now - deadline <= ms(1),
                "sleep({d:?}) completed {:?} late on a paused clock",
                now - deadline
            );
        }
    });
}

#[test]
fn sleep_until_completes_at_its_deadline() {
    paused(|| async {
        let start = Instant::now();
        sleep_until(start + ms(40)).await;
        assert_eq!(Instant::now(), start + ms(40));
        let s = sleep_until(start + ms(45));
        assert_eq!(s.deadline(), start + ms(45));
        s.await;
        assert_eq!(Instant::now(), start + ms(45));
    });
}

#[test]
fn zero_and_past_deadlines_complete_without_moving_the_clock() {
    paused(|| async {
        let start = Instant::now();

        let mut zero = pin!(sleep(Duration::ZERO));
        assert_eq!(zero.deadline(), start);
        assert!(poll!(zero.as_mut()).is_ready(), "sleep(0) is ready at once");
        assert!(zero.is_elapsed());
        assert_eq!(Instant::now(), start);

        sleep_until(start).await;
        assert_eq!(Instant::now(), start);

        time::advance(ms(100)).await;
        let now = Instant::now();
        assert_eq!(now, start + ms(100));
        for past in [start, now - ms(1), now - Duration::from_nanos(1), now] {
            sleep_until(past).await;
            assert_eq!(Instant::now(), now, "sleep_until({past:?}) moved the clock");
        }
        sleep(Duration::ZERO).await;
        assert_eq!(Instant::now(), now);
    });
}

#[test]
fn a_year_long_sleep_completes_exactly_a_year_later() {
    paused(|| async {
        let start = Instant::now();
        sleep(DAY * 365).await;
        assert_eq!(Instant::now(), start + DAY * 365);

        // Longer than the timer wheel's range (about 2.2 years of
        // milliseconds): still exact, not early.
        let t0 = Instant::now();
        sleep(DAY * 365 * 3).await;
        assert_eq!(Instant::now(), t0 + DAY * 365 * 3);
    });
}

#[test]
fn huge_durations_do_not_overflow() {
    paused(|| async {
        let start = Instant::now();
        let mut forever = pin!(sleep(Duration::MAX));
        assert!(forever.deadline() > start + DAY * 365 * 10);
        assert!(poll!(forever.as_mut()).is_pending());

        let far = start + DAY * 365 * 100;
        let mut far_sleep = pin!(sleep_until(far));
        assert_eq!(far_sleep.deadline(), far);
        assert!(poll!(far_sleep.as_mut()).is_pending());

        // A year later neither has fired; a short sleep still works.
        time::advance(DAY * 365).await;
        sleep(ms(5)).await;
        assert_eq!(Instant::now(), start + DAY * 365 + ms(5));
        assert!(poll!(forever.as_mut()).is_pending());
        assert!(poll!(far_sleep.as_mut()).is_pending());
        assert!(!forever.is_elapsed());
        assert!(!far_sleep.is_elapsed());
    });
}

#[test]
fn is_elapsed_follows_the_sleep() {
    paused(|| async {
        let start = Instant::now();
        let mut s = pin!(sleep(ms(10)));
        assert!(poll!(s.as_mut()).is_pending());
        assert!(!s.is_elapsed());
        time::advance(ms(9)).await;
        assert!(poll!(s.as_mut()).is_pending());
        assert!(!s.is_elapsed());
        s.as_mut().await;
        assert!(s.is_elapsed());
        assert_eq!(Instant::now(), start + ms(10));
        // A completed sleep stays complete: polling it again is ready.
        assert!(poll!(s.as_mut()).is_ready());
        assert!(s.is_elapsed());
    });
}

#[test]
fn reset_to_a_later_deadline_delays_completion() {
    paused(|| async {
        let start = Instant::now();
        let mut s = pin!(sleep(ms(10)));
        assert!(poll!(s.as_mut()).is_pending());
        s.as_mut().reset(start + ms(50));
        assert_eq!(s.deadline(), start + ms(50));
        assert!(!s.is_elapsed());

        // The original deadline passes without completing the sleep.
        time::advance(ms(20)).await;
        assert!(poll!(s.as_mut()).is_pending());
        assert!(!s.is_elapsed());

        s.as_mut().await;
        assert_eq!(Instant::now(), start + ms(50));
        assert!(s.is_elapsed());
    });
}

#[test]
fn reset_to_an_earlier_deadline_hastens_completion() {
    paused(|| async {
        let start = Instant::now();
        let mut s = pin!(sleep(Duration::from_secs(3600)));
        assert!(poll!(s.as_mut()).is_pending());
        s.as_mut().reset(start + ms(5));
        assert_eq!(s.deadline(), start + ms(5));
        s.as_mut().await;
        assert_eq!(Instant::now(), start + ms(5));
    });
}

#[test]
fn reset_before_the_first_poll() {
    paused(|| async {
        let start = Instant::now();
        let mut s = pin!(sleep(Duration::from_secs(3600)));
        s.as_mut().reset(start + ms(7));
        s.as_mut().await;
        assert_eq!(Instant::now(), start + ms(7));
    });
}

#[test]
fn reset_after_firing_rearms_the_sleep() {
    paused(|| async {
        let start = Instant::now();
        let mut s = pin!(sleep(ms(5)));
        s.as_mut().await;
        assert!(s.is_elapsed());
        assert_eq!(Instant::now(), start + ms(5));

        s.as_mut().reset(start + ms(25));
        assert!(!s.is_elapsed(), "reset re-arms a completed sleep");
        assert_eq!(s.deadline(), start + ms(25));
        assert!(poll!(s.as_mut()).is_pending());
        s.as_mut().await;
        assert_eq!(Instant::now(), start + ms(25));
        assert!(s.is_elapsed());

        // Re-armed again, several times in a row.
        for i in 1..=3u64 {
            let deadline = Instant::now() + ms(10 * i);
            s.as_mut().reset(deadline);
            s.as_mut().await;
            assert_eq!(Instant::now(), deadline);
        }
    });
}

#[test]
fn reset_to_a_past_deadline_completes_at_once() {
    paused(|| async {
        let start = Instant::now();
        time::advance(ms(30)).await;
        let now = Instant::now();

        // A pending sleep reset into the past.
        let mut s = pin!(sleep(ms(100)));
        assert!(poll!(s.as_mut()).is_pending());
        s.as_mut().reset(start + ms(10));
        s.as_mut().await;
        assert_eq!(Instant::now(), now);

        // A completed sleep reset into the past completes again.
        s.as_mut().reset(start);
        s.as_mut().await;
        assert!(s.is_elapsed());
        assert_eq!(Instant::now(), now);
    });
}

#[test]
fn dropping_a_pending_sleep_cancels_its_wakeup() {
    paused(|| async {
        let (counter, waker) = CountingWaker::new();
        {
            let mut s = Box::pin(sleep(ms(10)));
            let mut cx = Context::from_waker(&waker);
            assert!(s.as_mut().poll(&mut cx).is_pending());
        }
        // Past the dropped sleep's deadline: nobody is woken.
        sleep(ms(50)).await;
        assert_eq!(counter.count(), 0, "a dropped sleep woke its task");
    });
}

#[test]
fn the_latest_waker_is_woken() {
    paused(|| async {
        let (first, first_waker) = CountingWaker::new();
        let (second, second_waker) = CountingWaker::new();
        let mut s = Box::pin(sleep(ms(10)));
        assert!(s
            .as_mut()
            .poll(&mut Context::from_waker(&first_waker))
            .is_pending());
        assert!(s
            .as_mut()
            .poll(&mut Context::from_waker(&second_waker))
            .is_pending());
        assert_eq!((first.count(), second.count()), (0, 0));

        // Auto-advance goes through the first sleep's deadline on its way to
        // this one's.
        sleep(ms(20)).await;
        assert_eq!(second.count(), 1, "the most recent waker is woken once");
        assert!(s
            .as_mut()
            .poll(&mut Context::from_waker(&second_waker))
            .is_ready());
    });
}

#[test]
fn concurrent_sleeps_complete_in_deadline_order_at_their_deadlines() {
    paused(|| async {
        let start = Instant::now();
        let log = Arc::new(Mutex::new(Vec::new()));
        let mut tasks = Vec::new();
        for d in [30u64, 10, 50, 20, 40, 1, 1000] {
            let log = log.clone();
            tasks.push(kiso::spawn(async move {
                sleep(ms(d)).await;
                log.lock().unwrap().push((d, Instant::now()));
            }));
        }
        for t in tasks {
            t.await.unwrap();
        }
        let log = log.lock().unwrap().clone();
        let expected: Vec<_> = [1u64, 10, 20, 30, 40, 50, 1000]
            .iter()
            .map(|&d| (d, start + ms(d)))
            .collect();
        assert_eq!(log, expected);
    });
}

#[test]
fn a_pinned_sleep_keeps_its_deadline_across_races() {
    paused(|| async {
        let start = Instant::now();
        let mut long = pin!(sleep(ms(100)));
        let mut fired = Vec::new();
        // The short sleep wins three races; the long one, raced by reference,
        // keeps its deadline (it is not restarted).
        for _ in 0..4 {
            match select(long.as_mut(), pin!(sleep(ms(30)))).await {
                Either::Left(_) => fired.push("long"),
                Either::Right(_) => fired.push("short"),
            }
        }
        assert_eq!(fired, ["short", "short", "short", "long"]);
        assert_eq!(Instant::now(), start + ms(100));
    });
}

#[kiso::test(start_paused = true)]
async fn test_attribute_start_paused_sleeps_on_the_paused_clock() {
    let _guard = watchdog("test_attribute_start_paused_sleeps_on_the_paused_clock");
    let real = std::time::Instant::now();
    let start = Instant::now();
    let handle = kiso::spawn(async {
        sleep(DAY).await;
        Instant::now()
    });
    sleep(ms(1)).await;
    assert_eq!(Instant::now(), start + ms(1));
    assert_eq!(handle.await.unwrap(), start + DAY);
    assert_eq!(Instant::now(), start + DAY);
    assert!(real.elapsed() < Duration::from_secs(10));
}

#[test]
fn sleep_polled_by_hand_reports_pending_then_ready() {
    paused(|| async {
        let start = Instant::now();
        let (counter, waker) = CountingWaker::new();
        let mut s = Box::pin(sleep(ms(3)));
        let mut cx = Context::from_waker(&waker);
        assert_eq!(s.as_mut().poll(&mut cx), Poll::Pending);
        time::advance(ms(3)).await;
        // The runtime processes the timer the next time it parks; let it.
        while counter.count() == 0 {
            kiso::task::yield_now().await;
        }
        assert_eq!(s.as_mut().poll(&mut cx), Poll::Ready(()));
        assert_eq!(Instant::now(), start + ms(3));
    });
}
