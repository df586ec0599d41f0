//! `Timeout`, `timeout`, `timeout_at`.

use crate::task::coop;
use crate::time::error::Elapsed;
use crate::time::{sleep_until, Instant, Sleep};
use std::fmt;
use std::future::{Future, IntoFuture};
use std::marker::PhantomPinned;
use std::pin::Pin;
use std::task::{Context, Poll};
use std::time::Duration;

/// Requires `future` to complete before `duration` has elapsed.
///
/// The future is polled first on every poll, so a future that is ready
/// completes even with a zero duration. If the deadline passes first, the
/// result is `Err(Elapsed)` and the future is dropped with the `Timeout`.
///
/// # Cancel safety
///
/// As cancel safe as `future`: dropping the `Timeout` drops the future.
///
/// # Panics
///
/// Panics, naming the caller's location, if called outside a runtime with
/// time enabled.
///
/// # Examples
///
/// ```
/// # let rt = kiso::runtime::Builder::new_current_thread().enable_time().start_paused(true).build().unwrap();
/// # rt.block_on(async {
/// use kiso::time::{timeout, Duration};
///
/// assert_eq!(timeout(Duration::from_millis(10), async { 5 }).await, Ok(5));
/// assert!(timeout(Duration::from_millis(10), std::future::pending::<()>()).await.is_err());
/// # });
/// ```
#[track_caller]
pub fn timeout<F>(duration: Duration, future: F) -> Timeout<F::IntoFuture>
where
    F: IntoFuture,
{
    let deadline = Instant::now()
        .checked_add(duration)
        .unwrap_or_else(Instant::far_future);
    Timeout::new(future.into_future(), sleep_until(deadline))
}

/// Requires `future` to complete before `deadline`; see [`timeout`].
///
/// # Cancel safety
///
/// As cancel safe as `future`.
///
/// # Panics
///
/// Panics, naming the caller's location, if called outside a runtime with
/// time enabled.
///
/// # Examples
///
/// ```
/// # let rt = kiso::runtime::Builder::new_current_thread().enable_time().start_paused(true).build().unwrap();
/// # rt.block_on(async {
/// use kiso::time::{timeout_at, Duration, Instant};
///
/// let res = timeout_at(Instant::now() + Duration::from_millis(10), async { "fast" }).await;
/// assert_eq!(res, Ok("fast"));
/// # });
/// ```
#[track_caller]
pub fn timeout_at<F>(deadline: Instant, future: F) -> Timeout<F::IntoFuture>
where
    F: IntoFuture,
{
    Timeout::new(future.into_future(), sleep_until(deadline))
}

/// The future returned by [`timeout`] and [`timeout_at`].
///
/// # Examples
///
/// ```
/// # let rt = kiso::runtime::Builder::new_current_thread().enable_time().start_paused(true).build().unwrap();
/// # rt.block_on(async {
/// let t = kiso::time::timeout(std::time::Duration::from_secs(1), async { 1 });
/// assert_eq!(t.await.unwrap(), 1);
/// # });
/// ```
#[must_use = "futures do nothing unless you `.await` or poll them"]
pub struct Timeout<T> {
    value: T,
    delay: Sleep,
    _pinned: PhantomPinned,
}

/// `Timeout` pins its timer, so it is never `Unpin`: the condition below
/// never holds (the gate contains a `PhantomPinned`). It is written as a
/// conditional impl, the shape Tokio's pin-projected `Timeout` has.
impl<T> Unpin for Timeout<T> where UnpinGate<T>: Unpin {}

#[allow(dead_code, missing_debug_implementations)]
#[doc(hidden)]
pub struct UnpinGate<T>(T, PhantomPinned);

impl<T> Timeout<T> {
    fn new(value: T, delay: Sleep) -> Timeout<T> {
        Timeout {
            value,
            delay,
            _pinned: PhantomPinned,
        }
    }

    /// Returns a reference to the wrapped future.
    ///
    /// # Examples
    ///
    /// ```
    /// # let rt = kiso::runtime::Builder::new_current_thread().enable_time().build().unwrap();
    /// # let _g = rt.enter();
    /// let t = kiso::time::timeout(std::time::Duration::from_secs(1), std::future::ready(3));
    /// let _inner: &std::future::Ready<i32> = t.get_ref();
    /// ```
    pub fn get_ref(&self) -> &T {
        &self.value
    }

    /// Returns a mutable reference to the wrapped future.
    ///
    /// # Examples
    ///
    /// ```
    /// # let rt = kiso::runtime::Builder::new_current_thread().enable_time().build().unwrap();
    /// # let _g = rt.enter();
    /// let mut t = kiso::time::timeout(std::time::Duration::from_secs(1), std::future::ready(3));
    /// let _inner: &mut std::future::Ready<i32> = t.get_mut();
    /// ```
    pub fn get_mut(&mut self) -> &mut T {
        &mut self.value
    }

    /// Returns the wrapped future, dropping the timer.
    ///
    /// # Examples
    ///
    /// ```
    /// # let rt = kiso::runtime::Builder::new_current_thread().enable_time().build().unwrap();
    /// # rt.block_on(async {
    /// let t = kiso::time::timeout(std::time::Duration::from_secs(1), std::future::ready(3));
    /// assert_eq!(t.into_inner().await, 3);
    /// # });
    /// ```
    pub fn into_inner(self) -> T {
        // A `Timeout` reachable by value was never pinned, so its timer was
        // never registered and may simply be dropped.
        self.value
    }
}

impl<T: Future> Future for Timeout<T> {
    type Output = Result<T::Output, Elapsed>;

    fn poll(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Self::Output> {
        // SAFETY: both fields are structurally pinned; neither is moved.
        let me = unsafe { self.get_unchecked_mut() };
        let had_budget = coop::has_budget_remaining();
        // SAFETY: as above.
        if let Poll::Ready(v) = unsafe { Pin::new_unchecked(&mut me.value) }.poll(cx) {
            return Poll::Ready(Ok(v));
        }
        let has_budget = coop::has_budget_remaining();
        // SAFETY: as above.
        let delay = unsafe { Pin::new_unchecked(&mut me.delay) };
        let poll_delay = move || match delay.poll(cx) {
            Poll::Ready(()) => Poll::Ready(Err(Elapsed::new())),
            Poll::Pending => Poll::Pending,
        };
        if had_budget && !has_budget {
            // The inner future spent the budget: still let the deadline be
            // noticed.
            coop::with_budget(coop::Budget::unconstrained(), poll_delay)
        } else {
            poll_delay()
        }
    }
}

impl<T: fmt::Debug> fmt::Debug for Timeout<T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Timeout")
            .field("value", &self.value)
            .field("delay", &self.delay)
            .finish()
    }
}
