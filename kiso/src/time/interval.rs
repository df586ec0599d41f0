//! `Interval`: a stream of evenly spaced ticks.

use crate::time::{sleep_until, Instant, Sleep};
use std::fmt;
use std::future::{poll_fn, Future};
use std::pin::Pin;
use std::task::{ready, Context, Poll};
use std::time::Duration;

/// Creates an [`Interval`] whose first tick completes immediately and whose
/// next ticks come every `period`.
///
/// # Panics
///
/// Panics, naming the caller's location, if `period` is zero, or if called
/// outside a runtime with time enabled.
///
/// # Examples
///
/// ```
/// # let rt = kiso::runtime::Builder::new_current_thread().enable_time().start_paused(true).build().unwrap();
/// # rt.block_on(async {
/// use kiso::time::{interval, Duration, Instant};
///
/// let mut iv = interval(Duration::from_millis(10));
/// let start = Instant::now();
/// iv.tick().await; // at once
/// iv.tick().await; // 10 ms later
/// assert_eq!(start.elapsed(), Duration::from_millis(10));
/// # });
/// ```
#[track_caller]
pub fn interval(period: Duration) -> Interval {
    assert!(period > Duration::ZERO, "`period` must be non-zero.");
    make(Instant::now(), period)
}

/// Creates an [`Interval`] whose first tick completes at `start` and whose
/// next ticks come every `period`.
///
/// # Panics
///
/// Panics, naming the caller's location, if `period` is zero, or if called
/// outside a runtime with time enabled.
///
/// # Examples
///
/// ```
/// # let rt = kiso::runtime::Builder::new_current_thread().enable_time().start_paused(true).build().unwrap();
/// # rt.block_on(async {
/// use kiso::time::{interval_at, Duration, Instant};
///
/// let start = Instant::now() + Duration::from_millis(50);
/// let mut iv = interval_at(start, Duration::from_millis(10));
/// assert_eq!(iv.tick().await, start);
/// # });
/// ```
#[track_caller]
pub fn interval_at(start: Instant, period: Duration) -> Interval {
    assert!(period > Duration::ZERO, "`period` must be non-zero.");
    make(start, period)
}

#[track_caller]
fn make(start: Instant, period: Duration) -> Interval {
    Interval {
        delay: Box::pin(sleep_until(start)),
        period,
        missed_tick_behavior: MissedTickBehavior::default(),
    }
}

/// What an [`Interval`] does when ticks were missed because the consumer was
/// slow (a tick is missed when it is taken more than 5 ms after it was due).
///
/// With a period of 10 ms, ticks due at 0, 10, 20, ... and a consumer that
/// is 35 ms late at the tick due at 10 (it asks at 45):
///
/// * `Burst` yields 10 at once, then 20, 30, 40 at once too (catching up),
///   then 50, 60, ...
/// * `Delay` yields 10 at once, then 55, 65, ... (the schedule restarts from
///   the late tick).
/// * `Skip` yields 10 at once, then 50, 60, ... (the missed ticks are
///   dropped, the schedule keeps its phase).
///
/// # Examples
///
/// ```
/// # let rt = kiso::runtime::Builder::new_current_thread().enable_time().start_paused(true).build().unwrap();
/// # rt.block_on(async {
/// use kiso::time::{interval, Duration, MissedTickBehavior};
///
/// let mut iv = interval(Duration::from_millis(10));
/// iv.set_missed_tick_behavior(MissedTickBehavior::Delay);
/// assert_eq!(iv.missed_tick_behavior(), MissedTickBehavior::Delay);
/// # });
/// ```
#[derive(Debug, Default, Clone, Copy, PartialEq, Eq)]
pub enum MissedTickBehavior {
    /// Yields the missed ticks as fast as possible until caught up (the
    /// default).
    #[default]
    Burst,
    /// Restarts the schedule `period` after the late tick.
    Delay,
    /// Drops the missed ticks and resumes at the next tick of the original
    /// schedule.
    Skip,
}

impl MissedTickBehavior {
    /// The deadline after a tick due at `timeout` was taken late, at `now`.
    fn next_timeout(&self, timeout: Instant, now: Instant, period: Duration) -> Instant {
        match self {
            MissedTickBehavior::Burst => timeout + period,
            MissedTickBehavior::Delay => now + period,
            MissedTickBehavior::Skip => {
                let behind = now.saturating_duration_since(timeout).as_nanos();
                let rem = behind % period.as_nanos();
                // Nanos below `period`, so the cast is lossless.
                now + period - Duration::from_nanos(rem as u64)
            }
        }
    }
}

/// Ticks evenly spaced in time; see [`interval`].
///
/// # Examples
///
/// ```
/// # let rt = kiso::runtime::Builder::new_current_thread().enable_time().start_paused(true).build().unwrap();
/// # rt.block_on(async {
/// let mut iv = kiso::time::interval(std::time::Duration::from_millis(5));
/// for _ in 0..3 {
///     iv.tick().await;
/// }
/// assert_eq!(iv.period(), std::time::Duration::from_millis(5));
/// # });
/// ```
pub struct Interval {
    delay: Pin<Box<Sleep>>,
    period: Duration,
    missed_tick_behavior: MissedTickBehavior,
}

impl Interval {
    /// Completes when the next tick is due, returning the instant it was due
    /// at.
    ///
    /// # Cancel safety
    ///
    /// Cancel safe: if the future is dropped before completing, no tick is
    /// lost.
    ///
    /// # Examples
    ///
    /// ```
    /// # let rt = kiso::runtime::Builder::new_current_thread().enable_time().start_paused(true).build().unwrap();
    /// # rt.block_on(async {
    /// let mut iv = kiso::time::interval(std::time::Duration::from_millis(10));
    /// let first = iv.tick().await;
    /// let second = iv.tick().await;
    /// assert_eq!(second - first, std::time::Duration::from_millis(10));
    /// # });
    /// ```
    pub async fn tick(&mut self) -> Instant {
        poll_fn(|cx| self.poll_tick(cx)).await
    }

    /// Polls for the next tick; see [`tick`](Interval::tick). When `Pending`,
    /// the waker of `cx` is woken at the tick (only the last waker passed is
    /// kept).
    ///
    /// # Examples
    ///
    /// ```
    /// # let rt = kiso::runtime::Builder::new_current_thread().enable_time().start_paused(true).build().unwrap();
    /// # rt.block_on(async {
    /// let mut iv = kiso::time::interval(std::time::Duration::from_millis(10));
    /// let at = std::future::poll_fn(|cx| iv.poll_tick(cx)).await;
    /// assert!(at <= kiso::time::Instant::now());
    /// # });
    /// ```
    pub fn poll_tick(&mut self, cx: &mut Context<'_>) -> Poll<Instant> {
        ready!(self.delay.as_mut().poll(cx));
        let timeout = self.delay.deadline();
        let now = Instant::now();
        let next = if now > timeout + Duration::from_millis(5) {
            self.missed_tick_behavior
                .next_timeout(timeout, now, self.period)
        } else {
            timeout
                .checked_add(self.period)
                .unwrap_or_else(Instant::far_future)
        };
        self.delay.as_mut().reset(next);
        Poll::Ready(timeout)
    }

    /// Makes the next tick due one period from now.
    ///
    /// # Examples
    ///
    /// ```
    /// # let rt = kiso::runtime::Builder::new_current_thread().enable_time().start_paused(true).build().unwrap();
    /// # rt.block_on(async {
    /// use kiso::time::{interval, Duration, Instant};
    ///
    /// let mut iv = interval(Duration::from_millis(10));
    /// iv.tick().await;
    /// iv.reset();
    /// let before = Instant::now();
    /// iv.tick().await;
    /// assert_eq!(before.elapsed(), Duration::from_millis(10));
    /// # });
    /// ```
    pub fn reset(&mut self) {
        self.delay.as_mut().reset(Instant::now() + self.period);
    }

    /// Makes the next tick due now.
    ///
    /// # Examples
    ///
    /// ```
    /// # let rt = kiso::runtime::Builder::new_current_thread().enable_time().start_paused(true).build().unwrap();
    /// # rt.block_on(async {
    /// let mut iv = kiso::time::interval(std::time::Duration::from_secs(10));
    /// iv.tick().await;
    /// iv.reset_immediately();
    /// let before = kiso::time::Instant::now();
    /// iv.tick().await;
    /// assert_eq!(before.elapsed(), std::time::Duration::ZERO);
    /// # });
    /// ```
    pub fn reset_immediately(&mut self) {
        self.delay.as_mut().reset(Instant::now());
    }

    /// Makes the next tick due `after` from now.
    ///
    /// # Examples
    ///
    /// ```
    /// # let rt = kiso::runtime::Builder::new_current_thread().enable_time().start_paused(true).build().unwrap();
    /// # rt.block_on(async {
    /// use kiso::time::{interval, Duration, Instant};
    ///
    /// let mut iv = interval(Duration::from_millis(10));
    /// iv.tick().await;
    /// iv.reset_after(Duration::from_millis(3));
    /// let before = Instant::now();
    /// iv.tick().await;
    /// assert_eq!(before.elapsed(), Duration::from_millis(3));
    /// # });
    /// ```
    pub fn reset_after(&mut self, after: Duration) {
        self.delay.as_mut().reset(Instant::now() + after);
    }

    /// Makes the next tick due at `deadline`.
    ///
    /// # Examples
    ///
    /// ```
    /// # let rt = kiso::runtime::Builder::new_current_thread().enable_time().start_paused(true).build().unwrap();
    /// # rt.block_on(async {
    /// use kiso::time::{interval, Duration, Instant};
    ///
    /// let mut iv = interval(Duration::from_millis(10));
    /// iv.tick().await;
    /// let at = Instant::now() + Duration::from_millis(7);
    /// iv.reset_at(at);
    /// assert_eq!(iv.tick().await, at);
    /// # });
    /// ```
    pub fn reset_at(&mut self, deadline: Instant) {
        self.delay.as_mut().reset(deadline);
    }

    /// Returns the behavior for missed ticks.
    ///
    /// # Examples
    ///
    /// ```
    /// # let rt = kiso::runtime::Builder::new_current_thread().enable_time().build().unwrap();
    /// # let _g = rt.enter();
    /// let iv = kiso::time::interval(std::time::Duration::from_secs(1));
    /// assert_eq!(iv.missed_tick_behavior(), kiso::time::MissedTickBehavior::Burst);
    /// ```
    pub fn missed_tick_behavior(&self) -> MissedTickBehavior {
        self.missed_tick_behavior
    }

    /// Sets the behavior for missed ticks.
    ///
    /// # Examples
    ///
    /// ```
    /// # let rt = kiso::runtime::Builder::new_current_thread().enable_time().build().unwrap();
    /// # let _g = rt.enter();
    /// let mut iv = kiso::time::interval(std::time::Duration::from_secs(1));
    /// iv.set_missed_tick_behavior(kiso::time::MissedTickBehavior::Skip);
    /// ```
    pub fn set_missed_tick_behavior(&mut self, behavior: MissedTickBehavior) {
        self.missed_tick_behavior = behavior;
    }

    /// Returns the period.
    ///
    /// # Examples
    ///
    /// ```
    /// # let rt = kiso::runtime::Builder::new_current_thread().enable_time().build().unwrap();
    /// # let _g = rt.enter();
    /// let iv = kiso::time::interval(std::time::Duration::from_secs(1));
    /// assert_eq!(iv.period(), std::time::Duration::from_secs(1));
    /// ```
    pub fn period(&self) -> Duration {
        self.period
    }
}

impl fmt::Debug for Interval {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Interval")
            .field("delay", &self.delay)
            .field("period", &self.period)
            .field("missed_tick_behavior", &self.missed_tick_behavior)
            .finish()
    }
}
