//! `time::interval`, `time::interval_at` and `Interval`: the immediate first
//! tick, the period, each `MissedTickBehavior` (`Burst`, `Delay`, `Skip`)
//! with the exact instants it yields after a slow consumer, the 5 ms
//! tolerance before a tick counts as missed, the `reset*` methods,
//! `poll_tick`, cancel safety, and the zero-period panic.
//!
//! Every test runs on a paused clock, inside a real-time guard. A slow
//! consumer is simulated by `time::advance`-ing past several periods before
//! ticking again.

#![cfg(all(feature = "full", feature = "test-util"))]

mod support;

use futures::future::{select, Either};
use futures::poll;
use kiso::time::{self, interval, interval_at, sleep, Duration, Instant, Interval};
use kiso::time::{MissedTickBehavior, MissedTickBehavior::*};
use std::future::poll_fn;
use std::pin::pin;
use std::sync::atomic::Ordering::SeqCst;
use std::sync::Arc;
use std::task::{Context, Poll, Waker};
use support::*;

/// Ticks `i` and checks both the instant it yields and the clock's time when
/// it yields it (offsets from `start`, in milliseconds).
async fn expect_tick(i: &mut Interval, start: Instant, scheduled: u64, at: u64) {
    let t = i.tick().await;
    assert_eq!(
        (t - start, Instant::now() - start),
        (ms(scheduled), ms(at)),
        "(yielded tick, clock when yielded) as offsets from the start"
    );
}

#[test]
fn interval_is_send_sync_unpin_debug() {
    fn check<T: Send + Sync + Unpin + std::fmt::Debug>() {}
    check::<Interval>();
    fn copy_eq_debug<T: Copy + Eq + std::fmt::Debug>() {}
    copy_eq_debug::<MissedTickBehavior>();
}

#[test]
fn first_tick_is_immediate_then_one_per_period() {
    paused(|| async {
        let start = Instant::now();
        let mut i = interval(ms(10));
        assert_eq!(i.period(), ms(10));
        expect_tick(&mut i, start, 0, 0).await;
        for n in 1..=5 {
            expect_tick(&mut i, start, 10 * n, 10 * n).await;
        }
    });
}

#[test]
fn interval_at_first_ticks_at_start() {
    paused(|| async {
        let start = Instant::now();
        let mut i = interval_at(start + ms(50), ms(10));
        expect_tick(&mut i, start, 50, 50).await;
        expect_tick(&mut i, start, 60, 60).await;
        expect_tick(&mut i, start, 70, 70).await;
    });
}

#[test]
fn interval_at_with_a_past_start_catches_up_in_a_burst() {
    paused(|| async {
        let start = Instant::now();
        time::advance(ms(100)).await;
        let mut i = interval_at(start, ms(30));
        // Ticks at 0, 30, 60 and 90 were all due: yielded at once, in order.
        expect_tick(&mut i, start, 0, 100).await;
        expect_tick(&mut i, start, 30, 100).await;
        expect_tick(&mut i, start, 60, 100).await;
        expect_tick(&mut i, start, 90, 100).await;
        expect_tick(&mut i, start, 120, 120).await;
        expect_tick(&mut i, start, 150, 150).await;
    });
}

#[test]
fn burst_is_the_default() {
    assert_eq!(MissedTickBehavior::default(), Burst);
    paused(|| async {
        assert_eq!(interval(ms(1)).missed_tick_behavior(), Burst);
        assert_eq!(
            interval_at(Instant::now(), ms(1)).missed_tick_behavior(),
            Burst
        );
    });
}

#[test]
fn set_missed_tick_behavior_is_read_back() {
    paused(|| async {
        let mut i = interval(ms(1));
        for b in [Delay, Skip, Burst, Skip] {
            i.set_missed_tick_behavior(b);
            assert_eq!(i.missed_tick_behavior(), b);
        }
    });
}

#[test]
fn burst_yields_the_missed_ticks_at_once_then_keeps_the_schedule() {
    paused(|| async {
        let start = Instant::now();
        let mut i = interval(ms(10));
        expect_tick(&mut i, start, 0, 0).await;
        // A slow consumer: 35 ms go by before the next tick.
        time::advance(ms(35)).await;
        expect_tick(&mut i, start, 10, 35).await;
        expect_tick(&mut i, start, 20, 35).await;
        expect_tick(&mut i, start, 30, 35).await;
        // Caught up: the schedule is the original one, multiples of 10.
        expect_tick(&mut i, start, 40, 40).await;
        expect_tick(&mut i, start, 50, 50).await;
    });
}

#[test]
fn burst_after_a_long_stall() {
    paused(|| async {
        let start = Instant::now();
        let mut i = interval(ms(50));
        expect_tick(&mut i, start, 0, 0).await;
        // The example of `MissedTickBehavior::Burst`: 200 ms of work.
        sleep(ms(200)).await;
        for n in 1..=4 {
            expect_tick(&mut i, start, 50 * n, 200).await;
        }
        expect_tick(&mut i, start, 250, 250).await;
    });
}

#[test]
fn delay_schedules_the_next_tick_a_period_after_the_late_one() {
    paused(|| async {
        let start = Instant::now();
        let mut i = interval(ms(10));
        i.set_missed_tick_behavior(Delay);
        expect_tick(&mut i, start, 0, 0).await;
        time::advance(ms(35)).await;
        // The late tick yields its scheduled instant, at once...
        expect_tick(&mut i, start, 10, 35).await;
        // ...and the next one is a whole period after the call to `tick`.
        expect_tick(&mut i, start, 45, 45).await;
        expect_tick(&mut i, start, 55, 55).await;
        expect_tick(&mut i, start, 65, 65).await;
    });
}

#[test]
fn skip_goes_to_the_next_multiple_of_the_period_from_start() {
    paused(|| async {
        let start = Instant::now();
        let mut i = interval(ms(10));
        i.set_missed_tick_behavior(Skip);
        expect_tick(&mut i, start, 0, 0).await;
        time::advance(ms(35)).await;
        expect_tick(&mut i, start, 10, 35).await;
        // 20 and 30 are skipped; 40 is the next multiple of 10 after 35.
        expect_tick(&mut i, start, 40, 40).await;
        expect_tick(&mut i, start, 50, 50).await;

        // The example of `MissedTickBehavior::Skip`: period 50, 75 ms late.
        let start = Instant::now();
        let mut i = interval(ms(50));
        i.set_missed_tick_behavior(Skip);
        expect_tick(&mut i, start, 0, 0).await;
        sleep(ms(75)).await;
        expect_tick(&mut i, start, 50, 75).await;
        expect_tick(&mut i, start, 100, 100).await;
    });
}

#[test]
fn skip_when_the_clock_is_exactly_on_a_multiple() {
    paused(|| async {
        let start = Instant::now();
        let mut i = interval(ms(10));
        i.set_missed_tick_behavior(Skip);
        expect_tick(&mut i, start, 0, 0).await;
        time::advance(ms(40)).await;
        expect_tick(&mut i, start, 10, 40).await;
        // The next tick is strictly after the time of the late tick.
        expect_tick(&mut i, start, 50, 50).await;
    });
}

#[test]
fn each_behavior_after_the_same_stall() {
    // Period 20 ms, 70 ms of stall after the first tick: the four ticks that
    // follow, per behavior.
    for (behavior, expected) in [
        (Burst, [(20, 70), (40, 70), (60, 70), (80, 80)]),
        (Delay, [(20, 70), (90, 90), (110, 110), (130, 130)]),
        (Skip, [(20, 70), (80, 80), (100, 100), (120, 120)]),
    ] {
        paused(move || async move {
            let start = Instant::now();
            let mut i = interval(ms(20));
            i.set_missed_tick_behavior(behavior);
            expect_tick(&mut i, start, 0, 0).await;
            time::advance(ms(70)).await;
            for (scheduled, at) in expected {
                expect_tick(&mut i, start, scheduled, at).await;
            }
        });
    }
}

#[test]
fn up_to_five_ms_late_is_not_a_missed_tick() {
    // With `Delay`, a tick that is late by at most 5 ms keeps the original
    // schedule; later than that, the next tick moves.
    for (late, next) in [(1, 20), (5, 20), (6, 26), (9, 29)] {
        paused(move || async move {
            let start = Instant::now();
            let mut i = interval(ms(10));
            i.set_missed_tick_behavior(Delay);
            expect_tick(&mut i, start, 0, 0).await;
            time::advance(ms(10 + late)).await;
            expect_tick(&mut i, start, 10, 10 + late).await;
            expect_tick(&mut i, start, next, next).await;
        });
    }
}

#[test]
fn ticks_yield_scheduled_instants_for_sub_millisecond_periods() {
    paused(|| async {
        let start = Instant::now();
        let period = Duration::from_micros(1500);
        let mut i = interval(period);
        for n in 0..6u32 {
            let t = i.tick().await;
            assert_eq!(t, start + period * n, "tick {n}");
            let now = Instant::now();
            assert!(now >= t, "tick {n} yielded before its instant");
            assert!(now - t < ms(1), "tick {n} yielded {:?} late", now - t);
        }
    });
}

#[test]
fn reset_restarts_the_period_from_now() {
    paused(|| async {
        let start = Instant::now();
        let mut i = interval(ms(100));
        expect_tick(&mut i, start, 0, 0).await;
        sleep(ms(50)).await;
        i.reset();
        expect_tick(&mut i, start, 150, 150).await;
        expect_tick(&mut i, start, 250, 250).await;
    });
}

#[test]
fn reset_immediately_ticks_now() {
    paused(|| async {
        let start = Instant::now();
        let mut i = interval(ms(100));
        expect_tick(&mut i, start, 0, 0).await;
        sleep(ms(50)).await;
        i.reset_immediately();
        expect_tick(&mut i, start, 50, 50).await;
        expect_tick(&mut i, start, 150, 150).await;
    });
}

#[test]
fn reset_after_ticks_after_the_given_duration() {
    paused(|| async {
        let start = Instant::now();
        let mut i = interval(ms(100));
        expect_tick(&mut i, start, 0, 0).await;
        sleep(ms(50)).await;
        i.reset_after(ms(20));
        expect_tick(&mut i, start, 70, 70).await;
        expect_tick(&mut i, start, 170, 170).await;
        // Longer than the period is allowed too.
        i.reset_after(ms(250));
        expect_tick(&mut i, start, 420, 420).await;
        expect_tick(&mut i, start, 520, 520).await;
    });
}

#[test]
fn reset_at_ticks_at_the_given_instant() {
    paused(|| async {
        let start = Instant::now();
        let mut i = interval(ms(100));
        expect_tick(&mut i, start, 0, 0).await;
        sleep(ms(50)).await;
        i.reset_at(Instant::now() + ms(30));
        expect_tick(&mut i, start, 80, 80).await;
        expect_tick(&mut i, start, 180, 180).await;
        // Further away than one period.
        i.reset_at(start + ms(1000));
        expect_tick(&mut i, start, 1000, 1000).await;
        expect_tick(&mut i, start, 1100, 1100).await;
    });
}

#[test]
fn resets_ignore_and_discard_missed_ticks() {
    paused(|| async {
        let start = Instant::now();
        let mut i = interval(ms(10));
        expect_tick(&mut i, start, 0, 0).await;
        time::advance(ms(45)).await;
        // Ticks at 10..40 were missed; a reset into the future drops them.
        i.reset();
        expect_tick(&mut i, start, 55, 55).await;
        expect_tick(&mut i, start, 65, 65).await;

        time::advance(ms(35)).await; // now 100; 75..95 missed
        i.reset_after(ms(3));
        expect_tick(&mut i, start, 103, 103).await;
        expect_tick(&mut i, start, 113, 113).await;

        time::advance(ms(45)).await; // now 158
        i.reset_at(start + ms(160));
        expect_tick(&mut i, start, 160, 160).await;
        expect_tick(&mut i, start, 170, 170).await;
    });
}

#[test]
fn reset_at_a_past_instant_catches_up_by_the_missed_tick_behavior() {
    for (behavior, expected) in [
        (Burst, [(22, 50), (32, 50), (42, 50), (52, 52)]),
        (Delay, [(22, 50), (60, 60), (70, 70), (80, 80)]),
        (Skip, [(22, 50), (52, 52), (62, 62), (72, 72)]),
    ] {
        paused(move || async move {
            let start = Instant::now();
            let mut i = interval(ms(10));
            i.set_missed_tick_behavior(behavior);
            expect_tick(&mut i, start, 0, 0).await;
            time::advance(ms(50)).await;
            i.reset_at(start + ms(22));
            for (scheduled, at) in expected {
                expect_tick(&mut i, start, scheduled, at).await;
            }
        });
    }
}

#[test]
fn poll_tick_is_pending_until_the_tick_and_wakes_the_latest_waker() {
    paused(|| async {
        let start = Instant::now();
        let mut i = interval(ms(10));
        let noop = Waker::noop();
        assert_eq!(
            i.poll_tick(&mut Context::from_waker(noop)),
            Poll::Ready(start)
        );

        let old = Arc::new(CountingWaker::default());
        let new = Arc::new(CountingWaker::default());
        let old_waker = Waker::from(old.clone());
        let new_waker = Waker::from(new.clone());
        assert!(i
            .poll_tick(&mut Context::from_waker(&old_waker))
            .is_pending());
        assert!(i
            .poll_tick(&mut Context::from_waker(&new_waker))
            .is_pending());
        // Auto-advance passes the tick at 10 on the way to 15.
        sleep(ms(15)).await;
        assert_eq!(new.0.load(SeqCst), 1, "the latest waker is woken");
        assert_eq!(old.0.load(SeqCst), 0, "only the latest waker is kept");
        assert_eq!(
            i.poll_tick(&mut Context::from_waker(&new_waker)),
            Poll::Ready(start + ms(10))
        );
        // Through `poll_fn`, as `tick` is built.
        assert_eq!(
            poll_fn(|cx| i.poll_tick(cx)).await - start,
            ms(20),
            "next tick"
        );
        assert_eq!(Instant::now(), start + ms(20));
    });
}

#[test]
fn tick_is_cancel_safe() {
    paused(|| async {
        let start = Instant::now();
        let mut i = interval(ms(10));
        expect_tick(&mut i, start, 0, 0).await;
        // A shorter sleep wins the select; no tick is consumed.
        match select(pin!(sleep(ms(3))), pin!(i.tick())).await {
            Either::Left(_) => {}
            Either::Right(_) => panic!("the tick at 10 ms won over a 3 ms sleep"),
        }
        assert_eq!(Instant::now(), start + ms(3));
        // An unfinished tick future is dropped before it is due.
        {
            let mut tick = Box::pin(i.tick());
            assert!(poll!(tick.as_mut()).is_pending());
        }
        expect_tick(&mut i, start, 10, 10).await;
        expect_tick(&mut i, start, 20, 20).await;
    });
}

#[test]
fn interval_of_zero_panics() {
    paused(|| async {
        let msg = panic_message(|| drop(interval(Duration::ZERO)));
        assert!(msg.contains("`period` must be non-zero"), "{msg}");
        let msg = panic_message(|| drop(interval_at(Instant::now(), Duration::ZERO)));
        assert!(msg.contains("`period` must be non-zero"), "{msg}");
        // The smallest non-zero period is fine.
        let mut i = interval(Duration::from_nanos(1));
        let start = Instant::now();
        assert_eq!(i.tick().await, start);
        assert_eq!(i.tick().await, start + Duration::from_nanos(1));
    });
}

#[test]
fn huge_periods_do_not_overflow() {
    paused(|| async {
        let start = Instant::now();
        let mut i = interval(Duration::MAX);
        assert_eq!(i.tick().await, start);
        let mut next = Box::pin(i.tick());
        assert!(poll!(next.as_mut()).is_pending());
        time::advance(Duration::from_secs(86_400 * 365)).await;
        assert!(poll!(next.as_mut()).is_pending());
    });
}

#[test]
fn intervals_in_many_tasks_tick_in_lockstep() {
    paused(|| async {
        let start = Instant::now();
        let mut tasks = Vec::new();
        for p in 1..=10u64 {
            tasks.push(kiso::spawn(async move {
                let mut i = interval(ms(p));
                let mut ticks = Vec::new();
                for _ in 0..20 {
                    let t = i.tick().await;
                    assert_eq!(Instant::now(), t, "period {p}: yielded late");
                    ticks.push(t);
                }
                ticks
            }));
        }
        for (p, t) in (1..=10u64).zip(tasks) {
            let ticks = t.await.unwrap();
            let expected: Vec<_> = (0..20).map(|n| start + ms(p * n)).collect();
            assert_eq!(ticks, expected, "period {p}");
        }
    });
}
