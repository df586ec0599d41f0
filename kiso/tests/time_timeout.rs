//! `time::timeout`, `time::timeout_at` and `Timeout`: completing in time,
//! elapsing at the deadline (and not before), the inner future polled first,
//! `IntoFuture` arguments, `get_ref`/`get_mut`/`into_inner`, cancellation,
//! the coop budget, and the error types `error::Elapsed` and `error::Error`.
//!
//! Every test runs inside a real-time guard; all but the coop-budget one run
//! on a paused clock.

#![cfg(all(feature = "full", feature = "test-util"))]

mod support;

use futures::poll;
use kiso::time::error::{Elapsed, Error};
use kiso::time::{self, sleep, timeout, timeout_at, Duration, Instant, Timeout};
use std::future::{pending, ready, Future, IntoFuture, Ready};
use std::pin::{pin, Pin};
use std::sync::atomic::{AtomicUsize, Ordering::SeqCst};
use std::sync::Arc;
use std::task::{Context, Poll};
use support::*;

/// A future that is pending `left` times (waking itself each time), then
/// ready with the number of times it was polled.
struct Countdown {
    polls: u32,
    left: u32,
}

impl Future for Countdown {
    type Output = u32;
    fn poll(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<u32> {
        self.polls += 1;
        if self.left == 0 {
            Poll::Ready(self.polls)
        } else {
            self.left -= 1;
            cx.waker().wake_by_ref();
            Poll::Pending
        }
    }
}

/// Not a future itself: only `IntoFuture`.
struct Answer;

impl IntoFuture for Answer {
    type Output = u32;
    type IntoFuture = Ready<u32>;
    fn into_future(self) -> Ready<u32> {
        ready(42)
    }
}

#[test]
fn timeout_types_are_send_sync_and_error_types_are_errors() {
    fn send_sync<T: Send + Sync>() {}
    send_sync::<Timeout<Ready<u32>>>();
    send_sync::<Elapsed>();
    send_sync::<Error>();
    fn error<T: std::error::Error + std::fmt::Display + std::fmt::Debug + 'static>() {}
    error::<Elapsed>();
    error::<Error>();
    fn eq<T: Eq>() {}
    eq::<Elapsed>();
    fn copy<T: Copy>() {}
    copy::<Error>();
}

#[test]
fn completes_in_time() {
    paused(|| async {
        let start = Instant::now();
        let r = timeout(ms(10), async {
            sleep(ms(5)).await;
            "done"
        })
        .await;
        assert_eq!(r, Ok("done"));
        assert_eq!(
            Instant::now(),
            start + ms(5),
            "it waited for the future only"
        );
    });
}

#[test]
fn elapses_at_the_deadline_and_not_before() {
    paused(|| async {
        let start = Instant::now();
        let first: Result<(), Elapsed> = timeout(ms(10), pending()).await;
        assert_eq!(Instant::now(), start + ms(10));
        let second: Result<(), Elapsed> = timeout(ms(0), pending()).await;
        assert_eq!(first, second, "`Elapsed` values are all equal");
        assert!(first.is_err());

        let mut t = pin!(timeout(ms(20), pending::<()>()));
        assert!(poll!(t.as_mut()).is_pending());
        time::advance(ms(19)).await;
        assert!(poll!(t.as_mut()).is_pending());
        assert!(t.as_mut().await.is_err());
        assert_eq!(Instant::now(), start + ms(30));
    });
}

#[test]
fn timeout_at_uses_the_instant() {
    paused(|| async {
        let start = Instant::now();
        let r = timeout_at(start + ms(25), pending::<()>()).await;
        assert!(r.is_err());
        assert_eq!(Instant::now(), start + ms(25));

        let r = timeout_at(start + ms(100), async {
            sleep(ms(50)).await;
            1
        })
        .await;
        assert_eq!(r, Ok(1));
        assert_eq!(Instant::now(), start + ms(75));

        // A deadline already past: elapsed without the clock moving.
        let r = timeout_at(start + ms(10), pending::<()>()).await;
        assert!(r.is_err());
        assert_eq!(Instant::now(), start + ms(75));
    });
}

#[test]
fn a_ready_future_wins_even_with_no_time_left() {
    paused(|| async {
        let start = Instant::now();
        // Ready on the first poll, whatever the duration or deadline.
        let mut t = pin!(timeout(Duration::ZERO, async { 7 }));
        assert_eq!(poll!(t.as_mut()), Poll::Ready(Ok(7)));
        let mut t = pin!(timeout_at(start, ready(8)));
        assert_eq!(poll!(t.as_mut()), Poll::Ready(Ok(8)));
        time::advance(ms(50)).await;
        let mut t = pin!(timeout_at(start, ready(9)));
        assert_eq!(poll!(t.as_mut()), Poll::Ready(Ok(9)));

        // Not ready: a zero timeout elapses at once.
        let now = Instant::now();
        assert!(timeout(Duration::ZERO, pending::<()>()).await.is_err());
        assert_eq!(Instant::now(), now);
    });
}

#[test]
fn the_future_is_polled_before_the_deadline_is_checked() {
    paused(|| async {
        let start = Instant::now();
        // Both the future and the timeout are due at 10 ms: the future wins.
        let r = timeout(ms(10), sleep(ms(10))).await;
        assert_eq!(r, Ok(()));
        assert_eq!(Instant::now(), start + ms(10));
        // A future that completes on its next poll after the deadline passed
        // still wins.
        let mut t = pin!(timeout(ms(5), Countdown { polls: 0, left: 1 }));
        assert!(poll!(t.as_mut()).is_pending());
        time::advance(ms(50)).await;
        assert_eq!(t.as_mut().await, Ok(2));
    });
}

#[test]
fn accepts_into_future() {
    paused(|| async {
        let t: Timeout<Ready<u32>> = timeout(ms(1), Answer);
        assert_eq!(t.await, Ok(42));
        let t: Timeout<Ready<u32>> = timeout_at(Instant::now(), Answer);
        assert_eq!(t.await, Ok(42));
    });
}

#[test]
fn get_ref_get_mut_into_inner() {
    paused(|| async {
        let mut t = timeout(
            ms(10),
            Countdown {
                polls: 0,
                left: 1000,
            },
        );
        assert_eq!(t.get_ref().left, 1000);
        t.get_mut().left = 2;
        assert_eq!(t.get_ref().left, 2);

        let mut t = pin!(t);
        assert!(poll!(t.as_mut()).is_pending());
        assert_eq!(Timeout::get_ref(&t).polls, 1);
        assert_eq!(Timeout::get_ref(&t).left, 1);
        assert_eq!(t.as_mut().await, Ok(3));

        // `into_inner` hands back the future, which still works without
        // the deadline.
        let start = Instant::now();
        let inner = timeout(ms(1), async {
            sleep(ms(100)).await;
            "late but fine"
        })
        .into_inner();
        assert_eq!(inner.await, "late but fine");
        assert_eq!(Instant::now(), start + ms(100));

        // Past the deadline it had, the inner future still waits for its event.
        let flag = Flag::new();
        let t = timeout(ms(1), flag.wait());
        let mut inner = pin!(t.into_inner());
        sleep(ms(10)).await;
        assert!(poll!(inner.as_mut()).is_pending());
        flag.set();
        inner.await;
    });
}

#[test]
fn the_inner_future_is_dropped_when_elapsed_or_cancelled() {
    paused(|| async {
        let drops = Arc::new(AtomicUsize::new(0));
        let guard = DropCounter(drops.clone());
        let r = timeout(ms(10), async move {
            let _guard = guard;
            pending::<()>().await
        })
        .await;
        assert!(r.is_err());
        assert_eq!(drops.load(SeqCst), 1, "elapsed: the future is dropped");

        // Cancelling: dropping the `Timeout` drops the future, and its timer
        // does not keep the clock from moving on normally.
        let guard = DropCounter(drops.clone());
        let mut t = Box::pin(timeout(ms(10), async move {
            let _guard = guard;
            pending::<()>().await
        }));
        assert!(poll!(t.as_mut()).is_pending());
        drop(t);
        assert_eq!(drops.load(SeqCst), 2);
        let start = Instant::now();
        sleep(ms(30)).await;
        assert_eq!(Instant::now(), start + ms(30));
    });
}

#[test]
fn nested_timeouts_the_shorter_wins() {
    paused(|| async {
        let start = Instant::now();
        let r = timeout(ms(50), timeout(ms(20), pending::<()>())).await;
        assert!(matches!(r, Ok(Err(_))), "the inner one elapsed: {r:?}");
        assert_eq!(Instant::now(), start + ms(20));
        let r = timeout(ms(20), timeout(ms(50), pending::<()>())).await;
        assert!(r.is_err(), "the outer one elapsed: {r:?}");
        assert_eq!(Instant::now(), start + ms(40));
    });
}

#[test]
fn huge_durations_do_not_overflow() {
    paused(|| async {
        let start = Instant::now();
        let year = Duration::from_secs(86_400 * 365);
        let r = timeout(Duration::MAX, async {
            sleep(year).await;
            3
        })
        .await;
        assert_eq!(r, Ok(3));
        assert_eq!(Instant::now(), start + year);
    });
}

#[test]
fn elapses_even_when_the_future_uses_up_the_coop_budget() {
    // Real time: a task that always has work keeps a paused clock from
    // moving. The future never finishes, but spends its whole budget on
    // each poll; the timeout must still fire.
    with_timeout(|| {
        let rt = support::current_thread();
        rt.block_on(async {
            let start = std::time::Instant::now();
            let r = timeout(ms(20), async {
                loop {
                    kiso::task::consume_budget().await;
                }
            })
            .await;
            assert!(r.is_err());
            assert!(start.elapsed() >= ms(20));
        });
    });
}

#[test]
fn elapsed_displays_and_converts_to_io_error() {
    paused(|| async {
        let err = timeout(Duration::ZERO, pending::<()>()).await.unwrap_err();
        assert_eq!(err.to_string(), "deadline has elapsed");
        assert!(!format!("{err:?}").is_empty());
        assert!(std::error::Error::source(&err).is_none());

        let io: std::io::Error = err.into();
        assert_eq!(io.kind(), std::io::ErrorKind::TimedOut);

        // And through `?`.
        async fn read_with_deadline() -> std::io::Result<()> {
            timeout(ms(1), pending::<()>()).await?;
            Ok(())
        }
        let err = read_with_deadline().await.unwrap_err();
        assert_eq!(err.kind(), std::io::ErrorKind::TimedOut);
    });
}

#[test]
fn time_error_kinds() {
    let shutdown = Error::shutdown();
    let at_capacity = Error::at_capacity();
    let invalid = Error::invalid();
    let kinds = |e: &Error| (e.is_shutdown(), e.is_at_capacity(), e.is_invalid());
    assert_eq!(kinds(&shutdown), (true, false, false));
    assert_eq!(kinds(&at_capacity), (false, true, false));
    assert_eq!(kinds(&invalid), (false, false, true));

    let copy = shutdown;
    assert!(copy.is_shutdown() && shutdown.is_shutdown());
    #[allow(clippy::clone_on_copy)]
    let clone = invalid.clone();
    assert!(clone.is_invalid());

    let text = |e: Error| e.to_string();
    assert!(text(shutdown).contains("timer is shutdown"), "{shutdown}");
    assert!(
        text(at_capacity).contains("timer is at capacity"),
        "{at_capacity}"
    );
    assert!(
        text(invalid).contains("timer duration exceeds maximum duration"),
        "{invalid}"
    );
    assert_ne!(text(shutdown), text(at_capacity));
    assert!(!format!("{invalid:?}").is_empty());
    let boxed: Box<dyn std::error::Error + Send + Sync> = Box::new(invalid);
    assert!(boxed.source().is_none());
}
