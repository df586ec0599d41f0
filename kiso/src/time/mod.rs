//! Utilities for tracking time: sleeping, intervals, timeouts.
//!
//! * [`sleep`] and [`sleep_until`] wait until a duration has elapsed or a
//!   deadline is reached;
//! * [`interval`] yields ticks at a fixed period;
//! * [`timeout`] bounds how long a future may take.
//!
//! Timers have millisecond granularity and need a runtime built with
//! [`enable_time`](crate::runtime::Builder::enable_time) (or `enable_all`).
//! Each worker keeps its own timer wheel, so timers never contend on a
//! runtime-wide lock. With the `test-util` feature, `pause`, `resume` and
//! `advance` (functions of this module) control the clock, and a paused clock jumps
//! ahead to the next timer when the runtime has nothing else to do.
//!
//! # Examples
//!
//! ```
//! # let rt = kiso::runtime::Builder::new_current_thread().enable_time().start_paused(true).build().unwrap();
//! # rt.block_on(async {
//! use kiso::time::{sleep, timeout, Duration};
//!
//! sleep(Duration::from_millis(100)).await;
//! let res = timeout(Duration::from_millis(10), sleep(Duration::from_secs(1))).await;
//! assert!(res.is_err());
//! # });
//! ```

pub mod error;
mod instant;
mod interval;
mod sleep;
mod timeout;

pub use instant::Instant;
pub use interval::{interval, interval_at, Interval, MissedTickBehavior};
pub use sleep::{sleep, sleep_until, Sleep};
pub use std::time::Duration;
pub use timeout::{timeout, timeout_at, Timeout};

use crate::runtime::{context, HandleInner};
use std::sync::Arc;

/// The entered runtime, which must have time enabled.
#[track_caller]
pub(crate) fn current_time_handle() -> Arc<HandleInner> {
    let Some(ptr) = context::with_current(|h| h.map(|h| h as *const HandleInner)) else {
        panic!(
            "there is no reactor running, must be called from the context of a kiso \
             (Tokio 1.x compatible) runtime"
        )
    };
    // SAFETY: the entered handle is kept alive by the guard that entered it;
    // we take a new strong count.
    let handle = unsafe {
        Arc::increment_strong_count(ptr);
        Arc::from_raw(ptr)
    };
    if handle.time().is_none() {
        panic!(
            "A kiso (Tokio 1.x compatible) runtime was found, but timers are disabled. Call \
             `enable_time` on the runtime builder to enable timers."
        );
    }
    handle
}

/// Now, by the entered runtime's clock (paused or not), else the system's.
pub(crate) fn clock_now() -> std::time::Instant {
    #[cfg(feature = "test-util")]
    {
        let paused = context::with_current(|h| {
            h.and_then(|h| h.time())
                .filter(|t| t.clock.is_controlled())
                .map(|t| t.clock.now())
        });
        if let Some(now) = paused {
            return now;
        }
    }
    std::time::Instant::now()
}

/// The entered runtime's time driver, for the clock controls.
#[cfg(feature = "test-util")]
#[track_caller]
fn clock_handle() -> Arc<HandleInner> {
    if context::with_current(|h| h.is_none()) {
        panic!("time cannot be frozen from outside the kiso (Tokio 1.x compatible) runtime");
    }
    current_time_handle()
}

cfg_test_util! {
    /// Pauses time: the clock of the current runtime stops.
    ///
    /// While paused, time moves only through [`advance`] or, when the runtime
    /// has no task to run and no blocking task is running, by jumping to the
    /// next timer's deadline. Timers then fire in order without real waiting,
    /// which makes time-dependent tests fast and deterministic.
    ///
    /// # Panics
    ///
    /// Panics if time is already paused, or if not called from a
    /// current-thread runtime with time enabled.
    ///
    /// # Examples
    ///
    /// ```
    /// # let rt = kiso::runtime::Builder::new_current_thread().enable_time().build().unwrap();
    /// # rt.block_on(async {
    /// use kiso::time::{pause, sleep, Duration, Instant};
    ///
    /// pause();
    /// let start = Instant::now();
    /// sleep(Duration::from_secs(3600)).await; // completes at once
    /// // The clock jumped to the deadline (timers have 1 ms granularity).
    /// assert!(start.elapsed() >= Duration::from_secs(3600));
    /// assert!(start.elapsed() < Duration::from_secs(3600) + Duration::from_millis(1));
    /// # });
    /// ```
    #[track_caller]
    pub fn pause() {
        let handle = clock_handle();
        if !matches!(handle.flavor, crate::runtime::RuntimeFlavor::CurrentThread) {
            panic!("`time::pause()` requires the `current_thread` runtime. This is the default runtime used by `#[kiso::test]`.");
        }
        handle.time().expect("checked").clock.pause();
    }

    /// Resumes time after [`pause`]: the clock moves with real time again,
    /// from where it was.
    ///
    /// # Panics
    ///
    /// Panics if time is not paused, or if not called from a runtime with
    /// time enabled.
    ///
    /// # Examples
    ///
    /// ```
    /// # let rt = kiso::runtime::Builder::new_current_thread().enable_time().build().unwrap();
    /// # rt.block_on(async {
    /// kiso::time::pause();
    /// kiso::time::resume();
    /// # });
    /// ```
    #[track_caller]
    pub fn resume() {
        let handle = clock_handle();
        handle.time().expect("checked").clock.resume();
    }

    /// Moves paused time forward by `duration`, firing the timers that come
    /// due, then yields so that the tasks they woke can run.
    ///
    /// # Panics
    ///
    /// Panics if time is not paused, or if not called from a runtime with
    /// time enabled.
    ///
    /// # Examples
    ///
    /// ```
    /// # let rt = kiso::runtime::Builder::new_current_thread().enable_time().start_paused(true).build().unwrap();
    /// # rt.block_on(async {
    /// use kiso::time::{advance, Duration, Instant};
    ///
    /// let start = Instant::now();
    /// advance(Duration::from_secs(5)).await;
    /// assert_eq!(start.elapsed(), Duration::from_secs(5));
    /// # });
    /// ```
    pub async fn advance(duration: Duration) {
        let handle = clock_handle();
        let time = handle.time().expect("checked");
        time.clock.advance(duration);
        time.process_all();
        crate::task::yield_now().await;
    }
}
