//! `Sleep`, `sleep`, `sleep_until`.

use crate::runtime::time::entry::TimerEntry;
use crate::time::Instant;
use std::fmt;
use std::future::Future;
use std::pin::Pin;
use std::task::{ready, Context, Poll};
use std::time::Duration;

/// Waits until `duration` has elapsed.
///
/// Equivalent to `sleep_until(Instant::now() + duration)`. The wait has
/// millisecond granularity (deadlines are rounded up to the next
/// millisecond) and is measured on the runtime's clock. A duration too large
/// to represent sleeps for about 30 years.
///
/// The timer is registered with the runtime the first time the returned
/// future is polled.
///
/// # Cancel safety
///
/// Cancel safe: dropping it cancels the timer.
///
/// # Panics
///
/// Panics, naming the caller's location, if called outside a runtime, or on
/// a runtime built without [`enable_time`](crate::runtime::Builder::enable_time).
///
/// # Examples
///
/// ```
/// # let rt = kiso::runtime::Builder::new_current_thread().enable_time().start_paused(true).build().unwrap();
/// # rt.block_on(async {
/// use kiso::time::{sleep, Duration, Instant};
///
/// let start = Instant::now();
/// sleep(Duration::from_millis(100)).await;
/// assert!(start.elapsed() >= Duration::from_millis(100));
/// # });
/// ```
#[track_caller]
pub fn sleep(duration: Duration) -> Sleep {
    let deadline = Instant::now()
        .checked_add(duration)
        .unwrap_or_else(Instant::far_future);
    Sleep::new(deadline)
}

/// Waits until `deadline` is reached; see [`sleep`].
///
/// # Cancel safety
///
/// Cancel safe: dropping it cancels the timer.
///
/// # Panics
///
/// Panics, naming the caller's location, if called outside a runtime, or on
/// a runtime built without [`enable_time`](crate::runtime::Builder::enable_time).
///
/// # Examples
///
/// ```
/// # let rt = kiso::runtime::Builder::new_current_thread().enable_time().start_paused(true).build().unwrap();
/// # rt.block_on(async {
/// use kiso::time::{sleep_until, Duration, Instant};
///
/// let deadline = Instant::now() + Duration::from_millis(50);
/// sleep_until(deadline).await;
/// assert!(Instant::now() >= deadline);
/// # });
/// ```
#[track_caller]
pub fn sleep_until(deadline: Instant) -> Sleep {
    Sleep::new(deadline)
}

/// The future returned by [`sleep`] and [`sleep_until`].
///
/// It must be pinned to be polled (it is `!Unpin`); use
/// [`pin!`](crate::pin) or `Box::pin`.
///
/// # Examples
///
/// ```
/// # let rt = kiso::runtime::Builder::new_current_thread().enable_time().start_paused(true).build().unwrap();
/// # rt.block_on(async {
/// use kiso::time::{sleep, Duration, Instant};
///
/// let sleep = sleep(Duration::from_millis(10));
/// kiso::pin!(sleep);
/// // Move the deadline before waiting.
/// sleep.as_mut().reset(Instant::now() + Duration::from_millis(20));
/// sleep.await;
/// # });
/// ```
#[must_use = "futures do nothing unless you `.await` or poll them"]
pub struct Sleep {
    entry: TimerEntry,
}

impl Sleep {
    #[track_caller]
    fn new(deadline: Instant) -> Sleep {
        let handle = crate::time::current_time_handle();
        Sleep {
            entry: TimerEntry::new(handle, deadline.into_std()),
        }
    }

    /// Returns the instant at which the future completes.
    ///
    /// # Examples
    ///
    /// ```
    /// # let rt = kiso::runtime::Builder::new_current_thread().enable_time().build().unwrap();
    /// # let _g = rt.enter();
    /// use kiso::time::{sleep_until, Duration, Instant};
    ///
    /// let at = Instant::now() + Duration::from_secs(1);
    /// assert_eq!(sleep_until(at).deadline(), at);
    /// ```
    pub fn deadline(&self) -> Instant {
        Instant::from_std(self.entry.deadline())
    }

    /// Returns true once the deadline has been reached and the timer has
    /// fired (it is checked when the future is polled).
    ///
    /// # Examples
    ///
    /// ```
    /// # let rt = kiso::runtime::Builder::new_current_thread().enable_time().start_paused(true).build().unwrap();
    /// # rt.block_on(async {
    /// use kiso::time::{sleep, Duration};
    ///
    /// let s = sleep(Duration::from_millis(1));
    /// kiso::pin!(s);
    /// assert!(!s.is_elapsed());
    /// s.as_mut().await;
    /// assert!(s.is_elapsed());
    /// # });
    /// ```
    pub fn is_elapsed(&self) -> bool {
        self.entry.is_elapsed()
    }

    /// Moves the deadline to `deadline`, whether or not the old one was
    /// reached. A registered timer is re-armed at once, so a task waiting
    /// on this `Sleep` wakes at the new deadline.
    ///
    /// # Examples
    ///
    /// ```
    /// # let rt = kiso::runtime::Builder::new_current_thread().enable_time().start_paused(true).build().unwrap();
    /// # rt.block_on(async {
    /// use kiso::time::{sleep, Duration, Instant};
    ///
    /// let s = sleep(Duration::from_secs(10));
    /// kiso::pin!(s);
    /// let start = Instant::now();
    /// s.as_mut().reset(start + Duration::from_millis(5));
    /// s.await;
    /// assert!(start.elapsed() < Duration::from_secs(10));
    /// # });
    /// ```
    pub fn reset(self: Pin<&mut Self>, deadline: Instant) {
        // SAFETY: the entry is structurally pinned; `reset` keeps it in
        // place.
        unsafe { self.get_unchecked_mut().entry.reset(deadline.into_std()) }
    }
}

impl Future for Sleep {
    type Output = ();

    fn poll(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<()> {
        let coop = ready!(crate::task::coop::poll_proceed(cx));
        // SAFETY: the entry is structurally pinned and never moved out.
        let res = unsafe { self.get_unchecked_mut().entry.poll_elapsed(cx) };
        if res.is_ready() {
            coop.made_progress();
        }
        res
    }
}

impl fmt::Debug for Sleep {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Sleep")
            .field("deadline", &self.deadline())
            .finish()
    }
}
